"""Valid values for a tree's steps: the facts people type, and the answers that pick an option.

`fact_values` and `answers_for` are the building blocks of the walks in `testing.walks`;
`LATEST` bounds every generated date, here and in `testing.hostile`.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import strategies as st

from okpay_triage.errors import AnswerError
from okpay_triage.tree.plan import COMMON_WORDS, CompiledTree, FactSpec, StepSpec
from okpay_triage.types import Lang

_LETTERS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
_MIXED = ["login", "failed", "付款", "提现", "screen", "页面", "app", "error", "错误", "again"]
_MIXED += ["今天", "wallet", "钱包", "shows", "显示"]
_WORDS: dict[Lang | None, st.SearchStrategy[str]] = {
    "en": st.sampled_from([w for w in _MIXED if w.isascii()]),
    "zh": st.sampled_from([w for w in _MIXED if not w.isascii()]),
    None: st.sampled_from(_MIXED),
}
# Far enough in the past that no clock, in any zone, calls it the future.
LATEST = min(datetime(2026, 6, 30), datetime.now() - timedelta(days=2))


def language(lang: str | None) -> Lang | None:
    """`lang` as a `Lang`, or None for either language.

    Raises:
        AnswerError: `lang` is neither ``"en"``, ``"zh"`` nor None (as `Session.start`).
    """
    if lang is None:
        return None
    if lang not in ("en", "zh"):
        raise AnswerError(f"lang must be 'en' or 'zh', not {lang!r}", code="bad-lang")
    return "zh" if lang == "zh" else "en"


def fact_values(spec: FactSpec, *, lang: str | None = None) -> st.SearchStrategy[str]:
    """Valid text for a fact, in the forms people type (for input steps and context facts).

    Free text is in `lang` (``"en"`` or ``"zh"``), or mixes both without it; values of the
    other types are written the same way in either language.
    """
    if spec.type in ("transaction_id", "order_number"):
        prefix = "TX" if spec.type == "transaction_id" else "OD"
        return (
            st.text(_LETTERS + "0123456789", min_size=6, max_size=24)
            .map(lambda s: prefix + s)
            .filter(_no_secret)  # "TX9cvv123" reads as a card security code
        )
    if spec.type == "money":
        currencies = spec.currencies or ("CNY", "USD")
        amounts = st.decimals(min_value="0.01", max_value="99999", places=2)
        return st.builds(_money_text, amounts, st.sampled_from(currencies), st.booleans())
    if spec.type == "datetime":
        # A fact that may not be before another (`not_before`) is drawn from the last day
        # before LATEST, every other one from before three days earlier: with any zone
        # offset (-12 to +14 hours) it is then later than the fact it names.
        earliest, latest = (
            (LATEST - timedelta(days=1), LATEST)
            if spec.not_before
            else (datetime(2024, 1, 1), LATEST - timedelta(days=3))
        )
        moments = st.datetimes(min_value=earliest, max_value=latest)
        return st.builds(_datetime_text, moments, st.integers(-12, 14))
    if spec.type == "email":
        return st.builds(
            lambda user, host: f"{user}@{host}.example.com",
            st.text("abcdefghijklmnop", min_size=1, max_size=12),
            st.text("abcdefghijklmnop", min_size=1, max_size=8),
        )
    if spec.type == "phone":
        return st.builds(
            lambda prefix, rest: f"{prefix}{rest:08d}",
            st.sampled_from(["138", "139", "150", "186", "+86 137"]),
            st.integers(0, 99_999_999),
        )
    if spec.type == "account":
        return account_values()
    if spec.type == "choice" and spec.choices:
        return st.sampled_from(spec.choices)
    # Within the fact's length: a short field asks again for a longer answer.
    limit = spec.max_length
    joiner = "" if language(lang) == "zh" else " "
    return st.lists(_WORDS[language(lang)], min_size=1, max_size=8).map(
        lambda words: joiner.join(words)[:limit].strip()
    )


#: Mainland mobile prefixes, and international mobiles (valid per phonenumbers) whose
#: last four digits vary.
_MAINLAND = ("130", "133", "135", "137", "138", "139", "150", "152", "158", "186", "188", "199")
_ABROAD = ("+44 7911 12", "+1 415 555 ", "+65 9123 ", "+852 9123 ", "+81 90 1234 ", "+61 412 34")
#: The ways people write a mainland mobile: ``{a}`` the first three digits, ``{b}`` the next
#: four, ``{c}`` the last four.
_FORMATS = (
    "{a}{b}{c}",
    "{a} {b} {c}",
    "{a}-{b}-{c}",
    "+86 {a} {b} {c}",
    "+86{a}{b}{c}",
    "0086 {a} {b} {c}",
    "86{a}{b}{c}",
    "({a}) {b}-{c}",
    "+86 ({a}) {b}-{c}",
    " {a}.{b}.{c} ",
)


def account_values() -> st.SearchStrategy[str]:
    """An account's registered mobile number or email, as people type it: mainland mobiles in
    every common format (``+86`` or not, brackets, dashes, full-width digits), international
    mobiles with their ``+`` code, and emails with upper-case letters and ``+`` tags."""
    mainland = st.builds(
        _mainland_text,
        st.sampled_from(_MAINLAND),
        st.integers(0, 99_999_999),
        st.sampled_from(_FORMATS),
        st.booleans(),
    )
    abroad = st.builds(
        lambda head, tail: f"{head}{tail:04d}", st.sampled_from(_ABROAD), st.integers(0, 9999)
    )
    emails = st.builds(
        lambda user, tag, host: f"{user}{'+' + tag if tag else ''}@{host}.Example.com",
        st.text("abcdefghijkLMNOP.", min_size=1, max_size=12).filter(_plain_local),
        st.text("abcxyz", max_size=4),
        st.text("abcdefghijklmnop", min_size=1, max_size=8),
    )
    return st.one_of(mainland, abroad, emails)


def _mainland_text(prefix: str, rest: int, form: str, full_width: bool) -> str:
    digits = f"{rest:08d}"
    text = form.format(a=prefix, b=digits[:4], c=digits[4:])
    return text.translate(_FULL_WIDTH) if full_width else text


_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _plain_local(local: str) -> bool:
    return not local.startswith(".") and not local.endswith(".") and ".." not in local


def _no_secret(text: str) -> bool:
    from okpay_triage.redaction import scan

    return not scan(text).secrets


def _money_text(amount: object, currency: str, symbol_first: bool) -> str:
    return f"{currency} {amount}" if symbol_first else f"{amount} {currency}"


def _datetime_text(moment: datetime, hours: int) -> str:
    zone = timezone(timedelta(hours=hours))
    return moment.replace(tzinfo=zone).strftime("%Y-%m-%d %H:%M %z")


def answers_for(
    step: StepSpec, plan: CompiledTree, index: int, *, lang: str | None = None
) -> st.SearchStrategy[str]:
    """Every accepted way to choose option `index` of question `step`: its number, its id,
    its label and its synonyms, in `lang` (``"en"`` or ``"zh"``) or in either without it."""
    words = [word for word, i in step.lookup.items() if i == index]
    option_id = step.options[index][0]
    words += [w for w in COMMON_WORDS.get(option_id, ()) if step.lookup.get(w) == index]
    en_label, zh_label = step.options[index][1]
    chosen = language(lang)
    labels = {"en": [en_label], "zh": [zh_label], None: [en_label, zh_label]}[chosen]
    if chosen is not None:  # a word in Chinese script is a Chinese synonym, any other English
        words = [w for w in words if _chinese(w) == (chosen == "zh")]
    return st.sampled_from([str(index + 1), option_id, *labels, *words])


def _chinese(word: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in word)
