"""What every rendering of a packet shares: safe text, the outcome and tree lines, hours.

Text that came from a session, a tree or the configuration is data: `safe` shows control,
bidi-override and invisible characters as escapes (`text.visible`); `verbatim` does the same
for configuration text, which is shown as written. Neither redacts: every text of a packet
was redacted once, when it entered the session or when the packet was validated.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from okpay_triage.text import unix_newlines, valid_unicode, visible
from okpay_triage.wording import say

from .routing import opening_words, zone_name

if TYPE_CHECKING:
    from .model import PacketContent


def safe(text: str) -> str:
    """Data text with invisible or control characters shown escaped. It is not redacted
    again: a packet's texts were, once, when they entered the session or the packet."""
    return visible(unix_newlines(valid_unicode(text)).replace("\t", " ")).strip()


def verbatim(text: str) -> str:
    """Configuration text shown as written (not redacted), controls still escaped."""
    return visible(text.replace("\r", " ").replace("\n", " ").replace("\t", " ")).strip()


_NUMBERED = re.compile(r"^\s*\d{1,3}[.)、．]\s*")


def unnumbered(lines: tuple[str, ...]) -> list[str]:
    """Tree steps are often written "1. ...": drop that number when it is the line's place,
    since the renderings number the lines themselves."""
    out = []
    for place, line in enumerate(lines, 1):
        match = _NUMBERED.match(line)
        if match and match.group().strip().rstrip(".)、．") == str(place):
            line = line[match.end() :]
        out.append(line)
    return out


def outcome_line(packet: PacketContent, *, code: bool) -> str:
    lang = packet.lang
    oid = f"`{packet.outcome.id}`" if code else packet.outcome.id
    sep = "；" if lang == "zh" else "; "
    parts = [
        oid,
        f"{say('label.severity', lang)} {say('label.sev.' + packet.outcome.severity, lang)}",
        say("label.esc." + packet.outcome.escalate, lang),
    ]
    return paren(sep.join(parts), lang)


def paren(text: str, lang: str) -> str:
    return f"（{text}）" if lang == "zh" else f" ({text})"


def tree_line(packet: PacketContent, *, code: bool) -> str:
    tree = packet.tree
    comma = "，" if packet.lang == "zh" else ", "
    ident = f"{tree.id} {tree.version}{comma}{tree.hash}"
    coded = f"`{tree.id}` {tree.version}{comma}`{tree.hash}`"
    line = paren(coded if code else ident, packet.lang)
    if tree.replayed_from:
        line += say("packet.replayed", packet.lang, version=tree.replayed_from)
    return line


def hours_state(packet: PacketContent) -> str:
    """Whether support is open now, in words; with the next opening when it is not."""
    lang = packet.lang
    if packet.next_working_day is None:
        return say("label.now-in", lang)
    opening = opening_words(packet.next_working_day, packet.created_at, lang)
    return say("label.now-out", lang, next=opening)


def readable_time(value: str, zone: str, lang: str) -> str:
    """A kept date-time value as a reader wants it, in the configured `zone`:
    ``2026-11-30 15:00（北京时间）`` / ``2026-11-30 15:00 (Asia/Shanghai)``; an approximate
    one (``~2026-11-30T15:00+08:00``) said to be about that time, a day alone as the day (no
    time was given), ``unknown`` said so. Any
    other text is returned as it is. (The one place packets show times: it will call the
    session's own display of natural times once that exists.)"""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    text = value.strip()
    if text.lower() == "unknown":
        return say("packet.time.unknown", lang)
    about = text.startswith("~")
    if len(text) - about == 10:  # a day alone (2026-11-25, "3 days ago"): no made-up 00:00
        try:
            day = date.fromisoformat(text.removeprefix("~"))
        except ValueError:
            return value
        return say("packet.time.about", lang, time=day.isoformat()) if about else day.isoformat()
    try:
        moment = datetime.fromisoformat(text.removeprefix("~"))
        local = moment.astimezone(ZoneInfo(zone)) if moment.tzinfo else moment
    except (ValueError, KeyError):
        return value
    shown = say("packet.time", lang, time=f"{local:%Y-%m-%d %H:%M}", zone=zone_name(zone, lang))
    return say("packet.time.about", lang, time=shown) if about else shown
