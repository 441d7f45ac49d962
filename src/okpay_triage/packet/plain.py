"""The packet as plain text: the body of the email, and what a terminal shows.

Headings are underlined in English and bracketed in Chinese; a value's continuation lines are
indented under its first; control and invisible characters are shown as escapes.
"""

from __future__ import annotations

import unicodedata

from okpay_triage.wording import format_when, say

from .model import ChannelAdvice, PacketContent
from .pieces import hours_state, outcome_line, paren, safe, tree_line, unnumbered, verbatim
from .preview import masked


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _heading(text: str, lang: str) -> list[str]:
    if lang == "zh":
        return [f"【{text}】"]
    return [text.upper(), "-" * _width(text)]


def _block(text: str, indent: str = "") -> str:
    """Safe text with its continuation lines indented under the first."""
    lines = [line.strip() for line in safe(text).split("\n")]
    return ("\n" + indent + "  ").join(line for line in lines if line)


def _text_advice(advice: ChannelAdvice, title: str, lang: str) -> list[str]:
    colon = "：" if lang == "zh" else ": "
    out = [f"{title}{colon}{_block(advice.name)}"]
    out.append(f"  {say('label.why', lang)}{colon}{_block(advice.reason, '  ')}")
    out.append(f"  {say('label.how', lang)}{colon}{_block(advice.how, '  ')}")
    if advice.contact:
        out.append(f"  {say('label.contact-detail', lang)}{colon}{verbatim(advice.contact)}")
    out.append(f"  {say('label.response', lang)}{colon}{_block(advice.response_time, '  ')}")
    return out


def to_text(packet: PacketContent, *, preview: bool = False) -> str:
    """The packet as plain text: the email body, readable in any viewer; with `preview`,
    the shareable preview: personal data masked (`preview.masked`)."""
    if preview:
        packet = masked(packet)
    lang = packet.lang
    colon = "：" if lang == "zh" else ": "
    subject = _block(packet.subject)
    out = [subject, "=" * min(_width(subject), 78), ""]
    if preview:
        out += [say("label.preview", lang), ""]
    reference = "case" if packet.case_kind == "reference" else "ticket"
    meta = [
        (reference, packet.case_id),
        ("created", format_when(packet.created_at, lang)),
        ("priority", say("label.pri." + packet.priority, lang)),
        ("outcome", _block(packet.outcome.title) + outcome_line(packet, code=False)),
        ("tree", _block(packet.tree.title) + tree_line(packet, code=False)),
        ("language", say(f"label.lang.{lang}", lang)),
    ]
    out += [f"{say(f'label.{key}', lang)}{colon}{value}" for key, value in meta]

    out += ["", *_heading(say("label.summary", lang), lang), _block(packet.summary), ""]

    out += [*_heading(say("label.facts", lang), lang)]
    for fact in packet.facts:
        label = _block(fact.label)
        if fact.source == "context":
            label += paren(say("label.given", lang), lang)
        out.append(f"  {label}{colon}{_block(fact.shown, '  ')}")
    if packet.statements:
        out.append(f"{say('label.said', lang)}{colon}")
        out += [f"  - {_block(item.text, '    ')}" for item in packet.statements]
    if not packet.facts and not packet.statements:
        out.append(say("label.facts-none", lang))
    out.append("")

    if packet.contact_log:
        out += [*_heading(say("label.contact-log", lang), lang)]
        out += [f"  - {_block(fact.shown, '    ')}" for fact in packet.contact_log]
        out.append("")
    if packet.requested_response:
        out += [*_heading(say("label.requested", lang), lang)]
        out += [_block(packet.requested_response.shown), ""]

    out += [*_heading(say("label.missing", lang), lang)]
    if packet.missing_facts:
        out.append(say("label.missing-ask", lang))
        out += [f"  - {_block(item.label, '  ')}" for item in packet.missing_facts]
    else:
        out.append(say("label.missing-none", lang))
    out.append("")

    out += [*_heading(say("label.tried", lang), lang)]
    if packet.steps_tried:
        for number, step in enumerate(packet.steps_tried, 1):
            if step.statement:
                out.append(f"{number}. {_block(step.statement, '  ')}")
                out += [f"     - {_block(line, '     ')}" for line in unnumbered(step.instructions)]
                continue
            out.append(f"{number}. {_block(step.question, '  ')}")
            out += [f"     - {_block(line, '     ')}" for line in unnumbered(step.instructions)]
            out.append(f"   {say('label.result', lang)}{colon}{_block(step.result, '   ')}")
    else:
        out.append(say("label.tried-none", lang))
    out.append("")

    out += [*_heading(say("label.attachments", lang), lang)]
    if packet.attachments:
        out += [f"  [ ] {_block(item, '    ')}" for item in packet.attachments]
    else:
        out.append(say("label.attachments-none", lang))
    out.append("")

    out += [*_heading(say("label.contact", lang), lang)]
    first = "recommended" if packet.contact_needed else "no-contact"
    out += _text_advice(packet.channel, say(f"label.{first}", lang), lang)
    if packet.written_record:
        out += _text_advice(packet.written_record, say("label.record", lang), lang)
    if packet.alternatives:
        out.append(f"{say('label.others', lang)}{colon}")
        for alt in packet.alternatives:
            out.append(f"  - {_block(alt.name)}{colon}{_block(alt.reason, '    ')}")
            out.append(f"    {say('label.how', lang)}{colon}{_block(alt.how, '    ')}")
            if alt.contact:
                out.append(f"    {say('label.contact-detail', lang)}{colon}{verbatim(alt.contact)}")
            out.append(
                f"    {say('label.response', lang)}{colon}{_block(alt.response_time, '    ')}"
            )
    out += [_hours_line(packet), ""]

    out += [*_heading(say("label.diagnosis", lang), lang)]
    out.append(f"{say('label.cause', lang)}{colon}{_block(packet.outcome.cause)}")
    out.append(f"{say('label.advice', lang)}{colon}")
    out += [
        f"  {n}. {_block(line, '    ')}"
        for n, line in enumerate(unnumbered(packet.outcome.steps), 1)
    ]
    out.append("")

    out += [*_heading(say("label.transcript", lang), lang)]
    for number, entry in enumerate(packet.transcript, 1):
        answer = (
            say("label.skipped", lang) if entry.answer is None else _block(entry.answer, "     ")
        )
        source = "" if entry.source == "user" else paren(say("label.src.context", lang), lang)
        out.append(f"{number:>2}. {_block(entry.question, '   ')}")
        out.append(f"    → {answer}{source}")
    out.append("")

    out += [*_heading(say("label.privacy", lang), lang), _block(packet.privacy_reminder), ""]
    return "\n".join(line.rstrip() for line in out)


def _hours_line(packet: PacketContent) -> str:
    lang = packet.lang
    colon = "：" if lang == "zh" else ": "
    sep = "；" if lang == "zh" else "; "
    return (
        f"{say('label.hours', lang)}{colon}{safe(packet.working_hours)}{sep}{hours_state(packet)}"
    )
