"""What changed between two versions of a tree, and which sessions saved under the first
still resume under the second.

The changes are read off the compiled trees: steps, options, outcomes and facts added,
removed or changed (and which of their fields changed), in a stable order. Which sessions
survive is decided by the very rule a resumed session is replayed by (`session.replay`),
asked of every answer a session saved under OLD can hold: each option of each question, a
value at each input, and a skip at each optional input. An answer is *refused* when it does
not fit NEW (the option is gone, the step is gone or now asks something else); *redirected*
when it fits but leads elsewhere, which refuses a session that answered further (its next
answer is for a step NEW no longer asks there) but not one that stopped right after it; and
a value is *at risk* when the fact it is kept for changed, so whether it still fits depends
on the value. A *walk* is one sequence of answers from the start to an outcome of OLD (a
skipped optional input is a walk of its own), counted over the steps, never walked.

Sessions given facts up front are refused as well when NEW no longer declares one of those
facts, or when a step now takes its answer from one (or no longer does); the walk counts
are of sessions given none.
"""

from __future__ import annotations

from dataclasses import dataclass
from graphlib import TopologicalSorter
from typing import TYPE_CHECKING, Literal

from okpay_triage.session.replay import leads_to, misfit
from okpay_triage.tree.plan import CompiledTree, FactSpec, StepSpec, compile_tree
from okpay_triage.tree.registry import TreeRef

if TYPE_CHECKING:
    from collections.abc import Iterable

    from okpay_triage.tree.model import Tree
    from okpay_triage.types import Source

__all__ = ["VALUE", "Change", "TreeDiff", "Trouble", "diff_trees"]

#: What stands for "a value was typed" among the answers of an input step.
VALUE = "<value>"

Kind = Literal["tree", "step", "option", "outcome", "fact"]
Status = Literal["refused", "redirected", "at-risk", "moved"]
_KINDS: tuple[Kind, ...] = ("tree", "step", "option", "outcome", "fact")


@dataclass(frozen=True, slots=True)
class Change:
    """One thing added, removed or changed: a step (``q_symptom``), an option
    (``q_symptom/forgot``), an outcome, a fact, or the tree itself (``start``, ``title``);
    `fields` names what changed in it."""

    kind: Kind
    id: str
    change: Literal["added", "removed", "changed"]
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        sign = {"added": "+", "removed": "-", "changed": "~"}[self.change]
        what = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{sign} {self.kind} {self.id}{what}"


@dataclass(frozen=True, slots=True)
class Trouble:
    """An answer of a session saved under OLD that NEW treats differently: at `step`,
    `answer` (an option id, `VALUE` for a typed value, None for a skip) is ``refused``,
    ``redirected`` (refused when the session answered further), ``at-risk`` (refused
    unless the value still fits its fact) or ``moved`` (it ended a walk at an outcome and
    now leads on to a step: such a session resumes there). `walks`: the walks of OLD that
    reach it with no trouble before it, which it stops (for ``at-risk``, may stop; for
    ``moved``, sends to the new step)."""

    step: str
    answer: str | None
    status: Status
    reason: str
    walks: int


@dataclass(frozen=True, slots=True)
class TreeDiff:
    """The changes from `old` to `new`, and which sessions saved under `old` resume."""

    old: TreeRef
    new: TreeRef
    changes: tuple[Change, ...]
    troubles: tuple[Trouble, ...]
    facts_dropped: tuple[str, ...]  # facts OLD declares that NEW does not
    walks: int  # walks of OLD
    surviving: int  # of them, those that surely resume under NEW
    possible: int  # those that resume if their values still fit
    inputs: frozenset[str] = frozenset()  # the input steps of OLD

    @property
    def same(self) -> bool:
        """Whether the two are the same tree content."""
        return self.old.hash == self.new.hash

    @property
    def all_resume(self) -> bool:
        """Whether every session saved under OLD resumes under NEW (one that ended at an
        outcome that now leads on resumes at the new step)."""
        stopping = any(t.status != "moved" for t in self.troubles)
        return not stopping and not self.facts_dropped and self.old.id == self.new.id

    def resumes(self, answers: Iterable[tuple[str, str | None, Source]]) -> bool | None:
        """Whether a session saved under OLD with these answers (node, answer, source, as
        a saved session holds them; given no facts up front) resumes under NEW: True,
        False, or None when it depends on whether a value still fits its fact."""
        if self.old.id != self.new.id:
            return False
        troubles = {(t.step, t.answer): t.status for t in self.troubles}
        entries = list(answers)
        sure = True
        for number, (step, answer, _) in enumerate(entries, 1):
            typed = answer is not None and step in self.inputs
            status = troubles.get((step, VALUE if typed else answer))
            if status == "refused" or (status == "redirected" and number < len(entries)):
                return False
            sure = sure and status != "at-risk"
        return True if sure else None

    def as_json(self) -> dict[str, object]:
        """The diff as plain data (what ``okpay-triage diff --json`` prints)."""
        return {
            "old": self.old._asdict(),
            "new": self.new._asdict(),
            "same": self.same,
            "changes": [
                {"kind": c.kind, "id": c.id, "change": c.change, "fields": list(c.fields)}
                for c in self.changes
            ],
            "sessions": {
                "all_resume": self.all_resume,
                "walks": self.walks,
                "surviving": self.surviving,
                "possible": self.possible,
                "facts_dropped": list(self.facts_dropped),
                "troubles": [
                    {
                        "step": t.step,
                        "answer": t.answer,
                        "status": t.status,
                        "reason": t.reason,
                        "walks": t.walks,
                    }
                    for t in self.troubles
                ],
            },
        }


