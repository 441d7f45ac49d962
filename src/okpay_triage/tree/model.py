"""The shape of a diagnostic tree, as frozen pydantic models and dataclasses.

This module owns the tree *format*: which keys exist, which values they take, and which are
required. It holds no behaviour beyond field validation; graph rules (references resolve, no
cycles, required facts collected) live in `tree.checks`, reading files in `tree.parse` and
`tree.load`. Unknown keys are forbidden everywhere, so a typo such as ``nxet:`` is an error
at that key. `Tree.model_json_schema()` is the JSON Schema that `okpay-triage schema` prints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    PrivateAttr,
    StringConstraints,
    model_validator,
)
from pydantic.dataclasses import dataclass
from pydantic_core import core_schema

from okpay_triage.types import ID_PATTERN, ChannelId, Escalation, FactType, Keep, Lang, Severity

if TYPE_CHECKING:
    from .parse import SourceMap

_T = TypeVar("_T")

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]
Word = Annotated[str, StringConstraints(pattern=r"\S", max_length=200)]

_CONFIG = ConfigDict(extra="forbid", hide_input_in_errors=True)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, **_CONFIG)


#: The records a tree holds one of per node, option or synonym list: pydantic dataclasses
#: with slots. They validate, report errors and give the JSON Schema as models do, frozen
#: and with unknown keys forbidden, but an instance is one small object where a model
#: instance also carries a dict and a set of the fields it was given (about 1 kB each).
#: Their `Field(...)`s go inside `Annotated`: as a default, pydantic would move the field
#: ahead of the others in the JSON Schema.
_record = dataclass(frozen=True, slots=True, kw_only=True, config=_CONFIG)


class Text(NamedTuple):
    """A user-visible string in both languages, written as a mapping ``{en: ..., zh: ...}``.

    A named tuple rather than a model: trees hold tens of thousands of texts, and a tuple
    costs a fraction of a model instance to build and to keep.
    """

    en: str
    zh: str

    def get(self, lang: Lang) -> str:
        """The text in `lang`."""
        return self.zh if lang == "zh" else self.en

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        line = core_schema.str_schema(pattern=r"\S", max_length=4000)
        mapping = core_schema.typed_dict_schema(
            {
                "en": core_schema.typed_dict_field(line),
                "zh": core_schema.typed_dict_field(line),
            },
            extra_behavior="forbid",
            total=True,
        )
        return core_schema.no_info_after_validator_function(
            lambda data: cls(data["en"], data["zh"]),
            mapping,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda text: {"en": text.en, "zh": text.zh}
            ),
        )


@_record
class Words:
    """Words in both languages: option synonyms, tree keywords."""

    en: tuple[Word, ...] = ()
    zh: tuple[Word, ...] = ()


def _known_zone(name: str) -> str:
    """An IANA time zone this machine knows (``Asia/Shanghai``), or "UTC"."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{name!r} is not a time zone; use an IANA name such as Asia/Shanghai"
        ) from None
    return name


