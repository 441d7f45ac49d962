"""Remove secrets from, and mask personal data in, free text typed by wallet users.

This module owns the privacy filter that every answer, fact and note passes through before
anything is stored, rendered or sent (DESIGN "Privacy and bad input", DOMAIN section 4.3).
Secrets (password, PIN, CVV, one-time codes, magnetic-stripe track data) are dropped: the
keyword stays, the value becomes ``[removed]``. Personal data is masked: cards, resident ID
numbers and IBANs to ``****`` plus the last four, mainland mobiles to ``138****5678``, other
``+`` numbers to ``+44 ****0958``, emails to ``a***@domain``.

A card is a 13-19 digit number that passes the Luhn check, has a length its issuer uses and
starts with a known issuer prefix (`_CARD_ISSUERS`): order numbers and transaction ids pass the
Luhn check one time in ten, and would lose their digits otherwise.

It is pure (no I/O, no network), never raises on a ``str``, runs in time linear in the input,
and is idempotent: masked forms and the placeholder are never matched again. stdnum and
phonenumbers are imported only when a candidate needs checking, so importing this is cheap.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import accumulate

__all__ = [
    "Redaction",
    "mask_email",
    "mask_phone",
    "mask_tail",
    "redact",
    "redact_except",
    "scan",
]
# Also for the library's own use (session.values), not in the documented API: PLACEHOLDER,
# secrets_in.

#: What a dropped secret is replaced with.
PLACEHOLDER = "[removed]"


@dataclass(frozen=True, slots=True)
class Redaction:
    """The result of `scan`.

    Attributes:
        text: The redacted text.
        secrets: Kinds of secret dropped, each once, in the order found: "password", "pin",
            "cvv", "verification_code", "track_data".
        masked: Kinds of personal data masked, each once: "email", "iban", "card",
            "resident_id", "phone".
    """

    text: str
    secrets: tuple[str, ...]
    masked: tuple[str, ...]

    @property
    def changed(self) -> bool:
        """True when anything was dropped or masked."""
        return bool(self.secrets or self.masked)


def scan(text: str) -> Redaction:
    """Drop secrets, then mask emails, IBANs, and cards / resident IDs / phones in `text`.

    ``secrets`` lists kinds in the order found; ``masked`` lists kinds by stage (email, iban,
    then numbers in text order). Both are deduplicated.
    """
    secrets: list[str] = []
    masked: list[str] = []
    text = _drop_secrets(text, secrets)
    text = _mask_emails(text, masked)
    text = _mask_ibans(text, masked)
    text = _mask_numbers(text, masked)
    return Redaction(text, tuple(dict.fromkeys(secrets)), tuple(dict.fromkeys(masked)))


def secrets_in(text: str) -> tuple[str, ...]:
    """The kinds of secret `scan` would drop from `text` (its first stage only), each once."""
    found: list[str] = []
    _drop_secrets(text, found)
    return tuple(dict.fromkeys(found))


def redact(text: str) -> str:
    """Return `text` with secrets dropped and personal data masked (``scan(text).text``)."""
    return scan(text).text


# What may not touch a kept identifier: it could be part of a longer number, word or address.
_WORD_CHAR = re.compile("[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def redact_except(text: str, verbatim: str) -> str:
    """`redact` `text`, but keep each occurrence of `verbatim` exactly as written.

    For an identifier the system generates, such as a packet's case id: it is no user's
    data, and must stay readable, yet its digits may look like personal data to `redact`
    (``OKP-20261122-32072D`` holds 13 digits that pass the Luhn check; ``X138-20261122-...``
    a mobile number). The text on each side is redacted on its own. An occurrence that
    touches a letter or digit is not kept, since it may be part of a longer number or
    word; nor is anything when `verbatim` is empty. Idempotent, like `redact`.
    """
    if not verbatim or verbatim not in text:
        return redact(text)
    out: list[str] = []
    pos = 0  # start of the text not yet redacted
    at = text.find(verbatim)
    while at >= 0:
        end = at + len(verbatim)
        before = text[at - 1 : at] if at else ""
        after = text[end : end + 1]
        if not _WORD_CHAR.match(before) and not _WORD_CHAR.match(after):
            out += (redact(text[pos:at]), verbatim)
            pos = end
        at = text.find(verbatim, end if pos == end else at + 1)
    out.append(redact(text[pos:]))
    return "".join(out)


def mask_tail(value: str, keep: int = 4) -> str:
    """Return ``****`` plus the last `keep` letters or digits of `value`.

    Nothing is revealed when `value` has no more than `keep` of them, so a mask never shows a
    whole value. Raises ValueError if `keep` is negative.
    """
    if keep < 0:
        raise ValueError("keep must not be negative")
    chars = [c for c in unicodedata.normalize("NFKC", value) if c.isalnum()]
    return "****" + ("".join(chars[-keep:]) if keep and len(chars) > keep else "")


def mask_email(value: str) -> str:
    """``alice+tag@example.com`` -> ``a***@example.com``; the domain is kept as written."""
    value = value.strip()
    at = max(value.rfind("@"), value.rfind("\uff20"))
    if at < 0:
        return "***"
    first = value[:1] if at > 0 else ""
    return f"{first}***@{value[at + 1 :]}"


def mask_phone(value: str) -> str:
    """Mask a phone number written in any common form.

    Mainland mobiles, with or without ``+86``/``86``/``0086``, become ``138****5678``. Other
    numbers written with a leading ``+`` keep their country code: ``+44 ****0958``. Anything
    else keeps only its last four digits: ``****5678``.
    """
    digits = "".join(c for c in unicodedata.normalize("NFKC", value) if c in "0123456789")
    plus = value.lstrip().startswith(("+", "\uff0b"))
    mobile = _mainland_mobile(digits) if not plus or digits.startswith("86") else None
    if mobile:
        return f"{mobile[:3]}****{mobile[-4:]}"
    if plus:
        code = _country_code(digits)
        if code:
            return f"+{code} {mask_tail(digits[len(code) :])}"
    return mask_tail(digits)


# --- secrets -------------------------------------------------------------------------------

# Patterns are lower-case and run on a lower-cased copy of the same length, so indexes carry
# over: case-insensitive matching of this many alternatives is several times slower.
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_DIGIT = "0-9\uff10-\uff19"  # ASCII and full-width digits
# A value ends before a letter or digit; nor may it run into a mask or the placeholder, so
# that what redaction writes next to a rejected value never makes it a value later.
_VALUE_END = "(?![0-9a-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a*[])"
_GAP = "[ \t]{1,4}"
# Atomic, so a value can never be found by giving back part of the separator.
_SEP = r"(?>[ \t]*(?:(?:是|为|為|(?:is|was)(?=[ \t:\uff1a=]))[ \t]*)?(?:[:=\uff1a\uff1d][ \t]*)?)"
_CODE_WORD = (
    r"(?:sms|text|e-?mail|verification|verify|auth(?:entication|enticator)?|log-?in|sign-?in"
    r"|backup|recovery|confirmation|security|access|google|one[- ]?time|2fa|mfa|otp|totp)"
)
_KEYWORDS = {
    "cvv": rf"(?<![a-z0-9])(?:cvv2?|cvc2?|cvn2?|csc|security{_GAP}code|card{_GAP}(?:verification"
    rf"|security){_GAP}(?:code|value|number))(?![a-z])|安全码|卡验证码",
    "verification_code": rf"(?<![a-z0-9])(?:{_CODE_WORD}(?:{_GAP}{_CODE_WORD})?{_GAP}(?:code|pin"
    rf"|passcode|password)s?|otp|totp|2fa|mfa|codes?{_GAP}(?:from|in|via|by){_GAP}(?:(?:the|my"
    rf"|your){_GAP})?(?:sms|text|e-?mail|app|message|authenticator))(?![a-z])"
    r"|验证码|动态(?:码|密码|口令)|校验码|短信码|一次性(?:密码|验证码|口令|码)|(?:备用|恢复|授权|确认)码",
    "pin": r"(?<![a-z0-9])pin(?:[ \t]?(?:code|number)|码)?(?![a-z])",
    "password": r"(?<![a-z0-9])(?:pass(?:word|wd|code|phrase)s?|pwd)(?![a-z])|密码|口令",
}
_VALUES = {
    "cvv": rf"[{_DIGIT}]{{3,4}}+{_VALUE_END}",
    "verification_code": rf"(?=[a-z]*[{_DIGIT}])[0-9a-z{_DIGIT}]{{4,10}}+"
    rf"(?:-[0-9a-z]{{3,10}}+)?{_VALUE_END}",
    "pin": rf"[{_DIGIT}]{{4,12}}+{_VALUE_END}",
    # Printable ASCII and full-width letters and digits (not "，" or "！": Chinese punctuation),
    # but never our own placeholder.
    "password": r"(?!\[removed\])[!-~\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]++",
}
_TRACK = r"%b[0-9]{12,19}\^[^^\n]{0,40}\^[^?\s]{0,100}\??|;[0-9]{12,19}=[0-9]{0,60}\??"
_SECRET = re.compile(
    "|".join(
        [f"(?P<track_data>{_TRACK})"]
        + [
            f"(?P<{k}>{kw})(?P<{k}_sep>{_SEP})(?P<{k}_v>{_VALUES[k]})"
            for k, kw in _KEYWORDS.items()
        ]
    )
)
# Every keyword contains one of these; text without them skips the slow scan. A keyword
# starts at most _LEAD characters before its hint.
_HINT = re.compile("码|口令|pass|pwd|pin|code|card|cv|csc|otp|2fa|mfa|%b|;")
_LEAD = 48
# Words that follow "password is" / "密码:" in complaints rather than in disclosures.
# fmt: off
_NOT_A_PASSWORD = frozenset((
    "wrong", "incorrect", "invalid", "not", "no", "correct", "right", "expired", "locked",
    "reset", "changed", "forgotten", "forgot", "lost", "missing", "required", "needed", "too",
    "the", "a", "an", "my", "your", "same", "different", "empty", "blank", "weak", "strong", "ok",
    "okay", "fine", "still", "also", "being", "been", "now", "already", "set", "unknown",
    "working", "broken", "case",
))
# fmt: on
_COUNT_AFTER = re.compile(
    r"[ \t]*(?:位|个|次|字|天|分钟|小时|秒|digits?|chars?|characters?|times?|attempts?|tries"
    r"|minutes?|hours?|days?)(?![a-z])"
)
_STRONG_CHAR = re.compile(r"[0-9\uff10-\uff19!@#$%^&*_=+~<>|\\/?]")


def _drop_secrets(text: str, found: list[str]) -> str:
    lowered = text.lower()
    if len(lowered) != len(text):  # "İ" lower-cases to two characters; keep indexes aligned
        lowered = text.translate(_LOWER)
    hint = _HINT.search(lowered)
    if hint is None:
        return text
    spans: list[tuple[int, int, str]] = []
    for m in _SECRET.finditer(lowered, max(0, hint.start() - _LEAD)):
        kind = str(m.lastgroup).removesuffix("_v")  # each branch ends with its value group
        start = m.start() if kind == "track_data" else m.start(f"{kind}_v")
        value = text[start : m.end()]
        if kind == "password" and not _is_password(m.group(kind), m.group(f"{kind}_sep"), value):
            continue
        if len(value) <= 5 and _COUNT_AFTER.match(lowered, m.end()):
            continue  # "密码 6 位", "PIN 1234 attempts": a length or a count, not a value
        spans.append((start, m.end(), PLACEHOLDER))
        found.append(kind)
    return _splice(text, spans)


# The rest of an email address after a keyword that starts it: local part, @, domain.
_LOCAL_THEN_AT = re.compile(r"[\w.%+'*-]*[@\uff20][\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")


def _is_password(keyword: str, sep: str, value: str) -> bool:
    if not sep and keyword.isascii() and _LOCAL_THEN_AT.match(value):
        return False  # "password+tag@example.com" is an email address that starts with the word
    word = value.rstrip(".,;:!?)]}'\"")
    if not any(c.isalnum() for c in word) or (word.isalpha() and word.lower() in _NOT_A_PASSWORD):
        return False
    if keyword.isascii() and not sep.strip():
        # "reset password link", "password isn't working": English needs a strong-looking value
        return len(value) >= 4 and _STRONG_CHAR.search(value) is not None
    return True


# --- emails and IBANs ----------------------------------------------------------------------

_AT = re.compile("[@\uff20]")
_DOMAIN = re.compile(
    r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.){1,8}(?:xn--[a-z0-9-]{1,59}|[^\W\d_]{2,63})", re.I
)
_LOCAL_PUNCT = ".%+*'-_"


def _is_cjk(c: str) -> bool:
    # Comparisons, not a regex: a class of these ranges costs ~5 ms to compile at import.
    return "\u2e80" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af" or "\uf900" <= c <= "\ufaff"


def _mask_emails(text: str, found: list[str]) -> str:
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
    return _splice(text, spans)


_IBAN = re.compile(
    r"(?<![0-9A-Za-z])[A-Za-z]{2}[0-9]{2}(?:[0-9A-Za-z]{11,30}|(?: [0-9A-Za-z]{4}){2,7}"
    r"(?: [0-9A-Za-z]{1,4})?)(?![0-9A-Za-z])"
)


def _mask_ibans(text: str, found: list[str]) -> str:
    spans: list[tuple[int, int, str]] = []
    pos = 0
    while m := _IBAN.search(text, pos):
        pos = m.start() + 1  # on failure, an IBAN may still start at a later word inside it
        chunks = m.group().split(" ")
        for n in range(len(chunks), 0, -1):  # a following 4-letter word may have been taken
            candidate = "".join(chunks[:n])
            if len(candidate) >= 15 and _iban_valid(candidate):
                end = m.start() + len(" ".join(chunks[:n]))
                spans.append((m.start(), end, mask_tail(candidate)))
                found.append("iban")
                pos = end
                break
    return _splice(text, spans)


# --- cards, resident IDs, phones -----------------------------------------------------------

# A "run" is groups of 3+ digits joined by single separators (shorter groups never belong to
# a written card, ID or phone). Numbers are windows of whole groups, never a slice of one, so
# a long order number never yields a card inside it. A run after "+" may hold any groups
# (+44 20 7946 0958). Masked tails (****1234) are matched first so they are never re-read.
_D = f"[{_DIGIT}]"
_S = "[ \u00a0\u3000\\-\u2010-\u2014\uff0d]"
_X = rf"[Xx\uff38\uff58](?![0-9A-Za-z{_DIGIT}])"  # an ID may end in X
_END = r"(?!\*{4})"  # digits just before **** belong to a mask: 138****5678
_GROUP3 = rf"(?:{_D}{{3,}}+(?:{_X})?|{_D}{{1,2}}{_X}){_END}"  # three characters or more
_RUN = rf"(?<!{_D})(?:[8\uff18][6\uff16]{_S})?{_GROUP3}(?:{_S}{_GROUP3})*"
_NUMBERS = re.compile(
    # The leading look-ahead lets the engine skip ahead to candidate characters quickly.
    rf"(?=[*+\uff0b{_DIGIT}])(?:\*{{4}}[0-9A-Za-z]{{4}}(?![0-9A-Za-z])"
    rf"|[+\uff0b](?P<plus>{_D}++{_END}(?:{_S}{_D}++{_END})*)"
    rf"|(?P<run>{_RUN}))"
)
_RUNS = re.compile(_RUN)
# Full-width digits to ASCII, any X to "X", every separator to one space (same length).
_ASCII = str.maketrans(
    {**{0xFF10 + i: str(i) for i in range(10)}, 0xFF38: "X", 0xFF58: "X", 0x78: "X"}
    | dict.fromkeys(map(ord, "\u00a0\u3000-\u2010\u2011\u2012\u2013\u2014\uff0d"), " ")
)
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_PREFIX = {11: "", 13: "86", 15: "0086"}  # by length: 13812345678, +86..., 0086...
# First two digits of a resident ID: the province-level division.
# fmt: off
_PROVINCES = frozenset((
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83", "91",
))
# fmt: on


def _mask_numbers(text: str, found: list[str]) -> str:
    spans: list[tuple[int, int, str]] = []
    for m in _NUMBERS.finditer(text):
        if m.group("plus"):
            spans += _mask_plus_run(text, m, found)
        elif m.group("run") and m.end() - m.start() >= 11:  # room for 11 digits at least
            spans += _mask_run(text, m.start(), m.end(), found)
    return _splice(text, spans)


def _mask_plus_run(text: str, m: re.Match[str], found: list[str]) -> list[tuple[int, int, str]]:
    base = m.start("plus")
    digits = m.group("plus").translate(_ASCII).split(" ")
    if _decimal_point(text, m.end()):
        digits.pop()  # "+100.50" is an amount
    used, phone = _plus_number(digits)
    spans: list[tuple[int, int, str]] = []
    rest = base
    if used:
        rest = base + sum(map(len, digits[:used])) + used - 1
        spans.append((m.start(), rest, phone))
        found.append("phone")
    if m.end() - rest >= 11:
        for run in _RUNS.finditer(text, rest, m.end()):
            spans += _mask_run(text, run.start(), run.end(), found)
    return spans


def _mask_run(text: str, start: int, end: int, found: list[str]) -> list[tuple[int, int, str]]:
    digits = text[start:end].translate(_ASCII).split(" ")  # separators are single characters
    joined = "".join(digits)
    off = list(accumulate(map(len, digits), initial=0))  # group i is at start + off[i] + i
    # Either side of a decimal point is part of an amount, never an identifier.
    first = 1 if _decimal_point(text, start - 1) else 0
    stop = len(digits) - (1 if _decimal_point(text, end) else 0)
    if len(digits) == 1:  # the common case: one block of digits
        kind = _classify(joined) if first < stop and 11 <= len(joined) <= 19 else None
        chosen = [(0, 1, kind)] if kind else []
    else:
        chosen = _choose_windows(joined, off, first, stop)
    spans: list[tuple[int, int, str]] = []
    for i, e, kind in chosen:
        number = joined[off[i] : off[e]]
        repl = "****" + number[-4:]  # mask_tail, for ASCII digits
        if kind == "phone":
            repl = (_mainland_mobile(number) or number)[:3] + repl
        spans.append((start + off[i] + i, start + off[e] + e - 1, repl))
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
    if len(d) <= 15 and _mainland_mobile(d):
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


def _mainland_mobile(d: str) -> str | None:
    prefix = _MOBILE_PREFIX.get(len(d))
    if prefix is not None and d.startswith(prefix) and _MOBILE.match(d, len(prefix)):
        return d[len(prefix) :]
    return None


def _plus_number(digits: list[str]) -> tuple[int, str]:
    """Longest valid +number at the start of a run: (groups used, mask), or (0, "")."""
    ends = [k for k, total in enumerate(accumulate(map(len, digits)), 1) if total <= 15]
    for k in reversed(ends):
        number = "".join(digits[:k])
        if "X" in number:
            continue
        if (number.startswith("86") and _mainland_mobile(number)) or (
            len(number) >= 8 and _country_code(number, strict=True)
        ):
            return k, mask_phone("+" + number)
    return 0, ""


def _decimal_point(text: str, i: int) -> bool:
    """Whether text[i] is a point between two digits (both sides stay unmasked together)."""
    return 0 < i < len(text) - 1 and text[i] in ".\uff0e" and (text[i - 1] + text[i + 1]).isdigit()


def _splice(text: str, spans: list[tuple[int, int, str]]) -> str:
    if not spans:
        return text
    out: list[str] = []
    pos = 0
    for start, end, repl in sorted(spans):
        out += (text[pos:start], repl)
        pos = end
    out.append(text[pos:])
    return "".join(out)


# --- checksums, imported on first use ------------------------------------------------------


def _luhn_valid(d: str) -> bool:
    from stdnum import luhn

    return bool(luhn.is_valid(d))


@lru_cache(maxsize=1024)
def _iban_valid(candidate: str) -> bool:
    from stdnum import iban

    return bool(iban.is_valid(candidate))


@lru_cache(maxsize=1024)
def _country_code(digits: str, strict: bool = False) -> str | None:
    """Country calling code of ``+digits`` (only if the number is valid, when `strict`)."""
    import phonenumbers

    try:
        number = phonenumbers.parse("+" + digits)
    except phonenumbers.NumberParseException:
        return None
    if strict and not phonenumbers.is_valid_number(number):
        return None
    return str(number.country_code)
