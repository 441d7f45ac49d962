"""`CaseLog`: where a deployment records how its sessions ended, masked, in SQL.

One class writes the tables of `cases.schema` through SQLAlchemy Core, so the same code runs
on the embedded default, a SQLite file, and on PostgreSQL (psycopg 3) that several servers
share. A log is opened by URL: a file path or ``sqlite:///cases.db`` for SQLite,
``postgresql://`` or ``postgresql+psycopg://user@host/db`` for PostgreSQL.

What it promises:

- Each case is written in one transaction, keyed by its case id: a retried write replaces
  the row it wrote before, never adds a second one; an abandoned report never overwrites a
  finished case of the same id (a late retry of the abandon).
- Writers in many processes at once lose nothing: SQLite runs in WAL mode with a busy
  timeout and takes its write lock when a transaction begins (``BEGIN IMMEDIATE``), so two
  writers queue instead of failing on a lock upgrade; PostgreSQL serialises two writes of
  one case on its row (``INSERT ... ON CONFLICT``).
- The schema is created on first use and upgraded in place (`upgrade`), one version step at
  a time, under a lock: an advisory lock on PostgreSQL, the write lock on SQLite.
- Only masked data is stored: each fact masked for its type (`masked_facts`: an account,
  phone, email or transaction id to its masked form, free text to its last four letters),
  an option id for each question answered and nothing for a typed input.

SQLAlchemy is imported with this module, which only `cases` and the command line's
``--log`` import: a program that records no cases never loads it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, delete, insert, select
from sqlalchemy import exc as sql_errors
from sqlalchemy.engine import make_url

from okpay_triage.errors import CaseLogError
from okpay_triage.logs import LOGGER
from okpay_triage.packet.routing import PRIORITY

from .records import CaseRecord, PathStep, read_cases
from .schema import case_facts, case_steps, cases
from .store import (
    failed,
    log_url,
    now_utc,
    open_engine,
    stored_time,
    upgrade,
    version_of,
)

if TYPE_CHECKING:
    from okpay_triage.config import Config
    from okpay_triage.session.engine import Session

    from .events import Event

__all__ = ["CaseLog", "CaseRecord", "PathStep", "log_url", "masked_facts"]


class CaseLog:
    """A case log at `url` (a path or URL, see `log_url`), created or upgraded on first use.

    Usable from many threads and processes at once; `close` (or a ``with`` block) releases
    its connections.

    Raises:
        CaseLogError: the URL is not supported, the database cannot be reached, or it was
            made by a newer okpay-triage.
    """

    def __init__(self, url: str | os.PathLike[str]) -> None:
        self._url = log_url(url)
        self._engine = open_engine(self._url)
        try:
            with self._engine.begin() as connection:
                upgrade(connection)
        except sql_errors.SQLAlchemyError as error:
            self._engine.dispose()
            raise failed("open", self.url, error) from None
        except BaseException:  # a log it must not write to: no connection left open
            self._engine.dispose()
            raise

    @property
    def url(self) -> str:
        """The log's URL, with any password hidden (safe to show or log)."""
        return make_url(self._url).render_as_string(hide_password=True)

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, for a host's own queries of the tables (`cases.schema`)."""
        return self._engine

    def close(self) -> None:
        """Release the log's connections (it can be used again: it reconnects)."""
        self._engine.dispose()

    def __enter__(self) -> CaseLog:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<CaseLog {self.url}>"

    def __call__(self, event: Event) -> None:
        """As a `Triage` subscriber: record each case that finishes, and each the host
        reports abandoned, with its case id and times. A write that fails is logged
        (WARNING, with the reason) and the session goes on."""
        if event.kind not in ("finished", "abandoned"):
            return
        case = event.case
        session, case_id, started, seconds = (
            case.session,
            case.case_id,
            case.started_at,
            case.seconds,
        )
        try:
            if event.kind == "finished":
                case_id = self.record(
                    session,
                    case_id=case_id,
                    started_at=started,
                    finished_at=event.at,
                    seconds=seconds,
                )
            else:
                case_id = self.abandoned(
                    session, case_id=case_id, started_at=started, at=event.at, seconds=seconds
                )
        except CaseLogError as error:
            LOGGER.warning("case %s not recorded: %s", case.case_id, error)
            return
        LOGGER.info("recorded %s case %s of %s", event.kind, case_id, case.session.tree_id)

    # ------------------------------------------------------------------ writing

    def record(
        self,
        session: Session,
        *,
        case_id: str | None = None,
        started_at: datetime | None = None,
        finished_at: datetime | None = None,
        seconds: Sequence[float | None] = (),
        replaces: str | None = None,
        config: Config | None = None,
    ) -> str:
        """Record a finished session; return its case id.

        Args:
            session: a session that reached an outcome.
            case_id: the host's id for the conversation; by default the packet's case
                reference (`packet.build.case_reference`), the same for the same session.
            started_at: when the session started (aware); None if not known.
            finished_at: when it finished (aware); default: now.
            seconds: time spent on each answered step, by position in the session's
                transcript (None where not measured); shorter is fine.
            replaces: the id of an abandoned case this one carries on (a session resumed
                after it was recorded abandoned); that case is removed in the same
                transaction, so the two count once, and its start time is kept when
                `started_at` is None. A finished case is never removed.
            config: the deployment's settings, for the default case reference's key.

        Raises:
            CaseLogError: the session is not finished, a time is naive, or the write failed.
        """
        outcome = session.outcome
        if outcome is None:
            raise CaseLogError("only a finished session can be recorded", code="unfinished")
        if case_id is None:
            from okpay_triage.packet.build import case_reference

            case_id = case_reference(session, config)
        row = _case_row(session, case_id, started_at, finished_at)
        row.update(
            status="finished",
            outcome_id=outcome.id,
            escalate=outcome.escalate,
            priority=PRIORITY[outcome.escalate][outcome.severity],
            severity=outcome.severity,
        )
        self._write(row, session, seconds, replaces, over_finished=True)
        return case_id

    def abandoned(
        self,
        session: Session,
        *,
        case_id: str | None = None,
        started_at: datetime | None = None,
        at: datetime | None = None,
        seconds: Sequence[float | None] = (),
        replaces: str | None = None,
        config: Config | None = None,
    ) -> str:
        """Record a session the user left before an outcome, at its current step; return its
        case id. Arguments as for `record` (`at`: when it was left, default now). An
        abandoned report never replaces a finished case of the same id.

        Raises:
            CaseLogError: the session is finished, a time is naive, or the write failed.
        """
        if session.finished:
            raise CaseLogError("a finished session is recorded, not abandoned", code="finished")
        if case_id is None:
            from okpay_triage.packet.build import case_reference

            case_id = case_reference(session, config)
        row = _case_row(session, case_id, started_at, at)
        row.update(status="abandoned", abandoned_at=session.node.id)
        self._write(row, session, seconds, replaces, over_finished=False)
        return case_id

    def _write(
        self,
        row: dict[str, Any],
        session: Session,
        seconds: Sequence[float | None],
        replaces: str | None,
        *,
        over_finished: bool,
    ) -> None:
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
            for position, entry in enumerate(session.transcript)
        ]
        facts = [
            {"case_id": case_id, "fact_id": key, "value": value}
            for key, value in masked_facts(session).items()
        ]
        try:
            with self._engine.begin() as connection:
                if replaces and replaces != case_id:
                    if row["started_at"] is None:  # the case it carries on knew its start
                        row["started_at"] = connection.execute(
                            select(cases.c.started_at).where(cases.c.case_id == replaces)
                        ).scalar()
                    connection.execute(
                        delete(cases).where(
                            cases.c.case_id == replaces, cases.c.status == "abandoned"
                        )
                    )
                if not _upsert(connection, row, over_finished=over_finished):
                    return  # a finished case of this id stays as it is
                for table in (case_steps, case_facts):
                    connection.execute(delete(table).where(table.c.case_id == case_id))
                if steps:
                    connection.execute(insert(case_steps), steps)
                if facts:
                    connection.execute(insert(case_facts), facts)
        except sql_errors.SQLAlchemyError as error:
            raise failed("write to", self.url, error) from None

    # ------------------------------------------------------------------ reading

    def read(
        self,
        *,
        tree: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[CaseRecord]:
        """The recorded cases, oldest first: of one `tree` id if given, finished (or left)
        at or after `since` and before `until` (aware datetimes).

        Raises:
            CaseLogError: the log cannot be read.
        """
        try:
            with self._engine.connect() as connection:
                return read_cases(connection, tree=tree, since=since, until=until)
        except sql_errors.SQLAlchemyError as error:
            raise failed("read", self.url, error) from None

    def abandoned_case(self, prefix: str) -> str | None:
        """The id of one abandoned case whose id starts with `prefix` (the oldest), or None:
        how the command line finds the case a resumed session carries on.

        Raises:
            CaseLogError: the log cannot be read.
        """
        query = (
            select(cases.c.case_id)
            .where(
                cases.c.status == "abandoned", cases.c.case_id.startswith(prefix, autoescape=True)
            )
            .order_by(cases.c.finished_at, cases.c.case_id)
            .limit(1)
        )
        try:
            with self._engine.connect() as connection:
                found = connection.execute(query).scalar()
        except sql_errors.SQLAlchemyError as error:
            raise failed("read", self.url, error) from None
        return None if found is None else str(found)

    def schema_version(self) -> int:
        """The schema version the database holds (`cases.schema.VERSION` once opened)."""
        with self._engine.connect() as connection:
            return version_of(connection) or 0


def masked_facts(session: Session) -> dict[str, str]:
    """The session's facts as the case log keeps them: each masked as `session.values.mask`
    masks its type. Money, times and choices are kept (the figures need them); an account,
    phone, email, transaction id or order number keeps its masked form only
    (``138****5678``, ``****4821``), and free text only its last four letters: the log
    counts cases, it is not a second copy of what users wrote."""
    from okpay_triage.session.values import mask

    specs = session.plan.facts
    return {key: mask(specs[key].type, value) for key, value in session.facts.items()}


# ---------------------------------------------------------------------- helpers


def _upsert(connection: Connection, row: dict[str, Any], *, over_finished: bool) -> bool:
    """Insert the case row, or update the one of its id; False if an abandoned report met a
    finished case (nothing written)."""
    # RETURNING says whether a row was written: rowcount is not reliable across drivers.
    written = connection.execute(_upsert_statement(connection.dialect.name, over_finished), row)
    return written.first() is not None


@cache
def _upsert_statement(dialect: str, over_finished: bool) -> Any:
    """The upsert of a case row, built once per dialect (values bound at execution), so
    SQLAlchemy compiles it once: building it per write cost more than the write."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]
    statement = upsert(cases)
    changes = {c.name: statement.excluded[c.name] for c in cases.c if c.name != "case_id"}
    where = None if over_finished else cases.c.status == "abandoned"
    return statement.on_conflict_do_update(
        index_elements=["case_id"], set_=changes, where=where
    ).returning(cases.c.case_id)


def _case_row(
    session: Session, case_id: str, started_at: datetime | None, ended_at: datetime | None
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
        "questions": sum(1 for entry in session.transcript if entry.source == "user"),
        "abandoned_at": None,
        "recorded_at": now_utc(),
    }


def _seconds(seconds: Sequence[float | None], position: int, source: str) -> float | None:
    if source != "user" or position >= len(seconds):
        return None
    value = seconds[position]
    return None if value is None else round(max(float(value), 0.0), 3)
