"""Secrets: passwords, PINs, CVVs, one-time codes and track data, dropped from text.

A secret is a keyword, then filler, then a value. The keyword stays and the value becomes
`PLACEHOLDER`. The design is by class, not by string:

- keywords come in families (`_KEYWORDS`): both scripts (密码/密碼, 验证码/驗證碼, ...) and
  the usual abbreviations (pw, pwd, pass, passcode, OTP, ...), in any case;
- filler is what people put between keyword and value: a copula (是, 为, is, was, ``:``),
  up to four Chinese characters before it (就是, 一直是, 了，是) or up to three English
  words (the password *I used* was), and an opening quote (“ ‘ " ' 「 『);
- a value has the shape of its kind: digits for a PIN or CVV, digits or letters and digits
  for a code, any printable token for a password; digits split into groups (``482 913``,
  ``482-913``) or one by one (``8 8 1 2 3 4``, ``1-2-3-4``, ``4.8.2.9``) are one value for a
  PIN, a code and a password alike; it may be followed by ``*`` or ``[1]``.

Precision: a keyword without a value is a word (密码错误, "I entered the wrong code"); so
is a length or a count (密码 6 位), a complaint (password is wrong), a date, time or amount
after filler words, and ``code`` after a word that makes it another code (error code, order
code). Filler words may not be ones that lead to another thing (to, for, number, phone).
"""

from __future__ import annotations

import re

from .base import DIGIT, PLACEHOLDER, splice

