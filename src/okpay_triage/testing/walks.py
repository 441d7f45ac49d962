"""Walks of a given tree: answer paths, facts given up front, sessions stopped mid-walk.

Each strategy takes a loaded `Tree` or its compiled form, and answers only validly, with the
values of `testing.values`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING

from hypothesis import strategies as st

from okpay_triage.errors import AnswerError
from okpay_triage.session.context import answered_from_context, context_value
from okpay_triage.session.engine import Session
from okpay_triage.tree.plan import CompiledTree, StepSpec, compile_tree
from okpay_triage.types import Lang

from .values import answers_for, fact_values, language

if TYPE_CHECKING:
    from okpay_triage.tree.model import Tree


def _plan(
    tree: Tree | CompiledTree, thresholds: Mapping[str, object] | None = None
) -> CompiledTree:
    plan = tree if isinstance(tree, CompiledTree) else compile_tree(tree)
    return Session.start(plan, thresholds=thresholds).plan if thresholds else plan


def _step_answer(
    draw: st.DrawFn, plan: CompiledTree, node: StepSpec, lang: Lang | None = None
) -> tuple[str, str]:
    """A valid answer to `node` (in `lang`, or either language), and the step it leads to."""
    if node.kind == "question":
        index = draw(st.integers(0, len(node.options) - 1))
        return draw(answers_for(node, plan, index, lang=lang)), node.nexts[index]
    assert node.fact is not None
    if node.optional and draw(st.booleans()):
        return "skip", node.nexts[0]
    return draw(fact_values(plan.facts[node.fact], lang=lang)), node.nexts[0]


@st.composite
def _walk(
    draw: st.DrawFn, plan: CompiledTree, lang: Lang | None, context: dict[str, str]
) -> list[str]:
    answers: list[str] = []
    if any(step.kind == "route" for step in plan.steps.values()):
        # Which way a route goes depends on the values given and the thresholds: the
        # engine itself takes the walk through them.
        session = Session.start(plan, lang=lang or "en", facts=context)
        while not session.finished:
            answer, _ = _step_answer(draw, plan, plan.steps[session.node.id], lang)
            answers.append(answer)
            session = session.answer(answer)
        return answers
    _, at = answered_from_context(plan, context, (), plan.start)
    node = plan.steps[at]
    while node.outcome is None:
        answer, target = _step_answer(draw, plan, node, lang)
        answers.append(answer)
        _, at = answered_from_context(plan, context, (), target)  # as the session skips them
        node = plan.steps[at]
    return answers


def answer_paths(
    tree: Tree | CompiledTree,
    *,
    lang: str | None = None,
    facts: Mapping[str, object] | None = None,
    thresholds: Mapping[str, object] | None = None,
) -> st.SearchStrategy[list[str]]:
    """Lists of answers that take `Session.start(tree, lang=lang, facts=facts)` to an outcome.

    Questions are answered by option number, id, label or synonym, chosen at random; input
    steps get valid values of their fact's type (optional ones are sometimes skipped). With
    `lang` (``"en"`` or ``"zh"``) labels, synonyms and free text are in that language;
    without it, in either. A step whose fact is in `facts` is answered from context and left
    out of the walk, exactly as the session skips it. Route steps ask nothing: they go the
    way the engine takes them, comparing with `thresholds` (as `Session.start` takes them;
    start the session with the same).

    Raises:
        AnswerError: `lang` is not ``"en"``/``"zh"``, or `facts` holds an unknown fact id or
            a value `Session.start` refuses.
    """
    plan = _plan(tree, thresholds)
    chosen = language(lang)
    Session.start(plan, lang=chosen or "en", facts=facts)  # refuse what the session refuses
    given = (facts or {}).items()
    context = {key: context_value(plan, key, value, chosen or "en") for key, value in given}
    return _walk(plan, chosen, context)


@st.composite
def _context(draw: st.DrawFn, plan: CompiledTree) -> dict[str, str]:
    facts: dict[str, str] = {}
    for fact_id in draw(st.lists(st.sampled_from(sorted(plan.facts)), unique=True)):
        bound = [s for s in plan.steps.values() if s.kind == "question" and s.fact == fact_id]
        if bound:  # a bound choice names an option of its question (numbers do not count)
            step = draw(st.sampled_from(bound))
            index = draw(st.integers(0, len(step.options) - 1))
            names = [w for w, i in sorted(step.lookup.items()) if i == index]
            facts[fact_id] = draw(st.sampled_from([step.options[index][0], *names]))
        else:
            facts[fact_id] = draw(fact_values(plan.facts[fact_id]))
    return facts


def context_facts(tree: Tree | CompiledTree) -> st.SearchStrategy[dict[str, str]]:
    """Facts a caller may pass to `Session.start(tree, facts=...)`: a random subset of the
    declared facts, each with a valid value (a bound choice names one of its options)."""
    plan = _plan(tree)
    if not plan.facts:
        return st.just({})
    return _context(plan)


@st.composite
def _session(draw: st.DrawFn, plan: CompiledTree, lang: str | None, with_facts: bool) -> Session:
    language = lang or draw(st.sampled_from(["en", "zh"]))
    facts = draw(context_facts(plan)) if with_facts and draw(st.booleans()) else {}
    session = Session.start(plan, lang=language, facts=facts)
    for _ in range(draw(st.integers(0, plan.steps[plan.start].remaining + 1))):
        if session.finished:
            break
        answer, _target = _step_answer(draw, plan, plan.steps[session.node.id])
        session = session.answer(answer)
    if session.depth and draw(st.integers(0, 3)) == 0:
        with contextlib.suppress(AnswerError):  # only answers from context: nothing to undo
            session = session.back()
    return session


def sessions(
    tree: Tree | CompiledTree,
    *,
    lang: str | None = None,
    facts: bool = True,
    thresholds: Mapping[str, object] | None = None,
) -> st.SearchStrategy[Session]:
    """Sessions of `tree` stopped at a random point of a walk, finished or not.

    Each starts in `lang` (default: English or Chinese at random), sometimes with facts up
    front (unless `facts` is false), answers a random number of steps validly, and now and
    then goes back one answer. Route steps compare with `thresholds`.
    """
    return _session(_plan(tree, thresholds), lang, facts)
