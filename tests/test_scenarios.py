"""Scripted scenarios: situations described as a user would, and the outcome each must reach.

Each file in tests/scenarios/ is named after a bundled tree and holds a list of scenarios:

    - name: locked after five wrong passwords, recovery works
      lang: en                   # en or zh; the answers are typed in that language
      facts: {}                  # optional: facts known up front
      answers: [locked, wrong_passwords, yes]
      outcome: o_recovered

Every outcome of every bundled tree must be reached by at least one scenario in each language.
Answers are given at a fixed moment (`NOW`, noon in Beijing), as a user types them at a time of
day: "this morning" is in the past at noon, and in the future just after midnight.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from okpay_triage import Session, bundled_tree_ids, load_tree
from okpay_triage.tree.plan import compile_tree

SCENARIOS = Path(__file__).parent / "scenarios"
#: When every scenario is answered: noon in Beijing on a Wednesday.
NOW = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)


def _scenarios() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        for scenario in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append((path.stem, scenario))
    return cases


CASES = _scenarios()


@pytest.mark.parametrize(
    ("tree_id", "scenario"), CASES, ids=[f"{t}: {s['name']} [{s['lang']}]" for t, s in CASES]
)
def test_scenario_reaches_its_outcome(tree_id: str, scenario: dict[str, Any]) -> None:
    """Answering as the user describes leads to the expected outcome."""
    session = Session.start(
        load_tree(tree_id), lang=scenario["lang"], facts=scenario.get("facts") or {}
    )
    for answer in scenario["answers"]:
        assert not session.finished, f"finished early at {session.node.id}"
        session = session.answer(str(answer), now=NOW)
    assert session.finished, f"stopped at {session.node.id}: {session.node.prompt}"
    assert session.outcome is not None
    assert session.outcome.id == scenario["outcome"]


@pytest.mark.parametrize("tree_id", bundled_tree_ids())
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_outcome_has_a_scenario(tree_id: str, lang: str) -> None:
    """Each outcome of each bundled tree is reached by a scenario in each language."""
    plan = compile_tree(load_tree(tree_id))
    outcomes = {step.id for step in plan.steps.values() if step.outcome is not None}
    covered = {s["outcome"] for t, s in CASES if t == tree_id and s["lang"] == lang}
    assert outcomes - covered == set()
    assert covered - outcomes == set()
