"""The packet as Markdown, for a ticket or a chat: user text cannot change its structure.

Every character that could start markup (``\\ ` * _ [ ] < > | ~ &``, and ``# + - = > 1.`` at
the start of a block) is backslash-escaped, URL schemes and ``www.`` are broken up so nothing
becomes a link, and line breaks inside a value become ``<br>``, so a value can never open a
heading, list, fence, table row, HTML tag or link.
"""

from __future__ import annotations

import re

from okpay_triage.wording import format_when, say

from .model import ChannelAdvice, PacketContent, PacketFact
from .pieces import hours_state, outcome_line, paren, safe, tree_line, unnumbered, verbatim
from .preview import masked

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


def _md(text: str) -> str:
    return escape_markdown(safe(text))


def _md_code(text: str) -> str:
    """Configured text (a contact) as a code span: shown literally, never made a link."""
    text = verbatim(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_advice(advice: ChannelAdvice, title: str, lang: str) -> list[str]:
    colon = "：" if lang == "zh" else ": "
    out = [f"**{_md(title)}{colon}{_md(advice.name)}**", ""]
    out.append(f"- {say('label.why', lang)}{colon}{_md(advice.reason)}")
    out.append(f"- {say('label.how', lang)}{colon}{_md(advice.how)}")
    if advice.contact:
        out.append(f"- {say('label.contact-detail', lang)}{colon}{_md_code(advice.contact)}")
    out.append(f"- {say('label.response', lang)}{colon}{_md(advice.response_time)}")
    out.append("")
    return out


def to_markdown(packet: PacketContent, *, preview: bool = False) -> str:
    """The packet as GitHub-flavoured Markdown (see the module docstring for the escaping);
    with `preview`, the shareable preview: personal data masked (`preview.masked`)."""
    if preview:
        packet = masked(packet)
    lang = packet.lang
    colon = "：" if lang == "zh" else ": "
    out = [f"# {_md(packet.subject)}", ""]
    if preview:
        out += [f"> **{say('label.preview', lang)}**", ""]
    reference = "case" if packet.case_kind == "reference" else "ticket"
    meta = [
        (reference, packet.case_id),
        ("created", _md(format_when(packet.created_at, lang))),
        ("priority", f"**{say('label.pri.' + packet.priority, lang)}**"),
        ("outcome", _md(packet.outcome.title) + outcome_line(packet, code=True)),
        ("tree", _md(packet.tree.title) + tree_line(packet, code=True)),
        ("language", say(f"label.lang.{lang}", lang)),
    ]
    out += [f"- **{say(f'label.{key}', lang)}**{colon}{value}" for key, value in meta]

    out += ["", f"## {say('label.summary', lang)}", "", _md(packet.summary), ""]

    out += [f"## {say('label.facts', lang)}", ""]
    if packet.facts:
        out += [f"| {say('label.fact', lang)} | {say('label.value', lang)} |", "|---|---|"]
        out += [_md_fact_row(fact, lang) for fact in packet.facts]
        out.append("")
    if packet.statements:
        out += [f"**{say('label.said', lang)}**{colon}", ""]
        out += [f"- {_md(item.text)}" for item in packet.statements]
        out.append("")
    if not packet.facts and not packet.statements:
        out += [say("label.facts-none", lang), ""]

    if packet.contact_log:
        out += [f"## {say('label.contact-log', lang)}", ""]
        out += [f"- {_md(fact.shown)}" for fact in packet.contact_log]
        out.append("")
    if packet.requested_response:
        out += [f"## {say('label.requested', lang)}", ""]
        out += [_md(packet.requested_response.shown), ""]

    out += [f"## {say('label.missing', lang)}", ""]
    if packet.missing_facts:
        out += [say("label.missing-ask", lang), ""]
        out += [f"- {_md(item.label)}" for item in packet.missing_facts]
    else:
        out.append(say("label.missing-none", lang))
    out.append("")

    out += [f"## {say('label.tried', lang)}", ""]
    if packet.steps_tried:
        for number, step in enumerate(packet.steps_tried, 1):
            if step.statement:
                out.append(f"{number}. {_md(step.statement)}")
            else:
                out.append(f"{number}. {_md(step.question)} → **{_md(step.result)}**")
            out += [f"   - {_md(line)}" for line in unnumbered(step.instructions)]
    else:
        out.append(say("label.tried-none", lang))
    out.append("")

    out += [f"## {say('label.attachments', lang)}", ""]
    if packet.attachments:
        out += [f"- [ ] {_md(item)}" for item in packet.attachments]
    else:
        out.append(say("label.attachments-none", lang))
    out.append("")

    out += [f"## {say('label.contact', lang)}", ""]
    first = "recommended" if packet.contact_needed else "no-contact"
    out += _md_advice(packet.channel, say(f"label.{first}", lang), lang)
    if packet.written_record:
        out += _md_advice(packet.written_record, say("label.record", lang), lang)
    if packet.alternatives:
        out += [f"**{say('label.others', lang)}**", ""]
        for alt in packet.alternatives:
            out.append(f"- **{_md(alt.name)}**{colon}{_md(alt.reason)}")
            out.append(f"  - {say('label.how', lang)}{colon}{_md(alt.how)}")
            if alt.contact:
                contact = _md_code(alt.contact)
                out.append(f"  - {say('label.contact-detail', lang)}{colon}{contact}")
            out.append(f"  - {say('label.response', lang)}{colon}{_md(alt.response_time)}")
        out.append("")
    out += [_hours_line(packet), ""]

    out += [f"## {say('label.diagnosis', lang)}", ""]
    out += [f"**{say('label.cause', lang)}**{colon}{_md(packet.outcome.cause)}", ""]
    out += [f"**{say('label.advice', lang)}**{colon}", ""]
    out += [f"{n}. {_md(line)}" for n, line in enumerate(unnumbered(packet.outcome.steps), 1)]
    out.append("")

    out += [f"## {say('label.transcript', lang)}", ""]
    out += [
        "| "
        + " | ".join(say(f"label.{k}", lang) for k in ("number", "question", "answer", "source"))
        + " |",
        "|---|---|---|---|",
    ]
    for number, entry in enumerate(packet.transcript, 1):
        answer = say("label.skipped", lang) if entry.answer is None else _md(entry.answer)
        source = say(f"label.src.{entry.source}", lang)
        out.append(f"| {number} | {_md(entry.question)} | {answer} | {source} |")
    out.append("")

    out += [f"## {say('label.privacy', lang)}", "", _md(packet.privacy_reminder), ""]
    return "\n".join(line.rstrip() for line in out)


def _md_fact_row(fact: PacketFact, lang: str) -> str:
    label = _md(fact.label)
    if fact.source == "context":
        label += paren(say("label.given", lang), lang)
    return f"| {label} | {_md(fact.shown)} |"


def _hours_line(packet: PacketContent) -> str:
    lang = packet.lang
    colon = "：" if lang == "zh" else ": "
    sep = "；" if lang == "zh" else "; "
    label = f"**{say('label.hours', lang)}**"
    return f"{label}{colon}{_md(packet.working_hours)}{sep}{_md(hours_state(packet))}"
