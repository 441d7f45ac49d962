"""A tree author's property tests for their own tree, with okpay_triage.testing.

Run them with ``python -m pytest examples/property_test_custom_tree.py``. Hypothesis tries a
hundred random walks per test: every option in every accepted form (id, number, label or
synonym, English or Chinese), valid typed values for every input, optional inputs skipped,
and hostile text typed anywhere.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given

from okpay_triage import Session, check_tree, load_tree
from okpay_triage.testing import answer_paths, hostile_text, sessions

TREE = load_tree(Path(__file__).with_name("custom-tree.yaml"))


def test_tree_has_no_problems() -> None:
    """No errors and no warnings either (untranslated text, unused facts)."""
    assert check_tree(TREE) == []


@given(answer_paths(TREE))
def test_every_walk_ends_with_what_support_needs(answers: list[str]) -> None:
    """Each walk finishes; a refund request always carries its transaction details."""
    session = Session.start(TREE)
    for answer in answers:
        session = session.answer(answer)
    assert session.outcome is not None
    if session.outcome.id == "o_refund":
        assert {"transaction_id", "amount", "occurred_at"} <= set(session.facts)


@given(sessions(TREE), hostile_text())
def test_hostile_text_never_breaks_a_session(session: Session, text: str) -> None:
    """Whatever is typed, the answer is refused or the session still saves and restores."""
    try:
        moved = session.answer(text)
    except ValueError:  # AnswerError is a ValueError: the step is asked again
        return
    assert Session.from_json(moved.to_json(), TREE) == moved
