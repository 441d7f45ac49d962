"""Cards, resident ID numbers and phones in free text: masked to the last four, or to
``138****5678`` and ``+44 ****0958``.

A card is a 13-19 digit number that passes the Luhn check, has a length its issuer uses and
starts with a known issuer prefix (`_CARD_ISSUERS`): order numbers and transaction ids pass the
Luhn check one time in ten, and would lose their digits otherwise. stdnum and phonenumbers
are imported only when a candidate needs checking.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from datetime import date
from functools import lru_cache
from itertools import accumulate

from .base import DIGIT, SEPARATOR, country_code, mainland_mobile, mask_phone, splice

# A "run" is groups of 3+ digits joined by runs of up to three separators (`SEPARATOR`:
# spaces, tabs, dashes, dots, slashes, middle dots, zero-width and soft-hyphen characters,
# parentheses); shorter groups never belong to a written card, ID or phone. Numbers are
# windows of whole groups, never a slice of one, so a long order number never yields a card
# inside it. A run after "+" or "00" may hold any groups (+44 20 7946 0958, 0044 20 ...).
# Masked tails (****1234) are matched first so they are never re-read.
_D = f"[{DIGIT}]"
_SEP1 = f"{SEPARATOR[:-1]}()]"
_S = f"(?:{_SEP1}){{1,3}}+"
# An ID may end in X; not one before "+", which may start a number masked into digits.
_X = rf"[Xx\uff38\uff58](?![0-9A-Za-z{DIGIT}+\uff0b])"
# Digits just before **** or ***@ belong to a mask: 138****5678, 1***@163.com.
_END = r"(?!\*{4}|\*{3}[@\uff20])"
_GROUP3 = rf"(?:{_D}{{3,}}+(?:{_X})?|{_D}{{1,2}}{_X}){_END}"  # three characters or more
_RUN = rf"(?<!{_D})(?<!\*{{4}})(?:[8\uff18][6\uff16]{_S})?{_GROUP3}(?:{_S}{_GROUP3})*"
# "00" starts an international number only outside a run of digits ("3567-0038 ..." is the
# rest of one, and stays so once the digits before it are masked) and not after a letter.
_NOT_IN_RUN = "(?<![A-Za-z])" + "".join(f"(?<!{_D}{_SEP1 * n})" for n in range(4))
_NUMBERS = re.compile(
    # The leading look-ahead lets the engine skip ahead to candidate characters quickly.
    rf"(?=[*+\uff0b0{DIGIT}])(?:\*{{4}}[0-9A-Za-z]{{4}}(?![0-9A-Za-z])"
    rf"|(?:[+\uff0b]|{_NOT_IN_RUN}[0\uff10]{{2}}(?=[1-9\uff11-\uff19]))"
    rf"(?P<plus>{_D}++{_END}(?:{_S}{_D}++{_END})*)"
    rf"|(?P<run>{_RUN}))"
)
_RUNS = re.compile(_RUN)
# Nothing with fewer digits is ever masked: a card, resident ID or mainland mobile has 11 or
# more, and a "+" number is checked from 8 on (`_plus_number`).
# Matched at the start only: one pass over the text, not one from each digit.
_EIGHT_DIGITS = re.compile(f"[^{DIGIT}]*+{_D}(?:[^{DIGIT}]*+{_D}){{7}}")
_DOMAIN_GOES_ON = re.compile(r"[0-9A-Za-z-]*\.[A-Za-z]")
_DOMAIN_BEFORE = re.compile(r"[@\uff20]?[\w.-]*\Z")
_DATE = re.compile(rf"{_D}{{4}}([-/.]){_D}{{2}}\1{_D}{{2}}(?!{_D})")  # 0039-01-01
_GROUPS = re.compile(rf"{_D}+[Xx\uff38\uff58]?")
# Full-width digits to ASCII, any X to "X".
_ASCII = str.maketrans(
    {**{0xFF10 + i: str(i) for i in range(10)}, 0xFF38: "X", 0xFF58: "X", 0x78: "X"}
)
# Letters glued before digits make an identifier (TX13812345678, OKP20261122), unless they
# are a word that introduces personal data (tel13812345678, card6222...).
# fmt: off
_DATA_WORDS = frozenset((
    "tel", "mob", "mobile", "phone", "ph", "cell", "card", "no", "nr", "num", "number", "id",
    "visa", "mc", "amex", "cup", "unionpay", "acct", "account", "sfz", "idcard",
))
# fmt: on
# First two digits of a resident ID: the province-level division.
# fmt: off
_PROVINCES = frozenset((
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83", "91",
))
# fmt: on


def mask_numbers(text: str, found: list[str]) -> str:
    if _EIGHT_DIGITS.match(text) is None:  # most text: no number long enough to mask
        return text
    spans: list[tuple[int, int, str]] = []
    for m in _NUMBERS.finditer(text):
        if m.group("plus"):
            spans += _mask_plus_run(text, m, found)
        elif m.group("run") and m.end() - m.start() >= 11:  # room for 11 digits at least
            spans += _mask_run(text, m.start(), m.end(), found)
    return splice(text, spans)


def mask_long_numbers(text: str, found: list[str], digits: int = 12) -> str:
    """Every run of at least `digits` digits masked to its last four, card or not.

    For a field kept whole for support that asks for a name and the last digits of an
    account ("招商银行 尾号6789"): a number that long typed there is a whole card or account
    number, which support did not ask for, even where it fails the card check. Runs already
    masked (``****6789``) are left alone. Reports "card" in `found`.
    """
    if _EIGHT_DIGITS.match(text) is None:
        return text
    spans: list[tuple[int, int, str]] = []
    for run in _RUNS.finditer(text):
        number = "".join(g[2] for g in _groups(text, run.start(), run.end()))
        if len(number) >= digits:
            spans.append((run.start(), run.end(), "****" + number[-4:]))
    if spans:
        found.append("card")
    return splice(text, spans)


def _groups(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The digit groups of text[start:end]: (start, end, ASCII digits)."""
    return [
        (g.start(), g.end(), g.group().translate(_ASCII))
        for g in _GROUPS.finditer(text, start, end)
    ]


