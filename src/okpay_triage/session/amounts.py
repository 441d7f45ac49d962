"""Amounts as people say them: ``三百元``, ``300块``, ``两百五十块钱``, ``1.2万元``, ``RMB 99``,
``128.5 yuan``, ``三块五``, and, where a fee may be none, ``0`` or ``没显示``.

`spoken_amount` reads the number and the currency words; `session.values` applies the same
limits to it as to a typed ``128.50 CNY`` (positive, two decimals, below ten billion).
Imported only when a money step gets an answer the plain form does not read.

Chinese numerals are read by `session.numerals` (our own few lines; cn2an costs ~95 ms to
import for the same whole numbers).
"""

from __future__ import annotations

import re
from decimal import Decimal

from .numerals import NUMERAL, chinese_number

#: Currency words before or after the number, by the ISO code they mean.
CURRENCY_WORDS = {
    "cny": "CNY",
    "rmb": "CNY",
    "yuan": "CNY",
    "人民币": "CNY",
    "¥": "CNY",
    "元": "CNY",
    "圆": "CNY",
    "块": "CNY",
    "块钱": "CNY",
    "元钱": "CNY",
    "元人民币": "CNY",
    "usd": "USD",
    "us$": "USD",
    "$": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "美元": "USD",
    "美金": "USD",
    "eur": "EUR",
    "€": "EUR",
    "euros": "EUR",
    "euro": "EUR",
    "欧元": "EUR",
    "hkd": "HKD",
    "hk$": "HKD",
    "港币": "HKD",
    "港元": "HKD",
    "gbp": "GBP",
    "£": "GBP",
    "pounds": "GBP",
    "英镑": "GBP",
}
_WORDS = "|".join(re.escape(w) for w in sorted(CURRENCY_WORDS, key=len, reverse=True))
_MULTIPLIERS = {"万": 10_000, "w": 10_000, "千": 1_000, "k": 1_000, "百": 100}
_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_AMOUNT = re.compile(
    rf"(?P<before>{_WORDS})?\s*"
    rf"(?:(?P<arabic>{_ARABIC})\s*(?P<times>万|千|百|w|k)?|(?P<chinese>{NUMERAL}))\s*"
    rf"(?P<after>{_WORDS})?"
    rf"(?:\s*(?P<jiao>[0-9一二两三四五六七八九])\s*[毛角]?"
    rf"(?:\s*(?P<fen>[0-9一二三四五六七八九])\s*分)?)?"
    r"(?:\s*(?:整|左右))?"
)
#: What a user types for a fee that was not charged, where the step allows none.
NONE_WORDS = frozenset(
    {
        "0",
        "零",
        "没显示",
        "没有显示",
        "未显示",
        "不显示",
        "没收",
        "没有收",
        "不收费",
        "没收费",
        "没有收费",
        "免费",
        "0元",
        "零元",
        "free",
        "no fee",
        "no fee shown",
        "none shown",
        "not shown",
        "nothing",
        "nothing shown",
    }
)


def spoken_amount(text: str) -> tuple[Decimal, str | None] | None:
    """The amount and currency (an ISO code, None if none was said) of `text`, which is
    NFKC-normalised and in lower case; None if it is not an amount this grammar reads."""
    match = _AMOUNT.fullmatch(text.strip())
    if match is None:
        return None
    before, after = match.group("before"), match.group("after")
    currencies = {CURRENCY_WORDS[w] for w in (before, after) if w}
    if len(currencies) > 1:
        return None
    if match.group("arabic") is not None:
        amount = Decimal(match.group("arabic").replace(",", ""))
        times = match.group("times")
        if times:
            amount *= _MULTIPLIERS[times]
    else:
        whole = chinese_number(match.group("chinese"))
        if whole is None:
            return None
        amount = Decimal(whole)
    jiao, fen = match.group("jiao"), match.group("fen")
    if jiao is not None:
        if after not in ("块", "元", "块钱") or amount != amount.to_integral_value():
            return None  # 三块五 is 3.50; 300 5 is nothing
        amount += Decimal(_digit(jiao)) / 10 + Decimal(_digit(fen or "0")) / 100
    return amount, currencies.pop() if currencies else None


def _digit(char: str) -> int:
    value = chinese_number(char)
    return int(char) if value is None else value