class Fact(_Frozen):
    """A declared fact: something a session collects, or a caller supplies up front.

    `keep` says how a personal fact is kept: ``whole`` (as given, normalised, in the session
    and the packet to support; masked wherever it is only shown) or ``masked`` (kept masked).
    Written, it makes the fact personal data, so `sensitive` is true; an ``account`` fact is
    personal data and kept whole unless it says otherwise. ``sensitive: false`` beside either
    is a contradiction, refused at that fact. Unwritten, `keep` is left out of the tree's
    data (and its content hash), so trees that do not use it hash as they did before it.
    """

    type: FactType
    label: Text
    sensitive: bool = Field(
        default=False,
        description="Personal data: shown masked, never in full; kept masked unless `keep` "
        "says whole (true for an account fact, and for any fact that writes `keep`).",
    )
    keep: Keep | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="Personal facts: 'whole' keeps the value as given (normalised) for "
        "support and masks it only where shown; 'masked' keeps it masked. Default: 'whole' "
        "for an account fact, 'masked' for any other sensitive fact.",
    )
    from_caller: bool = Field(
        default=False,
        description="Supplied by the embedding application; counts as collected on every path.",
    )
    hint: Text | None = Field(default=None, description="The format the user should type.")
    max_length: int = Field(default=500, ge=1, le=4000, description="For text facts.")
    currencies: tuple[Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")], ...] = Field(
        default=(), description="Money facts: accepted ISO 4217 codes (empty: any)."
    )
    default_currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = Field(
        default=None, description="Money facts: the currency assumed when none is typed."
    )
    assume_timezone: (
        Annotated[str, StringConstraints(max_length=64), AfterValidator(_known_zone)] | None
    ) = Field(
        default=None,
        description="Date-time facts: IANA zone assumed when the user gives none "
        "(otherwise a time without a zone is asked again).",
    )
    choices: tuple[Id, ...] = Field(
        default=(), description="Choice facts: the allowed values (default: the bound options)."
    )
    # The options below are left out of a tree's data while unset, so trees that do not use
    # them keep their content hash (and their saved sessions) from before they were added.
    allow_zero: bool = Field(
        default=False,
        exclude_if=lambda value: value is False,
        description="Money facts: 0 (or 没显示, no fee shown) is a valid answer, kept as 0.00.",
    )
    not_before: Id | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="Date-time facts: a datetime fact this one cannot be earlier than "
        "(a refund requested before the purchase is asked again).",
    )

    @model_validator(mode="after")
    def _personal(self) -> Fact:
        """An account fact, and one that says how it is kept, is personal data."""
        if self.sensitive or not (self.type == "account" or self.keep is not None):
            return self
        if "sensitive" in self.model_fields_set:
            raise ValueError(
                "a fact of type account, or one with keep, is personal data and always "
                "sensitive (shown masked); remove 'sensitive: false' (keep: whole already "
                "keeps it whole for support)"
            )
        object.__setattr__(self, "sensitive", True)  # frozen: set once, while validating
        return self


@_record
class Option:
    """One answer to a question, and where it leads."""

    id: Id
    label: Text
    synonyms: Words = Words()
    next: Id
    packet: Annotated[
        Text | None,
        Field(
            description='What this answer tells support, in the third person ("The user '
            "says they applied within the refund window\"); listed in the packet's key facts."
        ),
    ] = None


@_record
class Question:
    """A step that offers options; bound to a fact, it is skipped when the fact is known."""

    kind: Literal["question"]
    id: Id
    prompt: Text
    info: Annotated[
        tuple[Text, ...],
        Field(description="Lines shown before the question, e.g. steps to try first."),
    ] = ()
    help: Text | None = None
    fact: Id | None = None
    options: Annotated[
        tuple[Option, ...],
        Field(min_length=2, description="At least two: with one way on, use an input."),
    ]


@_record
class Input:
    """A step that collects one typed fact from the user."""

    kind: Literal["input"]
    id: Id
    prompt: Text
    help: Text | None = None
    fact: Id
    optional: Annotated[
        bool, Field(description="The user may skip it; the fact is then reported as missing.")
    ] = False
    next: Id


@_record
class Outcome:
    """A leaf: the diagnosis, what the user can do now, and whether to escalate."""

    kind: Literal["outcome"]
    id: Id
    title: Text
    cause: Text
    steps: Annotated[tuple[Text, ...], Field(min_length=1)]
    escalate: Escalation
    severity: Severity
    requires: Annotated[
        tuple[Id, ...], Field(description="Facts support needs; collected on every path into it.")
    ] = ()
    attachments: Annotated[
        tuple[Text, ...], Field(description="What to attach when escalating, e.g. screenshots.")
    ] = ()
    channel: Annotated[
        ChannelId | None,
        Field(
            description="The channel the steps advise; the packet recommends it, adjusted "
            "only for working hours and urgency."
        ),
    ] = None
    complaint: Annotated[
        bool, Field(description="A complaint or appeal: routed to a written channel.")
    ] = False
    packet: Annotated[
        Text | None,
        Field(
            description='The cause as support reads it, in the third person ("The user '
            'says the reset code never arrives"); the packet shows it in place of `cause`, '
            "which speaks to the user. Expected on every outcome that escalates."
        ),
    ] = None


