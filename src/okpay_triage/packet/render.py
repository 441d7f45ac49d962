"""The escalation packet with its renderings: Markdown, plain text, JSON and an email.

Pure functions: a packet in, a string (or an `EmailMessage`) out, no I/O. Every text is in
the packet's language. Each rendering is its own module (`markdown`, `plain`, `mail`);
`EscalationPacket` is the packet's data (`model.PacketContent`) with them as methods, and
`render` gives any of them by name, as bytes for a file.
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import PurePath
from typing import Literal

from okpay_triage.text import header_safe as header_value
from okpay_triage.text import json_escaped

from .mail import to_email
from .markdown import escape_markdown, to_markdown
from .model import PacketContent
from .plain import to_text

__all__ = [
    "FORMATS",
    "EscalationPacket",
    "escape_markdown",
    "format_for_path",
    "header_value",
    "render",
    "to_email",
    "to_json",
    "to_markdown",
    "to_text",
]


class EscalationPacket(PacketContent):
    """What support needs to act on a case without asking back, built by `build_packet`.

    A frozen record in the session's language: case id and creation time, the tree (id,
    version, hash), the outcome with its cause and escalation, a priority, the recommended
    channel with the reason, expected reply time and alternatives for the time it was made,
    a subject line and summary, the facts, the transcript with each answer's source, the
    steps already tried, an attachments checklist, the facts still missing and a privacy
    reminder. Render it with `to_markdown`, `to_text`, `to_email` or `model_dump_json`.
    """

    def to_markdown(self) -> str:
        """The packet as Markdown; user text is escaped so it cannot change the structure."""
        return to_markdown(self)

    def to_text(self) -> str:
        """The packet as plain text (the email body)."""
        return to_text(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """`model_dump_json`, with invisible and bidi characters written as JSON escapes so
        the text is also safe to print on a terminal."""
        return json_escaped(self.model_dump_json(indent=indent))

    def to_email(self, *, markdown: bool = False) -> EmailMessage:
        """A ready-to-send `email.message.EmailMessage`: bilingual subject, To only from the
        configuration (left out when none is configured), plain-text UTF-8 body, and with
        `markdown` the Markdown rendering as an alternative part."""
        return to_email(self, markdown=markdown)


# --------------------------------------------------------------------------- texts


def to_json(packet: PacketContent, *, indent: int | None = 2) -> str:
    """`packet.model_dump_json`, with invisible and bidi characters as ``\\uXXXX`` escapes
    (the same JSON value, but safe to print on a terminal)."""
    return json_escaped(packet.model_dump_json(indent=indent))


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
