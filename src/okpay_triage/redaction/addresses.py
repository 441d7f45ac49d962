"""Emails and IBANs in free text: masked to ``a***@domain`` and to the last four.

stdnum is imported only when a candidate IBAN needs checking.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from .base import SEPARATOR, mask_email, mask_tail, splice

_AT = re.compile("[@\uff20]")
_DOMAIN = re.compile(
    r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.){1,8}(?:xn--[a-z0-9-]{1,59}|[^\W\d_]{2,63})", re.I
)
_LOCAL_PUNCT = ".%+*'-_"


def _is_cjk(c: str) -> bool:
    # Comparisons, not a regex: a class of these ranges costs ~5 ms to compile at import.
    return "\u2e80" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af" or "\uf900" <= c <= "\ufaff"


def mask_emails(text: str, found: list[str]) -> str:
    if "@" not in text and "\uff20" not in text:  # the common case, without a regex pass
        return text
    spans: list[tuple[int, int, str]] = []
    taken = 0  # end of the last address: "a@b.com@c.com" holds one address, not two
    for at in _AT.finditer(text):
        domain = _DOMAIN.match(text, at.end())
        if domain is None:
            continue
        # The local part is unbounded: a cut-off would move once text before it is masked.
        # Each character is scanned for one "@" only, so this stays linear.
        end = start = at.start()
        while start > taken and (text[start - 1].isalnum() or text[start - 1] in _LOCAL_PUNCT):
            start -= 1
        # Chinese text runs straight into an address ("邮箱alice@"): start after the last CJK
        # character if a letter or digit follows it (as one still does once masked: a***).
        cjk = next((k for k in range(end - 1, start - 1, -1) if _is_cjk(text[k])), end)
        if cjk + 1 < end and text[cjk + 1].isalnum():
            start = cjk + 1
        while start < end and text[start] in _LOCAL_PUNCT:
            start += 1
        if start == end:
            continue
        taken = domain.end()
        if text[start + 1 : end] != "***":  # not masked already
            spans.append((start, taken, mask_email(text[start:taken])))
            found.append("email")
    return splice(text, spans)


# Country code and check digits, then chunks of letters and digits, each glued or after a
# run of up to three separators (GB82WEST 1234 5698 7654 32, GB82-WEST-1234..., tabs, dots).
# Chunks are possessive, so a chunk boundary is only ever at a separator: linear.
_IBAN_SEP = f"{SEPARATOR}{{1,3}}+"
_IBAN = re.compile(
    rf"(?<![0-9A-Za-z])[A-Za-z]{{2}}[0-9]{{2}}[0-9A-Za-z]*+(?:{_IBAN_SEP}[0-9A-Za-z]++){{0,9}}"
)
_CHUNK = re.compile("[0-9A-Za-z]+")
# Every IBAN starts so; one quick search rules most texts out before `_IBAN`'s look-behind
# runs at each position.
# Two letters and two digits, looked for from the digits (rarer than letters in text).
_IBAN_START = re.compile("[0-9]{2}(?<=[A-Za-z]{2}[0-9]{2})")
#: No IBAN has fewer letters and digits (`mask_ibans` checks 15 to 34 of them).
_SHORTEST_IBAN = 15


def mask_ibans(text: str, found: list[str]) -> str:
    if len(text) < _SHORTEST_IBAN or _IBAN_START.search(text) is None:
        return text
    spans: list[tuple[int, int, str]] = []
    pos = 0
    while m := _IBAN.search(text, pos):
        pos = m.start() + 1  # on failure, an IBAN may still start at a later word inside it
        chunks = list(_CHUNK.finditer(text, m.start(), m.end()))
        for n in range(len(chunks), 0, -1):  # a following 4-letter word may have been taken
            candidate = "".join(c.group() for c in chunks[:n])
            if _SHORTEST_IBAN <= len(candidate) <= 34 and _iban_valid(candidate):
                end = chunks[n - 1].end()
                spans.append((m.start(), end, mask_tail(candidate)))
                found.append("iban")
                pos = end
                break
    return splice(text, spans)


#: Letters as the numbers the IBAN check reads them as (A = 10 ... Z = 35).
_AS_NUMBERS = str.maketrans(
    {chr(ord("A") + i): str(10 + i) for i in range(26)}
    | {chr(ord("a") + i): str(10 + i) for i in range(26)}
)


@cache
def _iban_lengths() -> dict[str, int]:
    """The length of every country's IBAN, from stdnum's copy of the IBAN registry (its
    BBAN formats, such as ``4!n4!n12!c``), read once when a text first holds a candidate."""
    from stdnum import numdb

    return {
        entry[1]: 4 + sum(int(n) for n in re.findall(r"(\d+)!?[nac]", entry[3]["bban"]))
        for entry in numdb.get("iban").prefixes
        if "bban" in entry[3]
    }


@lru_cache(maxsize=1024)
def _iban_valid(candidate: str) -> bool:
    # The country and its IBAN length first: they rule out the letters-and-digits ids that
    # look like one (TX20261120000123). Then the check digits (ISO 13616: the rearranged
    # number mod 97 is 1), which stdnum checks too: they rule out 96 in 97 candidates in a
    # sixth of stdnum's time (measured 1.5 us against 5-9 us); stdnum then checks the
    # country's format.
    if _iban_lengths().get(candidate[:2].upper()) != len(candidate):
        return False
    if int((candidate[4:] + candidate[:4]).translate(_AS_NUMBERS)) % 97 != 1:
        return False
    from stdnum import iban

    return bool(iban.is_valid(candidate))
