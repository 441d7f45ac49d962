"""Reading a case log back: `CaseRecord`s with their paths and masked facts.

The figures (`cases.figures`) and a host's dashboard read cases through `read_cases`: three
queries whatever the number of cases (the cases, then their steps and facts joined to the
same filter), times returned aware in UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, select

from .schema import case_facts, case_steps, cases
from .store import read_time, stored_time

__all__ = ["CaseRecord", "PathStep", "read_cases"]


class PathStep(NamedTuple):
    """One answered step of a recorded case, as `case_steps` holds it."""

    step_id: str
    answer_id: str | None
    seconds: float | None
    source: str


class CaseRecord(NamedTuple):
    """One recorded case, read back: the `cases` row with its path and masked facts."""

    case_id: str
    tree_id: str
    tree_version: str
    tree_hash: str
    lang: str
    status: str
    outcome_id: str | None
    escalate: str | None
    priority: str | None
    severity: str | None
    started_at: datetime | None
    finished_at: datetime
    questions: int
    abandoned_at: str | None
    path: tuple[PathStep, ...]
    facts: Mapping[str, str]


def read_cases(
    connection: Connection,
    *,
    tree: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[CaseRecord]:
    """The cases of one `tree` id (all if None), finished or left at or after `since` and
    before `until` (aware), oldest first."""
    where: list[Any] = []
    if tree is not None:
        where.append(cases.c.tree_id == tree)
    if since is not None:
        where.append(cases.c.finished_at >= stored_time(since))
    if until is not None:
        where.append(cases.c.finished_at < stored_time(until))
    rows = connection.execute(
        select(cases).where(*where).order_by(cases.c.finished_at, cases.c.case_id)
    ).mappings()
    found = {r["case_id"]: dict(r) for r in rows}
    paths: dict[str, list[PathStep]] = {case_id: [] for case_id in found}
    facts: dict[str, dict[str, str]] = {case_id: {} for case_id in found}
    steps = connection.execute(
        select(case_steps)
        .join(cases, cases.c.case_id == case_steps.c.case_id)
        .where(*where)
        .order_by(case_steps.c.case_id, case_steps.c.position)
    ).mappings()
    for s in steps:
        if s["case_id"] in paths:  # a case written since the first query is left out
            paths[s["case_id"]].append(
                PathStep(s["step_id"], s["answer_id"], s["seconds"], s["source"])
            )
    values = connection.execute(
        select(case_facts).join(cases, cases.c.case_id == case_facts.c.case_id).where(*where)
    ).mappings()
    for f in values:
        if f["case_id"] in facts:
            facts[f["case_id"]][f["fact_id"]] = f["value"]
    return [
        CaseRecord(
            case_id=case_id,
            tree_id=r["tree_id"],
            tree_version=r["tree_version"],
            tree_hash=r["tree_hash"],
            lang=r["lang"],
            status=r["status"],
            outcome_id=r["outcome_id"],
            escalate=r["escalate"],
            priority=r["priority"],
            severity=r["severity"],
            started_at=read_time(r["started_at"]),
            finished_at=read_time(r["finished_at"]) or r["finished_at"],
            questions=r["questions"],
            abandoned_at=r["abandoned_at"],
            path=tuple(paths[case_id]),
            facts=facts[case_id],
        )
        for case_id, r in found.items()
    ]
