"""Typed facts: turning what a user typed into the one canonical, privacy-safe string kept.

Each fact type has a parser that accepts the ways people really write a value (full-width
digits, ``¥1,000.00``, ``2026年11月20日 14:30``, ``+86 138 1234 5678``) and refuses, with a
message in the session language, what cannot be right (``NaN``, ``-5``, ``100.005``, a date
in the future, a time with no zone). Secrets are dropped and personal data masked *before*
a value is kept. How a personal fact is kept is its `FactSpec.kept`: a fact kept "whole"
(an account's registered mobile or email, a transaction id given for support) is kept as
given, normalised, and masked only where it is shown (`shown_value`); a fact kept
"masked" only in masked form.

The module is a little over 400 lines because every type's parser sits beside the one
table and the one redaction pass they share (`parse_value`); the spoken forms of times,
amounts and contacts are in `times`, `money` and `contacts`. The ISO date-time fast path
is the next part to move out if it grows.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import NamedTuple

from okpay_triage.errors import AnswerError
from okpay_triage.redaction import (
    PLACEHOLDER,
    mask_email,
    mask_phone,
    mask_tail,
    scan,
    secrets_in,
)
from okpay_triage.redaction.labels import mask_labelled
from okpay_triage.text import MAX_ANSWER_CHARS, clean, normalize
from okpay_triage.tree.plan import FactSpec
from okpay_triage.types import Lang
from okpay_triage.wording import kinds, say

from .contacts import parse_account, parse_email, parse_phone
from .kept import UNKNOWN
from .money import parse_money

_ID = re.compile(r"^[A-Za-z0-9._:-]{4,64}$")
#: An identifier of letters and digits only, with a letter: ``TX13812345678``.
_GLUED_ID = re.compile(r"^(?=[0-9]*[A-Za-z])[A-Za-z0-9]+$")
_ZONE = r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2}|[A-Za-z]+/[A-Za-z_+-]+)?$"
#: ``2026-11-20 14:30``, ``2026/11/20 14:30 UTC``, ``2026-11-20T14:30:00+08:00``.
_DATETIME = re.compile(
    r"^(\d{4})(?:-(\d{1,2})-|/(\d{1,2})/)(\d{1,2})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?" + _ZONE
)
#: The usual Chinese form, ``2026年11月20日 14点30``, read as `_DATETIME` reads the same
#: text rewritten with dashes and colons by `_ZH_DATE` and `_ZH_CLOCK` (the day and what
#: follows it are taken as greedily as the rewrite takes them), which any other Chinese
#: form is first.
_ZH_DATETIME = re.compile(
    r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?>(\d{1,2})\s*[日号]?)"
    r"(?:[ T]+(\d{1,2})(?::|\s*[点时]\s*)(\d{2})(?::(\d{2}))?)?" + _ZONE
)
_ZH_DATE = re.compile(r"(\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_ZH_CLOCK = re.compile(r"(\d)\s*[点时]\s*(\d)")
#: The most characters of a typed value that is not free text read (the rest is cut).
_MAX_VALUE_CHARS = 300
#: A time up to this far ahead of the clock is still accepted (clocks drift).
CLOCK_SLACK = timedelta(minutes=10)


#: Types whose canonical value cannot hold personal data: an amount below ten billion with
#: two decimals and a currency code, an ISO date or time, one of the declared choices.
#: Their typed text is still searched for secrets (``CVV 123`` is refused, not read as an
#: amount in "CVV"); tests/test_values.py checks that redaction leaves every value they
#: produce unchanged, which is what makes skipping the scan of the value safe.
_CLEAN_BY_GRAMMAR = frozenset({"money", "datetime", "choice"})
#: Types whose canonical value is one email address or one phone number (an account is
#: either), nothing else.
_ONE_ADDRESS = frozenset({"email", "phone", "account"})


class Parsed(NamedTuple):
    """A value as kept, and what the user should be told about it (in the session's
    language). A named tuple: a frozen dataclass took a fifth of a short value's parse to
    build."""

    value: str
    notices: tuple[str, ...] = ()


@lru_cache(maxsize=64)
def _notice(key: str, lang: Lang, names: tuple[str, ...]) -> str:
    """The notice `key` naming the data kinds `names`: one of a few sentences, said often."""
    return say(key, lang, kinds=kinds(names, lang))


def parse_value(spec: FactSpec, raw: str, lang: Lang, now: datetime | None = None) -> Parsed:
    """The canonical, masked value of `raw` for fact `spec`.

    Raises:
        AnswerError: the value cannot be right; the message (in `lang`) says what to type.
    """
    # One redaction pass per value. Free text is kept as redacted, so it is scanned as typed
    # (`_free_text_value`). Any other type is parsed from the text as typed (a transaction
    # id keeps its form) and what the parser keeps is what may need masking; only secrets
    # are looked for first, since they are refused.
    text, _ = clean(raw, 4 * MAX_ANSWER_CHARS)
    kind = spec.type
    if kind == "text":
        return _free_text_value(spec, text, lang)
    secrets = secrets_in(text)
    if secrets:
        raise AnswerError(_notice("secret-removed", lang, secrets), code="secret-removed")
    notices: tuple[str, ...] = ()
    if len(text) > _MAX_VALUE_CHARS:
        text = text[:_MAX_VALUE_CHARS]
        notices = (say("cut", lang, limit=_MAX_VALUE_CHARS),)
    elif not text:
        raise AnswerError(say("required", lang), code="required")
    value = _PARSERS[kind](spec, text, lang, now)
    if kind in _CLEAN_BY_GRAMMAR:  # the canonical value holds nothing to mask
        return Parsed(value, notices)
    keep = spec.kept
    if kind in _ONE_ADDRESS:
        # The parser keeps one address or number and nothing else: kept whole it is what
        # support asked for; otherwise it is masked whole, as the scan would mask it
        # (tests/test_values.py checks the two agree).
        if keep == "whole":
            return Parsed(value, notices)
        masked_notice = _notice("masked", lang, (_address_kind(value),))
        return Parsed(mask(kind, value), (*notices, masked_notice))
    # An identifier: this is the value's one pass. Kept whole it is still searched: a card
    # number typed where an order number is asked is not what support asked for, and is
    # masked like any other.
    found = scan(value, secrets=False)  # (looked for in the text above)
    masked = found.masked
    if masked == ("phone",) and _GLUED_ID.match(value):
        # TX13812345678: digits glued to the letters of an id are the id, not a phone
        # (BAD_INPUTS 42); a card number inside an id is still masked.
        masked = ()
    if keep == "masked":
        return Parsed(mask(kind, value), notices)
    if masked:
        return Parsed(found.text, (*notices, _notice("masked", lang, masked)))
    return Parsed(value, notices)


#: Free text facts of at most this many characters are short fields: an answer over the
#: limit is asked again rather than cut. A longer description is cut, with a notice.
SHORT_TEXT = 64


def _free_text_value(spec: FactSpec, text: str, lang: Lang) -> Parsed:
    """Free text as kept: redacted as typed (before it is cut to the fact's length, so a
    card number across the cut is masked whole), a secret dropped with a notice unless it
    was all the text said."""
    # A field kept whole for support (a name and the last four digits) is no place for a
    # whole card or account number: any run of 12 or more digits is masked there.
    if spec.max_length > SHORT_TEXT and text.isascii() and text.isdigit() and len(text) <= 2:
        # "1" where a description is asked: an option number typed as if this were a menu.
        raise AnswerError(say("describe", lang), code="bad-value")
    found = scan(text, long_numbers=spec.kept == "whole")
    value, limit = found.text, spec.max_length
    notices = []
    was_cut = len(value) > limit
    if was_cut and limit <= SHORT_TEXT:
        # A short field (a name, the last digits of an account) cut at its limit can lose
        # just what matters ("建设银行 1234，应该是工商银行 48|21"): asked again instead.
        raise AnswerError(say("too-long", lang, limit=limit), code="too-long")
    if was_cut:
        value = value[:limit].rstrip() + "…"
        notices.append(say("cut", lang, limit=limit))
    if found.masked:
        notices.append(_notice("masked", lang, found.masked))
    if found.secrets:
        message = _notice("secret-removed", lang, found.secrets)
        if not _has_words(value):
            raise AnswerError(message, code="secret-removed")
        notices.append(message)
    if not value.strip():
        raise AnswerError(say("required", lang), code="required")
    keep = spec.kept
    if was_cut:  # the cut may have split the placeholder, or left a number a PIN
        again = scan(value)
        if again.masked and not found.masked and keep != "masked":
            notices.append(_notice("masked", lang, again.masked))
        value = again.text
    if keep == "masked":
        value = mask("text", value)
    return Parsed(value, tuple(notices))


def shown_value(spec: FactSpec, value: str) -> str:
    """A kept value as it may be shown or counted (terminal, ``--json`` events, logs, a
    packet's shareable preview): a value kept whole is masked, as `mask` masks its type;
    any other is already as safe as it is kept."""
    if spec.kept != "whole":
        return value
    if spec.type == "text":
        # A card, an account, a recipient kept whole for support: echoed with the words
        # that identify nobody (a listed bank, 尾号), a name as its first character and
        # stars, only the last four digits (`mask_labelled`: ``李某 尾号5566`` is shown
        # ``李* 尾号5566``), so the user can tell it was read right. A fact kept masked keeps
        # `mask`'s ``****`` and tail, and a packet's shareable preview shows that too.
        return mask_labelled(value)
    return mask(spec.type, value)


def _address_kind(value: str) -> str:
    """The kind of personal data one kept address is: an email, or a phone number."""
    return "email" if "@" in value else "phone"


_NOT_A_LETTER = re.compile(r"\W|_")
#: Words for a day still to come: a time said with them is in the future, not unreadable.
_FUTURE_WORDS = re.compile(
    r"明天|明日|后天|下周|下星期|下个月|明年"
    r"|(?<![a-z])(?:tomorrow|next (?:week|month|year))(?![a-z])"
)


def mask(fact_type: str, value: str) -> str:
    """The masked form of a value of `fact_type`: how a fact kept masked is kept, and how
    any personal value is shown.

    An email keeps its first letter and domain, a phone its form (``138****5678``), an
    account identifier whichever of the two it is; money,
    times and choices are kept. Any other value keeps ``****``
    and the last four letters or digits of the user's own text, or all of it when it has
    no more than four. A secret
    redaction dropped from it is never part of that text: each ``[removed]`` is taken out
    first and the marker written once, whole, at the end, so that a reader knows something
    was dropped: ``Zhang Wei 4821 password: hunter2!`` is kept as ``****word [removed]``,
    ``PIN [removed]`` as ``PIN [removed]``.
    """
    if "***" in value and fact_type in ("account", "email", "phone"):
        return value  # masked already: masking it again would lose the form it keeps
    if fact_type == "account":
        fact_type = _address_kind(value)
    if fact_type == "email":
        return mask_email(value)
    if fact_type == "phone":
        return mask_phone(value)
    if fact_type in ("money", "datetime", "choice"):
        return value
    own = value.replace(PLACEHOLDER, " ")
    marker = f" {PLACEHOLDER}" if own != value else ""
    if len(_NOT_A_LETTER.sub("", own)) <= 4:
        # already no more than a tail, e.g. the last four digits asked for
        return " ".join(own.split()) + marker if marker else value
    return mask_tail(own) + marker


def _has_words(text: str) -> bool:
    return bool(re.sub(r"\[[^\]]*\]|[\W_]", "", text))


#: A label pasted before an id, as people copy it: ``订单号：``, ``交易单号 ``, ``order no.``,
#: ``txn id:``; dropped with the separator after it.
_ID_LABEL = re.compile(
    r"^(?:(?:商家)?订单(?:编)?号|交易(?:单|流水)?号|(?:交易)?流水号|交易\s*id|"
    r"order\s*(?:no\.?|number|id|#)|(?:txn|transaction)\s*(?:id|no\.?|number|#)|"
    r"ref(?:erence)?\s*(?:no\.?|number|#)?)\s*(?:是|为|is)?\s*[:：#]?\s*",
    re.IGNORECASE,
)
#: Digits grouped with single spaces, as an app shows a long number: ``3345 9987 1122``.
_GROUPED_DIGITS = re.compile(r"^\d{2,6}(?: \d{2,6})+$")


def _identifier(spec: FactSpec, text: str, lang: Lang, now: datetime | None) -> str:
    value = unicodedata.normalize("NFKC", text).strip()
    if not _ID.match(value):
        pasted = _ID_LABEL.match(value)
        if pasted and pasted.end() < len(value):
            value = value[pasted.end() :]
        if _GROUPED_DIGITS.match(value):
            value = value.replace(" ", "")
    if not _ID.match(value):
        label = spec.label[1] if lang == "zh" else _mid_sentence(spec.label[0])
        raise AnswerError(say("bad-id", lang, label=label), code="bad-value")
    return value


def _mid_sentence(label: str) -> str:
    """An English label as it reads inside a sentence: "the withdrawal transaction ID", not
    "the Withdrawal transaction ID"; a word in capitals (ID, OKPAY) keeps them."""
    first = label.split(" ", 1)[0]
    return first[0].lower() + label[1:] if first[1:2].islower() else label


def _datetime(spec: FactSpec, text: str, lang: Lang, now: datetime | None) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    now = now or datetime.now(UTC)
    approximate = text.startswith("~")  # the kept form of "about ..."
    kept = text if text == UNKNOWN else _iso_time(spec, text[approximate:], lang, now)
    if kept is None:  # not an ISO date or time: 昨天下午3点, 2 hours ago, about noon
        kept, approximate = _spoken_time(spec, text, lang, now)
    return f"~{kept}" if approximate and kept != UNKNOWN else kept


def _iso_time(spec: FactSpec, text: str, lang: Lang, now: datetime) -> str | None:
    """The kept form of an ISO-like date or time (the fast path), None if it is not one."""
    if text.isascii():
        match = _DATETIME.match(text)
    else:  # the Chinese forms: 2026年11月20日 14点30, or with the date written with dashes
        match = _ZH_DATETIME.match(text) or _DATETIME.match(
            _ZH_CLOCK.sub(r"\1:\2", _ZH_DATE.sub(r"\1-\2-\3", text))
        )
    if not match:
        return None
    if match.re is _DATETIME:  # its month is the dashed or the slashed one
        year, dashed, slashed, day, hour, minute, second, zone = match.groups()
        month = dashed or slashed
    else:
        year, month, day, hour, minute, second, zone = match.groups()
    if hour is None:
        return _day_alone(year, month, day, lang, now)
    try:
        tz = _zone(zone or spec.assume_timezone)
        wall = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError:
        raise AnswerError(say("bad-datetime", lang), code="bad-value") from None
    if wall.year < 2000:
        raise AnswerError(say("bad-datetime", lang), code="bad-value")
    if tz is None:
        raise AnswerError(say("need-zone", lang), code="bad-value")
    offset = tz.utcoffset(wall)  # of this wall time in this zone, DST and all
    assert offset is not None  # every zone `_zone` gives has one
    # Compared as moments only near the clock's day: a day three days back is in the past in
    # any two zones (26 hours apart at most).
    if wall.toordinal() >= now.toordinal() - 2 and wall - offset > _utc_wall(now + CLOCK_SLACK):
        raise AnswerError(say("future", lang), code="bad-value")
    # Written from its parts: a zone-aware isoformat() asks the zone for its offset again.
    return wall.isoformat(timespec="minutes") + _offset_text(offset)


def _day_alone(year: str, month: str, day: str, lang: Lang, now: datetime) -> str:
    """The kept form of a date without a time: no later than the clock's day anywhere."""
    try:
        day_only = date(int(year), int(month), int(day))
    except ValueError:
        raise AnswerError(say("bad-datetime", lang), code="bad-value") from None
    if day_only.year < 2000:
        raise AnswerError(say("bad-datetime", lang), code="bad-value")
    if day_only > (now + CLOCK_SLACK + timedelta(days=1)).date():
        raise AnswerError(say("future", lang), code="bad-value")
    return day_only.isoformat()


def _utc_wall(moment: datetime) -> datetime:
    """`moment` as a naive UTC wall time, to compare with one."""
    return moment.astimezone(UTC).replace(tzinfo=None)


@lru_cache(maxsize=64)
def _offset_text(offset: timedelta) -> str:
    """A zone offset as ISO 8601 writes it in a time: ``+08:00``, ``-05:30``."""
    minutes = int(offset.total_seconds()) // 60
    return f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _spoken_time(spec: FactSpec, text: str, lang: Lang, now: datetime) -> tuple[str, bool]:
    """The kept form of a time as people say it, and whether it is approximate."""
    from .times import hedged, natural_time

    said, approximate, unknown = hedged(text.lower())
    if unknown:
        return UNKNOWN, False
    iso = _iso_time(spec, said, lang, now)  # about 2026-11-20 14:30
    if iso is not None:
        return iso, approximate
    zone = _zone(spec.assume_timezone)
    when = None if zone is None else natural_time(said, zone, now)
    if when is None:
        if _FUTURE_WORDS.search(said):  # 明天下午3点, tomorrow: a time that has not come
            raise AnswerError(say("future", lang), code="bad-value")
        raise AnswerError(say("bad-datetime", lang), code="bad-value")
    if when.moment is None:
        assert when.day is not None  # a When holds a moment or a day
        if when.day > now.astimezone(zone).date():
            raise AnswerError(say("future", lang), code="bad-value")
        return when.day.isoformat(), approximate
    if when.moment > now + CLOCK_SLACK:
        raise AnswerError(say("future", lang), code="bad-value")
    return when.moment.isoformat(timespec="minutes"), approximate or when.approximate


@lru_cache(maxsize=256)
def _zone(name: str | None) -> tzinfo | None:
    if not name:
        return None
    if name in ("Z", "UTC", "GMT"):
        return UTC
    if name[0] in "+-":
        digits = name[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 14 or minutes >= 60:
            raise ValueError(name)
        offset = timedelta(hours=hours, minutes=minutes)
        return timezone(offset if name[0] == "+" else -offset)
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _choice(spec: FactSpec, text: str, lang: Lang, now: datetime | None) -> str:
    value = normalize(text)
    for choice in spec.choices:
        if normalize(choice) == value:
            return choice
    raise AnswerError(say("bad-choice", lang, options=", ".join(spec.choices)), code="bad-value")


#: The parser of each fact type but free text (`_free_text_value`).
_PARSERS = {
    "transaction_id": _identifier,
    "order_number": _identifier,
    "money": parse_money,
    "datetime": _datetime,
    "email": parse_email,
    "phone": parse_phone,
    "account": parse_account,
    "choice": _choice,
}