# Patterns are lower-case and run on a lower-cased copy of the same length, so indexes carry
# over: case-insensitive matching of this many alternatives is several times slower. The
# copy has full-width letters and digits as ASCII too (``ＰＩＮ １２３４``), and the ideographic
# space as a space, one character for one; full-width punctuation stays (a value never runs
# into "，" as it would into ",").
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_HALF_WIDTH = str.maketrans(
    {0xFF10 + i: chr(0x30 + i) for i in range(10)}
    | {0xFF21 + i: chr(0x61 + i) for i in range(26)}
    | {0xFF41 + i: chr(0x61 + i) for i in range(26)}
    | {0x3000: " "}
)
_WIDE = re.compile("[\u3000\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
# A value ends before a letter or digit, a decimal point, time or date separator and digit
# (an amount or a date, not a code), and never runs into a mask or the placeholder: what
# redaction writes next to a rejected value never makes it a value later. A footnote mark
# (``*``, ``[1]``) may follow.
_VALUE_END = rf"(?![0-9a-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a])(?![.,:/][{DIGIT}])(?!\*\*\*)"
_VALUE_END += r"(?!\[removed\])"
_GAP = "[ \t]{1,4}"
_QUOTES = "\"'“”‘’「」『』`"
# Words that lead from the keyword to something else: no value of the keyword follows them.
_BREAK = (
    "to|for|on|at|from|with|of|in|by|via|and|or|but|if|not|no|never|number|phone|mobile|tel"
    "|card|account|acct|id|order|transaction|ref|email|amount|date|time|since|after|before"
    "|until|attempts?|times?|digits?|chars?|characters?|minutes?|hours?|days?|ago|link|sms"
)
# Nor is a filler word a keyword itself: in "动态密码 password password1" the second
# "password" is a value of 密码 (so one pass drops both), not filler before a code.
_KEYWORD_WORDS = "pass(?:word|wd|code|phrase)?s?|pwd|pswd|pw|pin|codes?|otp|totp|cvv|cvc|cvn|csc"
_WORD = rf"(?!(?:{_BREAK}|{_KEYWORD_WORDS})(?![a-z']))[a-z']{{1,12}}(?=[ \t:\uff1a=])"
_CJK = "\u4e00-\u9fff\u3400-\u4dbf"
_COPULA = r"(?:is|was)(?=[ \t:\uff1a=])[ \t]*"
_COLON = r"(?:[:=\uff1a\uff1d][ \t]*)?"
# Atomic, so a value can never be found by giving back part of the filler: a copula or
# colon, maybe after up to four Chinese characters (就是, 一直是, 了，是).
_SIMPLE = rf"(?>[ \t]*(?:(?:[{_CJK}]{{0,4}}[，,]?[ \t]*)?(?:是|为|為)[ \t]*|{_COPULA})?{_COLON})"
# One to three English words, then maybe a copula: "the password I used was ...".
_WORDS = rf"(?:[ \t]+{_WORD}){{1,3}}[ \t]*(?:{_COPULA})?{_COLON}"
_FILLERS = {
    "password_w": _WORDS,
    "password": _SIMPLE,
    "cvv_zh": _SIMPLE,
    "verification_code_zh": _SIMPLE,
    # A bare "code": after a copula or colon only ("the code is 482913").
    "code": rf"(?:[ \t]+{_WORD}){{0,3}}[ \t]*(?:(?:is|was)[ \t]+|[:=\uff1a\uff1d][ \t]*)",
}
# An ASCII quote right after an English word closes it ("'password' or ..."): it opens a
# value only after a space, a colon or Chinese text.
_QUOTE = rf"(?:[“‘「『]|(?<=[\s:=\uff1a\uff1d{_CJK}])[\"'`])[ \t]*"
_CODE_WORD = (
    r"(?:sms|text|e-?mail|verification|verify|auth(?:entication|enticator)?|log-?in|sign-?in"
    r"|backup|recovery|confirmation|security|access|google|one[- ]?time|2fa|mfa|otp|totp)"
)
_NOT_WORD_BEFORE = "(?<![a-z0-9])"
_KEYWORDS = {
    "cvv": rf"{_NOT_WORD_BEFORE}(?:(?:cvv2?|cvc2?|cvn2?)[码碼]?|csc|security{_GAP}code|card{_GAP}"
    rf"(?:verification|security){_GAP}(?:code|value|number))(?![a-z])",
    # The Chinese keywords take Chinese filler only (`_SIMPLE`): with English words after
    # them, "动态密码 abc password1" would read "abc" as filler of 动态密码, where on a second
    # pass it is the value of the 密码 inside it (redaction must be idempotent).
    "cvv_zh": r"安全[码碼]|卡[验驗][证證][码碼]",
    "verification_code": rf"{_NOT_WORD_BEFORE}(?:{_CODE_WORD}(?:{_GAP}{_CODE_WORD})?{_GAP}"
    rf"(?:code|pin|passcode|password)s?|otp|totp|2fa|mfa|codes?{_GAP}(?:from|in|via|by){_GAP}"
    rf"(?:(?:the|my|your){_GAP})?(?:sms|text|e-?mail|app|message|authenticator))(?![a-z])",
    "verification_code_zh": r"[验驗][证證][码碼]|[动動][态態](?:[码碼]|密[码碼]|口令)"
    r"|校[验驗][码碼]|(?:短信|[简簡]訊)[码碼]|一次性(?:密[码碼]|[验驗][证證][码碼]|口令|[码碼])"
    r"|(?:备用|備用|恢复|恢復|授权|授權|确认|確認|[认認][证證])[码碼]",
    "pin": rf"{_NOT_WORD_BEFORE}pin(?:[ \t]?(?:code|number)|[码碼])?(?![a-z])",
    "password_w": rf"{_NOT_WORD_BEFORE}(?:pass(?:word|wd|code|phrase)s?|pwd|pswd)(?![a-z])",
    "password": rf"{_NOT_WORD_BEFORE}(?:pass(?:word|wd|code|phrase)?s?|pwd|pswd|pw)(?![a-z])"
    r"|密[码碼]|口令",
    # A bare "code", after a copula only, and checked for the word before it (`_accept`).
    "code": rf"{_NOT_WORD_BEFORE}code(?![a-z])",
}
_D = f"[{DIGIT}]"
# Digits in groups: "482 913", "482-913", "1234 5678"; or one by one, four to eight of them,
# split by spaces, dashes or dots: "8 8 1 2 3 4", "1-2-3-4", "4.8.2.9". One grammar for
# every secret made of digits (PIN, code, a password typed as digits): a run that ends
# before a dash or a letter or digit is no whole value ("12-34-56abc" is one token).
_DIGIT_SEP = r"(?:[ \t]{1,2}|[\-.\uff0d])"
_SPLIT = (
    rf"(?:{_D}{{2,6}}+(?:[ \-]{_D}{{2,6}}+){{1,3}}|{_D}(?:{_DIGIT_SEP}{_D}){{3,7}}+)"
    rf"(?![\-\uff0d]){_VALUE_END}"
)
_CODE = rf"(?:{_SPLIT}|(?=[a-z]*{_D})[0-9a-z{DIGIT}]{{4,10}}+(?:-[0-9a-z]{{3,10}}+)?{_VALUE_END})"
_PRINTABLE = r"[!-~\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]"
# Never our own placeholder, quoted or not, as a value.
_NOT_PLACEHOLDER = r"(?![\"'`]?\[removed\])"
_VALUE_CHAR = rf"(?:{_NOT_PLACEHOLDER}{_PRINTABLE})"
_STRONG = r"(?=[!-~]*?[0-9!@#$%^&*_=+~<>|\\/?])"
# Quoted: up to the closing quote on the line, with a letter, digit or symbol in it (not
# "“错误”"), never the placeholder.
_IN_QUOTES = (
    rf"(?=[^{_QUOTES}\n]{{0,63}}?{_PRINTABLE})(?:(?!\[removed\])[^{_QUOTES}\n]){{1,64}}+"
    rf"(?=[{_QUOTES}])"
)
_VALUES = {
    "cvv": rf"{_D}{{3,4}}+{_VALUE_END}",
    "verification_code": _CODE,
    "pin": rf"(?:{_SPLIT}|{_D}{{4,12}}+{_VALUE_END})",
    # Quoted: anything up to the closing quote on the line. Otherwise printable ASCII and
    # full-width letters and digits (not "，" or "！": Chinese punctuation), never our own
    # placeholder, and not an opening quote's partner.
    # Digits split by separators first, as for a PIN: "支付密码是 8 8 1 2 3 4" is one value.
    "password_w": rf"(?(password_w_q){_IN_QUOTES}|(?:{_SPLIT}|{_STRONG}{_VALUE_CHAR}{{4,}}+"
    rf"{_NOT_PLACEHOLDER}))",
    "password": rf"(?(password_q){_IN_QUOTES}|(?:{_SPLIT}|{_VALUE_CHAR}++{_NOT_PLACEHOLDER}))",
    "code": _CODE,
    "cvv_zh": rf"{_D}{{3,4}}+{_VALUE_END}",
    "verification_code_zh": _CODE,
}
_TRACK = r"%b[0-9]{12,19}\^[^^\n]{0,40}\^[^?\s]{0,100}\??|;[0-9]{12,19}=[0-9]{0,60}\??"
_SECRET = re.compile(
    "|".join(
        [f"(?P<track_data>{_TRACK})"]
        + [
            f"(?P<{k}>{kw})(?P<{k}_sep>{_FILLERS.get(k, f'(?:{_SIMPLE}|{_WORDS})')})"
            f"(?P<{k}_q>{_QUOTE})?(?P<{k}_v>{_VALUES[k]})"
            for k, kw in _KEYWORDS.items()
        ]
    )
)
# Every keyword contains one of these; text without them skips the slow scan. A keyword
# starts at most _LEAD characters before its hint. Literals only, so that the engine finds
# their first characters with a quick scan instead of trying each at every position.
_HINT = re.compile("码|碼|口令|pass|pw|ps|pin|code|card|cv|csc|otp|2fa|mfa|%b|;")
_LEAD = 48
# A secret starts with its keyword, and a keyword at most _LEAD characters before a hint:
# so the search looks for a keyword only in the windows of _LEAD + 1 starts that end at a
# hint, and tries the whole `_SECRET` only where a keyword starts, not at every position
# to the end of the text. A start that can begin no keyword (not a keyword's first
# character, or inside a word for an English keyword) is passed over by two look-aheads.
_FIRST = "cstealbrgompv2%;安卡验驗动動校短简簡一备備恢授确確认認密口"
_KEYWORD_AHEAD = re.compile(
    rf"(?s:.){{0,{_LEAD}}}?(?P<keyword>(?:(?<![a-z0-9])|(?=[^a-z0-9]))(?=[{_FIRST}])"
    rf"(?:%b|;|{'|'.join(f'(?:{kw})' for kw in _KEYWORDS.values())}))"
)
# Words that follow "password is" / "密码:" in complaints rather than in disclosures.
# fmt: off
_NOT_A_PASSWORD = frozenset((
    "wrong", "incorrect", "invalid", "not", "no", "correct", "right", "expired", "locked",
    "reset", "changed", "forgotten", "forgot", "lost", "missing", "required", "needed", "too",
    "the", "a", "an", "my", "your", "same", "different", "empty", "blank", "weak", "strong", "ok",
    "okay", "fine", "still", "also", "being", "been", "now", "already", "set", "unknown",
    "working", "broken", "case",
))
# What a bare "code" may follow and still be the code that was sent ("the code is ...").
_CODE_AFTER = frozenset(("", "the", "my", "your", "a", "this", "that", "new", "6-digit"))
# Short English abbreviations that are also words: only with a copula or colon after them.
_WEAK_KEYWORDS = frozenset(("pass", "pw", "passes"))
# fmt: on
_COUNT_AFTER = re.compile(
    r"[ \t]*(?:位|個|个|次|字|天|分钟|分鐘|小时|小時|秒|digits?|chars?|characters?|times?"
    r"|attempts?|tries|minutes?|hours?|days?)(?![a-z])"
)
_STRONG_CHAR = re.compile(r"[0-9\uff10-\uff19!@#$%^&*_=+~<>|\\/?]")
# Values that are a date, a time, an amount or a version, not a secret, after filler words.
_NOT_A_SECRET_SHAPE = re.compile(
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}:\d{2}(?::\d{2})?|v?\d+(?:\.\d+){1,3}"
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?"
)
_COPULA_WORDS = frozenset(("is", "was"))
_PREVIOUS_WORD = re.compile(r"([a-z0-9-]*)[ \t]*$")


