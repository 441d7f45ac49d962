"""Text typed by users is data: this module makes it safe to keep, compare and show.

`clean` runs when text enters a session (NUL and control characters out, lone surrogates
replaced, length capped) so that saved JSON always stays valid. `normalize` is the form in
which answers are compared with option labels and synonyms. It is also the one home of the
character classes that make text unsafe, and of what each use does with them: `clean_controls`
removes control characters (to store), `visible` shows them as escapes (on a terminal or in a
rendering), `header_safe` turns them into spaces (in an email header), and `breaks_line` finds
what may not stand in one line of configuration. Markdown escaping is the renderer's job.
"""

from __future__ import annotations

import re
import unicodedata

#: The longest answer kept; longer text is cut (with a notice) rather than refused.
MAX_ANSWER_CHARS = 2000

# The pieces of every class below. C0 controls (but tab and newline) and DEL; C1 controls;
# line and paragraph separators; bidi embeddings, overrides and isolates; the other
# invisible marks (Arabic letter mark, zero-width space and joiners, LRM/RLM, word joiner and
# invisible operators, the byte order mark).
_C0 = r"\x00-\x08\x0b-\x1f\x7f"
_C1 = r"\x80-\x9f"
_BREAKS = r"\u2028\u2029"
_BIDI = r"\u202a-\u202e\u2066-\u2069"
_MARKS = r"\u061c\u200b-\u200f\u2060-\u2065\ufeff"

_CONTROL = re.compile(f"[{_C0}]")
#: What `visible` escapes: every control, separator, bidi or invisible character but tab and
#: newline.
UNSAFE = re.compile(f"[{_C0}{_C1}{_BREAKS}{_BIDI}{_MARKS}]")
# In a header tab and newline are unsafe too.
_HEADER_UNSAFE = re.compile(rf"[\t\n{_C0}{_C1}{_BREAKS}{_BIDI}{_MARKS}]")
# What may not stand in one line of configuration: it would break the line or reorder it.
_LINE_BREAKING = re.compile(rf"[\t\n{_C0}{_C1}{_BREAKS}{_BIDI}]")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")


def clean(text: str, limit: int = MAX_ANSWER_CHARS) -> tuple[str, bool]:
    """Text fit to store: no control characters or lone surrogates, at most `limit` chars.

    Returns the cleaned text and whether it had to be cut.
    """
    text = clean_controls(text).strip()
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


def valid_unicode(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD, so that it can be encoded."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def unix_newlines(text: str) -> str:
    """`text` with CR LF and lone CR written as LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_controls(text: str) -> str:
    """`text` fit to store: lone surrogates replaced, line ends made LF, and every C0 control
    character but tab and newline (and DEL) removed. Nothing is stripped or cut."""
    if text.isascii() and text.isprintable():  # the common case: nothing to do
        return text
    return _CONTROL.sub("", unix_newlines(valid_unicode(text)))


def header_safe(text: str) -> str:
    """`text` fit for an email header: lone surrogates replaced, CR, LF and every control,
    separator, format or bidi character made a space (so a header can never be split or
    smuggled), white space collapsed."""
    text = _HEADER_UNSAFE.sub(" ", valid_unicode(text))
    text = "".join(
        " " if unicodedata.category(c) in ("Zl", "Zp", "Cc", "Cf", "Cs") else c for c in text
    )
    return " ".join(text.split())


def breaks_line(text: str) -> bool:
    """Whether `text` holds a line break, tab, control or bidi-override character: what may
    not stand in one line of configuration (it may reach an email header)."""
    return _LINE_BREAKING.search(text) is not None


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
