"""Secrets: passwords, PINs, CVVs, one-time codes and track data, dropped from text.

The keyword stays and the value becomes `PLACEHOLDER`; a length or a count ("密码 6 位"), a
complaint ("password is wrong") or an email address that starts with a keyword is no value.
"""

from __future__ import annotations

import re

from .base import DIGIT, PLACEHOLDER, splice

# Patterns are lower-case and run on a lower-cased copy of the same length, so indexes carry
# over: case-insensitive matching of this many alternatives is several times slower.
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
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
    "cvv": rf"[{DIGIT}]{{3,4}}+{_VALUE_END}",
    "verification_code": rf"(?=[a-z]*[{DIGIT}])[0-9a-z{DIGIT}]{{4,10}}+"
    rf"(?:-[0-9a-z]{{3,10}}+)?{_VALUE_END}",
    "pin": rf"[{DIGIT}]{{4,12}}+{_VALUE_END}",
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


def drop_secrets(text: str, found: list[str]) -> str:
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
    return splice(text, spans)


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
