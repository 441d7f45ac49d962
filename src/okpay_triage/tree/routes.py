"""Route steps in the tree stage: the branches a route compiles to, and the rule that checks
them (each branch tests its fact by a condition of the fact's type, and can be taken).

A route names thresholds; their values are the deployment's (`Config.thresholds`), and
`session.routes` compares with them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from okpay_triage.wording import say

from .content import Finding
from .model import CONDITION_TYPES, Question, Route, Tree

Pair = tuple[str, str]
Conditions = tuple[tuple[str, tuple[str, ...]], ...]


def branch_key(op: str, args: tuple[str, ...]) -> str:
    """The answer a route's branch is saved as: ``above:large_amount``, ``in:card,bank``,
    ``known``, ``default``."""
    return f"{op}:{','.join(args)}" if args else op


def _condition(when: Any) -> tuple[str, tuple[str, ...]]:
    if when == "known":
        return ("known", ())
    [(op, arg)] = when.items()
    return (op, tuple(arg) if isinstance(arg, tuple) else (arg,))


def branches(node: Route, label: Pair) -> tuple[Conditions, tuple[tuple[str, Pair], ...]]:
    """A route's conditions, default last, and per branch its key and what it tests in
    both languages (``Amount above large_amount``) for transcripts and diagrams."""
    conditions = (*(_condition(b.when) for b in node.routes), ("default", ()))
    options = tuple(
        (
            branch_key(op, args),
            (
                say(f"route.{op}", "en", fact=label[0], name=", ".join(args)),
                say(f"route.{op}", "zh", fact=label[1], name="、".join(args)),
            ),
        )
        for op, args in conditions
    )
    return conditions, options


def route_findings(tree: Tree) -> list[Finding]:
    """The route rule for every route of `tree` whose fact is declared (an undeclared one
    is `unknown-fact`)."""
    return [
        finding
        for i, node in enumerate(tree.nodes)
        if isinstance(node, Route) and node.fact in tree.facts
        for finding in _conditions_fit(tree, i, node)
    ]


def _choices_of(tree: Tree, key: str) -> set[str]:
    """The values a choice fact can take: its `choices`, else the options of the questions
    bound to it."""
    fact = tree.facts[key]
    if fact.choices:
        return set(fact.choices)
    return {
        o.id for n in tree.nodes if isinstance(n, Question) and n.fact == key for o in n.options
    }


def _conditions_fit(tree: Tree, i: int, node: Route) -> Iterator[Finding]:
    """Each branch of a route tests its fact by a condition of the fact's type, names only
    choices the fact can take, and can be taken: no condition repeats or is covered by the
    branches before it (after ``known`` nothing but the default can be reached)."""
    fact = tree.facts[node.fact]
    seen: set[tuple[str, tuple[str, ...]]] = set()
    covered: set[str] = set()  # choices taken by earlier `in` branches
    after_known = False
    for j, branch in enumerate(node.routes):
        where = ("nodes", i, "routes", j, "when")
        op, args = _condition(branch.when)
        wanted = CONDITION_TYPES.get(op)
        if wanted is not None and wanted != fact.type:
            yield Finding(
                "route-condition-mismatch",
                f"route '{node.id}' tests '{op}' of fact '{node.fact}' of type {fact.type}; "
                f"'{op}' is for {wanted} facts",
                where,
            )
            continue
        unreachable = after_known or (op, args) in seen or (op == "in" and set(args) <= covered)
        if unreachable:
            yield Finding(
                "route-branch-unreachable",
                f"branch {j + 1} of route '{node.id}' can never be taken: "
                + (
                    "'known' before it takes every known value"
                    if after_known
                    else "the branches before it already take every value it would"
                ),
                where,
            )
        if op == "in":
            choices = _choices_of(tree, node.fact)
            unknown = [choice for choice in args if choices and choice not in choices]
            if unknown:
                yield Finding(
                    "route-condition-mismatch",
                    f"route '{node.id}' tests {unknown}, which fact '{node.fact}' never "
                    f"takes (it takes {sorted(choices)})",
                    where,
                )
            covered.update(args)
        seen.add((op, args))
        after_known = after_known or op == "known"
    if all(b.next == node.default for b in node.routes):
        yield Finding(
            "route-changes-nothing",
            f"every branch of route '{node.id}' leads to '{node.default}', as its default "
            "does: the route decides nothing",
            ("nodes", i, "default"),
            severity="warning",
        )