def _mask_plus_run(text: str, m: re.Match[str], found: list[str]) -> list[tuple[int, int, str]]:
    groups = _groups(text, m.start("plus"), m.end())
    if _decimal_point(text, m.end()) or text[m.end() : m.end() + 1] == ":":
        groups.pop()  # "+100.50" is an amount, "...00:00" a time
    date = text[m.start()] not in "+\uff0b" and _DATE.match(text, m.start())  # 0039-01-01
    used, phone = (0, "") if date else _plus_number([digits for _, _, digits in groups])
    spans: list[tuple[int, int, str]] = []
    rest = m.start()
    if used:
        rest = groups[used - 1][1]
        spans.append((m.start(), rest, phone))
        found.append("phone")
    if m.end() - rest >= 11:
        for run in _RUNS.finditer(text, rest, m.end()):
            spans += _mask_run(text, run.start(), run.end(), found)
    return spans


def _identifier_before(text: str, start: int, end: int) -> bool:
    """Whether letters are glued before text[start], or joined by one "-" or "_": the digits
    are then part of an identifier token (TX13812345678, TX-13812345678-01)."""
    if start and text[start - 1] in "@\uff20." and _DOMAIN_GOES_ON.match(text, end):
        before = _DOMAIN_BEFORE.search(text, max(0, start - 64), start)
        if before and before.group().startswith(("@", "\uff20")):
            return True  # the domain of an address (a***@13812345678.wd): masked with it
    at = start = start - 1 if start > 1 and text[start - 1] in "-_" else start
    while at > 0 and at > start - 13 and text[at - 1].isascii() and text[at - 1].isalpha():
        at -= 1
    return at < start and text[at:start].lower() not in _DATA_WORDS


