"""Renderings of an `EscalationPacket`: Markdown, plain text, JSON and an email message.

Pure functions: a packet in, a string (or an `EmailMessage`) out, no I/O. Every text is in
the packet's language, and every text that came from a session, a tree or the configuration
is treated as data, never markup:

* it is redacted again (`redaction.redact`, idempotent), as a second line of defence after
  the packet itself; contact details from the configuration are the one exception, shown
  verbatim (redacting them would mask the support address itself), and the case id in a
  subject line is kept as written (`redaction.redact_except`: it is system-generated, and
  its digits may pass for a card or phone number);
* control, bidi-override and invisible characters are shown as escapes (``\\x1b``,
  ``\\u202e``, `text.visible`), never passed through;
* in Markdown, every character that could start markup (``\\ ` * _ [ ] < > | ~ &``, and
  ``# + - = > 1.`` at the start of a block) is backslash-escaped, URL schemes and ``www.`` are
  broken up so nothing becomes a link, and line breaks inside a value become ``<br>``, so a
  value can never open a heading, list, fence, table row, HTML tag or link;
* in email headers, CR, LF and every other control or separator character is removed.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Literal

from .redaction import redact_except
from .text import json_escaped, visible

if TYPE_CHECKING:
    from .packet import ChannelAdvice, EscalationPacket

__all__ = [
    "FORMATS",
    "escape_markdown",
    "format_for_path",
    "format_when",
    "header_value",
    "render",
    "to_email",
    "to_json",
    "to_markdown",
    "to_text",
]

_L: dict[str, tuple[str, str]] = {
    "case": ("Case", "案件编号"),
    "created": ("Created", "创建时间"),
    "priority": ("Priority", "优先级"),
    "outcome": ("Outcome", "诊断结果"),
    "tree": ("Tree", "诊断树"),
    "language": ("Language", "语言"),
    "lang.en": ("English", "英文"),
    "lang.zh": ("Chinese", "中文"),
    "summary": ("Summary", "问题摘要"),
    "contact": ("Contact support", "联系客服"),
    "recommended": ("Recommended", "推荐渠道"),
    "no-contact": ("No contact needed", "无需联系客服"),
    "record": ("Also send a written record", "同时提交书面记录"),
    "others": ("Other options", "其他渠道"),
    "why": ("Why", "原因"),
    "how": ("How", "方式"),
    "contact-detail": ("Contact", "联系方式"),
    "response": ("Expected response", "预计答复"),
    "hours": ("Working hours", "工作时间"),
    "now-in": ("now within working hours", "当前为工作时间"),
    "now-out": (
        "now outside working hours; the next working day opens {next}",
        "当前为非工作时间；下一个工作日于{next}开始",
    ),
    "facts": ("Key facts", "关键信息"),
    "fact": ("Fact", "信息项"),
    "value": ("Value", "内容"),
    "given": ("given up front", "预先提供"),
    "facts-none": ("None collected.", "未收集到信息。"),
    "missing": ("Still missing", "尚缺信息"),
    "missing-none": (
        "Nothing: every fact this outcome needs was collected.",
        "无：此结果所需的信息均已收集。",
    ),
    "missing-ask": (
        "The user skipped these; ask for them if they are needed.",
        "用户跳过了以下信息，如有需要请向用户索取。",
    ),
    "tried": ("Steps already tried", "已尝试的操作"),
    "tried-none": ("No self-service steps recorded.", "没有记录到自助操作。"),
    "result": ("Result", "结果"),
    "attachments": ("Attachments to include", "需附上的材料"),
    "attachments-none": ("None needed.", "无需附件。"),
    "diagnosis": ("Diagnosis and advice given", "诊断与给出的建议"),
    "cause": ("Cause", "原因"),
    "advice": ("Advice given to the user", "给用户的建议"),
    "transcript": ("Transcript", "问答记录"),
    "number": ("#", "序号"),
    "question": ("Question", "问题"),
    "answer": ("Answer", "回答"),
    "source": ("From", "来源"),
    "src.user": ("user", "用户"),
    "src.context": ("known up front", "预先提供"),
    "skipped": ("(skipped)", "（已跳过）"),
    "privacy": ("Privacy", "隐私提醒"),
    "severity": ("severity", "严重程度"),
    "sev.low": ("low", "低"),
    "sev.medium": ("medium", "中"),
    "sev.high": ("high", "高"),
    "sev.critical": ("critical", "严重"),
    "esc.no": ("no contact needed", "无需联系客服"),
    "esc.if-unresolved": ("contact support if the steps do not help", "步骤无效时联系客服"),
    "esc.yes": ("contact support", "需要联系客服"),
    "esc.urgent": ("contact support now", "立即联系客服"),
    "pri.urgent": ("Urgent", "紧急"),
    "pri.high": ("High", "高"),
    "pri.normal": ("Normal", "普通"),
    "pri.low": ("Low", "低"),
}

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def _l(key: str, lang: str, **values: object) -> str:
    en, zh = _L[key]
    return (zh if lang == "zh" else en).format(**values)


# --------------------------------------------------------------------------- shared


def format_when(moment: datetime, lang: str, *, weekday: bool = False) -> str:
    """A time for readers, with its zone: ``2026-11-22 03:00 (Asia/Shanghai, UTC+08:00)``,
    or with `weekday` ``Monday 23 November 2026, 09:00 (UTC+08:00)``."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    utc = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    name = getattr(moment.tzinfo, "key", None)
    zone = f"{name}, {utc}" if name and not weekday else utc
    clock = f"{moment:%H:%M}"
    if lang == "zh":
        zone = zone.replace(", ", "，")
        if weekday:
            day = f"{moment.year}年{moment.month}月{moment.day}日（{_DAYS_ZH[moment.weekday()]}）"
            return f"{day}{clock}（{zone}）"
        return f"{moment:%Y-%m-%d} {clock}（{zone}）"
    if weekday:
        day = f"{_DAYS_EN[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]} {moment.year}"
        return f"{day}, {clock} ({zone})"
    return f"{moment:%Y-%m-%d} {clock} ({zone})"