def drop_secrets(text: str, found: list[str]) -> str:
    lowered = text.lower()
    if len(lowered) != len(text):  # "İ" lower-cases to two characters; keep indexes aligned
        lowered = text.translate(_LOWER)
    if not lowered.isascii() and _WIDE.search(lowered):
        lowered = lowered.translate(_HALF_WIDTH)
    if _HINT.search(lowered) is None:
        return text
    spans: list[tuple[int, int, str]] = []
    pos = 0
    rejected = -1  # the end of the last rejected value
    while m := _next_secret(lowered, pos):
        branch = str(m.lastgroup).removesuffix("_v")  # each branch ends with its value group
        start = m.start() if branch == "track_data" else m.start(f"{branch}_v")
        value = text[start : m.end()]
        # A rejected value may hold a keyword of its own ("pw@wd.pw:1", an address, holds
        # "pw:1"): look again from the value's start; for a value over 64 characters only
        # once per value end, so that a long token is read at most twice (linear).
        pos = start if m.end() != rejected or m.end() - start <= 64 else m.end()
        dropped_to = spans[-1][1] if spans else 0
        if branch != "track_data" and not _accept(branch, m, lowered, value, dropped_to):
            rejected = m.end()
            continue
        if len(value) <= 5 and _COUNT_AFTER.match(lowered, m.end()):
            continue  # "密码 6 位", "PIN 1234 attempts": a length or a count, not a value
        spans.append((start, m.end(), PLACEHOLDER))
        found.append(_KIND.get(branch, branch))
        pos = m.end()
    return splice(text, spans)


