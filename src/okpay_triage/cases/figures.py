"""The figures a help centre is judged on, from the cases of a case log.

`case_figures` turns `CaseRecord`s (`CaseLog.read`) into one `Figures` for all of them and
one per (tree id, tree version, language): plain numbers a host's dashboard, ``stats --log``
and its report show the same way. Definitions (docs/operations.md says them for readers):

- **cases**: finished plus abandoned.
- **self-service rate**: the share of all cases that ended in a fix with no contact, an
  outcome whose escalation is ``no``. Abandoned cases count against it: the user left
  without a fix.
- **escalation rate**: the share of finished cases whose outcome sends the user to
  support (``yes`` or ``urgent``); ``if-unresolved`` outcomes give a fix to try first and
  are counted apart, as **conditional**.
- **outcomes**: how many finished cases reached each outcome, with its escalation and
  priority; **priorities**: finished cases by the packet's priority.
- **drop-off**: for each step where some user left, how many cases reached the step and
  how many were abandoned there.
- **median questions** and **median seconds to a diagnosis**: over finished cases (time
  only where the start is known).
- **funnel**: the most common way through, step by step: from the most common first step,
  each next step is the one most of the cases still on the way took (ties by step id),
  down to an outcome or the step where they left. Each row says how many cases reached the
  step on that way (``reached``, never more than the row above), how many left there
  (``left``: abandoned at it) and how many ended there (``ended``: it is their outcome).
  A case's way is its answered steps, then its outcome or the step it was left at.

`Report.trees` gives the figures of each tree id, all versions and languages together.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from statistics import median
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from .records import CaseRecord  # at run time only its fields: no SQLAlchemy here

__all__ = ["Figures", "Report", "case_figures"]


class Figures(NamedTuple):
    """The figures of a set of cases; `as_json` gives them as plain JSON data."""

    cases: int
    finished: int
    abandoned: int
    self_service: int
    escalated: int
    conditional: int
    outcomes: dict[str, dict[str, Any]]
    priorities: dict[str, int]
    drop_off: dict[str, dict[str, int]]
    median_questions: float | None
    median_seconds: float | None
    funnel: tuple[dict[str, Any], ...] = ()

    @property
    def self_service_rate(self) -> float | None:
        """Self-service fixes as a share of all cases (None with no case)."""
        return _share(self.self_service, self.cases)

    @property
    def escalation_rate(self) -> float | None:
        """Escalated outcomes as a share of finished cases (None with none finished)."""
        return _share(self.escalated, self.finished)

    def as_json(self) -> dict[str, Any]:
        """The figures, rates included (rounded to 4 places), as JSON data."""
        data = self._asdict()
        data["self_service_rate"] = self.self_service_rate
        data["escalation_rate"] = self.escalation_rate
        return data


class Report(NamedTuple):
    """All cases' figures, those of each (tree id, version, language), and of each tree id."""

    overall: Figures
    groups: dict[tuple[str, str, str], Figures]
    trees: dict[str, Figures]

    def as_json(self) -> dict[str, Any]:
        """As JSON data: ``overall``, a list of ``groups`` with their keys, and ``trees``."""
        return {
            "overall": self.overall.as_json(),
            "groups": [
                {"tree": tree, "version": version, "lang": lang, **figures.as_json()}
                for (tree, version, lang), figures in sorted(self.groups.items())
            ],
            "trees": [
                {"tree": tree, **figures.as_json()} for tree, figures in sorted(self.trees.items())
            ],
        }


def case_figures(records: Iterable[CaseRecord]) -> Report:
    """The figures of `records`, overall and per tree, version and language."""
    cases = list(records)
    grouped: dict[tuple[str, str, str], list[CaseRecord]] = defaultdict(list)
    by_tree: dict[str, list[CaseRecord]] = defaultdict(list)
    for case in cases:
        grouped[(case.tree_id, case.tree_version, case.lang)].append(case)
        by_tree[case.tree_id].append(case)
    return Report(
        _figures(cases),
        {key: _figures(group) for key, group in grouped.items()},
        {tree: _figures(group) for tree, group in by_tree.items()},
    )


def _figures(cases: list[CaseRecord]) -> Figures:
    finished = [c for c in cases if c.status == "finished"]
    abandoned = [c for c in cases if c.status == "abandoned"]
    escalations = Counter(c.escalate for c in finished)
    outcomes: dict[str, dict[str, Any]] = {}
    for case in finished:
        assert case.outcome_id is not None  # a finished case has its outcome
        entry = outcomes.setdefault(
            case.outcome_id, {"cases": 0, "escalate": case.escalate, "priority": case.priority}
        )
        entry["cases"] += 1
    reached: Counter[str] = Counter()
    for case in cases:
        reached.update({step.step_id for step in case.path})
        if case.abandoned_at is not None:
            reached[case.abandoned_at] += 1
    left = Counter(c.abandoned_at for c in abandoned if c.abandoned_at is not None)
    durations = [
        (c.finished_at - c.started_at).total_seconds() for c in finished if c.started_at is not None
    ]
    return Figures(
        cases=len(cases),
        finished=len(finished),
        abandoned=len(abandoned),
        self_service=escalations["no"],
        escalated=escalations["yes"] + escalations["urgent"],
        conditional=escalations["if-unresolved"],
        outcomes=dict(sorted(outcomes.items())),
        priorities=dict(sorted(Counter(c.priority or "" for c in finished).items())),
        drop_off={
            step: {"reached": reached[step], "abandoned": count}
            for step, count in sorted(left.items())
        },
        median_questions=median(c.questions for c in finished) if finished else None,
        median_seconds=round(median(durations), 3) if durations else None,
        funnel=_funnel(cases),
    )


def _funnel(cases: list[CaseRecord]) -> tuple[dict[str, Any], ...]:
    """The most common way through `cases`, with the cases reaching, leaving and ending at
    each of its steps (the module's docstring defines it)."""
    on_way: list[tuple[list[str], bool]] = []  # (way, whether the case was left)
    for case in cases:
        left = case.status == "abandoned"
        end = case.abandoned_at if left else case.outcome_id
        way = [step.step_id for step in case.path] + ([end] if end is not None else [])
        if way:
            on_way.append((way, left))
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    depth = 0
    while on_way:
        taken = Counter(way[depth] for way, _ in on_way)
        step = min(taken, key=lambda s: (-taken[s], s))
        if step in seen:  # a way back to an earlier step: the funnel stops there
            break
        seen.add(step)
        on_way = [(way, left) for way, left in on_way if way[depth] == step]
        ends = [left for way, left in on_way if len(way) == depth + 1]
        rows.append(
            {"step": step, "reached": len(on_way), "left": sum(ends), "ended": ends.count(False)}
        )
        on_way = [(way, left) for way, left in on_way if len(way) > depth + 1]
        depth += 1
    return tuple(rows)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