#: The conditions a route branch can test, and the fact type each fits: a money fact above or
#: below a threshold, a datetime fact older or newer than an age (both named thresholds of
#: the deployment's configuration, never a number in the tree), a choice fact in a set.
CONDITION_TYPES: dict[str, str] = {
    "above": "money",
    "below": "money",
    "older_than": "datetime",
    "newer_than": "datetime",
    "in": "choice",
}


def _condition(value: Any) -> Any:
    """``known``, or a mapping of one condition to the name of a configured threshold (a
    list of choice ids for ``in``): checked before the types, so that a number written
    where a name belongs gets one clear message."""
    import re

    if value == "known":
        return value
    if not isinstance(value, dict) or len(value) != 1:
        raise ValueError(
            "a condition is 'known' or one of {above: NAME}, {below: NAME}, "
            "{older_than: NAME}, {newer_than: NAME}, {in: [CHOICE, ...]}"
        )
    [(op, arg)] = value.items()
    if op not in CONDITION_TYPES:
        raise ValueError(f"unknown condition {op!r}; use one of {', '.join(CONDITION_TYPES)}")
    names = arg if op == "in" and isinstance(arg, list) else [arg]
    if op == "in" and not (isinstance(arg, list) and arg):
        raise ValueError("'in' takes a list of one or more choice ids")
    for name in names:
        if not (isinstance(name, str) and len(name) <= 64 and re.fullmatch(ID_PATTERN, name)):
            if op == "in":
                raise ValueError(f"'in' takes choice ids, not {str(name)[:40]!r}")
            raise ValueError(
                f"'{op}' takes the name of a threshold set in the configuration (such as "
                f"large_amount), not {str(name)[:40]!r}: a tree never holds the number"
            )
    return value


Condition = Annotated[
    Literal["known"] | dict[str, Id | tuple[Id, ...]],
    BeforeValidator(_condition),
]


@_record
class Branch:
    """One way out of a route: taken when its condition holds of the route's fact."""

    when: Annotated[
        Condition,
        Field(
            description="'known', or {above|below: threshold} (money), {older_than|"
            "newer_than: threshold} (datetime), {in: [choice ids]} (choice); thresholds "
            "are named in the deployment configuration."
        ),
    ]
    next: Id


@_record
class Route:
    """A step that asks nothing: it branches on a fact already known, by the first branch
    whose condition holds, else `default`."""

    kind: Literal["route"]
    id: Id
    fact: Id
    routes: Annotated[tuple[Branch, ...], Field(min_length=1)]
    default: Annotated[
        Id,
        Field(
            description="Where the route goes when no condition holds (or the fact is not known)."
        ),
    ]


Node = Annotated[Question | Input | Route | Outcome, Field(discriminator="kind")]


class Tree(_Frozen):
    """A whole diagnostic tree as written in a tree file."""

    id: Id
    version: Annotated[str, StringConstraints(pattern=r"^\S{1,32}$")]
    title: Text
    description: Text | None = None
    keywords: Words = Words()
    start: Id
    facts: dict[Id, Fact] = Field(default_factory=dict)
    nodes: tuple[Node, ...] = Field(min_length=1)

    # Where each value was written (set by the loader), and what is derived from the tree
    # once (its content hash, its compiled form); not fields.
    _source: Any = PrivateAttr(default=None)
    _derived: dict[str, Any] = PrivateAttr(default_factory=dict)

    @property
    def source(self) -> SourceMap | None:
        """Where each key and value was written, if the tree was read from a file."""
        return self._source  # type: ignore[no-any-return]  # a SourceMap or None, set below

    def set_source(self, source: SourceMap) -> None:
        """Record where the tree was read from (the loader does this once it is built)."""
        self._source = source

    def derived(self, name: str, build: Callable[[Tree], _T]) -> _T:
        """`build(self)`, computed once per tree and kept under `name`: a frozen tree's
        content hash or compiled form never changes."""
        if name not in self._derived:
            self._derived[name] = build(self)
        return self._derived[name]  # type: ignore[no-any-return]  # what build returned

    def __eq__(self, other: object) -> bool:
        # What the tree says, not where it was read from (the private attributes).
        if not isinstance(other, Tree):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # facts is a dict: trees are not hashable
