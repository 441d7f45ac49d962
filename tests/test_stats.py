"""`okpay-triage stats` and `authoring.stats.tree_stats`: a tree's figures, checked against
walking every path of small trees by hand."""

from __future__ import annotations

import json
import statistics
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings

from okpay_triage import load_tree
from okpay_triage.authoring.stats import tree_stats
from okpay_triage.cli import cli
from okpay_triage.testing import trees
from okpay_triage.tree.plan import CompiledTree, compile_tree

BAD = Path(__file__).parent / "data" / "bad"


def every_path(plan: CompiledTree) -> list[tuple[str, int, Fraction]]:
    """Every path by walking it: (outcome, questions and inputs asked, chance)."""
    found = []
    stack = [(plan.start, 0, Fraction(1))]
    while stack:
        node, asked, chance = stack.pop()
        spec = plan.steps[node]
        if spec.outcome is not None:
            found.append((node, asked, chance))
            continue
        for nxt in spec.nexts:
            stack.append((nxt, asked + 1, chance / len(spec.nexts)))
    return found


@settings(max_examples=60, deadline=None)
@given(trees(max_nodes=20))
def test_the_figures_are_those_of_every_path_walked(tree: object) -> None:
    plan = compile_tree(tree)  # type: ignore[arg-type]
    figures = tree_stats(plan)
    assume(figures.paths <= 2000)  # walked by hand below, one by one
    paths = every_path(plan)
    lengths = sorted(asked for _, asked, _ in paths)
    assert figures.paths == len(paths)
    assert (figures.shortest, figures.longest) == (lengths[0], lengths[-1])
    assert figures.median == statistics.median_low(lengths)
    expected = sum(chance * asked for _, asked, chance in paths)
    assert figures.expected == pytest.approx(float(expected))
    for outcome in figures.by_outcome:
        mine = [(asked, chance) for node, asked, chance in paths if node == outcome.id]
        assert outcome.paths == len(mine)
        assert outcome.shortest == min(a for a, _ in mine)
        assert outcome.longest == max(a for a, _ in mine)
        assert outcome.chance == pytest.approx(float(sum(c for _, c in mine)))
    escalating = sum((c for node, _, c in paths if _escalates(plan, node)), start=Fraction(0))
    assert figures.escalation_chance == pytest.approx(float(escalating))
    assert sum(o.chance for o in figures.by_outcome) == pytest.approx(1.0)


def _escalates(plan: CompiledTree, node: str) -> bool:
    outcome = plan.steps[node].outcome
    return outcome is not None and outcome.escalate != "no"


def test_a_tree_with_a_loop_is_refused_not_counted() -> None:
    """A loop has no count of paths: `tree_stats` says so, and the command exits 1."""
    from okpay_triage.tree.load import read_tree

    tree = read_tree(BAD / "cycle.yaml").tree
    assert tree is not None
    with pytest.raises(ValueError, match="loops"):
        tree_stats(tree)  # (compiling it once never ended: the loop was followed forever)
    done = CliRunner().invoke(cli, ["stats", str(BAD / "cycle.yaml")])
    assert done.exit_code == 1
    assert "cycle" in done.output


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_command_prints_the_figures(lang: str) -> None:
    runner = CliRunner()
    done = runner.invoke(cli, ["stats", "login-failure", "--lang", lang])
    assert done.exit_code == 0, done.output
    figures = tree_stats(load_tree("login-failure"))
    assert f"{figures.paths}" in done.output
    assert done.output.count("\n") == 5 + figures.outcomes
    as_json = runner.invoke(cli, ["stats", "login-failure", "--json"])
    data = json.loads(as_json.output)
    assert data["paths"] == figures.paths
    assert data["escalating"] == list(figures.escalating)
    assert [o["id"] for o in data["outcomes"]] == [o.id for o in figures.by_outcome]