def diff_trees(old: Tree | CompiledTree, new: Tree | CompiledTree) -> TreeDiff:
    """What changed from `old` to `new`, and which sessions saved under `old` resume under
    `new` (see the module's docstring for the terms).

    Raises:
        ValueError: `old` loops (a checked tree never does).
    """
    before, after = _plan(old), _plan(new)
    troubles = _troubles(before, after) if before.id == after.id else {}
    walks, surviving, possible, stopped = _count(before, troubles)
    listed = tuple(
        Trouble(step, answer, status, reason, stopped.get((step, answer), 0))
        for (step, answer), (status, reason) in troubles.items()
    )
    return TreeDiff(
        old=TreeRef.of(before),
        new=TreeRef.of(after),
        changes=tuple(_changes(before, after)),
        troubles=listed,
        facts_dropped=tuple(sorted(set(before.facts) - set(after.facts))),
        walks=walks,
        surviving=surviving if before.id == after.id else 0,
        possible=possible if before.id == after.id else 0,
        inputs=frozenset(s.id for s in before.steps.values() if s.kind == "input"),
    )


def _plan(tree: Tree | CompiledTree) -> CompiledTree:
    return tree if isinstance(tree, CompiledTree) else compile_tree(tree)


# ---------------------------------------------------------------------- sessions


def _answers(spec: StepSpec) -> list[tuple[str | None, str]]:
    """The answers a saved session can hold at `spec`, with the step each leads to (a
    route's: the branches it can take)."""
    if spec.kind in ("question", "route"):
        return [(oid, nxt) for (oid, _), nxt in zip(spec.options, spec.nexts, strict=True)]
    return [(VALUE, spec.nexts[0])] + ([(None, spec.nexts[0])] if spec.optional else [])


Troubles = dict[tuple[str, str | None], tuple[Status, str]]


def _troubles(old: CompiledTree, new: CompiledTree) -> Troubles:
    """Each answer of OLD that NEW treats differently, in OLD's order of steps."""
    found: Troubles = {}
    for spec in old.steps.values():
        if spec.outcome is not None:
            continue
        node = new.start if spec.id == old.start else spec.id  # where a replay stands
        for answer, target in _answers(spec):
            # A typed value stands in as "" (no option id) for the replay rule.
            why = misfit(new, node, spec.id, "" if answer == VALUE else answer, old)
            if why is not None:
                found[(spec.id, answer)] = ("refused", why)
                continue
            now = new.steps[node]
            goes = leads_to(now, "" if answer == VALUE else answer)
            risk = _value_risk(old, new, spec, now) if answer == VALUE else None
            if risk is not None:
                found[(spec.id, answer)] = ("at-risk", risk)
            elif goes != target and old.steps[target].outcome is not None:
                why = f"step '{spec.id}' now leads to '{goes}' instead of the outcome '{target}'"
                found[(spec.id, answer)] = ("moved", why)
            elif goes != target:
                why = f"step '{spec.id}' now leads to '{goes}' instead of '{target}'"
                found[(spec.id, answer)] = ("redirected", why)
    return found


def _value_risk(old: CompiledTree, new: CompiledTree, was: StepSpec, now: StepSpec) -> str | None:
    """Why a value typed at `was` may not fit `now` (its fact changed), None if it fits."""
    assert was.fact is not None  # an input always collects a fact
    assert now.fact is not None
    if was.fact != now.fact:
        return f"step '{was.id}' now collects '{now.fact}' instead of '{was.fact}'"
    changed = _fields(_kept_as(old.facts[was.fact]), _kept_as(new.facts[now.fact]))
    if changed:
        return f"fact '{now.fact}' changed ({', '.join(changed)}), so a value may no longer fit"
    return None


def _kept_as(spec: FactSpec) -> FactSpec:
    """`spec` without what does not decide which values are kept (its texts)."""
    return spec._replace(label=("", ""), hint=None)


Counts = tuple[int, int, int, dict[tuple[str, str | None], int]]


