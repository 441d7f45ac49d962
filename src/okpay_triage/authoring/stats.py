"""Figures of a tree's shape, for its author: how many ways through it, how long they are,
and how often a user ends up needing support.

A *path* is one sequence of answers from the start to an outcome: each option of a question
is its own path, even where two options lead to the same step; an input is one step on the
path (a skipped optional input takes the same path). A path's *length* is the number of
questions and inputs it asks. "Equally likely" weighs each option of a question the same:
no real user answers so, but it shows where a tree sends most of its walks (the case log
gives the same figures from real cases).

Counted over the compiled steps, step by step in topological order, never by walking every
path: a tree of 100,000 steps can have more paths than could ever be walked.

This is the one module of figures: the same figures of real cases from a case log
(`case_figures`, `Figures`, `Report`, from `cases.figures`) and their HTML page
(`figures_page`, from `cases.page`) are here too, so that ``stats`` and a host's dashboard
take a tree's shape and its cases from one place.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from okpay_triage.cases.figures import Figures, Report, case_figures
from okpay_triage.cases.page import figures_page
from okpay_triage.tree.plan import CompiledTree, compile_tree
from okpay_triage.types import Escalation

if TYPE_CHECKING:
    from okpay_triage.tree.model import Tree

__all__ = [
    "Figures",
    "OutcomeStats",
    "Report",
    "TreeStats",
    "case_figures",
    "figures_page",
    "tree_stats",
]


@dataclass(frozen=True, slots=True)
class OutcomeStats:
    """How an outcome is reached.

    Attributes:
        id: the outcome's step id.
        escalate: its escalation ("no", "if_unresolved", "yes", "urgent").
        paths: the number of paths that end here.
        shortest: the fewest questions and inputs on a path here.
        longest: the most.
        chance: the share of walks that end here when every answer is equally likely.
    """

    id: str
    escalate: Escalation
    paths: int
    shortest: int
    longest: int
    chance: float


@dataclass(frozen=True, slots=True)
class TreeStats:
    """The figures `tree_stats` gives.

    Attributes:
        tree: the tree's id; `version` its version.
        questions, inputs, outcomes: how many steps of each kind.
        paths: the number of paths from the start to an outcome.
        shortest, median, longest: the fewest, the median and the most questions and inputs
            a path asks (the median over all paths, the lower middle one of an even count).
        expected: the questions and inputs a walk asks on average, every answer equally
            likely.
        escalating: the outcomes that send the user to support (escalate is not "no").
        escalation_chance: the share of walks that end at one of them, every answer equally
            likely.
        by_outcome: each outcome's figures, in the tree's order.
        routes: how many route steps: each a branch point that asks nothing, so its
            branches count as paths (each as likely as the others) but not as questions.
    """

    tree: str
    version: str
    questions: int
    inputs: int
    outcomes: int
    paths: int
    shortest: int
    median: int
    longest: int
    expected: float
    escalating: tuple[str, ...]
    escalation_chance: float
    by_outcome: tuple[OutcomeStats, ...]
    routes: int = 0

    def as_json(self) -> dict[str, object]:
        """The figures as JSON-ready data (what ``okpay-triage stats --json`` prints); the
        steps count routes only in a tree that has them."""
        steps = {"questions": self.questions, "inputs": self.inputs, "outcomes": self.outcomes}
        if self.routes:
            steps["routes"] = self.routes
        return {
            "tree": self.tree,
            "version": self.version,
            "steps": steps,
            "paths": self.paths,
            "asked": {
                "shortest": self.shortest,
                "median": self.median,
                "longest": self.longest,
                "expected": round(self.expected, 4),
            },
            "escalating": list(self.escalating),
            "escalation_chance": round(self.escalation_chance, 4),
            "outcomes": [
                {
                    "id": o.id,
                    "escalate": o.escalate,
                    "paths": o.paths,
                    "shortest": o.shortest,
                    "longest": o.longest,
                    "chance": round(o.chance, 4),
                }
                for o in self.by_outcome
            ],
        }


def tree_stats(tree: Tree | CompiledTree) -> TreeStats:
    """The figures of `tree`, a valid tree (every walk ends).

    Raises:
        ValueError: the tree has a loop, so its paths cannot be counted (`check_tree`
            names it).
    """
    plan = tree if isinstance(tree, CompiledTree) else compile_tree(tree)
    order = _topological(plan)
    # How many paths reach each step with each number of questions asked so far, and the
    # chance of reaching it when every answer is equally likely.
    depths: dict[str, Counter[int]] = {plan.start: Counter({0: 1})}
    chance: dict[str, float] = {plan.start: 1.0}
    for node in order:
        spec = plan.steps[node]
        if spec.outcome is not None or node not in depths:
            continue
        here, share = depths[node], chance[node] / len(spec.nexts)
        asks = 0 if spec.kind == "route" else 1  # a route asks nothing
        for nxt in spec.nexts:  # an input has one next; each option its own, repeats too
            into = depths.setdefault(nxt, Counter())
            for depth, count in here.items():
                into[depth + asks] += count
            chance[nxt] = chance.get(nxt, 0.0) + share
    outcomes = []
    every: Counter[int] = Counter()
    for node in plan.steps:
        spec = plan.steps[node]
        if spec.outcome is None or node not in depths:
            continue
        reached = depths[node]
        every.update(reached)
        outcomes.append(
            OutcomeStats(
                node,
                spec.outcome.escalate,
                sum(reached.values()),
                min(reached),
                max(reached),
                chance[node],
            )
        )
    kinds = Counter(spec.kind for spec in plan.steps.values())
    escalating = tuple(o.id for o in outcomes if o.escalate != "no")
    return TreeStats(
        tree=plan.id,
        version=plan.version,
        questions=kinds["question"],
        inputs=kinds["input"],
        outcomes=kinds["outcome"],
        paths=sum(every.values()),
        shortest=min(every),
        median=_median(every),
        longest=max(every),
        # A walk asks every step it passes, so the steps asked on average are the chances
        # of reaching each question or input, summed.
        expected=sum(
            p
            for node, p in chance.items()
            if plan.steps[node].outcome is None and plan.steps[node].kind != "route"
        ),
        escalating=escalating,
        escalation_chance=sum(o.chance for o in outcomes if o.escalate != "no"),
        by_outcome=tuple(outcomes),
        routes=kinds["route"],
    )


def _median(counts: Counter[int]) -> int:
    """The lower median of a multiset given as value -> count."""
    middle = (sum(counts.values()) - 1) // 2
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen > middle:
            return value
    raise ValueError("no paths")


def _topological(plan: CompiledTree) -> list[str]:
    """The steps reachable from the start, each before every step it leads to.

    Raises:
        ValueError: a loop.
    """
    order: list[str] = []
    state: dict[str, int] = {}  # 1: on the current walk, 2: done
    stack: list[tuple[str, int]] = [(plan.start, 0)]
    while stack:
        node, at = stack.pop()
        if at == 0:
            if state.get(node) == 2:
                continue
            state[node] = 1
        nexts = plan.steps[node].nexts
        if at < len(nexts):
            stack.append((node, at + 1))
            nxt = nexts[at]
            if state.get(nxt) == 1:
                raise ValueError(f"the tree loops through {nxt!r}; fix that first (validate)")
            if state.get(nxt) != 2:
                stack.append((nxt, 0))
            continue
        state[node] = 2
        order.append(node)
    order.reverse()
    return order
