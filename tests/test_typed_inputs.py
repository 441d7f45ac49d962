"""Typed inputs the fourth blind review (2026-12-02) found refused or misleading: an amount
said per charge (``每笔300块``), "I don't remember" at an optional step, a money refusal that
contradicted its own step, and the terminal echo of a card or recipient."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okpay_triage import AnswerError
from okpay_triage.session.values import parse_value
from okpay_triage.tree.plan import FactSpec

NOW = datetime(2026, 12, 2, 16, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
AMOUNT = FactSpec(id="m", type="money", label=("Amount", "金额"), default_currency="CNY")


def kept(spec: FactSpec, text: str, lang: str = "zh") -> str:
    return parse_value(spec, text, lang, NOW).value  # type: ignore[arg-type]


# ---------------------------------------------------------------- 1. per charge

_PER_BEFORE = [
    "每笔",
    "每次",
    "每一笔",
    "每笔都是",
    "每次都是",
    "每笔扣了",
    "每笔是",
    "each ",
    "Each ",
    "each charge ",
    "per charge ",
    "each time ",
    "每笔：",
    "each: ",
]
_PER_AFTER = ["每笔", "/每笔", "一笔", "，每笔", " each", " per charge", " each time", " a charge"]
#: (typed form of the amount n, the currency it is kept in)
_CURRENCIES = [
    ("{n}块", "CNY"),
    ("{n}元", "CNY"),
    ("¥{n}", "CNY"),
    ("{n}", "CNY"),
    ("{n} CNY", "CNY"),
    ("RMB {n}", "CNY"),
    ("{n}美元", "USD"),
    ("USD {n}", "USD"),
    ("€{n}", "EUR"),
    ("{n}港币", "HKD"),
]


@settings(max_examples=400, deadline=None)
@given(
    whole=st.integers(1, 999_999),
    cents=st.sampled_from(["", ".5", ".50", ".05"]),
    currency=st.sampled_from(_CURRENCIES),
    per=st.one_of(
        st.tuples(st.sampled_from(_PER_BEFORE), st.just("")),
        st.tuples(st.just(""), st.sampled_from(_PER_AFTER)),
    ),
    about=st.sampled_from(["", "约", "大概", "about "]),
)
def test_an_amount_said_per_charge_is_that_amount(
    whole: int, cents: str, currency: tuple[str, str], per: tuple[str, str], about: str
) -> None:
    """Review 4, must-fix 3: "每笔300块" at top-up `i_dup_amount`, whose prompt asks for each
    charge's amount, was refused. Per-charge words before or after any amount form read
    as the amount alone, and "about" on either side of them keeps it approximate."""
    form, code = currency
    amount = form.format(n=f"{whole}{cents}")
    before, after = per
    expected = f"{whole}{cents or '.00'}".ljust(len(str(whole)) + 3, "0") + f" {code}"
    assert kept(AMOUNT, f"{before}{amount}{after}") == expected
    if about:
        hedged = f"~{expected}"
        assert kept(AMOUNT, f"{about}{before}{amount}{after}") == hedged
        if before:
            assert kept(AMOUNT, f"{before}{about}{amount}") == hedged


@pytest.mark.parametrize("text", ["每笔", "每次都是", "each", "per charge", "每笔好多", "each x"])
def test_per_charge_words_without_a_clear_amount_are_refused(text: str) -> None:
    """The words alone, or with something that is not an amount, are no amount."""
    with pytest.raises(AnswerError):
        kept(AMOUNT, text)


# ---------------------------------------------------------------- 3. what the step takes


@settings(max_examples=100, deadline=None)
@given(
    allow_zero=st.booleans(),
    default=st.sampled_from([None, "CNY", "USD"]),
    lang=st.sampled_from(["zh", "en"]),
    typed=st.sampled_from(["abc", "-5", "100.005", "每笔", "NaN", "1e20"]),
)
def test_the_money_refusal_says_what_that_step_accepts(
    allow_zero: bool, default: str | None, lang: str, typed: str
) -> None:
    """Review 4, must-fix 3: "请输入大于零…并注明币种" was shown at fee-dispute `i_q_shown`,
    whose prompt says to type 0 for a free transaction and which takes a bare number. The
    message names zero where zero is taken, asks for a currency only where one is needed,
    and names the default currency where there is one."""
    spec = AMOUNT._replace(allow_zero=allow_zero, default_currency=default)
    with pytest.raises(AnswerError) as refused:
        kept(spec, typed, lang)
    message = str(refused.value)
    zero_said = ("请输入0" in message) if lang == "zh" else ("enter 0" in message)
    assert zero_said == allow_zero
    greater = ("大于零" in message) if lang == "zh" else ("greater than zero" in message)
    assert greater == (not allow_zero)
    currency_asked = (
        ("注明币种" in message)
        if lang == "zh"
        else ("and its currency" in message or "and a currency" in message)
    )
    assert currency_asked == (default is None)
    assert (default is not None) == (default is not None and default in message)
