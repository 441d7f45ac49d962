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

`answer_paths(TREE, lang="zh", facts=FACTS)` walks a session started with
`Session.start(TREE, lang="zh", facts=FACTS)`: the steps those facts answer are not in it.

Besides walks of a given tree, this module generates whole random *valid* trees in the real
file format (`tree_data`, `trees`), sessions stopped anywhere in a walk (`sessions`), the facts
an embedding application might pass up front (`context_facts`), and the hostile and
personal text users type (`hostile_text`, `sensitive_text`). Every strategy is bounded, so
examples stay small and fast. See docs/testing.md.

Import them from here: `testing.values`, `testing.walks`, `testing.random_trees` and
`testing.hostile` are where they are defined, one concern each.

Needs the `hypothesis` package (``pip install "okpay-triage[test]"``).
"""

from __future__ import annotations

from .hostile import SensitiveText, hostile_text, sensitive_text
from .random_trees import tree_data, trees
from .values import answers_for, fact_values
from .walks import answer_paths, context_facts, sessions

__all__ = [
    "SensitiveText",
    "answer_paths",
    "answers_for",
    "context_facts",
    "fact_values",
    "hostile_text",
    "sensitive_text",
    "sessions",
    "tree_data",
    "trees",
]