def _safe(text: str, keep: str = "") -> str:
    """Data text, redacted again (all but `keep`, the case id in a subject) and with
    invisible or control characters shown escaped."""
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return visible(redact_except(text, keep)).strip()


def _verbatim(text: str) -> str:
    """Configuration text shown as written (not redacted), controls still escaped."""
    return visible(text.replace("\r", " ").replace("\n", " ").replace("\t", " ")).strip()


_NUMBERED = re.compile(r"^\s*\d{1,3}[.)、．]\s*")


def _unnumbered(lines: tuple[str, ...]) -> list[str]:
    """Tree steps are often written "1. ...": drop that number when it is the line's place,
    since the renderings number the lines themselves."""
    out = []
    for place, line in enumerate(lines, 1):
        match = _NUMBERED.match(line)
        if match and match.group().strip().rstrip(".)、．") == str(place):
            line = line[match.end() :]
        out.append(line)
    return out


def _outcome_line(packet: EscalationPacket, *, code: bool) -> str:
    lang = packet.lang
    oid = f"`{packet.outcome.id}`" if code else packet.outcome.id
    sep = "；" if lang == "zh" else "; "
    parts = [
        oid,
        f"{_l('severity', lang)} {_l('sev.' + packet.outcome.severity, lang)}",
        _l("esc." + packet.outcome.escalate, lang),
    ]
    return _paren(sep.join(parts), lang)


def _paren(text: str, lang: str) -> str:
    return f"（{text}）" if lang == "zh" else f" ({text})"


def _tree_line(packet: EscalationPacket, *, code: bool) -> str:
    tree = packet.tree
    comma = "，" if packet.lang == "zh" else ", "
    ident = f"{tree.id} {tree.version}{comma}{tree.hash}"
    coded = f"`{tree.id}` {tree.version}{comma}`{tree.hash}`"
    return _paren(coded if code else ident, packet.lang)


