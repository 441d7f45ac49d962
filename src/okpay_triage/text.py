"""Text typed by users is data: this module makes it safe to keep and compare.

`clean` runs when text enters a session (NUL and control characters out, lone surrogates
replaced, length capped) so that saved JSON always stays valid. `normalize` is the form in
which answers are compared with option labels and synonyms. Showing text safely on a
terminal or in Markdown is the renderers' job, not this module's.
"""

from __future__ import annotations

import re
import unicodedata

#: The longest answer kept; longer text is cut (with a notice) rather than refused.
MAX_ANSWER_CHARS = 2000

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")


def clean(text: str, limit: int = MAX_ANSWER_CHARS) -> tuple[str, bool]:
    """Text fit to store: no control characters or lone surrogates, at most `limit` chars.

    Returns the cleaned text and whether it had to be cut.
    """
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if len(text) > limit:
        return text[:limit].rstrip() + "…", True
    return text, False


_EDGES = " .。!！?？,，"


def normalize(text: str) -> str:
    """The comparison form of an answer: NFKC, case-folded, invisible characters removed,
    inner white space collapsed, trailing punctuation dropped (``" Yes! "`` -> ``"yes"``)."""
    if not text.isascii():  # ASCII needs no width folding and has no invisible characters
        text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return " ".join(text.casefold().split()).strip(_EDGES)


UNSAFE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)


def visible(text: str) -> str:
    """`text` with every control, bidi and invisible character shown as an escape.

    For a terminal: an escape sequence, a right-to-left override or a zero-width space in
    user or tree text is displayed (``\\x1b``, ``\\u202e``), never acted on. Newlines and
    tabs are kept.
    """
    return UNSAFE.sub(_escape, text)


def json_escaped(text: str) -> str:
    """JSON text with every character `visible` escapes written as a ``\\uXXXX`` escape.

    Such characters can only stand inside JSON strings, so the result is the same JSON value,
    but printing it can never move the cursor or reorder a line.
    """
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
