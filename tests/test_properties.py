"""Properties every bundled tree and the engine must keep, for any way a user answers."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okpay_triage import Session, bundled_tree_ids, load_tree
from okpay_triage.testing import answer_paths
from okpay_triage.tree.plan import compile_tree

TREES = bundled_tree_ids()
PROPERTY = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)


def _walk(tree_id: str, answers: list[str], lang: str = "en") -> list[Session]:
    session = Session.start(load_tree(tree_id), lang=lang)
    sessions = [session]
    for answer in answers:
        session = session.answer(answer)
        sessions.append(session)
    return sessions


@pytest.mark.parametrize("tree_id", TREES)
@PROPERTY
@given(data=st.data(), lang=st.sampled_from(["en", "zh"]))
def test_every_walk_ends_at_an_outcome(tree_id: str, data: st.DataObject, lang: str) -> None:
    """Any sequence of valid answers, in any accepted form, finishes at an outcome."""
    answers = data.draw(answer_paths(load_tree(tree_id)))
    sessions = _walk(tree_id, answers, lang)
    assert sessions[-1].finished
    assert sessions[-1].outcome is not None
    assert all(not s.finished for s in sessions[:-1])


@pytest.mark.parametrize("tree_id", TREES)
@PROPERTY
@given(data=st.data())
def test_json_round_trip_at_every_step(tree_id: str, data: st.DataObject) -> None:
    """Saving and restoring gives an equal session at every step of a walk."""
    for session in _walk(tree_id, data.draw(answer_paths(load_tree(tree_id)))):
        text = session.to_json()
        restored = Session.from_json(text)
        assert restored == session
        assert restored.to_json() == text


@pytest.mark.parametrize("tree_id", TREES)
@PROPERTY
@given(data=st.data())
def test_back_undoes_answer(tree_id: str, data: st.DataObject) -> None:
    """After any answer, back returns a session equal to the one before it."""
    sessions = _walk(tree_id, data.draw(answer_paths(load_tree(tree_id))))
    for before, after in pairwise(sessions):
        assert after.back() == before


@pytest.mark.parametrize("tree_id", TREES)
@PROPERTY
@given(data=st.data())
def test_fact_up_front_reaches_same_outcome(tree_id: str, data: st.DataObject) -> None:
    """Giving a fact up front reaches the outcome that answering its step the same way does."""
    tree = load_tree(tree_id)
    plan = compile_tree(tree)
    answers = data.draw(answer_paths(tree))
    final = _walk(tree_id, answers)[-1]
    # With no facts given, every transcript entry is a user answer, in order.
    steps = [plan.steps[entry.node_id] for entry in final.transcript]
    answered = [
        (step.fact, answer, entry.answer)
        for step, answer, entry in zip(steps, answers, final.transcript, strict=True)
        if step.fact and entry.answer is not None
    ]
    if not answered:
        return
    fact, raw, kept = data.draw(st.sampled_from(answered))
    value = kept if plan.facts[fact].type == "choice" else raw
    rest = [a for step, a in zip(steps, answers, strict=True) if step.fact != fact]
    replay = Session.start(tree, facts={fact: value})
    for answer in rest:
        replay = replay.answer(answer)
    assert replay.outcome is not None
    assert final.outcome is not None
    assert replay.outcome.id == final.outcome.id
    assert replay.facts[fact] == final.facts[fact]
    assert any(e.source == "context" for e in replay.transcript)
