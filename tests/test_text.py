"""User text is data: cleaned when kept, compared loosely, shown escaped."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from okpay_triage.text import clean, json_escaped, normalize, visible


def test_visible_escapes_terminal_controls() -> None:
    """ANSI/OSC escapes, bidi overrides and zero-width characters are shown, not acted on."""
    hostile = "\x1b[31mred\x1b]0;title\x07 \u202egnp.exe \u200bzero [bold]x[/]"
    shown = visible(hostile)
    assert "\x1b" not in shown
    assert "\u202e" not in shown
    assert "\u200b" not in shown
    assert "\\x1b[31mred" in shown
    assert "\\u202e" in shown
    assert "[bold]x[/]" in shown  # no markup language is ever interpreted


@given(st.text())
def test_visible_leaves_no_control_characters(text: str) -> None:
    """Whatever the input, the shown form has no C0/C1 controls besides newline and tab."""
    assert not any(
        (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in visible(text)
    )


@given(st.text())
def test_clean_is_storable_and_capped(text: str) -> None:
    """Cleaned text encodes as UTF-8, has no NUL, and respects the cap."""
    kept, _ = clean(text, 50)
    kept.encode("utf-8")
    assert "\x00" not in kept
    assert len(kept) <= 51


def test_normalize() -> None:
    """Case, width, spacing, invisible characters and end punctuation do not matter."""
    assert normalize("  ＹＥＳ！ ") == "yes"
    assert normalize("for\u200bgot") == "forgot"
    assert normalize("可以了。") == "可以了"


@given(st.text())
def test_json_escaped_is_the_same_json_value(text: str) -> None:
    """Escaping for the terminal never changes what the JSON means."""
    import json

    raw = json.dumps({"v": text}, ensure_ascii=False)
    shown = json_escaped(raw)
    assert json.loads(shown) == {"v": text}
    assert visible(shown) == shown


# ------------------------------------------------------------------ invisible characters
# (BAD_INPUTS item 40): decided by Unicode properties, every class escaped.

#: One example of each class `visible` must escape.
INVISIBLE = [
    "\x00",
    "\x1b",
    "\x7f",
    "\x85",  # Cc
    "\u00ad",  # soft hyphen (Cf)
    "\u200b",
    "\u200d",
    "\u2060",
    "\ufeff",  # zero-width (Cf)
    "\u202e",
    "\u2067",  # bidi (Cf)
    "\u2028",
    "\u2029",  # Zl, Zp
    "\ue000",
    "\U000f0000",  # private use (Co)
    "\ud800",
    "\udcff",  # lone surrogates (Cs)
    "\u034f",  # combining grapheme joiner (default-ignorable, Mn)
    "\u115f",
    "\u1160",
    "\u3164",
    "\uffa0",  # Hangul fillers (default-ignorable, Lo)
    "\u180b",
    "\u180e",
    "\u180f",  # Mongolian selectors and vowel separator
    "\u2800",  # braille blank
    "\U000e0001",
    "\U000e0041",
    "\U000e007f",  # tag characters
    "\U000e0080",
    "\U000e0fff",  # the rest of the default-ignorable tag block
]
ORDINARY = st.lists(
    st.one_of(
        st.characters(codec="ascii", categories=["L", "N", "P", "S", "Zs"]),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # ideographs
        st.sampled_from("，。！？（）：；“”、《》　￥％＠＃"),  # full-width punctuation, U+3000
        st.sampled_from(["😀", "💳", "🙏", "❤️", "👍🏽", "👩‍💻", "🏳️‍🌈", "1️⃣", "\n", "\t"]),
    ),
    max_size=20,
).map("".join)


@given(st.lists(st.one_of(ORDINARY, st.sampled_from(INVISIBLE)), max_size=30))
def test_visible_escapes_every_invisible_class(pieces: list[str]) -> None:
    """Item 40: ordinary text (Chinese, emoji, full-width punctuation) mixed with every
    invisible class: none of the latter stands raw in the result, and the former is kept
    as it is; escaping for JSON keeps the value."""
    import json

    text = "".join(pieces)
    shown = visible(text)
    for char in INVISIBLE:
        if char != "\u200d":  # a joiner stays inside an emoji sequence (👩‍💻)
            assert char not in shown
    for piece in pieces:
        if piece not in INVISIBLE:
            assert piece in shown
    shown.encode("utf-8")  # no lone surrogate is left raw
    # Two lone surrogates side by side (U+D800 U+DCFF) are, escaped in JSON, one character
    # (U+100FF): that is JSON's reading, and the round trip keeps it.
    paired = text.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")
    assert json.loads(json_escaped(json.dumps(text, ensure_ascii=False))) == paired
    assert visible(shown) == shown


@given(ORDINARY)
def test_ordinary_text_is_unchanged(text: str) -> None:
    """Item 40: Chinese, emoji and full-width punctuation are shown as they are."""
    assert visible(text) == text


def test_lone_joiners_and_selector_runs_are_escaped() -> None:
    """A joiner between letters, a selector at the start or in a run (hidden data) is
    escaped; one selector after a character (the emoji form ❤️) is kept."""
    assert visible("a\u200db") == "a\\u200db"
    assert visible("\ufe0fx") == "\\ufe0fx"
    assert visible("x\ufe0f\ufe0f") == "x\ufe0f\\ufe0f"
    assert visible("\U0001f600" + "\U000e0100" * 3) == "\U0001f600\U000e0100" + "\\U000e0100" * 2


def test_plain_ranges_hold_nothing_unsafe() -> None:
    """The ranges `visible` skips without a look hold no character it would escape (the
    classes are decided by `is_unsafe`, from Unicode properties)."""
    import re

    from okpay_triage.text import _PLAIN, is_unsafe

    plain = re.compile(f"[{_PLAIN}]")
    assert not [hex(c) for c in range(0x110000) if plain.match(chr(c)) and is_unsafe(chr(c))]


def test_every_category_is_escaped() -> None:
    """Every code point of the control, format, separator, private-use and surrogate
    categories (Unicode 14 in Python 3.11: whatever `unicodedata` says) is escaped."""
    import unicodedata

    for code in range(0x110000):
        char = chr(code)
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs") and char not in (
            "\n\t\u200d"
        ):
            assert char not in visible(f"x{char}x"), hex(code)