def _next_secret(lowered: str, pos: int) -> re.Match[str] | None:
    """`_SECRET.search(lowered, pos)`: the leftmost candidate secret at or after `pos`,
    tried only where a keyword starts within reach of a hint."""
    while hint := _HINT.search(lowered, pos):
        at = max(pos, hint.start() - _LEAD)
        key = _KEYWORD_AHEAD.match(lowered, at)  # the first keyword in [at, at + _LEAD]
        if key is None:
            pos = at + _LEAD + 1  # no secret starts before this
            continue
        start = key.start("keyword")
        m = _SECRET.match(lowered, start)
        if m is not None:
            return m
        # No secret starts before start + 1. A keyword after it holds a hint after it: find
        # that hint first, rather than look for a keyword in the next _LEAD characters
        # whether or not one can be there ("error code E5492. Please try again later.").
        pos = start + 1
    return None


_KIND = {
    "code": "verification_code",
    "password_w": "password",
    "cvv_zh": "cvv",
    "verification_code_zh": "verification_code",
}


def _accept(branch: str, m: re.Match[str], lowered: str, value: str, dropped_to: int) -> bool:
    keyword, sep = m.group(branch), m.group(f"{branch}_sep")
    quoted = m.group(f"{branch}_q")
    kind = _KIND.get(branch, branch)
    words = [w for w in re.findall("[a-z']+", sep) if w not in _COPULA_WORDS]
    if words and _NOT_A_SECRET_SHAPE.fullmatch(value.lower().rstrip("*.,;!?")):
        return False  # "password changed 2026-11-20": a date after words, no value
    if branch == "code":
        before = _PREVIOUS_WORD.search(lowered, 0, m.start())
        # A word already dropped is the placeholder on the next pass: no word at all.
        word = "" if before is None or before.end(1) <= dropped_to else before.group(1)
        return not word.isalpha() or word in _CODE_AFTER
    if kind != "password":
        return True
    if keyword in _WEAK_KEYWORDS and (words or not re.search("[:=\uff1a\uff1d]|is|was", sep)):
        return False  # "pass the 2nd step": "pass" and "pw" need "pass: ..." or "pw is ..."
    return _is_password(keyword, sep, value, quoted is not None, bool(words))


# The rest of an email address after a keyword that starts it: local part, @, domain.
_LOCAL_THEN_AT = re.compile(r"[\w.%+'*-]*[@\uff20][\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")


def _is_password(keyword: str, sep: str, value: str, quoted: bool, words: bool) -> bool:
    if not sep and keyword.isascii() and (value[:1] in "@\uff20" or _LOCAL_THEN_AT.match(value)):
        return False  # "password+tag@example.com", "m.password@": part of an email address
    if "***" in value:
        return False  # a mask redaction wrote (138****5678, a***@): never a value later
    word = value.rstrip(".,;:!?)]}'\"")
    if not any(c.isalnum() for c in word) or (word.isalpha() and word.lower() in _NOT_A_PASSWORD):
        return False
    if quoted:
        return True
    if words or (keyword.isascii() and not sep.strip()):
        # "reset password link", "password isn't working", "password I forgot again":
        # without a copula, English needs a strong-looking value
        return len(value) >= 4 and _STRONG_CHAR.search(value) is not None
    return True
