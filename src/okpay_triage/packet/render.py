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
from .preview import masked

__all__ = [
    "FORMATS",
    "EscalationPacket",
    "escape_markdown",
    "format_for_path",
    "header_value",
    "masked",
    "render",
    "to_email",
    "to_json",
    "to_markdown",
    "to_text",
]


class EscalationPacket(PacketContent):
    """What support needs to act on a case without asking back, built by `build_packet`.

    A frozen record in the session's language (see `model.PacketContent` for its fields).
    Render it with `to_markdown`, `to_text`, `to_json` or `to_email`; each takes `preview`
    for the shareable preview with personal data masked (`preview()` gives that packet).
    """

    def to_markdown(self, *, preview: bool = False) -> str:
        """The packet as Markdown; user text is escaped so it cannot change the structure.
        With `preview`, the shareable preview: personal data masked."""
        return to_markdown(self, preview=preview)

    def to_text(self, *, preview: bool = False) -> str:
        """The packet as plain text (the email body); `preview` masks personal data."""
        return to_text(self, preview=preview)

    def to_json(self, *, indent: int | None = 2, preview: bool = False) -> str:
        """`model_dump_json`, with invisible and bidi characters written as JSON escapes so
        the text is also safe to print on a terminal; `preview` masks personal data."""
        return to_json(self, indent=indent, preview=preview)

    def preview(self) -> EscalationPacket:
        """The shareable preview: this packet with every personal fact masked, wherever it
        appears (`preview.masked`). The packet itself, for support, keeps them whole."""
        return masked(self)

    def to_email(self, *, markdown: bool = False, preview: bool = False) -> EmailMessage:
        """A ready-to-send `email.message.EmailMessage`: bilingual subject, To only from the
        configuration (left out when none is configured), plain-text UTF-8 body, and with
        `markdown` the Markdown rendering as an alternative part; `preview` masks personal
        data."""
        return to_email(self, markdown=markdown, preview=preview)


# --------------------------------------------------------------------------- texts


def to_json(packet: PacketContent, *, indent: int | None = 2, preview: bool = False) -> str:
    """`packet.model_dump_json`, with invisible and bidi characters as ``\\uXXXX`` escapes
    (the same JSON value, but safe to print on a terminal); `preview` masks personal data."""
    if preview:
        packet = masked(packet)
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


def render(packet: EscalationPacket, fmt: Format, *, preview: bool = False) -> bytes:
    """The packet in format `fmt`, as the bytes of a file (UTF-8; an email as RFC 5322);
    with `preview`, the shareable preview, personal data masked (the packet for support
    keeps it whole)."""
    if fmt == "email":
        return to_email(packet, preview=preview).as_bytes()
    if fmt == "json":
        return (to_json(packet, preview=preview) + "\n").encode("utf-8")
    if fmt == "text":
        return to_text(packet, preview=preview).encode("utf-8")
    return to_markdown(packet, preview=preview).encode("utf-8")
