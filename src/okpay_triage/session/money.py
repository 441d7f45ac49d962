"""Money as typed: ``128.50 CNY``, ``¥1,000.00``, ``308元``, ``USD 20.5``, kept as ``300.00 CNY``.

The usual forms, one number with at most one currency word before or after it, are read by
one match (`plain_amount`); anything else by currency words around a number, then by the
spoken forms' grammar (`session.amounts`: ``三百元``, ``1.2万元``), imported only then.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from decimal import Decimal

from okpay_triage.errors import AnswerError
from okpay_triage.tree.plan import FactSpec
from okpay_triage.types import Lang
from okpay_triage.wording import say

#: A number as typed: ``1,000``, ``128.50``.
_NUMBER = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
#: Currency words and signs typed with a number, by the ISO code they mean; any other
#: three letters on their own are taken as a code.
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
_CURRENCY_ALTERNATIVES = (
    "|".join(re.escape(w) for w in sorted(_CURRENCY_WORDS, key=len, reverse=True))
    + r"|\b[A-Za-z]{3}\b"
)
_CURRENCY_RE = re.compile(_CURRENCY_ALTERNATIVES, re.IGNORECASE)
#: The usual form, one number and at most one currency before or after it (``¥315``,
#: ``308元``, ``CNY 329.19``): what `amount_in_words` makes of such text, found by
#: one match instead of a search, a replacement and a second match.
_PLAIN_AMOUNT = re.compile(
    rf"(?:(?P<before>{_CURRENCY_ALTERNATIVES})\s*)?"
    r"(?P<number>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
    rf"(?:\s*(?P<after>{_CURRENCY_ALTERNATIVES}))?",
    re.IGNORECASE,
)
_CENT = Decimal("0.01")
#: Amounts stay below ten billion: no wallet payment is larger, and an 11-digit mainland
#: mobile number (1.3e10 and up) typed into an amount can then never be kept unmasked.
MAX_AMOUNT = Decimal("1e10")


def parse_money(spec: FactSpec, text: str, lang: Lang, now: datetime | None) -> str:
    """The kept form of an amount (``128.50 CNY``): positive (or zero where the fact allows
    none), two decimals at most, below `MAX_AMOUNT`, in a currency the fact takes.

    Raises:
        AnswerError: it is not such an amount; the message (in `lang`) says what to type.
    """
    text = _per_charge(unicodedata.normalize("NFKC", text).strip())
    hedge = _HEDGED.fullmatch(text)  # "约300元", "300元左右", "about 300": kept as about
    if hedge:
        text = _per_charge(hedge["amount"] or hedge["amount2"])  # 大约每笔300
    about = hedge is not None
    rough = _rough(text) if not text.isdigit() else None  # 一千多, 五六百: about so much
    if rough is not None:
        text, about = rough, True
    amount, currency = plain_amount(text) or amount_in_words(spec, text, lang)
    zero_ok = spec.allow_zero and amount == 0
    if (amount <= 0 and not zero_ok) or amount >= MAX_AMOUNT:
        raise AnswerError(bad_money(spec, lang), code="bad-value")
    cents = amount.quantize(_CENT)
    if amount != cents:
        raise AnswerError(bad_money(spec, lang), code="bad-value")
    currency = currency or spec.default_currency
    allowed = spec.currencies or ("CNY", "USD", "EUR", "HKD", "GBP")
    if currency is None or (spec.currencies and currency not in spec.currencies):
        raise AnswerError(
            say("bad-currency", lang, currencies=", ".join(allowed)), code="bad-value"
        )
    return f"{'~' if about else ''}{cents} {currency}"


#: An amount said to be about so much, before or after the number: kept with ``~``, as an
#: approximate time is, so that support is not shown more precision than the user gave.
_HEDGED = re.compile(
    r"(?:~|约|大约|大概|差不多|about|around|approx\.?|approximately|roughly)\s*(?P<amount>.+?)"
    r"|(?P<amount2>.+?)\s*(?:左右|上下|前后|or so|ish)",
    re.IGNORECASE,
)


#: "A bit over" an amount: ``一千多``, ``三百多块``, ``1000多``, ``一万多元``, ``100多美元``.
_MORE_THAN = re.compile(r"(?P<number>.*?[0-9十百千万])多(?P<unit>[^0-9多]*)")
#: Two neighbouring digits before a unit, a range: ``五六百`` (500 to 600), ``两三千块``.
_RANGE = re.compile(
    r"(?P<lead>.*?)(?P<low>[一二两三四五六七八])(?P<high>[二三四五六七八九])"
    r"(?P<unit>[十百千万].*)"
)
_DIGIT_VALUE = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def _rough(text: str) -> str | None:
    """`text` as the amount it roughly says, None if it says none roughly. "X多" (a bit
    over X) is about X; a range of two neighbouring digits (五六百, 两三千) is about its
    lower figure, the amount the user is sure was reached: support checks the payment
    against the record, and the lower figure never overstates what the user said."""
    if "多" in text:
        more = _MORE_THAN.fullmatch(text)
        return None if more is None else more["number"] + more["unit"]
    if len(text) < 3 or text.isascii():
        return None
    span = _RANGE.fullmatch(text)
    if span is None or _DIGIT_VALUE[span["high"]] != _DIGIT_VALUE[span["low"]] + 1:
        return None
    if span["lead"] and span["lead"][-1] in "零〇一二两三四五六七八九十百千万":
        return None  # 一万五六千: not a range of one digit this grammar reads
    return span["lead"] + span["low"] + span["unit"]


#: "Each charge was ...", before or after the amount: ``每笔300块``, ``每次都是300元``,
#: ``each 300 CNY``, ``300 CNY per charge``. The amount is the same with or without them (a
#: step that asks for one charge's amount is answered; a total is not said this way), so they
#: are dropped. Looked for only when the text starts or ends with one of their characters,
#: so the usual amount (``¥315``, ``308元``) costs one character test each side.
_PER_BEFORE = re.compile(
    r"(?:每(?:一)?[笔次](?:都是|都|是|扣了?|扣款|扣)?|each(?: charge| time)?|per charge)"
    r"\s*[:：,，]?\s*",
    re.IGNORECASE,
)
_PER_AFTER = re.compile(
    r"(?P<amount>.+?)\s*[,，]?\s*(?:/?每(?:一)?[笔次]|一笔|一次|each(?: time| charge)?"
    r"|per charge|a charge|a time)",
    re.IGNORECASE,
)
_PER_FIRST = frozenset("每eEpP")
_PER_LAST = frozenset("笔次hHeE")


def _per_charge(text: str) -> str:
    """`text` without the words saying the amount is each charge's (`_PER_BEFORE`)."""
    if text[:1] in _PER_FIRST:
        before = _PER_BEFORE.match(text)
        if before and before.end() < len(text):
            text = text[before.end() :]
    if text[-1:] in _PER_LAST:
        after = _PER_AFTER.fullmatch(text)
        if after:
            text = after["amount"]
    return text


