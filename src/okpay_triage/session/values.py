"""Typed facts: turning what a user typed into the one canonical, privacy-safe string kept.

Each fact type has a parser that accepts the ways people really write a value (full-width
digits, ``¥1,000.00``, ``2026年11月20日 14:30``, ``+86 138 1234 5678``) and refuses, with a
message in the session language, what cannot be right (``NaN``, ``-5``, ``100.005``, a date
in the future, a time with no zone). Secrets are dropped and personal data masked *before*
a value is kept. How a personal fact is kept is its `FactSpec.kept`: a fact kept "whole"
(an account's registered mobile or email, a transaction id given for support) is kept as
given, normalised, and masked only where it is shown (`shown_value`); a fact kept
"masked" only in masked form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from functools import lru_cache

from okpay_triage.errors import AnswerError
from okpay_triage.redaction import scan, secrets_in
from okpay_triage.text import MAX_ANSWER_CHARS, clean, normalize
from okpay_triage.tree.plan import FactSpec
from okpay_triage.types import Lang
from okpay_triage.wording import kinds, say

from .contacts import parse_account, parse_email, parse_phone
from .kept import UNKNOWN

_ID = re.compile(r"^[A-Za-z0-9._:-]{4,64}$")
#: An identifier of letters and digits only, with a letter: ``TX13812345678``.
_GLUED_ID = re.compile(r"^(?=[0-9]*[A-Za-z])[A-Za-z0-9]+$")
_NUMBER = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_DATETIME = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2}|[A-Za-z]+/[A-Za-z_+-]+)?$"
)
_CURRENCY_WORDS = {
    "¥": "CNY",
    "元": "CNY",
    "人民币": "CNY",
    "rmb": "CNY",
    "块": "CNY",
    "us$": "USD",
    "$": "USD",
    "美元": "USD",
    "€": "EUR",
    "欧元": "EUR",
    "hk$": "HKD",
    "港币": "HKD",
    "港元": "HKD",
    "£": "GBP",
    "英镑": "GBP",
}
_CURRENCY_RE = re.compile(
    "|".join(re.escape(w) for w in sorted(_CURRENCY_WORDS, key=len, reverse=True))
    + r"|\b[A-Za-z]{3}\b",
    re.IGNORECASE,
)
#: Amounts stay below ten billion: no wallet payment is larger, and an 11-digit mainland
#: mobile number (1.3e10 and up) typed into an amount can then never be kept unmasked.
_MAX_AMOUNT = Decimal("1e10")
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


@dataclass(frozen=True, slots=True)
class Parsed:
    value: str
    notices: tuple[str, ...] = ()


def parse_value(spec: FactSpec, raw: str, lang: Lang, now: datetime | None = None) -> Parsed:
    """The canonical, masked value of `raw` for fact `spec`.

    Raises:
        AnswerError: the value cannot be right; the message (in `lang`) says what to type.
    """
    # One redaction pass per value. Free text is kept as redacted, so it is scanned as typed
    # (before cutting to the limit, so a card number across the cut is masked whole). Any
    # other type is parsed from the text as typed (a transaction id keeps its form) and the
    # parsed value is scanned; only secrets are looked for first, since they are refused.
    limit = spec.max_length if spec.type == "text" else 300
    text, _ = clean(raw, 4 * MAX_ANSWER_CHARS)
    if spec.type == "text":
        found = scan(text)
        secrets, kept = found.secrets, found.text
    else:
        found, secrets, kept = None, secrets_in(text), text
    was_cut = len(kept) > limit
    if was_cut:
        kept, text = kept[:limit].rstrip() + "…", text[:limit]
    notices = [say("cut", lang, limit=limit)] if was_cut else []
    if found and found.masked:
        notices.append(say("masked", lang, kinds=kinds(found.masked, lang)))
    if secrets:
        message = say("secret-removed", lang, kinds=kinds(secrets, lang))
        if spec.type != "text" or not _has_words(kept):
            raise AnswerError(message, code="secret-removed")
        notices.append(message)
    if not kept.strip():
        raise AnswerError(say("required", lang), code="required")
    value = _PARSERS[spec.type](spec, kept if spec.type == "text" else text, lang, now)
    keep = spec.kept
    if found is None and spec.type in _CLEAN_BY_GRAMMAR:
        pass  # secrets were looked for above; the canonical value holds nothing to mask
    elif found is None and spec.type in _ONE_ADDRESS:
        # The parser keeps one address or number and nothing else: kept whole it is what
        # support asked for; otherwise it is masked whole, as the scan would mask it
        # (tests/test_values.py checks the two agree).
        if keep != "whole":
            notices.append(say("masked", lang, kinds=kinds((_address_kind(value),), lang)))
            value = mask(spec.type, value)
    elif found is None:  # parsed from the text as typed: this is the value's one pass
        # An identifier kept whole is still searched: a card number typed where an order
        # number is asked is not what support asked for, and is masked like any other.
        found = scan(value)
        masked = found.masked
        if masked == ("phone",) and _GLUED_ID.match(value):
            # TX13812345678: digits glued to the letters of an id are the id, not a phone
            # (BAD_INPUTS 42); a card number inside an id is still masked.
            masked = ()
        if masked and keep != "masked":
            notices.append(say("masked", lang, kinds=kinds(masked, lang)))
        value = value if keep == "masked" or not masked else found.text
    elif was_cut:  # the cut may have split the placeholder, or left a number a PIN
        again = scan(value)
        if again.masked and not found.masked and keep != "masked":
            notices.append(say("masked", lang, kinds=kinds(again.masked, lang)))
        value = again.text
    if keep == "masked" and spec.type not in _ONE_ADDRESS:  # (those are masked above)
        value = mask(spec.type, value)
    return Parsed(value, tuple(notices))


def shown_value(spec: FactSpec, value: str) -> str:
    """A kept value as it may be shown or counted (terminal, ``--json`` events, logs, a
    packet's shareable preview): a value kept whole is masked, as `mask` masks its type;
    any other is already as safe as it is kept."""
    return mask(spec.type, value) if spec.kept == "whole" else value


def _address_kind(value: str) -> str:
    """The kind of personal data one kept address is: an email, or a phone number."""
    return "email" if "@" in value else "phone"


def mask(fact_type: str, value: str) -> str:
    """The masked form of a value of `fact_type`: how a fact kept masked is kept, and how
    any personal value is shown.

    An email keeps its first letter and domain, a phone its form (``138****5678``), an
    account identifier whichever of the two it is; money,
    times and choices are kept. Any other value keeps ``****`` and the last four letters or
    digits of the user's own text, or all of it when it has no more than four. A secret
    redaction dropped from it is never part of that text: each ``[removed]`` is taken out
    first and the marker written once, whole, at the end, so that a reader knows something
    was dropped: ``Zhang Wei 4821 password: hunter2!`` is kept as ``****word [removed]``,
    ``PIN [removed]`` as ``PIN [removed]``.
    """
    from okpay_triage.redaction import PLACEHOLDER, mask_email, mask_phone, mask_tail

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
    if len(re.sub(r"\W|_", "", own)) <= 4:
        # already no more than a tail, e.g. the last four digits asked for
        return " ".join(own.split()) + marker if marker else value
    return mask_tail(own) + marker


def _has_words(text: str) -> bool:
    return bool(re.sub(r"\[[^\]]*\]|[\W_]", "", text))


def _identifier(spec: FactSpec, text: str, lang: Lang, now: datetime | None) -> str:
    value = unicodedata.normalize("NFKC", text).strip()
    if not _ID.match(value):
        raise AnswerError(say("bad-id", lang, label=spec.label[lang == "zh"]), code="bad-value")
    return value


def _free_text(spec: FactSpec, text: str, lang: Lang, now: datetime | None) -> str:
    return text


def _money(spec: FactSpec, text: str, lang: Lang, now: datetime | None) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    currencies = {_CURRENCY_WORDS.get(m.lower(), m.upper()) for m in _CURRENCY_RE.findall(text)}
    number = _CURRENCY_RE.sub(" ", text).strip()
    if _NUMBER.match(number) and len(currencies) <= 1:  # the fast path: 128.50 CNY, ¥1,000
        amount, currency = Decimal(number.replace(",", "")), min(currencies, default=None)
    else:  # 三百元, 1.2万元, 128.5 yuan, 没显示: the spoken forms' grammar
        from .amounts import NONE_WORDS, spoken_amount

        said = text.lower()
        none = spec.allow_zero and said in NONE_WORDS
        spoken = (Decimal(0), None) if none else spoken_amount(said)
        if spoken is None:
            raise AnswerError(say("bad-money", lang), code="bad-value")
        amount, currency = spoken
    zero_ok = spec.allow_zero and amount == 0
    if (amount <= 0 and not zero_ok) or amount >= _MAX_AMOUNT:
        raise AnswerError(say("bad-money", lang), code="bad-value")
    if amount != amount.quantize(Decimal("0.01")):
        raise AnswerError(say("bad-money", lang), code="bad-value")
    currency = currency or spec.default_currency
    allowed = spec.currencies or ("CNY", "USD", "EUR", "HKD", "GBP")
    if currency is None or (spec.currencies and currency not in spec.currencies):
        raise AnswerError(
            say("bad-currency", lang, currencies=", ".join(allowed)), code="bad-value"
        )
    return f"{amount.quantize(Decimal('0.01'))} {currency}"


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
    if not text.isascii():  # the Chinese forms: 2026年11月20日 14点30
        text = re.sub(r"(\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?", r"\1-\2-\3", text)
        text = re.sub(r"(\d)\s*[点时]\s*(\d)", r"\1:\2", text)
    if "/" in text:
        text = re.sub(r"^(\d{4})/(\d{1,2})/(\d{1,2})", r"\1-\2-\3", text)
    match = _DATETIME.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        day_only = date(int(year), int(month), int(day))
        tz = _zone(zone or spec.assume_timezone) if hour is not None else UTC
        moment = (
            None
            if tz is None or hour is None
            else datetime(
                day_only.year,
                day_only.month,
                day_only.day,
                int(hour),
                int(minute),
                int(second or 0),
                tzinfo=tz,
            )
        )
    except ValueError:
        raise AnswerError(say("bad-datetime", lang), code="bad-value") from None
    if day_only.year < 2000:
        raise AnswerError(say("bad-datetime", lang), code="bad-value")
    if hour is not None and moment is None:
        raise AnswerError(say("need-zone", lang), code="bad-value")
    latest = now + CLOCK_SLACK
    if moment is None:  # a date alone: it may be today anywhere on Earth
        if day_only > (latest + timedelta(days=1)).date():
            raise AnswerError(say("future", lang), code="bad-value")
        return day_only.isoformat()
    if moment > latest:
        raise AnswerError(say("future", lang), code="bad-value")
    return moment.isoformat(timespec="minutes")


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


_PARSERS = {
    "transaction_id": _identifier,
    "order_number": _identifier,
    "money": _money,
    "datetime": _datetime,
    "email": parse_email,
    "phone": parse_phone,
    "account": parse_account,
    "text": _free_text,
    "choice": _choice,
}