def _mask_run(text: str, start: int, end: int, found: list[str]) -> list[tuple[int, int, str]]:
    block = text[start:end]
    if block.isascii() and block.isdigit():  # the common case, as the general one below
        if _identifier_before(text, start, end) or not 11 <= len(block) <= 19:
            return []
        if _decimal_point(text, start - 1) or _decimal_point(text, end):
            return []  # part of an amount
        kind = _classify(block)
        if kind is None:
            return []
        found.append(kind)
        tail = "****" + block[-4:]  # mask_tail, for ASCII digits
        return [
            (start, end, (mainland_mobile(block) or block)[:3] + tail if kind == "phone" else tail)
        ]
    if _GROUPS.fullmatch(text, start, end) and _identifier_before(text, start, end):
        return []  # TX13812345678, OKP20261122: one block of digits, an identifier's own
    groups = _groups(text, start, end)
    joined = "".join(digits for _, _, digits in groups)
    off = list(accumulate((len(digits) for _, _, digits in groups), initial=0))
    # Either side of a decimal point is part of an amount, never an identifier; the first
    # group of TX13812345678 is part of the transaction id. Digits glued to letters that go
    # on in separated groups (x4111 1111 1111 1111) are a number written after a word, not
    # one identifier, so that group may start a card or phone like any other.
    glued = len(groups) == 1 and _identifier_before(text, start, end)
    first = 1 if _decimal_point(text, start - 1) or glued else 0
    stop = len(groups) - (1 if _decimal_point(text, end) else 0)
    if len(groups) == 1:  # the common case: one block of digits
        kind = _classify(joined) if first < stop and 11 <= len(joined) <= 19 else None
        chosen = [(0, 1, kind)] if kind else []
    else:
        chosen = _choose_windows(joined, off, first, stop)
    spans: list[tuple[int, int, str]] = []
    for i, e, kind in chosen:
        number = joined[off[i] : off[e]]
        repl = "****" + number[-4:]  # mask_tail, for ASCII digits
        if kind == "phone":
            repl = (mainland_mobile(number) or number)[:3] + repl
        begin, finish = groups[i][0], groups[e - 1][1]
        if begin > 0 and text[begin - 1] == "(" and ")" in text[begin:finish]:
            begin -= 1  # "(138) 1234-5678": the parenthesis goes with the number
        spans.append((begin, finish, repl))
        found.append(kind)
    return spans


def _choose_windows(
    joined: str, off: list[int], first: int, stop: int
) -> list[tuple[int, int, str]]:
    """The windows [i, e) of whole groups to mask: numbers that cover the most digits."""
    hits = [
        (i, e, kind)
        for i in range(first, stop)
        for e in range(
            bisect_left(off, off[i] + 11, i + 1, stop + 1),
            bisect_right(off, off[i] + 19, i + 1, stop + 1),
        )
        if off[e] - off[i] != 12 and (kind := _classify(joined[off[i] : off[e]]))
    ]
    # Weighted interval scheduling; on a tie the earlier, then the longer, window wins.
    # best[h]: the most digits coverable by hits h onwards.
    hits.sort(key=lambda hit: (hit[0], -hit[1]))
    starts = [hit[0] for hit in hits]
    best = [0] * (len(hits) + 1)
    take = [False] * len(hits)
    for h in range(len(hits) - 1, -1, -1):
        i, e, _ = hits[h]
        gain = off[e] - off[i] + best[bisect_left(starts, e)]
        take[h] = gain >= best[h + 1]
        best[h] = gain if take[h] else best[h + 1]
    chosen: list[tuple[int, int, str]] = []
    h = 0
    while h < len(hits):
        if take[h]:
            chosen.append(hits[h])
            h = bisect_left(starts, hits[h][1])
        else:
            h += 1
    return chosen


@lru_cache(maxsize=4096)  # long runs repeat windows; random ones cost a miss each
def _classify(d: str) -> str | None:
    if len(d) == 18 and d[:2] in _PROVINCES and _looks_like_resident_id(d):
        return "resident_id"
    if "X" in d:
        return None  # an X ends an ID; nothing else holds one
    if len(d) <= 15 and mainland_mobile(d):
        return "phone"
    if len(d) >= 13 and len(d) in _card_lengths(d) and _luhn_valid(d):
        return "card"
    return None


