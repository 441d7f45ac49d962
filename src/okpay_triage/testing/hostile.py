"""Hostile and personal text, as attackers and careless users type it.

`hostile_text` mixes terminal escapes, markup, invisible characters and header injections;
`sensitive_text` generates card, ID and phone numbers, emails and secrets together with the
strings (`SensitiveText.needles`) that must never be kept or shown.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from .random_trees import EN_WORDS, ZH_WORDS
from .values import LATEST

_HOSTILE_PIECES = (
    # terminal escapes: colour, clear screen, window title (OSC), hyperlink, C1 CSI, bell
    "\x1b[31m",
    "\x1b[2J\x1b[H",
    "\x1b]0;pwned\x07",
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "\x9b6n",
    "\x07\x08\x7f",
    # Rich / console markup
    "[bold]",
    "[/]",
    "[link=https://evil.example]x[/link]",
    "[red on white]",
    # bidi overrides and invisible characters
    "\u202egnp.exe",
    "\u2066\u2067\u2069",
    "\u200b",
    "\u200d\u2060\ufeff\u00ad",
    # NUL and lone surrogates
    "\x00",
    "\ud800",
    "\udfff",
    # header injection
    "\r\nBcc: attacker@example.com",
    "\nSubject: hello",
    "退款\r\nBcc: x@example.com",
    "\r\n\r\n<html>",
    # Markdown and HTML
    "```",
    "~~~\n",
    "\n# Heading\n",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "| a | b |\n|---|---|",
    "\n---\n",
    "<!--",
    "*__`",
    # full-width digits, RTL and combining text, emoji
    "１２３４５６",
    "１３８ １２３４ ５６７８",
    "مرحبا",
    "e\u0301\u0301\u0301",
    "😀👍🏽",
    # secrets and personal data
    "密码 abc123",
    "CVV 123",
    "验证码 483920",
    "PIN 1234",
    "my password is hunter2!",
    "%B4111111111111111^DOE/JOHN^2512101?",
    "4111 1111 1111 1111",
    "6222 0212 3456 7890 126",
    "11010519491231002x",
    "+86 138 1234 5678",
    "alice+tag@例子.中国",
)


def hostile_text(*, max_size: int = 6) -> st.SearchStrategy[str]:
    """Text an attacker or a careless user might type: up to `max_size` pieces of terminal
    escapes (ANSI, OSC), Rich markup, bidi overrides, zero-width characters, NUL, lone
    surrogates, CR/LF with header lines, Markdown fences and HTML, full-width digits,
    secrets ("密码 abc123", "CVV 123"), card, ID and phone numbers, and now and then a very
    long string, mixed with arbitrary text."""
    hostile = st.sampled_from(_HOSTILE_PIECES)
    piece = st.one_of(
        hostile,
        hostile,  # twice: mostly hostile pieces, with some arbitrary text between them
        st.text(max_size=20),
        st.sampled_from(EN_WORDS + ZH_WORDS),
    )
    long = st.tuples(st.sampled_from(["长", "x", "1", "\u200b"]), st.integers(2_001, 70_000))
    return st.one_of(
        st.lists(piece, min_size=1, max_size=max_size).map("".join),
        long.map(lambda pair: pair[0] * pair[1]),
    )


class SensitiveText(NamedTuple):
    """Text that holds personal data or a secret, and the strings that must never be kept.

    `needles` are the forms that must not appear in anything stored or shown: the typed
    number, its digits (for cards and ID numbers, all but the last four), the full email
    address, the secret's value.
    """

    text: str
    kind: str
    needles: tuple[str, ...]


_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _grouped(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, at = [], 0
    for size in sizes:
        parts.append(digits[at : at + size])
        at += size
    if at < len(digits):
        parts.append(digits[at:])
    return sep.join(p for p in parts if p)


@st.composite
def _card(draw: st.DrawFn) -> SensitiveText:
    prefix, length = draw(
        st.sampled_from([("4", 16), ("42", 16), ("51", 16), ("62", 16), ("62", 19), ("37", 15)])
    )
    size = length - len(prefix) - 1
    body = prefix + draw(st.text("0123456789", min_size=size, max_size=size))
    digits = body + luhn.calc_check_digit(body)  # the checksums redaction tests, from stdnum
    style = draw(st.sampled_from(["plain", "space", "dash", "full", "mixed"]))
    typed = {
        "plain": digits,
        "space": _grouped(digits, (4, 4, 4, 4), " "),
        "dash": _grouped(digits, (4, 4, 4, 4), "-"),
        "full": _grouped(digits, (4, 4, 4, 4), " ").translate(_FULL_WIDTH),
        "mixed": _grouped(digits, (4, 4, 4, 4), draw(_SEPARATORS)),
    }[style]
    return SensitiveText(typed, "card", (typed, digits[:-4]))


@st.composite
def _resident_id(draw: st.DrawFn) -> SensitiveText:
    area = draw(st.sampled_from(["110105", "310104", "440305", "620102"]))
    born = draw(st.dates(min_value=datetime(1950, 1, 1).date(), max_value=LATEST.date()))
    body = area + born.strftime("%Y%m%d") + f"{draw(st.integers(0, 999)):03d}"
    valid = ric.calc_check_digit(body + "0")  # stdnum reads a full number; the last is ignored
    check = valid if draw(st.booleans()) else draw(st.sampled_from("0123456789X"))
    typed = body + (check.lower() if check == "X" and draw(st.booleans()) else check)
    return SensitiveText(typed, "resident_id", (typed, body[:-3]))


@st.composite
def _phone(draw: st.DrawFn) -> SensitiveText:
    number = "1" + draw(st.sampled_from("3456789")) + f"{draw(st.integers(0, 10**9 - 1)):09d}"
    style = draw(st.sampled_from(["plain", "plus", "86", "space", "dash", "mixed", "paren", "00"]))
    typed = {
        "plain": number,
        "plus": "+86 " + _grouped(number, (3, 4, 4), " "),
        "86": "86" + number,
        "space": _grouped(number, (3, 4, 4), " "),
        "dash": _grouped(number, (3, 4, 4), "-"),
        "mixed": _grouped(number, (3, 4, 4), draw(_SEPARATORS)),
        "paren": f"+86 ({number[:3]}) {number[3:7]}-{number[7:]}",
        "00": "0086 " + _grouped(number, (3, 4, 4), "."),
    }[style]
    return SensitiveText(typed, "phone", (typed, number))


@st.composite
def _email(draw: st.DrawFn) -> SensitiveText:
    local = draw(st.text("abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10))
    tag = draw(st.sampled_from(["", "+tag", ".smith", "_01"]))
    domain = draw(st.sampled_from(["example.com", "mail.example.org", "例子.中国", "bücher.de"]))
    typed = f"{local}{tag}@{domain}"
    return SensitiveText(typed, "email", (typed, f"{local}{tag}@"))


#: What people put between the digits of one number (BAD_INPUTS 35).
_SEPARATORS = st.sampled_from(["  ", "\t", ".", "/", "·", "\u200b", "\u00ad", "-", " "])


@st.composite
def _iban(draw: st.DrawFn) -> SensitiveText:
    from stdnum import iban

    bank = draw(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=4))
    bban = bank + draw(st.text("0123456789", min_size=14, max_size=14))
    number = "GB" + iban.calc_check_digits("GB00" + bban) + bban
    typed = _grouped(number, (4, 4, 4, 4, 4), draw(_SEPARATORS))
    return SensitiveText(typed, "iban", (typed, number[:-4]))


# Keyword families x filler x quoting (BAD_INPUTS 34): simplified and traditional Chinese,
# abbreviations, words and quotes between the keyword and the value.
_SECRET_KEYWORDS = (
    ("password", ("密码", "密碼", "口令", "password", "Password", "pwd", "passcode")),
    ("password", ("pw", "pass")),  # words too: only before a colon or a copula
    ("cvv", ("CVV", "cvc", "安全码", "安全碼")),
    ("verification_code", ("验证码", "驗證碼", "OTP", "verification code", "動態碼")),
    ("pin", ("PIN", "pin code", "PIN码")),
)
_FILLERS = {
    "zh": ("", " ", "是", "就是", "一直是", "为", "：", "了，是"),
    "en": (" ", ": ", " is ", " was ", " I used was ", " is still "),
    "weak": (": ", " is ", "="),
}
_QUOTES = (("", ""), ("“", "”"), ("‘", "’"), ("「", "」"), ('"', '"'))


@st.composite
def _phrased_secret(draw: st.DrawFn) -> SensitiveText:
    index = draw(st.integers(0, len(_SECRET_KEYWORDS) - 1))
    kind, keywords = _SECRET_KEYWORDS[index]
    keyword = draw(st.sampled_from(keywords))
    script = "weak" if index == 1 else ("en" if keyword.isascii() else "zh")
    filler = draw(st.sampled_from(_FILLERS[script]))
    opening, closing = draw(st.sampled_from(_QUOTES))
    if opening == '"' and script != "zh" and not filler.endswith((" ", ":", "=")):
        opening = "“"
    if kind == "password":
        value = draw(st.text("abcdefghkmnpqrstuvwxyz", min_size=3, max_size=6)) + str(
            draw(st.integers(100, 99_999))
        )
        bare = value
    else:
        size = {"cvv": 3, "pin": 4}.get(kind, 6)
        bare = f"{draw(st.integers(0, 10**size - 1)):0{size}d}"
        value = (
            bare
            if kind == "cvv"
            else draw(st.sampled_from(["", " ", "-"])).join((bare[: size // 2], bare[size // 2 :]))
        )
    trailer = draw(st.sampled_from(["", "*", "[1]", "。"]))
    typed = f"{keyword}{filler}{opening}{value}{closing}{trailer}"
    needles = (typed, value, bare) if len(bare) >= 6 else (typed,)
    return SensitiveText(typed, kind, needles)


_SECRET_FORMS = (
    ("password", "密码 {}", "alnum"),
    ("password", "密码是{}", "alnum"),
    ("password", "password: {}", "alnum"),
    ("password", "my password is {}", "alnum"),
    ("cvv", "CVV {}", "3"),
    ("cvv", "安全码 {}", "3"),
    ("verification_code", "验证码 {}", "6"),
    ("verification_code", "OTP: {}", "6"),
    ("pin", "PIN {}", "6"),
    ("pin", "pin code: {}", "4"),
)


@st.composite
def _secret(draw: st.DrawFn) -> SensitiveText:
    kind, form, shape = draw(st.sampled_from(_SECRET_FORMS))
    if shape == "alnum":
        value = draw(st.text("abcdefghkmnpqrstuvwxyz", min_size=3, max_size=6)) + str(
            draw(st.integers(100, 99_999))
        )
    else:
        value = f"{draw(st.integers(0, 10 ** int(shape) - 1)):0{shape}d}"
    typed = form.format(value)
    needles = (typed, value) if len(value) >= 6 else (typed,)
    return SensitiveText(typed, kind, needles)


def sensitive_text() -> st.SearchStrategy[SensitiveText]:
    """Personal data or a secret, typed the ways people type it, alone or in a sentence:
    Luhn-valid card numbers (Visa ``42``, UnionPay ``62``, Amex too; spaces, dashes, dots,
    tabs, slashes, zero-width or soft-hyphen separators, full-width digits), 18-digit
    resident ID numbers (``x`` too, checksum valid or not), mainland mobile numbers
    (``+86``, ``0086``, ``86``, ``(138)``, any separators), emails (``+tags``, IDN domains),
    IBANs with any separators, and a password, CVV, PIN or verification code after its
    keyword: both scripts (密码, 密碼), abbreviations (pwd, pw, OTP), words or quotes between
    keyword and value (就是, "I used was", “…”), codes split by a space or dash."""
    item = st.one_of(
        _card(), _resident_id(), _phone(), _email(), _iban(), _secret(), _phrased_secret()
    )
    frame = st.sampled_from(["{}", "my number is {} thanks", "信息：{}。", "see {}", "{} 谢谢"])
    return st.builds(lambda found, f: found._replace(text=f.format(found.text)), item, frame)
