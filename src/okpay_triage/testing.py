"""Hypothesis strategies for property-testing trees: ours, and tree authors' own.

    from hypothesis import given
    from okpay_triage import Session, load_tree
    from okpay_triage.testing import answer_paths

    TREE = load_tree("my-tree.yaml")

    @given(answer_paths(TREE))
    def test_every_walk_ends(answers):
        session = Session.start(TREE)
        for answer in answers:
            session = session.answer(answer)
        assert session.finished

Needs the `hypothesis` package (``pip install "okpay-triage[test]"``).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from hypothesis import strategies as st

from .compiled import COMMON_WORDS, CompiledTree, FactSpec, StepSpec, compile_tree

if TYPE_CHECKING:
    from .model import Tree

__all__ = ["answer_paths", "answers_for", "fact_values"]

_LETTERS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
_WORDS = st.sampled_from(
    [
        "login",
        "failed",
        "付款",
        "提现",
        "screen",
        "页面",
        "app",
        "error",
        "错误",
        "again",
        "今天",
        "wallet",
        "钱包",
        "shows",
        "显示",
    ]
)


def fact_values(spec: FactSpec) -> st.SearchStrategy[str]:
    """Valid text for a fact, in the forms people type (for input steps and context facts)."""
    if spec.type in ("transaction_id", "order_number"):
        return st.text(_LETTERS + "0123456789", min_size=6, max_size=24).map(
            lambda s: ("TX" if spec.type == "transaction_id" else "OD") + s
        )
    if spec.type == "money":
        currencies = spec.currencies or ("CNY", "USD")
        amounts = st.decimals(min_value="0.01", max_value="99999", places=2)
        return st.builds(_money_text, amounts, st.sampled_from(currencies), st.booleans())
    if spec.type == "datetime":
        moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 6, 30))
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
    if spec.type == "choice" and spec.choices:
        return st.sampled_from(spec.choices)
    return st.lists(_WORDS, min_size=1, max_size=8).map(" ".join)


def _money_text(amount: object, currency: str, symbol_first: bool) -> str:
    return f"{currency} {amount}" if symbol_first else f"{amount} {currency}"


def _datetime_text(moment: datetime, hours: int) -> str:
    zone = timezone(timedelta(hours=hours))
    return moment.replace(tzinfo=zone).strftime("%Y-%m-%d %H:%M %z")


def answers_for(step: StepSpec, plan: CompiledTree, index: int) -> st.SearchStrategy[str]:
    """Every accepted way to choose option `index` of question `step`."""
    words = [word for word, i in step.lookup.items() if i == index]
    option_id = step.options[index][0]
    words += [w for w in COMMON_WORDS.get(option_id, ()) if step.lookup.get(w) == index]
    return st.sampled_from([str(index + 1), option_id, *step.options[index][1], *words])


@st.composite
def _walk(draw: st.DrawFn, plan: CompiledTree) -> list[str]:
    answers: list[str] = []
    node = plan.steps[plan.start]
    while node.outcome is None:
        if node.kind == "question":
            index = draw(st.integers(0, len(node.options) - 1))
            answers.append(draw(answers_for(node, plan, index)))
            node = plan.steps[node.nexts[index]]
            continue
        assert node.fact is not None
        if node.optional and draw(st.booleans()):
            answers.append("skip")
        else:
            answers.append(draw(fact_values(plan.facts[node.fact])))
        node = plan.steps[node.nexts[0]]
    return answers


def answer_paths(tree: Tree | CompiledTree) -> st.SearchStrategy[list[str]]:
    """Lists of answers that take a new session of `tree` (no facts given) to an outcome.

    Questions are answered by option id, number, label or synonym in either language, chosen
    at random; input steps get valid values of their fact's type (optional ones are sometimes
    skipped).
    """
    plan = tree if isinstance(tree, CompiledTree) else compile_tree(tree)
    return _walk(plan)
