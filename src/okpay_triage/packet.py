"""The escalation packet: everything support needs from a finished session, privacy-safe.

`build_packet` turns a finished `Session` into an `EscalationPacket`, a frozen pydantic
model: a case id, when it was made, which tree (id, version, content hash), the outcome and a
priority, the recommended contact channel with the reason and the expected response time, a
subject line, a short summary, the facts (masked), the transcript, the self-service steps the
user already tried, what to attach, what is still missing, and a privacy reminder. Every text
is in the session's language, except the email subject, which is bilingual.

Routing follows DOMAIN §2.4 with the configured working hours (`config.Config`):

* an outcome that needs no contact gets self-help, and says so;
* an urgent outcome always gets the fastest live channel (online chat, then phone), whatever
  the time, plus a written record (email, then in-app feedback) so the report is dated;
* a complaint or appeal (``Config.complaint_trees``) goes to a written channel;
* otherwise a high-priority case gets a live channel within working hours, and a normal or
  low one email; outside working hours a written channel, with the reply expected from the
  next working day, whose opening is computed (weekends and holidays skipped).

Contact details come only from the configuration; with none configured the packet tells the
user to use the contacts shown in the official OKPAY app or website. Every text field is run
through `redaction.redact` when the packet is made (and again when it is rendered, by
`render`), so a packet never carries a secret or an unmasked personal number, whatever
reached it. The case id is system-generated, not user data: it is kept verbatim in the
subject lines around it (`redaction.redact_except`), even where its digits would pass for a
card or phone number.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Final, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from .config import WEEKDAYS, ChannelId, Config, OneLine
from .errors import TriageError
from .redaction import redact, redact_except

if TYPE_CHECKING:
    from email.message import EmailMessage

    from .engine import Session

__all__ = [
    "ChannelAdvice",
    "EscalationPacket",
    "PacketAnswer",
    "PacketError",
    "PacketFact",
    "PacketOutcome",
    "TreeInfo",
    "TriedStep",
    "build_packet",
    "next_opening",
    "within_hours",
]

PACKET_FORMAT: Final = "okpay-triage/packet"
Lang = Literal["en", "zh"]
Priority = Literal["urgent", "high", "normal", "low"]
Escalation = Literal["no", "if-unresolved", "yes", "urgent"]
Severity = Literal["low", "medium", "high", "critical"]
ChannelKind = Literal["chat", "phone", "email", "in_app", "self_help"]
Source = Literal["user", "context"]

#: The longest single text a packet keeps (answers are capped well below this on input).
MAX_TEXT = 5000
CASE_ID_PATTERN = r"^[A-Z][A-Z0-9]{1,9}-[0-9]{8}-[0-9A-F]{6}$"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class PacketError(TriageError, ValueError):
    """A packet cannot be built: the session is unfinished, or `now` or `case_id` is invalid."""


def scrub(text: str, keep: str | None = None) -> str:
    """Text fit for a packet: lone surrogates replaced, control characters (other than
    newline and tab) removed, secrets dropped and personal data masked, at most `MAX_TEXT`
    characters. `keep` (the case id) is left as written wherever it stands on its own
    (`redaction.redact_except`). Idempotent."""
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = redact_except(text, keep) if keep else redact(text)
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1] + "…"
    return text


#: Every text from a session, a tree or the configuration is stored scrubbed.
SafeText = Annotated[str, AfterValidator(scrub)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TreeInfo(_Frozen):
    """The tree the session ran on: id, version, content hash and title."""

    id: Identifier
    version: Annotated[str, StringConstraints(pattern=r"^\S{1,32}$")]
    hash: Identifier
    title: SafeText


class PacketOutcome(_Frozen):
    """The diagnosis: what the session concluded and what the user was told to do."""

    id: Identifier
    title: SafeText
    cause: SafeText
    steps: tuple[SafeText, ...]
    escalate: Escalation
    severity: Severity


class PacketFact(_Frozen):
    """One collected fact: `value` as kept (masked), `shown` as a reader sees it (the option
    label for a choice)."""

    id: Identifier
    label: SafeText
    value: SafeText
    shown: SafeText
    source: Source


class PacketAnswer(_Frozen):
    """One transcript entry; `answer` is None for an optional input the user skipped."""

    node_id: Identifier
    question: SafeText
    answer: SafeText | None
    source: Source


class TriedStep(_Frozen):
    """A self-service step the user was shown (`instructions`) and what came of it."""

    node_id: Identifier
    instructions: tuple[SafeText, ...]
    question: SafeText
    result: SafeText


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


class EscalationPacket(_Frozen):
    """What support needs to act on a case without asking back, built by `build_packet`.

    A frozen record in the session's language: case id and creation time, the tree (id,
    version, hash), the outcome with its cause and escalation, a priority, the recommended
    channel with the reason, expected reply time and alternatives for the time it was made,
    a subject line and summary, the facts (masked), the transcript with each answer's
    source, the steps already tried, an attachments checklist, the facts still missing and a
    privacy reminder. Every text is redacted again when the packet is made and when it is
    rendered. Render it with `to_markdown`, `to_text`, `to_email` or `model_dump_json`.
    """

    format: Literal["okpay-triage/packet"] = PACKET_FORMAT
    format_version: Literal[1] = 1
    case_id: Annotated[str, StringConstraints(pattern=CASE_ID_PATTERN)]
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
        return scrub(value, keep=case_id if isinstance(case_id, str) else None)

    def to_markdown(self) -> str:
        """The packet as Markdown; user text is escaped so it cannot change the structure."""
        from .render import to_markdown

        return to_markdown(self)

    def to_text(self) -> str:
        """The packet as plain text (the email body)."""
        from .render import to_text

        return to_text(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """`model_dump_json`, with invisible and bidi characters written as JSON escapes so
        the text is also safe to print on a terminal."""
        from .render import to_json

        return to_json(self, indent=indent)

    def to_email(self, *, markdown: bool = False) -> EmailMessage:
        """A ready-to-send `email.message.EmailMessage`: bilingual subject, To only from the
        configuration (left out when none is configured), plain-text UTF-8 body, and with
        `markdown` the Markdown rendering as an alternative part."""
        from .render import to_email

        return to_email(self, markdown=markdown)


# --------------------------------------------------------------------------- texts

_T: dict[str, tuple[str, str]] = {
    "priority.urgent": ("Urgent", "紧急"),
    "priority.high": ("High", "高"),
    "priority.normal": ("Normal", "普通"),
    "priority.low": ("Low", "低"),
    "tag.urgent": ("URGENT", "紧急"),
    "tag.high": ("HIGH PRIORITY", "高优先级"),
    "tag.normal": ("NORMAL", "普通"),
    "tag.low": ("LOW", "低"),
    "tag.record": ("FOR RECORD", "仅供记录"),
    "name.chat": ("Online chat", "在线客服"),
    "name.phone": ("Phone", "客服电话"),
    "name.email": ("Email", "电子邮件"),
    "name.in_app": ("In-app complaints & feedback", "应用内投诉与反馈"),
    "name.self_help": ("Self-help", "自助处理"),
    "how.chat": (
        "Use the online chat in the official OKPAY app or website.",
        "使用官方 OKPAY 应用或网站中的在线客服。",
    ),
    "how.phone": (
        "Call the support number shown in the official OKPAY app or website.",
        "拨打官方 OKPAY 应用或网站上显示的客服电话。",
    ),
    "how.email": (
        "Write to the support address shown on the official OKPAY website "
        "(Contact us / Help Center).",
        "发送至官方 OKPAY 网站（联系我们 / 帮助中心）上显示的客服邮箱。",
    ),
    "how.in_app": (
        "In the official OKPAY app: Contact support → Complaints & feedback.",
        "在官方 OKPAY 应用中：联系客服 → 投诉与反馈。",
    ),
    "how.self_help": (
        "Follow the steps in the diagnosis; the help centre in the official OKPAY app or "
        "website has more.",
        "按诊断中的步骤操作；更多说明见官方 OKPAY 应用或网站的帮助中心。",
    ),
    "how.configured": (
        "Use the official contact given here.",
        "请使用此处列出的官方联系方式。",
    ),
    "why.self_help": (
        "This outcome needs no contact with support: the steps in the diagnosis cover it. "
        "Keep this record in case the problem comes back.",
        "此结果无需联系客服：按诊断中的步骤处理即可。请保留本记录，以备问题再次出现。",
    ),
    "why.urgent": (
        "Urgent: the account or money may be at risk, so use the fastest live channel now, "
        "whatever the time.",
        "紧急：账户或资金可能面临风险，请立即使用最快的实时渠道，不论当前是否为工作时间。",
    ),
    "why.urgent-written": (
        "Urgent: the account or money may be at risk. No live channel is offered, so send "
        "this in writing now.",
        "紧急：账户或资金可能面临风险。当前未提供实时渠道，请立即以书面形式提交。",
    ),
    "why.live-only": (
        "This live channel is the way to reach support here; agents answer during working hours.",
        "可通过此实时渠道联系客服；客服在工作时间内答复。",
    ),
    "why.record": (
        "Also send this packet in writing, so there is a dated record of the report.",
        "同时请以书面形式发送本资料，留下有日期的报告记录。",
    ),
    "why.complaint": (
        "A complaint or appeal is best made in writing: it leaves a record and can carry "
        "screenshots and proof.",
        "投诉或申诉最好以书面形式提出：既能留下记录，也便于附上截图和凭据。",
    ),
    "why.live": (
        "High priority and within working hours: a live channel is usually the quickest.",
        "优先级高且处于工作时间：实时渠道通常最快。",
    ),
    "why.written": (
        "Not urgent: a written request carries the details and screenshots below and leaves "
        "a record.",
        "不属于紧急情况：书面提交可以附上以下信息和截图，并留下记录。",
    ),
    "why.after_hours": (
        "Outside working hours: a written request is queued and handled from the next working day.",
        "当前为非工作时间：书面提交会进入排队，并从下一个工作日开始处理。",
    ),
    "alt.chat": ("a live conversation with an agent", "与客服实时沟通"),
    "alt.phone": ("if you prefer to explain by voice", "如果您更愿意通过电话说明"),
    "alt.email": (
        "a written record, with screenshots attached",
        "留下书面记录，并可附上截图",
    ),
    "alt.in_app": (
        "the form in the app, with screenshots or proof",
        "通过应用内表单提交，可附上截图或凭据",
    ),
    "rt.none": ("no response time is published", "未公布答复时限"),
    "rt.self_help": ("none needed", "无需等待答复"),
    "rt.closed": (
        "{base}; it is outside working hours now, so an agent may not answer until {next}",
        "{base}；当前为非工作时间，客服可能要到{next}才能答复",
    ),
    "rt.queued": (
        "{base}; sent outside working hours, so a reply is likely from the next working "
        "day, {next}",
        "{base}；在非工作时间提交，预计从下一个工作日{next}起答复",
    ),
    "summary.urgent": (
        "{title}. {cause} Please act on this at once: the user has been told to contact "
        "support through the fastest live channel and to send this record in writing.",
        "{title}。{cause}请立即处理：已提示用户通过最快的实时渠道联系客服，并以书面形式提交本记录。",
    ),
    "summary.yes": (
        "{title}. {cause} The self-service checks did not resolve it; support action is needed.",
        "{title}。{cause}自助排查未能解决，需要客服处理。",
    ),
    "summary.if-unresolved": (
        "{title}. {cause} The user has steps to try first and contacts support only if they "
        "do not help.",
        "{title}。{cause}用户会先尝试建议的步骤，仅在无效时联系客服。",
    ),
    "summary.no": (
        "{title}. {cause} No support action is needed; this packet records the diagnosis.",
        "{title}。{cause}无需客服处理；本资料仅记录诊断结果。",
    ),
    "privacy": (
        "Never send your password, PIN, card security code (CVV) or any verification code, "
        "and never a full ID-card number; for a card or bank account give only the last four "
        "digits. Use only the contacts shown in the official OKPAY app or website (or listed "
        "in this packet), never contact details from messages or search results.",
        "切勿发送密码、PIN 码、银行卡安全码（CVV）或任何验证码，也不要发送完整的身份证号码；"
        "涉及银行卡或银行账户时只提供末四位。只使用官方 OKPAY 应用或网站上显示的"
        "（或本资料中列出的）联系方式，不要使用消息或搜索结果中的联系方式。",
    ),
    "hours": ("{days} {opens}–{closes} ({zone})", "{days} {opens}–{closes}（{zone}）"),
    "hours.holidays": (", except public holidays", "，法定节假日除外"),
    "skipped": ("(skipped)", "（已跳过）"),
}

_DAY_NAMES = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
}


def text(key: str, lang: str, **values: object) -> str:
    """The packet sentence `key` in `lang`, with `values` filled in."""
    en, zh = _T[key]
    return (zh if lang == "zh" else en).format(**values)


# --------------------------------------------------------------------------- hours


def within_hours(moment: datetime, config: Config) -> bool:
    """Whether `moment` (aware) falls in the configured working hours."""
    local = moment.astimezone(config.zone)
    return (
        WEEKDAYS[local.weekday()] in config.working_days
        and local.date() not in config.holidays
        and config.opens <= local.time().replace(tzinfo=None) < config.closes
    )


def next_opening(moment: datetime, config: Config) -> datetime:
    """When support next opens after `moment`: today's opening if it is still to come on a
    working day, else the opening of the next working day that is not a holiday. An aware
    datetime in the configured zone."""
    zone = config.zone
    local = moment.astimezone(zone)
    day = local.date()
    # Every run of non-working days is at most 6 weekdays plus the holidays long.
    for _ in range(len(config.holidays) + 8):
        if WEEKDAYS[day.weekday()] in config.working_days and day not in config.holidays:
            opening = datetime.combine(day, config.opens, tzinfo=zone)
            if opening > local:
                return opening
        day += timedelta(days=1)
    raise PacketError("the working hours configured leave no working day")  # pragma: no cover


def working_hours_text(config: Config, lang: str) -> str:
    """The working hours in words: ``Monday–Friday 09:00–18:00 (Asia/Shanghai)``."""
    names = _DAY_NAMES["zh" if lang == "zh" else "en"]
    index = sorted(WEEKDAYS.index(d) for d in config.working_days)
    if len(index) > 2 and index == list(range(index[0], index[-1] + 1)):
        days = f"{names[index[0]]}–{names[index[-1]]}"
    else:
        days = ("、" if lang == "zh" else ", ").join(names[i] for i in index)
    hours = text(
        "hours",
        lang,
        days=days,
        opens=config.opens.strftime("%H:%M"),
        closes=config.closes.strftime("%H:%M"),
        zone=config.timezone,
    )
    return hours + (text("hours.holidays", lang) if config.holidays else "")


# --------------------------------------------------------------------------- routing

#: Priority from (escalate, severity); see docs/packet.md.
PRIORITY: dict[str, dict[str, Priority]] = {
    "urgent": {"critical": "urgent", "high": "urgent", "medium": "urgent", "low": "urgent"},
    "yes": {"critical": "high", "high": "high", "medium": "normal", "low": "normal"},
    "if-unresolved": {"critical": "high", "high": "high", "medium": "normal", "low": "low"},
    "no": {"critical": "low", "high": "low", "medium": "low", "low": "low"},
}

_LIVE: frozenset[ChannelId] = frozenset({"chat", "phone"})
_ORDERS: dict[str, tuple[ChannelId, ...]] = {
    "urgent": ("chat", "phone", "email", "in_app"),
    "complaint": ("in_app", "email", "chat", "phone"),
    "high": ("chat", "phone", "email", "in_app"),
    "normal": ("email", "in_app", "chat", "phone"),
}


@dataclass(frozen=True, slots=True)
class _Route:
    channel: ChannelAdvice
    record: ChannelAdvice | None
    alternatives: tuple[ChannelAdvice, ...]


def _route(
    config: Config,
    lang: str,
    *,
    priority: Priority,
    escalate: str,
    complaint: bool,
    in_hours: bool,
    opening: str,
) -> _Route:
    if escalate == "no":
        self_help = ChannelAdvice(
            channel="self_help",
            name=text("name.self_help", lang),
            contact=None,
            how=text("how.self_help", lang),
            reason=text("why.self_help", lang),
            response_time=text("rt.self_help", lang),
            open_now=True,
        )
        return _Route(self_help, None, ())
    case = (
        "urgent"
        if priority == "urgent"
        else "complaint"
        if complaint
        else "high"
        if priority == "high"
        else "normal"
    )
    enabled = [c for c in _ORDERS[case] if config.channels.get(c).enabled]

    def is_open(channel: ChannelId) -> bool:
        return in_hours or config.channels.get(channel).always_open

    def usable(channel: ChannelId) -> bool:
        return case == "urgent" or channel not in _LIVE or is_open(channel)

    # A channel is usable now if it is written (queued) or live and staffed. In an emergency
    # live channels always come first, a staffed one (e.g. a 24-hour phone line) before one
    # that is not.
    ordered = [c for c in enabled if usable(c)] + [c for c in enabled if not usable(c)]
    if case == "urgent":
        ordered.sort(key=lambda c: (c not in _LIVE, not is_open(c)))
    chosen = ordered[0]
    record: ChannelId | None = None
    if case == "urgent" and chosen in _LIVE:
        record = next((c for c in ordered if c not in _LIVE), None)
    if case == "urgent":
        reason = text("why.urgent" if chosen in _LIVE else "why.urgent-written", lang)
    elif chosen in _LIVE:
        reason = text("why.live" if case == "high" else "why.live-only", lang)
    elif case == "complaint":
        reason = text("why.complaint", lang)
    elif not in_hours:
        reason = text("why.after_hours", lang)
    else:
        reason = text("why.written", lang)

    def advice(channel: ChannelId, why: str) -> ChannelAdvice:
        settings = config.channels.get(channel)
        base = settings.response_time.get(lang) if settings.response_time else None
        base = base or text("rt.none", lang)
        staffed = is_open(channel)
        if channel in _LIVE and not staffed:
            response = text("rt.closed", lang, base=base, next=opening)
        elif channel not in _LIVE and not in_hours:
            response = text("rt.queued", lang, base=base, next=opening)
        else:
            response = base
        contact = settings.contact
        return ChannelAdvice(
            channel=channel,
            name=text(f"name.{channel}", lang),
            contact=contact,
            how=text("how.configured" if contact else f"how.{channel}", lang),
            reason=why,
            response_time=response,
            open_now=staffed or channel not in _LIVE,
        )

    others = [c for c in ordered if c not in (chosen, record)]
    return _Route(
        advice(chosen, reason),
        advice(record, text("why.record", lang)) if record else None,
        tuple(advice(c, text(f"alt.{c}", lang)) for c in others),
    )


# --------------------------------------------------------------------------- building


def new_case_id(created: datetime, config: Config) -> str:
    """A random case id such as ``OKP-20261122-7F3A9C`` (the date is local)."""
    local = created.astimezone(config.zone)
    return f"{config.case_prefix}-{local:%Y%m%d}-{secrets.token_hex(3).upper()}"


def build_packet(
    session: Session,
    *,
    now: datetime | None = None,
    config: Config | None = None,
    case_id: str | None = None,
) -> EscalationPacket:
    """The escalation packet of a finished session.

    Args:
        session: a session that has reached an outcome.
        now: when the packet is made (aware); drives working-hours routing and is the
            packet's `created_at`, shown in the configured zone. Default: the current time.
        config: routing and contact settings; default `Config()` (the shipped defaults).
        case_id: a fixed case id (e.g. from a ticketing system, or for tests), in the form
            ``OKP-20261122-7F3A9C``; default: a new random one.

    Raises:
        PacketError: the session has not reached an outcome, `now` is naive, or `case_id`
            is not of the documented form.
    """
    config = config or Config()
    lang: Lang = "zh" if session.lang == "zh" else "en"
    outcome = session.outcome
    if outcome is None:
        raise PacketError(
            "本次诊断尚未得出结果，无法生成上报资料；请先回答剩余的问题"
            f"（当前步骤：{session.node.id}）。"
            if lang == "zh"
            else "the session has not reached a result yet, so there is no packet to build; "
            f"answer the remaining questions first (it is at step '{session.node.id}')"
        )
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None or now.utcoffset() is None:
        raise PacketError(
            "now must be an aware datetime (with a time zone), e.g. "
            "datetime.now(timezone.utc); a naive time is ambiguous for working hours"
        )
    created = now.astimezone(config.zone)
    if case_id is None:
        case_id = new_case_id(created, config)
    elif not re.match(CASE_ID_PATTERN, case_id):
        raise PacketError(f"case_id must look like OKP-20261122-7F3A9C, not {case_id!r}")

    plan = session._plan
    pick = 1 if lang == "zh" else 0
    spec = plan.steps[outcome.id].outcome
    assert spec is not None  # the session is at an outcome
    priority = PRIORITY[outcome.escalate][outcome.severity]
    in_hours = within_hours(created, config)
    opening = None if in_hours else next_opening(created, config)
    from .render import format_when

    route = _route(
        config,
        lang,
        priority=priority,
        escalate=outcome.escalate,
        complaint=config.is_complaint(plan.id, outcome.id),
        in_hours=in_hours,
        opening=format_when(opening, lang, weekday=True) if opening else "",
    )

    tag = text("tag.record" if outcome.escalate == "no" else f"tag.{priority}", lang)
    subject = f"[{tag}] {outcome.title} – {case_id}"
    tag_both = f"{text('tag.record', 'zh')} {text('tag.record', 'en')}"
    if outcome.escalate != "no":
        tag_both = f"{text(f'tag.{priority}', 'zh')} {text(f'tag.{priority}', 'en')}"
    email_subject = f"[{tag_both}] {spec.title[1]} / {spec.title[0]} – {case_id}"
    summary = text(
        f"summary.{outcome.escalate}",
        lang,
        title=outcome.title.strip().rstrip("。."),
        cause=_sentence(outcome.cause, lang),
    )

    transcript = session.transcript
    by_user = {plan.steps[e.node_id].fact for e in transcript if e.source == "user"}
    option_labels = {
        (step.fact, oid): label[pick]
        for step in plan.steps.values()
        if step.kind == "question" and step.fact
        for oid, label in step.options
    }
    facts = tuple(
        PacketFact(
            id=key,
            label=session.fact_label(key),
            value=value,
            shown=option_labels.get((key, value), value),
            source="user" if key in by_user else "context",
        )
        for key, value in session.facts.items()
    )
    answers = tuple(
        PacketAnswer(
            node_id=entry.node_id,
            question=entry.prompt,
            answer=None if entry.answer is None else entry.shown,
            source=entry.source,
        )
        for entry in transcript
    )
    tried = tuple(
        TriedStep(
            node_id=entry.node_id,
            instructions=tuple(line[pick] for line in plan.steps[entry.node_id].info),
            question=entry.prompt,
            result=entry.shown,
        )
        for entry in transcript
        if entry.source == "user"
        and plan.steps[entry.node_id].kind == "question"
        and plan.steps[entry.node_id].info
        and plan.steps[entry.node_id].fact is None
    )
    email_contact = config.channels.email.contact if config.channels.email.enabled else None
    return EscalationPacket(
        case_id=case_id,
        created_at=created,
        timezone=config.timezone,
        lang=lang,
        tree=TreeInfo(id=plan.id, version=plan.version, hash=plan.hash, title=plan.title[pick]),
        outcome=PacketOutcome(
            id=outcome.id,
            title=outcome.title,
            cause=outcome.cause,
            steps=tuple(outcome.steps),
            escalate=outcome.escalate,
            severity=outcome.severity,
        ),
        priority=priority,
        contact_needed=outcome.escalate != "no",
        within_working_hours=in_hours,
        working_hours=working_hours_text(config, lang),
        next_working_day=opening,
        channel=route.channel,
        written_record=route.record,
        alternatives=route.alternatives,
        subject=subject,
        email_subject=email_subject,
        email_to=email_contact,
        summary=summary,
        facts=facts,
        transcript=answers,
        steps_tried=tried,
        attachments=tuple(outcome.attachments),
        missing_facts=tuple(
            MissingFact(id=key, label=session.fact_label(key)) for key in session.missing_facts
        ),
        privacy_reminder=text("privacy", lang),
    )


def _sentence(line: str, lang: str) -> str:
    line = line.strip()
    if line.endswith(("。", ".", "!", "?", "！", "？")):
        return line
    return line + ("。" if lang == "zh" else ".")
