"""What one case's write is: its rows (`Pending`), masked (`masked_facts`), and the
statements that put a case, or a batch of cases, into the tables inside a transaction the
caller holds. `CaseLog` (`cases.log`) owns the transactions, the errors and the queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Connection, delete, insert, select

from okpay_triage.errors import CaseLogError

from .schema import case_facts, case_steps, cases
from .store import now_utc, stored_time

if TYPE_CHECKING:
    from okpay_triage.config import Config
    from okpay_triage.session.engine import Session, TranscriptEntry

__all__ = [
    "Pending",
    "apply_many",
    "apply_one",
    "case_row",
    "masked_facts",
    "pending_write",
    "reference",
]


def masked_facts(session: Session) -> dict[str, str]:
    """The session's facts as the case log keeps them: each masked as `session.values.mask`
    masks its type. Money, times and choices are kept (the figures need them); an account,
    phone, email, transaction id or order number keeps its masked form only
    (``138****5678``, ``****4821``), and free text only its last four letters: the log
    counts cases, it is not a second copy of what users wrote."""
    from okpay_triage.session.values import mask

    specs = session.plan.facts
    return {key: mask(specs[key].type, value) for key, value in session.facts.items()}


class Pending(NamedTuple):
    """One case's write, made ready: its row, path rows and fact rows."""

    row: dict[str, Any]
    steps: list[dict[str, Any]]
    facts: list[dict[str, Any]]
    replaces: str | None
    over_finished: bool


def pending_write(
    row: dict[str, Any],
    session: Session,
    transcript: list[TranscriptEntry],
    seconds: Sequence[float | None],
    replaces: str | None,
    *,
    over_finished: bool,
) -> Pending:
    case_id = row["case_id"]
    kinds = session.plan.steps
    steps = [
        {
            "case_id": case_id,
            "position": position,
            "step_id": entry.node_id,
            "answer_id": entry.answer if kinds[entry.node_id].kind == "question" else None,
            "seconds": _seconds(seconds, position, entry.source),
            "source": entry.source,
        }
        for position, entry in enumerate(transcript)
    ]
    facts = [
        {"case_id": case_id, "fact_id": key, "value": value}
        for key, value in masked_facts(session).items()
    ]
    return Pending(row, steps, facts, replaces, over_finished)


def apply_one(connection: Connection, write: Pending) -> None:
    """Write one case inside the caller's transaction."""
    row, replaces, case_id = write.row, write.replaces, write.row["case_id"]
    if replaces and replaces != case_id:
        if row["started_at"] is None:  # the case it carries on knew its start
            row["started_at"] = connection.execute(
                select(cases.c.started_at).where(cases.c.case_id == replaces)
            ).scalar()
        _keep_times(connection, write.steps, replaces)
        connection.execute(
            delete(cases).where(cases.c.case_id == replaces, cases.c.status == "abandoned")
        )
    if not _upsert(connection, row, over_finished=write.over_finished):
        return  # a finished case of this id stays as it is
    for table in (case_steps, case_facts):
        connection.execute(delete(table).where(table.c.case_id == case_id))
    if write.steps:
        connection.execute(insert(case_steps), write.steps)
    if write.facts:
        connection.execute(insert(case_facts), write.facts)


def _keep_times(connection: Connection, steps: list[dict[str, Any]], replaces: str) -> None:
    """Give each answered step with no time the time the abandoned case `replaces` kept for
    the same step at the same position: a session resumed from a file knows nothing of the
    steps answered before it was left, and the case recorded then timed them."""
    if not any(step["seconds"] is None and step["source"] == "user" for step in steps):
        return
    kept = {
        (position, step_id): seconds
        for position, step_id, seconds in connection.execute(
            select(case_steps.c.position, case_steps.c.step_id, case_steps.c.seconds)
            .join(cases, cases.c.case_id == case_steps.c.case_id)
            .where(case_steps.c.case_id == replaces, cases.c.status == "abandoned")
        )
    }
    for step in steps:
        if step["seconds"] is None and step["source"] == "user":
            step["seconds"] = kept.get((step["position"], step["step_id"]))


def apply_many(connection: Connection, pending: list[Pending]) -> None:
    """Write the cases of a batch inside the caller's transaction, in as few statements as
    they allow: the finished cases that carry on no other go together (one upsert, one
    delete and one insert per table, the newest write of a case id winning), the rest one
    by one, in order, after them: an abandoned report then finds a finished case of its
    id already in, and keeps it, as it would have written after it."""
    plain: dict[str, Pending] = {}
    others = []
    for write in pending:
        if write.over_finished and not write.replaces:
            plain.pop(write.row["case_id"], None)
            plain[write.row["case_id"]] = write
        else:
            others.append(write)
    if len(plain) == 1:
        others.insert(0, *plain.values())
    elif plain:
        connection.execute(
            _upsert_statement(connection.dialect.name, True, False),
            [write.row for write in plain.values()],
        )
        for table in (case_steps, case_facts):
            connection.execute(delete(table).where(table.c.case_id.in_(list(plain))))
        for table, rows in (
            (case_steps, [row for write in plain.values() for row in write.steps]),
            (case_facts, [row for write in plain.values() for row in write.facts]),
        ):
            if rows:
                connection.execute(insert(table), rows)
    for write in others:
        apply_one(connection, write)


def reference(session: Session, config: Config | None) -> str:
    from okpay_triage.packet.build import case_reference

    return case_reference(session, config)


def _upsert(connection: Connection, row: dict[str, Any], *, over_finished: bool) -> bool:
    """Insert the case row, or update the one of its id; False if an abandoned report met a
    finished case (nothing written)."""
    # RETURNING says whether a row was written: rowcount is not reliable across drivers.
    written = connection.execute(
        _upsert_statement(connection.dialect.name, over_finished, True), row
    )
    return written.first() is not None


@cache
def _upsert_statement(dialect: str, over_finished: bool, returning: bool) -> Any:
    """The upsert of a case row, built once per dialect (values bound at execution), so
    SQLAlchemy compiles it once: building it per write cost more than the write. With
    `returning`, it returns the id of a row it wrote (one row at a time); without, it
    takes many rows at once."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]
    statement = upsert(cases)
    changes = {c.name: statement.excluded[c.name] for c in cases.c if c.name != "case_id"}
    where = None if over_finished else cases.c.status == "abandoned"
    upsert_row = statement.on_conflict_do_update(
        index_elements=["case_id"], set_=changes, where=where
    )
    return upsert_row.returning(cases.c.case_id) if returning else upsert_row


def case_row(
    session: Session,
    transcript: list[TranscriptEntry],
    case_id: str,
    started_at: datetime | None,
    ended_at: datetime | None,
) -> dict[str, Any]:
    if not case_id or len(case_id) > 100:
        raise CaseLogError("a case id has 1 to 100 characters", code="bad-case-id")
    plan = session.plan
    return {
        "case_id": case_id,
        "tree_id": plan.id,
        "tree_version": plan.version,
        "tree_hash": plan.hash,
        "lang": session.lang,
        "status": "finished",
        "outcome_id": None,
        "escalate": None,
        "priority": None,
        "severity": None,
        "started_at": None if started_at is None else stored_time(started_at),
        "finished_at": stored_time(ended_at or now_utc()),
        "questions": sum(1 for entry in transcript if entry.source == "user"),
        "abandoned_at": None,
        "recorded_at": now_utc(),
    }


def _seconds(seconds: Sequence[float | None], position: int, source: str) -> float | None:
    if source != "user" or position >= len(seconds):
        return None
    value = seconds[position]
    return None if value is None else round(max(float(value), 0.0), 3)