def _count(old: CompiledTree, troubles: Troubles) -> Counts:
    """Walks of OLD, those that surely resume, those that may, and per trouble the walks
    it stops (those reaching it with no trouble before it)."""
    graph = {s.id: set(s.nexts) for s in old.steps.values()}
    order = list(TopologicalSorter(graph).static_order())  # each step after its nexts
    total: dict[str, int] = {}
    sure: dict[str, int] = {}
    maybe: dict[str, int] = {}
    for node in order:
        spec = old.steps[node]
        if spec.outcome is not None:
            total[node] = sure[node] = maybe[node] = 1
            continue
        total[node] = sure[node] = maybe[node] = 0
        for answer, target in _answers(spec):
            status = troubles.get((node, answer), ("", ""))[0]
            last = old.steps[target].outcome is not None
            total[node] += total[target]
            if status == "refused" or (status == "redirected" and not last):
                continue
            maybe[node] += maybe[target]
            if status != "at-risk":
                sure[node] += sure[target]
    reach = {old.start: 1}  # walks reaching a step with no trouble before it
    stopped: dict[tuple[str, str | None], int] = {}
    for node in reversed(order):
        ways = reach.get(node, 0)
        spec = old.steps[node]
        if not ways or spec.outcome is not None:
            continue
        for answer, target in _answers(spec):
            status = troubles.get((node, answer), ("", ""))[0]
            if status:
                stopped[(node, answer)] = ways * total[target]
            if status in ("", "at-risk", "moved"):
                reach[target] = reach.get(target, 0) + ways
    return total[old.start], sure[old.start], maybe[old.start], stopped


# ---------------------------------------------------------------------- changes


def _fields(a: tuple[object, ...], b: tuple[object, ...]) -> tuple[str, ...]:
    """The names of the fields in which two records of one named-tuple type differ."""
    names: tuple[str, ...] = getattr(a, "_fields", ())
    return tuple(n for n, x, y in zip(names, a, b, strict=True) if x != y)


_STEP_FIELDS = ("kind", "prompt", "help", "info", "fact", "optional")


def _changes(old: CompiledTree, new: CompiledTree) -> list[Change]:
    changes = [Change("tree", f, "changed") for f in ("id", "title", "start", "keywords")]
    changes = [c for c in changes if getattr(old, c.id) != getattr(new, c.id)]
    for sid in sorted(set(old.steps) | set(new.steps)):
        a, b = old.steps.get(sid), new.steps.get(sid)
        either = a or b
        kind: Kind = "outcome" if either is not None and either.outcome is not None else "step"
        if a is None or b is None:
            changes.append(Change(kind, sid, "added" if a is None else "removed"))
            continue
        if (a.outcome is None) != (b.outcome is None):
            changes.append(Change(kind, sid, "changed", ("kind",)))
            continue
        if a.outcome is not None and b.outcome is not None:
            fields = _fields(a.outcome, b.outcome) + (("prompt",) if a.prompt != b.prompt else ())
            if fields:
                changes.append(Change("outcome", sid, "changed", fields))
            continue
        fields = tuple(f for f in _STEP_FIELDS if getattr(a, f) != getattr(b, f))
        if a.kind == b.kind == "input" and a.nexts != b.nexts:
            fields += ("next",)
        if fields:
            changes.append(Change("step", sid, "changed", fields))
        if a.kind == b.kind and a.kind in ("question", "route"):  # a route's: its branches
            changes += _option_changes(a, b)
    for fid in sorted(set(old.facts) | set(new.facts)):
        fa, fb = old.facts.get(fid), new.facts.get(fid)
        if fa is None or fb is None:
            changes.append(Change("fact", fid, "added" if fa is None else "removed"))
        elif fa != fb:
            changes.append(Change("fact", fid, "changed", _fields(fa, fb)))
    return sorted(changes, key=lambda c: _KINDS.index(c.kind))  # stable: ids stay sorted


def _option_changes(a: StepSpec, b: StepSpec) -> list[Change]:
    def table(spec: StepSpec) -> dict[str, tuple[object, ...]]:
        words = {
            i: sorted(w for w, at in spec.lookup.items() if at == i) for i in spec.lookup.values()
        }
        return {
            oid: (label, spec.nexts[i], spec.phrasings[i] if spec.phrasings else None, words.get(i))
            for i, (oid, label) in enumerate(spec.options)
        }

    was, now = table(a), table(b)
    changes = []
    for oid in sorted(set(was) | set(now)):
        x, y = was.get(oid), now.get(oid)
        if x is None or y is None:
            changes.append(Change("option", f"{a.id}/{oid}", "added" if x is None else "removed"))
        elif x != y:
            names = ("label", "next", "phrasing", "words")
            fields = tuple(n for n, p, q in zip(names, x, y, strict=True) if p != q)
            changes.append(Change("option", f"{a.id}/{oid}", "changed", fields))
    return changes
