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
from collections.abc import Callable

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

# What `visible` escapes is decided by Unicode properties (`is_unsafe`), not by a list:
# every character of the categories below but tab and newline, every default-ignorable code
# point (Unicode's Default_Ignorable_Code_Point, which `unicodedata` does not carry: those
# that are not format characters are listed in _IGNORABLE), and the blanks that are letters
# or symbols drawn as nothing.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs"})
# Default_Ignorable_Code_Point outside Cf: combining grapheme joiner, Hangul fillers,
# Khmer inherent vowels, Mongolian free variation selectors, the reserved U+2065,
# U+FFF0-FFF8 and the whole tag plane block U+E0000-E0FFF (tag characters included).
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2065\u3164\uffa0\ufff0-\ufff8"
    "\U000e0000-\U000e00ff\U000e01f0-\U000e0fff]"
)
# Shown as nothing though they are letters or symbols: the braille blank.
_BLANKS = frozenset("\u2800")
# Variation selectors (also default-ignorable) choose the glyph of the character before
# them: one after a character is kept (the emoji form of ❤️, an ideograph variant); one at
# the start, after another selector or after an escaped character is escaped, so that no
# run of them can carry hidden text.
_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_ZWJ = "\u200d"
# Characters that can never be unsafe, skipped quickly: printable ASCII, Latin-1 but the
# soft hyphen, CJK punctuation, ideographs, full-width forms. Everything else is looked at
# one by one (the test suite checks this list against `is_unsafe`).
_PLAIN = "\t\n\x20-\x7e\xa0-\xac\xae-\u02ff\u3000-\u303f\u3040-\u309f\u4e00-\u9fff\uff01-\uff9f"
_CANDIDATE = re.compile(f"[^{_PLAIN}]")
#: What `visible` may escape (a superset: `is_unsafe` decides), for callers that only need
#: to know whether a text could need escaping.
UNSAFE = _CANDIDATE


def is_unsafe(char: str) -> bool:
    """Whether `visible` escapes `char` wherever it stands (variation selectors and the
    zero-width joiner of an emoji sequence depend on their neighbours: see `visible`)."""
    if char in "\t\n":
        return False
    return (
        unicodedata.category(char) in _UNSAFE_CATEGORIES
        or char in _BLANKS
        or _IGNORABLE.match(char) is not None
        or _SELECTORS.match(char) is not None
    )


def _kept_in_place(text: str, at: int) -> bool:
    """Whether the selector or joiner at `at` belongs to the character before it."""
    if text[at] == _ZWJ:
        return _joins_emoji(text, at)
    before = text[at - 1] if at else ""
    return bool(before) and _SELECTORS.match(before) is None and not is_unsafe(before)


def _joins_emoji(text: str, at: int) -> bool:
    """A zero-width joiner between two emoji (👩‍💻): part of one picture, not hidden text."""
    before = text[at - 1] if at else ""
    if before == "\ufe0f" and at > 1:
        before = text[at - 2]
    after = text[at + 1] if at + 1 < len(text) else ""
    return (
        bool(before)
        and bool(after)
        and unicodedata.category(before) in ("So", "Sk")
        and unicodedata.category(after) == "So"
    )


def _unsafe_sub(text: str, escape: Callable[[str], str]) -> str:
    def replace(match: re.Match[str]) -> str:
        char = match.group()
        if char != _ZWJ and _SELECTORS.match(char) is None:
            return escape(char) if is_unsafe(char) else char
        return char if _kept_in_place(text, match.start()) else escape(char)

    return _CANDIDATE.sub(replace, text)


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
    if text.isprintable():  # the common case (Chinese too): no control, surrogate or line end
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
    tabs are kept. Which characters are escaped is decided by their Unicode properties
    (`is_unsafe`): controls, format characters (bidi, zero-width, the soft hyphen, tag
    characters), line separators, private-use and lone surrogates, every default-ignorable
    code point (U+034F, the Hangul fillers, U+180E...) and the braille blank. Text in any
    script, emoji (with their variation selector and joiners) and full-width punctuation are
    kept as they are.
    """
    return _unsafe_sub(text, _escape)


def json_escaped(text: str) -> str:
    """JSON text with every character `visible` escapes written as a ``\\uXXXX`` escape.

    Such characters can only stand inside JSON strings, so the result is the same JSON value,
    but printing it can never move the cursor or reorder a line.
    """
    return _unsafe_sub(text, _json_escape)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:  # JSON escapes astral characters as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
