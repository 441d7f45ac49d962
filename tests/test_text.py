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
