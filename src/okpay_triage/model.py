"""The shape of a diagnostic tree, as frozen pydantic models.

This module owns the tree *format*: which keys exist, which values they take, and which are
required. It holds no behaviour beyond field validation; graph rules (references resolve, no
cycles, required facts collected) live in `graph.py`, reading files lives in `loader.py`.
Unknown keys are forbidden everywhere, so a typo such as ``nxet:`` is an error at that key.
`Tree.model_json_schema()` is the JSON Schema that `okpay-triage schema` prints.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, NamedTuple, get_type_hints

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    PrivateAttr,
    StringConstraints,
)
from pydantic_core import core_schema

#: Ids are plain ASCII so that look-alike or invisible characters can never hide in them.
ID_PATTERN = r"^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$"

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]
Word = Annotated[str, StringConstraints(pattern=r"\S", max_length=200)]

FactType = Literal[
    "transaction_id",
    "order_number",
    "money",
    "datetime",
    "email",
    "phone",
    "text",
    "choice",
]
Escalation = Literal["no", "if-unresolved", "yes", "urgent"]
Severity = Literal["low", "medium", "high", "critical"]
Language = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "zh")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)


class Text(NamedTuple):
    """A user-visible string in both languages, written as a mapping ``{en: ..., zh: ...}``.

    A named tuple rather than a model: trees hold tens of thousands of texts, and a tuple
    costs a fraction of a model instance to build and to keep.
    """

    en: str
    zh: str

    def get(self, lang: Language) -> str:
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


def _record_schema(
    cls: Any, handler: GetCoreSchemaHandler, defaults: dict[str, Any]
) -> core_schema.CoreSchema:
    """Validate a named tuple from a mapping of its fields, as a frozen model would be.

    Unknown keys are forbidden, the fields without a default in `defaults` are required,
    and the error types, JSON Schema and serialised mapping are those a model gives. A tree
    holds two of these for every option (the option and its synonyms); as tuples they cost
    about a third of the time and memory of model instances to build and keep.
    """
    hints = get_type_hints(cls, include_extras=True)
    fields = {
        name: core_schema.typed_dict_field(
            core_schema.with_default_schema(
                handler.generate_schema(hints[name]), default=defaults[name]
            )
            if name in defaults
            else handler.generate_schema(hints[name]),
            required=name not in defaults,
        )
        for name in cls._fields
    }
    mapping = core_schema.typed_dict_schema(
        fields, extra_behavior="forbid", total=True, cls=cls, ref=cls.__name__
    )
    names = cls._fields
    return core_schema.no_info_after_validator_function(
        lambda data: cls(*(data[name] for name in names)),
        mapping,
        serialization=core_schema.plain_serializer_function_ser_schema(
            lambda record: dict(zip(names, record, strict=True)), return_schema=mapping
        ),
    )


class Words(NamedTuple):
    """Words in both languages: option synonyms, tree keywords."""

    en: tuple[Word, ...] = ()
    zh: tuple[Word, ...] = ()

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _record_schema(cls, handler, cls._field_defaults)


class Fact(_Frozen):
    """A declared fact: something a session collects, or a caller supplies up front."""

    type: FactType
    label: Text
    sensitive: bool = Field(
        default=False, description="Personal data: stored and shown masked, never in full."
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
    assume_timezone: str | None = Field(
        default=None,
        description="Date-time facts: IANA zone assumed when the user gives none "
        "(otherwise a time without a zone is asked again).",
    )
    choices: tuple[Id, ...] = Field(
        default=(), description="Choice facts: the allowed values (default: the bound options)."
    )


class Option(NamedTuple):
    """One answer to a question, and where it leads.

    `synonyms` may be left out of a tree file (no synonyms); from Python, give it.
    """

    id: Id
    label: Text
    synonyms: Words
    next: Id

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _record_schema(cls, handler, {"synonyms": Words()})


class Question(_Frozen):
    """A step that offers options; bound to a fact, it is skipped when the fact is known."""

    kind: Literal["question"]
    id: Id
    prompt: Text
    info: tuple[Text, ...] = Field(
        default=(), description="Lines shown before the question, e.g. steps to try first."
    )
    help: Text | None = None
    fact: Id | None = None
    options: tuple[Option, ...] = Field(min_length=1)


class Input(_Frozen):
    """A step that collects one typed fact from the user."""

    kind: Literal["input"]
    id: Id
    prompt: Text
    help: Text | None = None
    fact: Id
    optional: bool = Field(
        default=False, description="The user may skip it; the fact is then reported as missing."
    )
    next: Id


class Outcome(_Frozen):
    """A leaf: the diagnosis, what the user can do now, and whether to escalate."""

    kind: Literal["outcome"]
    id: Id
    title: Text
    cause: Text
    steps: tuple[Text, ...] = Field(min_length=1)
    escalate: Escalation
    severity: Severity
    requires: tuple[Id, ...] = Field(
        default=(), description="Facts support needs; collected on every path into it."
    )
    attachments: tuple[Text, ...] = Field(
        default=(), description="What to attach when escalating, e.g. screenshots."
    )


Node = Annotated[Question | Input | Outcome, Field(discriminator="kind")]


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

    # Where each value was written (set by the loader) and the content hash; not fields.
    _source: Any = PrivateAttr(default=None)
    _hash: str = PrivateAttr(default="")
    _compiled: Any = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        # What the tree says, not where it was read from (the private attributes).
        if not isinstance(other, Tree):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # facts is a dict: trees are not hashable
