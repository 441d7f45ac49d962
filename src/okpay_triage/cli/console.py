"""What the command line puts on the terminal: plain or styled lines, tree and user text made
safe to show, and JSON lines for programs. Every line the CLI prints goes through `echo`."""

from __future__ import annotations

import os
from typing import Any

import click


def _color() -> bool | None:
    return False if os.environ.get("NO_COLOR") else None


def echo(text: str = "", *, err: bool = False, **style: Any) -> None:
    """Print `text` (already escaped), styled only on a colour terminal."""
    click.echo(click.style(text, **style) if style else text, err=err, color=_color())


def shown(text: str) -> str:
    """Tree or user text made safe for a terminal."""
    from okpay_triage.text import visible

    return visible(text)


def quoted(text: str) -> str:
    """User input made fit to quote in a message: redacted first (a card number to its last
    four, a password dropped), then escaped for the terminal. Redaction comes first, so that
    an escape can never split a number it would have masked."""
    from okpay_triage.redaction import redact
    from okpay_triage.text import valid_unicode, visible

    return visible(redact(valid_unicode(text)))


def json_line(data: object) -> str:
    """`data` as one line of JSON, Chinese kept readable, and every character a terminal
    could act on (C1 controls, bidi overrides, zero-width, line separators) escaped. Lone
    surrogates (bytes that were not UTF-8) become U+FFFD, so the line is valid UTF-8."""
    import json

    from okpay_triage.text import json_escaped, valid_unicode

    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return json_escaped(valid_unicode(text))