# --------------------------------------------------------------------------- Markdown

_MD_ANYWHERE = re.compile(r"([\\`*_\[\]<>|~&])")
# What can open a block at the start of a line: heading, list, quote, thematic break,
# setext underline, ordered list ("1." or "1)" followed by a space or the end).
_MD_BLOCK_START = re.compile(r"^(\s*)([#+\-=>]|\d{1,9}(?=[.)](?:\s|$)))")
# Autolinks: "scheme://", and the schemes some renderers link without slashes.
_SCHEME = re.compile(
    r"(?i)\b([a-z][a-z0-9+.-]{0,31}(?=://)|javascript|vbscript|data|mailto|xmpp|file)(:)"
)
_WWW = re.compile(r"(?i)\b(www)(\.)")


def escape_markdown(text: str) -> str:
    """`text` (already made safe) as inline Markdown that renders as exactly that text.

    Markup characters are backslash-escaped, block markers at the start escaped, URL
    schemes and ``www.`` broken up (``https\\://``, ``www\\.``) so no link is made, and line
    breaks become ``<br>``.
    """
    lines = []
    for line in text.split("\n"):
        line = _MD_ANYWHERE.sub(r"\\\1", line)
        line = _SCHEME.sub(lambda m: f"{m.group(1)}\\:", line)
        line = _WWW.sub(r"\1\\.", line)
        match = _MD_BLOCK_START.match(line)
        if match:
            head = match.group(2)
            if head.isdigit():  # "1." or "1)": escape the punctuation after the number
                end = match.end()
                line = f"{line[:end]}\\{line[end:]}"
            else:
                line = f"{line[: match.start(2)]}\\{line[match.start(2) :]}"
        lines.append(line.strip())
    return "<br>".join(line for line in lines if line)


def _md(text: str, keep: str = "") -> str:
    return escape_markdown(_safe(text, keep))


