"""Typed inputs the fourth blind review (2026-12-02) found refused or misleading: an amount
said per charge (``每笔300块``), "I don't remember" at an optional step, a money refusal that
contradicted its own step, and the terminal echo of a card or recipient."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
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


# ---------------------------------------------------------------- 2. "I don't remember"

#: One fact of each typed kind, with an answer it takes (to show the step is still typed).
_KINDS = {
    "money": ("{type: money, default_currency: CNY}", "300元", "300.00 CNY"),
    "datetime": ("{type: datetime, assume_timezone: Asia/Shanghai}", "昨天", "2026-12-01"),
    "transaction_id": ("{type: transaction_id}", "TX20261201000123", "TX20261201000123"),
    "order_number": ("{type: order_number}", "OD-778899", "OD-778899"),
    "text": ("{type: text}", "11月28日联系过在线客服", "11月28日联系过在线客服"),
    "email": ("{type: email, keep: whole}", "li.na@example.com", "li.na@example.com"),
    "account": ("{type: account}", "13812345678", "+8613812345678"),
}
#: The phrases the review and the brief name, each as typed in either language.
_NAMED = [
    "不记得",
    "记不清",
    "不确定",
    "不清楚",
    "忘了",
    "not sure",
    "don't remember",
    "I don't know",
]


def _one_step(kind: str, optional: bool) -> object:
    from okpay_triage.tree.load import parse_tree

    fact = _KINDS[kind][0]
    tree = parse_tree(
        f"""
id: unsure-{kind}
version: "1"
title: {{en: "Unsure", zh: "不确定"}}
start: i_value
facts:
  value:
    {fact[1:-1].replace(", ", chr(10) + "    ")}
    label: {{en: "Value", zh: "值"}}
nodes:
  - id: i_value
    kind: input
    fact: value
    optional: {"true" if optional else "false"}
    prompt: {{en: "What is it?", zh: "是多少？"}}
    next: o_help
  - id: o_help
    kind: outcome
    title: {{en: "Support", zh: "客服"}}
    cause: {{en: "Support acts.", zh: "客服处理。"}}
    steps: [{{en: "Wait.", zh: "请等待。"}}]
    escalate: "no"
    severity: low
