"""The escalation packet's records: what support reads, as frozen pydantic models.

Every text is stored through `scrub` (the `SafeText` type): control characters out, length
capped, and secrets dropped and personal data masked, so a packet made by hand or read from
JSON never carries a secret whatever reached it. `build.build_packet` fills the records
with `made_clean` instead: what it puts in is already redacted (a session's values are, when
they enter it) or no user's data at all (the tree's, the configuration's and our own words),
so it is not redacted again; the rest of `scrub` still applies. `PacketContent` is the
packet's data; `render.EscalationPacket` adds its renderings.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from okpay_triage.config import OneLine
from okpay_triage.redaction import redact, redact_except
from okpay_triage.redaction.secrets import drop_secrets
from okpay_triage.text import clean_controls
from okpay_triage.types import ChannelKind, Escalation, Lang, Priority, Severity, Source

PACKET_FORMAT: Final = "okpay-triage/packet"

#: The longest single text a packet keeps (answers are capped well below this on input).
MAX_TEXT = 5000
#: A case reference: one made by this tool (``OKP-7F3A9C2B41``; older packets
#: ``OKP-20261122-7F3A9C``) or an external ticket id passed in (``ZD-12345``, ``12345``).
CASE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"


def scrub(text: str, keep: str | None = None) -> str:
    """Text fit for a packet: lone surrogates replaced, control characters (other than
    newline and tab) removed, secrets dropped and personal data masked, at most `MAX_TEXT`
    characters. `keep` (the case id) is left as written wherever it stands on its own
    (`redaction.redact_except`). Idempotent."""
    text = clean_controls(text)
    return _cut(redact_except(text, keep) if keep else redact(text))


def _cut(text: str) -> str:
    return text[: MAX_TEXT - 1] + "…" if len(text) > MAX_TEXT else text


# The validation context of `made_clean`: an object no JSON or dict of data can hold.
_CLEAN = object()


def _scrub_field(text: str, info: ValidationInfo, keep: str | None = None) -> str:
    """`scrub`, without its redaction for a record made by `made_clean`."""
    if isinstance(info.context, dict) and info.context.get("clean") is _CLEAN:
        return _cut(clean_controls(text))
    return scrub(text, keep)


#: Every text from a session, a tree or the configuration is stored scrubbed.
SafeText = Annotated[str, AfterValidator(_scrub_field)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Record = TypeVar("Record", bound=_Frozen)


def made_clean(record: type[Record], **fields: Any) -> Record:
    """A `record` of `fields` whose texts are already redacted or no user's data: validated
    like any other (types, patterns, control characters, length), but not redacted again.

    For `build_packet` and its routing only: there every text is a session's value,
    redacted when it entered the session, or the tree's, the configuration's or our own.
    Nested records must be made with `made_clean` too (a record is never validated twice).
    """
    return record.model_validate(fields, context={"clean": _CLEAN})


class TreeInfo(_Frozen):
    """The tree the session ran on: id, version, content hash and title."""

    id: Identifier
    version: Annotated[str, StringConstraints(pattern=r"^\S{1,32}$")]
    hash: Identifier
    title: SafeText
    replayed_from: Annotated[
        str | None,
        StringConstraints(pattern=r"^\S{1,32}$"),
        Field(
            description="The version the session was saved under, when its answers were "
            "replayed on this one after a tree upgrade; None when it ran on this version."
        ),
    ] = None


class PacketOutcome(_Frozen):
    """The diagnosis: what the session concluded and what the user was told to do."""

    id: Identifier
    title: SafeText
    cause: SafeText
    steps: tuple[SafeText, ...]
    escalate: Escalation
    severity: Severity


class PacketFact(_Frozen):
    """One collected fact: `value` as the session keeps it, `shown` as a reader sees it (the
    option label for a choice, a time in the configured zone). `sensitive`: personal data,
    masked in a shareable preview (`preview.masked`), whole for support.

    The `value` and `shown` of a sensitive fact are personal data given for support (the
    account) and are kept as written when a packet is read back from JSON, so that
    support's systems can still find the account: only secrets are dropped from them.
    Every other text is scrubbed in full, as `SafeText` is."""

    id: Identifier
    label: SafeText
    value: str
    shown: str
    source: Source
    type: Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,32}$")] = "text"
    sensitive: bool = False

    @model_validator(mode="before")
    @classmethod
    def _scrub_value(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict):
            return data  # (pydantic then refuses it)
        given = {k: data[k] for k in ("value", "shown") if isinstance(data.get(k), str)}
        for key, text in given.items():
            if data.get("sensitive") is True:
                given[key] = _cut(drop_secrets(clean_controls(text), []))
            else:
                given[key] = _scrub_field(text, info)
        return {**data, **given}


class PacketStatement(_Frozen):
    """What an answer tells support, in the tree's third-person words (an option's
    ``packet`` phrasing): "The user says they applied within the refund window"."""

    node_id: Identifier
    text: SafeText
    source: Source


class PacketAnswer(_Frozen):
    """One transcript entry; `answer` is None for an optional input the user skipped."""

    node_id: Identifier
    question: SafeText
    answer: SafeText | None
    source: Source
    fact: Identifier | None = None  # the fact the step collects, if any


class TriedStep(_Frozen):
    """A self-service step the user was shown (`instructions`) and what came of it."""

    node_id: Identifier
    instructions: tuple[SafeText, ...]
    question: SafeText
    result: SafeText
    statement: SafeText | None = None  # the answer's packet phrasing, when it has one


class MissingFact(_Frozen):
    """A fact the outcome needs that the session did not collect."""

    id: Identifier
    label: SafeText


class ChannelAdvice(_Frozen):
    """A way to reach support (or self-help), why, how, and what response to expect."""

    channel: ChannelKind
    name: SafeText
    contact: OneLine | None  # from the configuration only; shown verbatim, never redacted
    how: SafeText
    reason: SafeText
    response_time: SafeText
    open_now: bool


class PacketContent(_Frozen):
    """What support needs to act on a case without asking back, built by `build_packet`.

    A frozen record in the session's language: case reference (made by this tool from the
    session, or an external ticket id) and creation time, the tree (id, version, hash), the
    outcome with its cause and escalation, a priority, the recommended channel with the
    reason, expected reply time and alternatives for the time it was made, a subject line
    and summary, the key facts (account identifier first) and what the answers tell support,
    the channels already tried and what the user asks for, the transcript with each
    answer's source, the steps already tried, an attachments checklist, the facts still
    missing and a privacy reminder. Every text is redacted, once: as it enters the session,
    or as the packet is made when it is made by hand or read from JSON. Render it with
    `to_markdown`, `to_text`, `to_email` or `model_dump_json`.
    """

    format: Literal["okpay-triage/packet"] = PACKET_FORMAT
    format_version: Literal[1] = 1
    case_id: Annotated[str, StringConstraints(pattern=CASE_ID_PATTERN)]
    #: "reference": made by this tool from the session; "ticket": an external id passed in.
    case_kind: Literal["reference", "ticket"] = "reference"
    created_at: AwareDatetime
    timezone: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_+/-]{1,64}$")]
    lang: Lang
    tree: TreeInfo
    outcome: PacketOutcome
    priority: Priority
    contact_needed: bool
    within_working_hours: bool
    working_hours: SafeText
    next_working_day: AwareDatetime | None
    channel: ChannelAdvice
    written_record: ChannelAdvice | None
    alternatives: tuple[ChannelAdvice, ...]
    subject: str  # scrubbed, the case id in it kept verbatim (see _scrub_subject)
    email_subject: str
    email_to: OneLine | None  # the configured email contact
    summary: SafeText
    facts: tuple[PacketFact, ...]
    statements: tuple[PacketStatement, ...] = ()
    contact_log: tuple[PacketFact, ...] = ()
    requested_response: PacketFact | None = None
    transcript: tuple[PacketAnswer, ...]
    steps_tried: tuple[TriedStep, ...]
    attachments: tuple[SafeText, ...]
    missing_facts: tuple[MissingFact, ...]
    privacy_reminder: SafeText

    @field_validator("subject", "email_subject")
    @classmethod
    def _scrub_subject(cls, value: str, info: ValidationInfo) -> str:
        """Scrubbed like every text, except that the case id (a field validated before this
        one) is kept as written: it is not user data, however its digits look."""
        case_id = info.data.get("case_id")
        return _scrub_field(value, info, case_id if isinstance(case_id, str) else None)