def _md_code(text: str) -> str:
    """Configured text (a contact) as a code span: shown literally, never made a link."""
    text = _verbatim(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_advice(advice: ChannelAdvice, title: str, lang: str) -> list[str]:
    colon = "：" if lang == "zh" else ": "
    out = [f"**{_md(title)}{colon}{_md(advice.name)}**", ""]
    out.append(f"- {_l('why', lang)}{colon}{_md(advice.reason)}")
    out.append(f"- {_l('how', lang)}{colon}{_md(advice.how)}")
    if advice.contact:
        out.append(f"- {_l('contact-detail', lang)}{colon}{_md_code(advice.contact)}")
    out.append(f"- {_l('response', lang)}{colon}{_md(advice.response_time)}")
    out.append("")
    return out


def to_markdown(packet: EscalationPacket) -> str:
    """The packet as GitHub-flavoured Markdown (see the module docstring for the escaping)."""
    lang = packet.lang
    colon = "：" if lang == "zh" else ": "
    out = [f"# {_md(packet.subject, packet.case_id)}", ""]
    meta = [
        ("case", packet.case_id),
        ("created", _md(format_when(packet.created_at, lang))),
        ("priority", f"**{_l('pri.' + packet.priority, lang)}**"),
        ("outcome", _md(packet.outcome.title) + _outcome_line(packet, code=True)),
        ("tree", _md(packet.tree.title) + _tree_line(packet, code=True)),
        ("language", _l(f"lang.{lang}", lang)),
    ]
    out += [f"- **{_l(key, lang)}**{colon}{value}" for key, value in meta]

    out += ["", f"## {_l('summary', lang)}", "", _md(packet.summary), ""]

    out += [f"## {_l('contact', lang)}", ""]
    first = "recommended" if packet.contact_needed else "no-contact"
    out += _md_advice(packet.channel, _l(first, lang), lang)
    if packet.written_record:
        out += _md_advice(packet.written_record, _l("record", lang), lang)
    if packet.alternatives:
        out += [f"**{_l('others', lang)}**", ""]
        for alt in packet.alternatives:
            out.append(f"- **{_md(alt.name)}**{colon}{_md(alt.reason)}")
            out.append(f"  - {_l('how', lang)}{colon}{_md(alt.how)}")
            if alt.contact:
                contact = _md_code(alt.contact)
                out.append(f"  - {_l('contact-detail', lang)}{colon}{contact}")
            out.append(f"  - {_l('response', lang)}{colon}{_md(alt.response_time)}")
        out.append("")
    out += [_hours_line(packet, markdown=True), ""]

    out += [f"## {_l('facts', lang)}", ""]
    if packet.facts:
        out += [f"| {_l('fact', lang)} | {_l('value', lang)} |", "|---|---|"]
        for fact in packet.facts:
            label = _md(fact.label)
            if fact.source == "context":
                label += f" ({_l('given', lang)})"
            out.append(f"| {label} | {_md(fact.shown)} |")
    else:
        out.append(_l("facts-none", lang))
    out.append("")

    out += [f"## {_l('missing', lang)}", ""]
    if packet.missing_facts:
        out += [_l("missing-ask", lang), ""]
        out += [f"- {_md(item.label)}" for item in packet.missing_facts]
    else:
        out.append(_l("missing-none", lang))
    out.append("")

    out += [f"## {_l('tried', lang)}", ""]
    if packet.steps_tried:
        for number, step in enumerate(packet.steps_tried, 1):
            out.append(f"{number}. {_md(step.question)} → **{_md(step.result)}**")
            out += [f"   - {_md(line)}" for line in _unnumbered(step.instructions)]
    else:
        out.append(_l("tried-none", lang))
    out.append("")

    out += [f"## {_l('attachments', lang)}", ""]
    if packet.attachments:
        out += [f"- [ ] {_md(item)}" for item in packet.attachments]
    else:
        out.append(_l("attachments-none", lang))
    out.append("")

    out += [f"## {_l('diagnosis', lang)}", ""]
    out += [f"**{_l('cause', lang)}**{colon}{_md(packet.outcome.cause)}", ""]
    out += [f"**{_l('advice', lang)}**{colon}", ""]
    out += [f"{n}. {_md(line)}" for n, line in enumerate(_unnumbered(packet.outcome.steps), 1)]
    out.append("")

    out += [f"## {_l('transcript', lang)}", ""]
    out += [
        f"| {_l('number', lang)} | {_l('question', lang)} | {_l('answer', lang)} "
        f"| {_l('source', lang)} |",
        "|---|---|---|---|",
    ]
    for number, entry in enumerate(packet.transcript, 1):
        answer = _l("skipped", lang) if entry.answer is None else _md(entry.answer)
        out.append(
            f"| {number} | {_md(entry.question)} | {answer} | {_l('src.' + entry.source, lang)} |"
        )
    out.append("")

    out += [f"## {_l('privacy', lang)}", "", _md(packet.privacy_reminder), ""]
    return "\n".join(line.rstrip() for line in out)


def _hours_line(packet: EscalationPacket, *, markdown: bool) -> str:
    lang = packet.lang
    colon = "：" if lang == "zh" else ": "
    hours = _md(packet.working_hours) if markdown else _safe(packet.working_hours)
    if packet.next_working_day is None:
        state = _l("now-in", lang)
    else:
        state = _l("now-out", lang, next=format_when(packet.next_working_day, lang, weekday=True))
        state = _md(state) if markdown else state
    label = f"**{_l('hours', lang)}**" if markdown else _l("hours", lang)
    sep = "；" if lang == "zh" else "; "
    return f"{label}{colon}{hours}{sep}{state}"


# --------------------------------------------------------------------------- plain text


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _heading(text: str, lang: str) -> list[str]:
    if lang == "zh":
        return [f"【{text}】"]
    return [text.upper(), "-" * _width(text)]


def _block(text: str, indent: str = "", keep: str = "") -> str:
    """Safe text with its continuation lines indented under the first."""
    lines = [line.strip() for line in _safe(text, keep).split("\n")]
    return ("\n" + indent + "  ").join(line for line in lines if line)


def _text_advice(advice: ChannelAdvice, title: str, lang: str) -> list[str]:
    colon = "：" if lang == "zh" else ": "
    out = [f"{title}{colon}{_block(advice.name)}"]
    out.append(f"  {_l('why', lang)}{colon}{_block(advice.reason, '  ')}")
    out.append(f"  {_l('how', lang)}{colon}{_block(advice.how, '  ')}")
    if advice.contact:
        out.append(f"  {_l('contact-detail', lang)}{colon}{_verbatim(advice.contact)}")
    out.append(f"  {_l('response', lang)}{colon}{_block(advice.response_time, '  ')}")
    return out


def to_text(packet: EscalationPacket) -> str:
    """The packet as plain text: the email body, readable in any viewer."""
    lang = packet.lang
    colon = "：" if lang == "zh" else ": "
    subject = _block(packet.subject, keep=packet.case_id)
    out = [subject, "=" * min(_width(subject), 78), ""]
    meta = [
        ("case", packet.case_id),
        ("created", format_when(packet.created_at, lang)),
        ("priority", _l("pri." + packet.priority, lang)),
        ("outcome", _block(packet.outcome.title) + _outcome_line(packet, code=False)),
        ("tree", _block(packet.tree.title) + _tree_line(packet, code=False)),
        ("language", _l(f"lang.{lang}", lang)),
    ]
    out += [f"{_l(key, lang)}{colon}{value}" for key, value in meta]

    out += ["", *_heading(_l("summary", lang), lang), _block(packet.summary), ""]

    out += [*_heading(_l("contact", lang), lang)]
    first = "recommended" if packet.contact_needed else "no-contact"
    out += _text_advice(packet.channel, _l(first, lang), lang)
    if packet.written_record:
        out += _text_advice(packet.written_record, _l("record", lang), lang)
    if packet.alternatives:
        out.append(f"{_l('others', lang)}{colon}")
        for alt in packet.alternatives:
            out.append(f"  - {_block(alt.name)}{colon}{_block(alt.reason, '    ')}")
            out.append(f"    {_l('how', lang)}{colon}{_block(alt.how, '    ')}")
            if alt.contact:
                out.append(f"    {_l('contact-detail', lang)}{colon}{_verbatim(alt.contact)}")
            out.append(f"    {_l('response', lang)}{colon}{_block(alt.response_time, '    ')}")
    out += [_hours_line(packet, markdown=False), ""]

    out += [*_heading(_l("facts", lang), lang)]
    if packet.facts:
        for fact in packet.facts:
            label = _block(fact.label)
            if fact.source == "context":
                label += f" ({_l('given', lang)})"
            out.append(f"  {label}{colon}{_block(fact.shown, '  ')}")
    else:
        out.append(_l("facts-none", lang))
    out.append("")

    out += [*_heading(_l("missing", lang), lang)]
    if packet.missing_facts:
        out.append(_l("missing-ask", lang))
        out += [f"  - {_block(item.label, '  ')}" for item in packet.missing_facts]
    else:
        out.append(_l("missing-none", lang))
    out.append("")

    out += [*_heading(_l("tried", lang), lang)]
    if packet.steps_tried:
        for number, step in enumerate(packet.steps_tried, 1):
            out.append(f"{number}. {_block(step.question, '  ')}")
            out += [f"     - {_block(line, '     ')}" for line in _unnumbered(step.instructions)]
            out.append(f"   {_l('result', lang)}{colon}{_block(step.result, '   ')}")
    else:
        out.append(_l("tried-none", lang))
    out.append("")

    out += [*_heading(_l("attachments", lang), lang)]
    if packet.attachments:
        out += [f"  [ ] {_block(item, '    ')}" for item in packet.attachments]
    else:
        out.append(_l("attachments-none", lang))
    out.append("")

    out += [*_heading(_l("diagnosis", lang), lang)]
    out.append(f"{_l('cause', lang)}{colon}{_block(packet.outcome.cause)}")
    out.append(f"{_l('advice', lang)}{colon}")
    out += [
        f"  {n}. {_block(line, '    ')}"
        for n, line in enumerate(_unnumbered(packet.outcome.steps), 1)
    ]
    out.append("")

    out += [*_heading(_l("transcript", lang), lang)]
    for number, entry in enumerate(packet.transcript, 1):
        answer = _l("skipped", lang) if entry.answer is None else _block(entry.answer, "     ")
        source = "" if entry.source == "user" else f" ({_l('src.context', lang)})"
        out.append(f"{number:>2}. {_block(entry.question, '   ')}")
        out.append(f"    → {answer}{source}")
    out.append("")

    out += [*_heading(_l("privacy", lang), lang), _block(packet.privacy_reminder), ""]
    return "\n".join(line.rstrip() for line in out)


# --------------------------------------------------------------------------- JSON


def to_json(packet: EscalationPacket, *, indent: int | None = 2) -> str:
    """`packet.model_dump_json`, with invisible and bidi characters as ``\\uXXXX`` escapes
    (the same JSON value, but safe to print on a terminal)."""
    return json_escaped(packet.model_dump_json(indent=indent))


# --------------------------------------------------------------------------- email

_HEADER_UNSAFE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)