"""
    ).tree
    assert tree is not None
    return tree


_TREES = {(k, o): _one_step(k, o) for k in _KINDS for o in (True, False)}


@st.composite
def _unsure(draw: st.DrawFn) -> str:
    """An unsure phrase as typed: any case, a curly apostrophe, blanks and a full stop."""
    from okpay_triage.session.skips import UNSURE_WORDS

    word = draw(st.one_of(st.sampled_from(_NAMED), st.sampled_from(sorted(UNSURE_WORDS))))
    word = draw(st.sampled_from([word, word.upper(), word.capitalize()]))
    if draw(st.booleans()):
        word = word.replace("'", "\u2019")
    return (
        draw(st.sampled_from(["", " ", "\u3000"]))
        + word
        + draw(st.sampled_from(["", "。", ".", "!", "！", "…", " "]))
    )


@settings(max_examples=600, deadline=None)
@given(said=_unsure(), kind=st.sampled_from(sorted(_KINDS)), lang=st.sampled_from(["zh", "en"]))
def test_not_knowing_skips_an_optional_step_of_any_kind(said: str, kind: str, lang: str) -> None:
    """Review 4 (fee-dispute `i_q_shown`, top-up `i_dup_amount`): "不记得" at an optional
    amount was refused with the money message. At an optional step of every typed kind
    every unsure phrase is recorded as not known: skipped, as "skip" is (a time as
    ``unknown``, which is how a time not remembered is always kept), never kept as text or
    as an id."""
    from okpay_triage import Session

    session = Session.start(_TREES[kind, True], lang=lang).answer(said, now=NOW)  # type: ignore[arg-type]
    assert session.finished
    expected = {"value": "unknown"} if kind == "datetime" else {}
    assert session.facts == expected
    # The step still takes a real answer.
    typed, kept_as = _KINDS[kind][1:]
    answered = Session.start(_TREES[kind, True], lang=lang).answer(typed, now=NOW)  # type: ignore[arg-type]
    assert answered.facts == {"value": kept_as}


@settings(max_examples=600, deadline=None)
@given(said=_unsure(), kind=st.sampled_from(sorted(_KINDS)), lang=st.sampled_from(["zh", "en"]))
def test_not_knowing_at_a_required_step_says_it_needs_an_answer(
    said: str, kind: str, lang: str
) -> None:
    """At a step that must be answered the same phrases are asked again with a message
    saying the step needs an answer (code ``required``), not "please enter an amount";
    a time not remembered, and free text saying so, stay valid answers there (DESIGN:
    never a dead end)."""
    from okpay_triage import Session

    session = Session.start(_TREES[kind, False], lang=lang)  # type: ignore[arg-type]
    if kind == "datetime":
        assert session.answer(said, now=NOW).facts == {"value": "unknown"}
        return
    if kind == "text":
        kept = session.answer(said, now=NOW).facts["value"]
        assert kept == said.strip(), kept
        return
    with pytest.raises(AnswerError) as refused:
        session.answer(said, now=NOW)
    assert refused.value.code == "required"
    message = str(refused.value)
    assert ("需要填写后才能继续" in message) if lang == "zh" else ("needs an answer" in message)
    assert not session.finished


@pytest.mark.parametrize(
    "text",
    [
        "TX20261201000123",
        "不记得具体是哪一天了但是肯定是上周",
        "记不清楚的话怎么办？我找找看",
        "unknownX1",
    ],
)
def test_an_answer_that_only_starts_like_not_knowing_is_kept(text: str) -> None:
    """Only a whole unsure phrase is one: a sentence that starts with 不记得 is an answer."""
    from okpay_triage import Session

    session = Session.start(_TREES["text", True]).answer(text)  # type: ignore[arg-type]
    assert session.facts == {"value": text}


_NEAR = "不记得清楚忘了我也确定知道 。.！!\u3000\u200b\ufeffnotsureINDK'’ｎｏｔ　ｓｕｒｅ"


@settings(max_examples=800, deadline=None)
@given(st.one_of(_unsure(), st.text(st.sampled_from(_NEAR), max_size=14), st.text(max_size=40)))
def test_unsure_is_found_without_normalizing_every_answer(text: str) -> None:
    """The first-character and length shortcut of `is_unsure` finds exactly what comparing
    the `normalize`d answer with `UNSURE_WORDS` finds (blanks, invisible characters and
    full-width letters included), for answers up to 30 characters."""
    from okpay_triage.session.skips import UNSURE_WORDS, is_unsure
    from okpay_triage.text import normalize

    if len(text) <= 30:
        assert is_unsure(text) == (normalize(text).replace("\u2019", "'") in UNSURE_WORDS)
    elif is_unsure(text):
        assert normalize(text) in UNSURE_WORDS


# ---------------------------------------------------------------- 4. the echo of a card


CARD = FactSpec(id="card", type="text", label=("Card", "银行卡"), keep="whole", sensitive=True)


@pytest.mark.parametrize(
    ("typed", "echo"),
    [
        ("招商银行 尾号6789", "招商银行 尾号6789"),
        ("李某 尾号5566", "李* 尾号5566"),
        ("工商银行尾号1234", "工商银行尾号1234"),
        ("Zhang Wei, ICBC card ending 4821", "Z**** W**, ICBC card ending 4821"),
        ("宁波银行 1234", "宁*** 1234"),
        ("李中行 工行 尾号5566", "李** 工行 尾号5566"),
        ("招商银行 6214 8301 2345 6789", "招商银行 ****6789"),
    ],
)
def test_a_card_or_recipient_is_echoed_with_its_bank_and_masked_name(typed: str, echo: str) -> None:
    """Review 4: "招商银行 尾号6789" was echoed "****6789", so the user thought it misread.
    The bank and "尾号" are shown; a person's name only as its first character and stars;
    of the digits only the last four. The packet keeps the value whole."""
    from okpay_triage.session.values import shown_value

    value = kept(CARD, typed)
    assert shown_value(CARD, value) == echo
    assert shown_value(CARD, shown_value(CARD, value)) == echo  # masking a mask changes nothing


_BANKS = st.sampled_from(["招商银行", "工行", "ICBC", "支付宝", "中国银行", ""])
_NAMES = st.text(st.sampled_from("李王张赵某明华伟芳"), min_size=1, max_size=4)


@settings(max_examples=400, deadline=None)
@given(
    name=st.one_of(_NAMES, st.from_regex(r"[A-Z][a-z]{1,8}", fullmatch=True)),
    bank=_BANKS,
    tail=st.from_regex(r"[0-9]{4}", fullmatch=True),
    digits=st.from_regex(r"[0-9]{5,11}", fullmatch=True),
    sep=st.sampled_from([" ", "，", ", "]),
    order=st.booleans(),
)
def test_the_echo_never_shows_a_name_or_more_than_four_digits(
    name: str, bank: str, tail: str, digits: str, sep: str, order: bool
) -> None:
    """Whatever order a name, a bank, an account number and its last four come in, the echo
    shows the bank as typed, the name as its first character and stars, and no digit but
    the last four."""
    from okpay_triage.redaction.labels import ENGLISH_WORDS, mask_labelled

    assume(name.lower() not in ENGLISH_WORDS)
    parts = [name, bank, f"尾号{tail}"] if order else [bank, digits, name, tail]
    text = sep.join(p for p in parts if p)
    shown = mask_labelled(text)
    if len(name) > 1:
        assert name not in shown
        assert name[0] + "*" * (len(name) - 1) in shown
    else:
        assert "*" in shown
    if bank:
        assert bank in shown
    assert "".join(c for c in shown if c.isdigit()) == tail
    assert mask_labelled(shown) == shown
