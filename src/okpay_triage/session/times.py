"""Times as people say them, in English and Chinese, resolved in a zone against a clock.

``刚才``, ``昨天下午3点``, ``前天晚上8点``, ``上周五``, ``11月28日 15:00``, ``3小时前``,
``yesterday 3pm``, ``2 hours ago``, ``last Friday``, ``this morning``: `natural_time` reads
them into a `When`, which `session.values` turns into the canonical kept form. Imported only
when a datetime step gets an answer that is not already an ISO date or time.

A small grammar of our own rather than a library: dateparser 1.5 (77 ms to import, ~94 ms
for its first parse) reads none of 昨天下午3点, 今天上午10点半, 上周五, 刚才, 11月28日 15:00,
前天晚上8点 or 两小时前; this module imports in about 6 ms (compiling its patterns)
and reads a time in 30-40 µs. On the 61 exact and day-only cases of
tests/data/natural_times.yaml, dateparser (zh and en, the answer's time as its base, dates
preferred from the past) gets 30 right; this grammar all 61.

The answer is read as pieces in any order, each at most once: a day (relative, a weekday or a
month and day), a part of the day, a clock time, or an offset back from now (``N hours
ago``). Words such as "at", "on", 的 and spaces between them are skipped. A day without a
clock time is kept as the day; a part of the day without one as an approximate time at the
part's usual hour (`PART_HOURS`).

The grammar is one piece, so the module stays whole at a little over 400 lines: its
patterns, the pieces they read and the hedges ("about", 左右, 11点多) are read together.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, NamedTuple

from .numerals import NUMERAL, number_word
from .skips import UNSURE_WORDS, is_unsure

_DAYS_BACK = {
    "今天": 0,
    "今日": 0,
    "today": 0,
    "昨天": 1,
    "昨日": 1,
    "yesterday": 1,
    "前天": 2,
    "大前天": 3,
    "the day before yesterday": 2,
    "day before yesterday": 2,
}
#: Words naming a day and a part of it at once.
_DAY_AND_PART = {
    "昨晚": (1, "evening"),
    "昨夜": (1, "night"),
    "今早": (0, "morning"),
    "今晨": (0, "morning"),
    "今晚": (0, "evening"),
    "tonight": (0, "evening"),
    "last night": (1, "evening"),
    "this morning": (0, "morning"),
    "this afternoon": (0, "afternoon"),
    "this evening": (0, "evening"),
}
_PARTS = {
    "凌晨": "small-hours",
    "半夜": "small-hours",
    "早上": "morning",
    "早晨": "morning",
    "上午": "morning",
    "中午": "noon",
    "下午": "afternoon",
    "傍晚": "evening",
    "晚上": "evening",
    "夜里": "night",
    "夜间": "night",
    "morning": "morning",
    "in the morning": "morning",
    "noon": "noon",
    "midday": "noon",
    "afternoon": "afternoon",
    "in the afternoon": "afternoon",
    "evening": "evening",
    "in the evening": "evening",
    "night": "night",
    "at night": "night",
}
#: The hour an approximate time is kept at when only the part of the day is known.
PART_HOURS = {
    "small-hours": 3,
    "morning": 9,
    "noon": 12,
    "afternoon": 15,
    "evening": 20,
    "night": 22,
}
_NOW_WORDS = ("刚才", "刚刚", "刚", "现在", "just now", "right now", "a moment ago", "now")
_WEEKDAYS_ZH = "一二三四五六日天"
_WEEKDAYS_EN = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS_EN = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

_NUM = rf"(\d{{1,3}}|{NUMERAL}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_UNITS = {
    "分钟": "minutes",
    "分": "minutes",
    "小时": "hours",
    "钟头": "hours",
    "天": "days",
    "日": "days",
    "周": "weeks",
    "星期": "weeks",
    "礼拜": "weeks",
}
_AGO_ZH = re.compile(rf"{_NUM}\s*(?:个)?(半)?\s*(分钟|分|小时|钟头)\s*(?:之前|以前|前)")
_DAYS_AGO_ZH = re.compile(rf"{_NUM}\s*(?:个)?\s*(天|日|周|星期|礼拜)\s*(?:之前|以前|前)")
_DAYS_AGO_EN = re.compile(rf"{_NUM}\s*(days?|weeks?)\s+ago\b")
_HALF_HOUR_ZH = re.compile(r"半\s*(?:个)?\s*(?:小时|钟头)\s*(?:之前|以前|前)")
_AGO_EN = re.compile(rf"{_NUM}\s*(minutes?|mins?|hours?|hrs?)\s+ago\b|half an hour ago\b")
_WEEKDAY_ZH = re.compile(rf"(上上|上|这|本)?\s*(?:个)?\s*(?:周|星期|礼拜)([{_WEEKDAYS_ZH}])")
_WEEKDAY_EN = re.compile(
    r"(last|this|on)?\s*(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b(?:\s+last week)?"
)
_MONTH_DAY_ZH = re.compile(rf"({NUMERAL})\s*月\s*({NUMERAL})\s*[日号]?")
_MONTH_DAY_EN = re.compile(
    r"(?:(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?"
    r"|(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?)\b"
)
_CLOCK_DIGITS = re.compile(r"(\d{1,2})[:：](\d{2})(?:\s*([ap])\.?m\.?\b)?")
_CLOCK_AMPM = re.compile(r"(\d{1,2})\s*([ap])\.?m\.?\b|(\d{1,2})\s*o'?clock\b")
_CLOCK_ZH = re.compile(rf"({NUMERAL})\s*[点时](?:\s*(半|一刻|三刻|整|钟|多钟?|({NUMERAL})\s*分?))?")
#: A bare hour (``this morning around 9``): a clock time only beside a part of the day.
_BARE_HOUR = re.compile(r"(\d{1,2})\b(?![:：.])")
_SKIP = re.compile(r"(?:\s+|,|，|的|at\b|on\b|around\b|about\b|左右|前后)+")


class When(NamedTuple):
    """What an answer said: a moment (exact or approximate), or only a day."""

    moment: datetime | None  # None: only `day` is known
    day: date | None
    approximate: bool


def natural_time(text: str, zone: tzinfo, now: datetime) -> When | None:
    """The time `text` (NFKC-normalised, lower case) says, in `zone`, as of `now`; None if
    it is not one this grammar reads."""
    here = now.astimezone(zone)
    ago = _ago(text, here)
    if ago is not None:
        return When(ago, None, False)
    if text in _NOW_WORDS:
        return When(here.replace(second=0, microsecond=0), None, True)
    day: date | None = None
    part: str | None = None
    clock: tuple[int, int, bool] | None = None  # hour, minute, whether am/pm was said
    about = bare = False  # 11点多: about 11:00; a bare 9 needs a part of the day
    rest = text
    while rest:
        skipped = _SKIP.match(rest)
        if skipped:
            rest = rest[skipped.end() :]
            continue
        found = _piece(rest, here.date())
        if found is None:
            return None
        kind, value, size = found
        if kind == "day" and day is None:
            day = value
        elif kind == "part" and part is None:
            part = value
        elif kind == "day-part" and day is None and part is None:
            day, part = value
        elif kind in _CLOCK_KINDS and clock is None:
            clock, about, bare = value, kind == "clock-about", kind == "bare-hour"
        else:
            return None  # a piece said twice
        rest = rest[size:]
    if clock is None and part is None:
        return None if day is None else When(None, day, False)
    if bare and part is None:
        return None  # "yesterday at 3": 3am or 3pm
    day = day or here.date()
    if clock is None:
        assert part is not None
        hour, minute, approximate = PART_HOURS[part], 0, True
    else:
        said_hour, minute, said_ampm = clock
        in_part = _in_part(said_hour, part, said_ampm)
        if in_part is None:
            return None
        hour, approximate = in_part, about
    moment = datetime.combine(day, time(hour % 24, minute), tzinfo=zone)
    if hour == 24:
        moment += timedelta(days=1)
    if clock is None and moment > here >= moment.replace(hour=max(hour - 3, 0)):
        moment = here.replace(second=0, microsecond=0)  # 今天下午 said at 14:00
    return When(moment, None, approximate)


def _ago(text: str, here: datetime) -> datetime | None:
    """``3小时前``, ``两天前``, ``2 hours ago``, ``半小时前``: `here` less the offset."""
    if _HALF_HOUR_ZH.fullmatch(text) or text == "half an hour ago":
        return (here - timedelta(minutes=30)).replace(second=0, microsecond=0)
    match = _AGO_ZH.fullmatch(text)
    if match:
        count, half, unit = match.group(1), match.group(2), _UNITS[match.group(3)]
    else:
        match = _AGO_EN.fullmatch(text)
        if not match or match.group(1) is None:
            return None
        count, half, unit = match.group(1), None, _english_unit(match.group(2))
    number = number_word(count)
    if number is None or number > 1000:
        return None
    amount = timedelta(**{unit: number + (0.5 if half else 0)})
    return (here - amount).replace(second=0, microsecond=0)


def _english_unit(word: str) -> str:
    return {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[word[0]]


#: The words of days and parts of days, longest first (so 大前天 is not read as 前天).
_WORDS = sorted(
    [(w, "day-part") for w in _DAY_AND_PART]
    + [(w, "day") for w in _DAYS_BACK]
    + [(w, "part") for w in _PARTS],
    key=lambda pair: -len(pair[0]),
)
#: The kinds of piece that are a clock time: said exactly, "X点多" (shortly after X, kept
#: as about X:00), or a bare hour.
_CLOCK_KINDS = frozenset({"clock", "clock-about", "bare-hour"})
#: A piece of an answer: (kind, value, length of its text).
Piece = tuple[str, Any, int]


def _piece(text: str, today: date) -> Piece | None:
    """The piece `text` starts with: (kind, value, length), None if none fits."""
    for word, kind in _WORDS:
        if text.startswith(word) and not _runs_on(text, word):
            value: Any = _PARTS.get(word)
            if kind == "day-part":
                back, part = _DAY_AND_PART[word]
                value = (today - timedelta(days=back), part)
            elif kind == "day":
                value = today - timedelta(days=_DAYS_BACK[word])
            return kind, value, len(word)
    match = _WEEKDAY_ZH.match(text)
    if match:
        zh_back = {"上上": 2, "上": 1, "这": 0, "本": 0}.get(match.group(1) or "")
        weekday = min(_WEEKDAYS_ZH.index(match.group(2)), 6)
        return "day", _weekday(today, weekday, zh_back), match.end()
    match = _WEEKDAY_EN.match(text)
    if match:
        weekday = _WEEKDAYS_EN.index(match.group(2))
        which = match.group(1)
        en_back = 1 if match.group(0).endswith("last week") else 0 if which == "this" else None
        day = _weekday(today, weekday, en_back)
        if which == "last" and day == today:
            day -= timedelta(days=7)  # "last Friday" said on a Friday: a week ago
        return "day", day, match.end()
    match = _DAYS_AGO_ZH.match(text) or _DAYS_AGO_EN.match(text)
    if match:
        count = number_word(match.group(1))
        if count is None or count > 1000:
            return None
        days = count * (1 if match.group(2)[0] in "天日d" else 7)
        return "day", today - timedelta(days=days), match.end()
    match = _MONTH_DAY_ZH.match(text) or _MONTH_DAY_EN.match(text)
    if match:
        day_of = _month_day(match.groups(), today)
        return None if day_of is None else ("day", day_of, match.end())
    return _clock(text)


def _runs_on(text: str, word: str) -> bool:
    """An English word must end at a word boundary (``today`` is not ``todays``)."""
    nxt = text[len(word) : len(word) + 1]
    return word.isascii() and nxt.isascii() and nxt.isalnum()


def _weekday(today: date, weekday: int, weeks_back: int | None) -> date:
    """A weekday: with `weeks_back` None the latest one not after `today`; with 0 the one
    of this calendar week (Monday first), 1 of the week before, 2 the week before that."""
    if weeks_back is None:
        return today - timedelta(days=(today.weekday() - weekday) % 7)
    monday = today - timedelta(days=today.weekday(), weeks=weeks_back)
    return monday + timedelta(days=weekday)


def _month_day(groups: tuple[str | None, ...], today: date) -> date | None:
    """A month and day without a year: the latest such day not after `today`."""
    if len(groups) == 2:
        month, day = number_word(groups[0] or ""), number_word(groups[1] or "")
    else:
        name = groups[0] or groups[3] or ""
        month = _MONTHS_EN.index(name) + 1
        day = int(groups[1] or groups[2] or 0)
    if month is None or day is None:
        return None
    for year in (today.year, today.year - 1):
        try:
            found = date(year, month, day)
        except ValueError:
            return None if year != today.year else _leap(month, day, today)
        if found <= today:  # the zone is known: today there is today
            return found
    return None  # pragma: no cover - last year's is always in the past


def _leap(month: int, day: int, today: date) -> date | None:
    """29 February said in a year that has none: the last one that had it."""
    for year in range(today.year - 1, today.year - 8, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return None


def _clock(text: str) -> Piece | None:
    """A clock time: ``15:00``, ``3pm``, ``3 o'clock``, ``3点``, ``十点半``, ``8点15分``,
    ``11点多`` (about 11:00), or a bare ``9`` (which `natural_time` takes only beside a part
    of the day)."""
    match = _CLOCK_DIGITS.match(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        said = match.group(3)
        hour = _ampm(hour, said)
        return _checked(hour, minute, said is not None, match.end())
    match = _CLOCK_AMPM.match(text)
    if match:
        if match.group(3) is not None:
            return _checked(int(match.group(3)), 0, False, match.end())
        return _checked(_ampm(int(match.group(1)), match.group(2)), 0, True, match.end())
    match = _CLOCK_ZH.match(text)
    if match:
        zh_hour = number_word(match.group(1))
        extra = match.group(2)
        zh_minute = {"半": 30, "一刻": 15, "三刻": 45, "整": 0, "钟": 0, None: 0}.get(extra)
        if extra is not None and extra.startswith("多"):
            zh_minute = 0
        if zh_minute is None:
            zh_minute = number_word(match.group(3) or "")
        if zh_hour is None or zh_minute is None:
            return None
        piece = _checked(zh_hour, zh_minute, False, match.end())
        if piece is not None and extra is not None and extra.startswith("多"):
            return "clock-about", piece[1], piece[2]  # 11点多: shortly after 11, about 11:00
        return piece
    match = _BARE_HOUR.match(text)
    if match:
        piece = _checked(int(match.group(1)), 0, False, match.end())
        return None if piece is None else ("bare-hour", piece[1], piece[2])
    return None


def _ampm(hour: int, said: str | None) -> int:
    if said is None or hour > 12 or hour == 0:
        return hour if said is None else -1
    return hour % 12 + (12 if said == "p" else 0)


def _checked(hour: int, minute: int, ampm: bool, size: int) -> Piece | None:
    if not (0 <= hour <= 24 and 0 <= minute < 60) or (hour == 24 and minute):
        return None
    return "clock", (hour, minute, ampm), size


def _in_part(hour: int, part: str | None, said_ampm: bool) -> int | None:
    """The 24-hour hour of a clock time said with a part of the day: 下午3点 is 15:00,
    晚上12点 midnight (24), 凌晨2点 02:00; a 24-hour time must agree with the part."""
    if part is None or said_ampm:
        return hour
    if part in ("afternoon", "evening", "night") and 1 <= hour <= 11:
        return hour + 12
    if part in ("evening", "night") and hour == 12:
        return 24
    if part == "noon" and 1 <= hour <= 2:
        return hour + 12
    if part == "small-hours" and hour == 12:
        return 0
    morning = part in ("morning", "small-hours")
    if (morning and hour > 12) or (part == "afternoon" and hour < 12):
        return None  # 上午15点
    return hour


#: Answers that say the time is not remembered or not known: kept as ``unknown``, never a
#: dead end. The same phrases as every other step takes as "not known" (`session.skips`).
UNKNOWN_WORDS = UNSURE_WORDS
_HEDGE_BEFORE = re.compile(
    r"^(?:~|about|around|approx\.?|approximately|roughly|circa|ca\.|maybe|大约|大概|约|差不多|可能)\s*"
)
_HEDGE_AFTER = re.compile(r"\s*(?:左右|前后|上下|ish|or so)$")
# Inside the time: "Nov 25 around 8pm", "昨天大概下午3点".
_HEDGE_INSIDE = re.compile(
    r"\s+(?:about|around|approx\.?|approximately|roughly)\s+|大约|大概|差不多"
)


def hedged(text: str) -> tuple[str, bool, bool]:
    """`text` (lower case) without its "about" words, whether it had any, and whether it
    says the time is not remembered."""
    bare = text.strip().rstrip("。.!！")
    if bare in UNKNOWN_WORDS or is_unsure(bare):
        return bare, False, True
    before, after = _HEDGE_BEFORE.search(bare), _HEDGE_AFTER.search(bare)
    if before:
        bare = bare[before.end() :]
    if after:
        bare = bare[: after.start()]
    inside = _HEDGE_INSIDE.search(bare)
    if inside:
        # An English word goes with the spaces around it, leaving one; a Chinese one alone.
        bare = _HEDGE_INSIDE.sub(lambda m: " " if m.group()[0].isspace() else "", bare)
    return bare.strip(), bool(before or after or inside), False
