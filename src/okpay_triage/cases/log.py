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
- As a `Triage` subscriber it does not hold up the request that finishes a case: the case is
  queued and a thread of the log's own writes what queued up in one transaction
  (`cases.writer`: flushed by `read`, `close` and the interpreter's exit). `record` and
  `abandoned`, called directly, write before they return.
- Only masked data is stored: each fact masked for its type (`masked_facts`: an account,
  phone, email or transaction id to its masked form, free text to its last four letters),
  an option id for each question answered and nothing for a typed input.

SQLAlchemy is imported with this module, which only `cases` and the command line's
``--log`` import: a program that records no cases never loads it.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select
from sqlalchemy import exc as sql_errors
from sqlalchemy.engine import make_url

from okpay_triage.errors import CaseLogError
from okpay_triage.logs import LOGGER
from okpay_triage.packet.routing import PRIORITY

from .records import CaseRecord, PathStep, read_cases
from .rows import Pending, apply_many, case_row, masked_facts, pending_write, reference
from .schema import cases
from .store import (
    failed,
    log_url,
    open_engine,
    upgrade,
    version_of,
)
from .writer import Writer

if TYPE_CHECKING:
    from okpay_triage.config import Config
    from okpay_triage.session.engine import Session

    from .events import Event

__all__ = ["CaseLog", "CaseRecord", "PathStep", "log_url", "masked_facts"]


class CaseLog:
    """A case log at `url` (a path or URL, see `log_url`), created or upgraded on first use.

    Usable from many threads and processes at once; `close` (or a ``with`` block) writes
    what is queued and releases its connections.

    Args:
        url: where the log is.
        queued: as a subscriber, queue each case for the log's writer thread (default), or
            write it before the request goes on (False: nothing is ever only queued).

    Raises:
        CaseLogError: the URL is not supported, the database cannot be reached, or it was
            made by a newer okpay-triage.
    """

    def __init__(self, url: str | os.PathLike[str], *, queued: bool = True) -> None:
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
        self._writer: Writer[Event] | None = (
            Writer(self._write_events, f"okpay-triage case log {self.url}") if queued else None
        )
        _OPEN.add(self)

    @property
    def url(self) -> str:
        """The log's URL, with any password hidden (safe to show or log)."""
        return make_url(self._url).render_as_string(hide_password=True)

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, for a host's own queries of the tables (`cases.schema`)."""
        return self._engine

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every case queued by the subscriber is written (`cases.writer`);
        False if `timeout` seconds passed first. Reading the log and `close` flush first."""
        return True if self._writer is None else self._writer.flush(timeout)

    def close(self) -> None:
        """Write the queued cases and release the log's connections (it can be used again:
        it reconnects)."""
        if self._writer is not None:
            self._writer.stop()
        self._engine.dispose()

    def __enter__(self) -> CaseLog:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<CaseLog {self.url}>"

    def __call__(self, event: Event) -> None:
        """As a `Triage` subscriber: record each case that finishes, and each the host
        reports abandoned, with its case id and times. Queued (`cases.writer`) unless the
        log was opened with ``queued=False``; a write that fails is logged (WARNING, with
        the reason) and the session goes on."""
        if event.kind not in ("finished", "abandoned"):
            return
        if self._writer is not None:
            self._writer.put(event)
        else:
            self._write_events([event])

    def _write_events(self, events: list[Event]) -> None:
        """Write the cases of `events` in one transaction; if that fails, each in its own,
        so a case that cannot be written costs only itself. Never raises: it logs."""
        pending: list[tuple[Event, str, Pending]] = []
        for event in events:
            case = event.case
            try:
                if event.kind == "finished":
                    case_id, write = self._finished(
                        case.session, case.case_id, case.started_at, event.at, case.seconds
                    )
                else:
                    case_id, write = self._abandoned(
                        case.session, case.case_id, case.started_at, event.at, case.seconds
                    )
            except CaseLogError as error:
                LOGGER.warning("case %s not recorded: %s", case.case_id, error)
                continue
            pending.append((event, case_id, write))
        try:
            self._write([write for _, _, write in pending])
        except CaseLogError:
            written = []
            for item in pending:
                try:
                    self._write([item[2]])
                except CaseLogError as error:
                    LOGGER.warning("case %s not recorded: %s", item[0].case.case_id, error)
                else:
                    written.append(item)
            pending = written
        for event, case_id, _ in pending:
            LOGGER.info(
                "recorded %s case %s of %s", event.kind, case_id, event.case.session.tree_id
            )

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
                transaction, so the two count once; its start time is kept when
                `started_at` is None, and its time for each step answered before it
                was left where `seconds` has none. A finished case is never removed.
            config: the deployment's settings, for the default case reference's key.

        Raises:
            CaseLogError: the session is not finished, a time is naive, or the write failed.
        """
        case_id, write = self._finished(
            session, case_id, started_at, finished_at, seconds, replaces, config
        )
        self._write([write])
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
        case_id, write = self._abandoned(
            session, case_id, started_at, at, seconds, replaces, config
        )
        self._write([write])
        return case_id

    def _finished(
        self,
        session: Session,
        case_id: str | None,
        started_at: datetime | None,
        finished_at: datetime | None,
        seconds: Sequence[float | None],
        replaces: str | None = None,
        config: Config | None = None,
    ) -> tuple[str, Pending]:
        outcome = session.outcome
        if outcome is None:
            raise CaseLogError("only a finished session can be recorded", code="unfinished")
        if case_id is None:
            case_id = reference(session, config)
        transcript = session.transcript  # built once: it shows every answer
        row = case_row(session, transcript, case_id, started_at, finished_at)
        row.update(
            status="finished",
            outcome_id=outcome.id,
            escalate=outcome.escalate,
            priority=PRIORITY[outcome.escalate][outcome.severity],
            severity=outcome.severity,
        )
        return case_id, pending_write(
            row, session, transcript, seconds, replaces, over_finished=True
        )

    def _abandoned(
        self,
        session: Session,
        case_id: str | None,
        started_at: datetime | None,
        at: datetime | None,
        seconds: Sequence[float | None],
        replaces: str | None = None,
        config: Config | None = None,
    ) -> tuple[str, Pending]:
        if session.finished:
            raise CaseLogError("a finished session is recorded, not abandoned", code="finished")
        if case_id is None:
            case_id = reference(session, config)
        transcript = session.transcript
        row = case_row(session, transcript, case_id, started_at, at)
        row.update(status="abandoned", abandoned_at=session.node.id)
        return case_id, pending_write(
            row, session, transcript, seconds, replaces, over_finished=False
        )

    def _write(self, pending: list[Pending]) -> None:
        """Write `pending` cases in one transaction.

        Raises:
            CaseLogError: the write failed (nothing of it is kept).
        """
        if not pending:
            return
        try:
            with self._engine.begin() as connection:
                apply_many(connection, pending)
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
        self.flush()  # this process reads what it wrote
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
        self.flush()
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


#: Every log opened in this process: a forked child gives each a pool of its own.
_OPEN: weakref.WeakSet[CaseLog] = weakref.WeakSet()


#: The engines forked children left to their parents, kept so that they are never
#: collected: closing an inherited SQLite connection would drop the parent's file locks.
_PARENTS: list[Engine] = []


def _forked() -> None:
    # Everything of the parent's engine is the parent's: its pooled connections, and the
    # locks of its pool and statement cache, which a thread of the parent may have held at
    # the fork and no thread of the child would ever release. The child opens an engine of
    # its own and leaves the old one, unclosed, to the parent.
    for log in list(_OPEN):
        _PARENTS.append(log._engine)
        log._engine = open_engine(log._url)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked)