# Payment card issuers: (brand, first and last prefix of a range, the lengths of their card
# numbers), after the published IIN table (ISO/IEC 7812; Wikipedia "Payment card number").
# A Luhn-valid number is a card only if it starts with one of these prefixes and has one of
# its lengths, so that order numbers and transaction ids (one in ten passes the Luhn check)
# keep their digits: those starting 0, 1, 20-21, 32-33, 7, 80, 83-89 (but 8600), most of 9,
# and any of a length no card of their prefix has. Ranges lean wide where issuers overlap:
# Maestro's 50 and 56-69 take in all of 6 (UnionPay 62 and 60, Discover, InstaPayment,
# RuPay, ...). Left out: UATP (1, 15 digits: airline accounts, and it would claim any 15-digit
# number starting 1) and 12-digit Maestro numbers (too short to tell from other numbers).
_SIXTEEN_TO_19 = (16, 17, 18, 19)
# fmt: off
_CARD_ISSUERS: tuple[tuple[str, str, str, tuple[int, ...]], ...] = (
    ("Visa", "4", "4", (13, 16, 19)),
    ("Mastercard", "51", "55", (16,)),
    ("Mastercard", "2221", "2720", (16,)),
    ("American Express", "34", "34", (15,)),
    ("American Express", "37", "37", (15,)),
    ("UnionPay", "62", "62", _SIXTEEN_TO_19),
    ("UnionPay", "81", "81", _SIXTEEN_TO_19),  # 8100-8171 since 2019; RuPay 8172-8201
    ("RuPay", "82", "82", (16,)),
    ("China T-Union", "31", "31", (19,)),
    ("Discover", "6011", "6011", _SIXTEEN_TO_19),
    ("Discover", "644", "649", _SIXTEEN_TO_19),
    ("Discover", "65", "65", _SIXTEEN_TO_19),
    ("JCB", "3528", "3589", _SIXTEEN_TO_19),
    ("Diners Club", "300", "305", (14, 15, 16, 17, 18, 19)),
    ("Diners Club", "3095", "3095", (14, 15, 16, 17, 18, 19)),
    ("Diners Club", "36", "36", (14, 15, 16, 17, 18, 19)),
    ("Diners Club", "38", "39", (14, 15, 16, 17, 18, 19)),
    ("Maestro", "50", "50", (12, 13, 14, 15, 16, 17, 18, 19)),
    ("Maestro", "56", "69", (12, 13, 14, 15, 16, 17, 18, 19)),
    ("Mir", "2200", "2204", _SIXTEEN_TO_19),
    ("UzCard", "8600", "8600", (16,)),
    ("Napas", "9704", "9704", (16, 19)),
    ("Troy", "9792", "9792", (16,)),
    ("Humo", "9860", "9860", (16,)),
    # Chinese banks' own debit cards from before UnionPay (ICBC 9558, ABC 95599, ...): still
    # in wallets, so masked too.
    ("China domestic debit", "955", "955", (16, 17, 18, 19)),
)
# fmt: on


def _prefix_table() -> dict[str, frozenset[int]]:
    table: dict[str, set[int]] = {}
    for _, first, last, lengths in _CARD_ISSUERS:
        for prefix in range(int(first), int(last) + 1):
            table.setdefault(str(prefix), set()).update(lengths)
    return {prefix: frozenset(lengths) for prefix, lengths in table.items()}


_CARD_PREFIXES = _prefix_table()
_PREFIX_SIZES = sorted({len(prefix) for prefix in _CARD_PREFIXES})


def _card_lengths(d: str) -> frozenset[int]:
    """The lengths of the cards of the issuers whose prefixes `d` starts with."""
    found: frozenset[int] = frozenset()
    for size in _PREFIX_SIZES:
        lengths = _CARD_PREFIXES.get(d[:size])
        if lengths:
            found |= lengths
    return found


def _looks_like_resident_id(d: str) -> bool:
    # Masked whether or not the check digit holds (people mistype it); a known province and a
    # real birth date keep 18-digit order numbers out. 15-digit IDs (retired) are not matched.
    try:
        born = date(int(d[6:10]), int(d[10:12]), int(d[12:14]))
    except ValueError:
        return False
    return born.year >= 1900


def _plus_number(digits: list[str]) -> tuple[int, str]:
    """Longest valid +number at the start of a run: (groups used, mask), or (0, "")."""
    ends = [k for k, total in enumerate(accumulate(map(len, digits)), 1) if total <= 15]
    for k in reversed(ends):
        number = "".join(digits[:k])
        if "X" in number:
            continue
        if (number.startswith("86") and mainland_mobile(number)) or (
            len(number) >= 8 and country_code(number, strict=True)
        ):
            return k, mask_phone("+" + number)
    return 0, ""


def _decimal_point(text: str, i: int) -> bool:
    """Whether text[i] is a point between two digits (both sides stay unmasked together)."""
    return 0 < i < len(text) - 1 and text[i] in ".\uff0e" and (text[i - 1] + text[i + 1]).isdigit()


def _luhn_valid(d: str) -> bool:
    from stdnum import luhn

    return bool(luhn.is_valid(d))