def bad_money(spec: FactSpec, lang: Lang) -> str:
    """What to type at money step `spec`, saying what it takes: zero where it allows none,
    a bare number where it has a default currency."""
    if spec.allow_zero:
        key = "bad-money.zero" if spec.default_currency else "bad-money.zero-currency"
    else:
        key = "bad-money.bare" if spec.default_currency else "bad-money"
    return say(key, lang, currency=spec.default_currency)


def plain_amount(text: str) -> tuple[Decimal, str | None] | None:
    """The amount and currency of money in the usual form (``¥315``, ``308元``,
    ``CNY 329.19``), as `amount_in_words` reads it, by one match; None for any other."""
    plain = _PLAIN_AMOUNT.fullmatch(text)
    if plain is None or (plain["before"] and plain["after"]):
        return None
    word = plain["before"] or plain["after"]
    currency = _CURRENCY_WORDS.get(word.lower(), word.upper()) if word else None
    return Decimal(plain["number"].replace(",", "")), currency


def amount_in_words(spec: FactSpec, text: str, lang: Lang) -> tuple[Decimal, str | None]:
    """The amount and currency of money written any other way: ``¥ 1,000 元`` (currency
    words around one number), ``三百元``, ``1.2万元``, ``128.5 yuan``, ``没显示``."""
    currencies = {_CURRENCY_WORDS.get(m.lower(), m.upper()) for m in _CURRENCY_RE.findall(text)}
    number = _CURRENCY_RE.sub(" ", text).strip()
    if _NUMBER.match(number) and len(currencies) <= 1:
        return Decimal(number.replace(",", "")), min(currencies, default=None)
    from .amounts import NONE_WORDS, spoken_amount  # the spoken forms' grammar

    said = text.lower()
    none = spec.allow_zero and said in NONE_WORDS
    spoken = (Decimal(0), None) if none else spoken_amount(said)
    if spoken is None:
        raise AnswerError(bad_money(spec, lang), code="bad-value")
    return spoken