def header_value(text: str) -> str:
    """`text` fit for an email header: CR, LF and every control, separator or bidi
    character removed (a header can never be split or smuggled), white space collapsed."""
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = _HEADER_UNSAFE.sub(" ", text)
    text = "".join(
        " " if unicodedata.category(c) in ("Zl", "Zp", "Cc", "Cf", "Cs") else c for c in text
    )
    return " ".join(text.split())


def to_email(packet: EscalationPacket, *, markdown: bool = False) -> EmailMessage:
    """The packet as an email: bilingual subject, To only from the configuration, plain-text
    body (UTF-8), and with `markdown` the Markdown rendering as an alternative part."""
    message = EmailMessage()
    message["Subject"] = header_value(redact_except(packet.email_subject, packet.case_id))
    if packet.email_to:
        message["To"] = header_value(packet.email_to)
    message["Date"] = format_datetime(packet.created_at)
    message["X-OKPAY-Case"] = packet.case_id
    message["X-OKPAY-Priority"] = packet.priority
    # Mostly-ASCII English reads better quoted-printable; Chinese is shorter in base64.
    cte = "base64" if packet.lang == "zh" else "quoted-printable"
    message.set_content(to_text(packet), charset="utf-8", cte=cte)
    if markdown:
        message.add_alternative(to_markdown(packet), subtype="markdown", charset="utf-8", cte=cte)
    message["Content-Language"] = "zh-CN" if packet.lang == "zh" else "en"
    return message


# --------------------------------------------------------------------------- by name

Format = Literal["markdown", "text", "json", "email"]
#: The renderings by name, as the command line's ``--format`` takes them.
FORMATS: tuple[Format, ...] = ("markdown", "text", "json", "email")
_SUFFIXES: dict[str, Format] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".json": "json",
    ".eml": "email",
}


def format_for_path(path: str | PurePath) -> Format:
    """The format a file name suggests (``.md``, ``.txt``, ``.json``, ``.eml``); Markdown
    otherwise."""
    return _SUFFIXES.get(PurePath(path).suffix.lower(), "markdown")


def render(packet: EscalationPacket, fmt: Format) -> bytes:
    """The packet in format `fmt`, as the bytes of a file (UTF-8; an email as RFC 5322)."""
    if fmt == "email":
        return to_email(packet).as_bytes()
    if fmt == "json":
        return (to_json(packet) + "\n").encode("utf-8")
    text = to_text(packet) if fmt == "text" else to_markdown(packet)
    return text.encode("utf-8")
