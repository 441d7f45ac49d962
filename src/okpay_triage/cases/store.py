"""Opening a case log's database: URLs, engines, the schema's versions, stored times.

`open_engine` makes the SQLAlchemy engine for a log URL (`log_url`): SQLite in WAL mode with
a busy timeout, taking its write lock when a transaction begins (``BEGIN IMMEDIATE``), so
writers in several processes queue instead of failing on a lock upgrade; PostgreSQL through
psycopg 3. `upgrade` creates the tables of `cases.schema` or brings an older log to its
`VERSION` in place, one step at a time, under a lock (an advisory lock on PostgreSQL, the
write lock on SQLite). Times go in as UTC and come out aware (`stored_time`, `read_time`):
SQLite has no zone type and keeps the UTC wall time.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, insert, inspect, select
from sqlalchemy import exc as sql_errors
from sqlalchemy.engine import make_url

from okpay_triage.errors import CaseLogError

from .schema import VERSION, metadata, schema_version

__all__ = [
    "BUSY_TIMEOUT",
    "failed",
    "log_url",
    "now_utc",
    "open_engine",
    "read_time",
    "stored_time",
    "upgrade",
    "version_of",
]

#: How long a SQLite writer waits for another's lock before giving up, in seconds.
BUSY_TIMEOUT = 30.0
#: A number only okpay-triage takes as a PostgreSQL advisory lock: schema creation/upgrade.
SCHEMA_LOCK = 0x0C45E106


def log_url(where: str | os.PathLike[str]) -> str:
    """The SQLAlchemy URL of a log given as a path or URL: a plain path (``cases.db``) is a
    SQLite file; ``postgresql://`` means psycopg 3.

    Raises:
        CaseLogError: the URL names a database the case log does not support.
    """
    text = os.fspath(where)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().absolute()}"
    scheme = text.partition("://")[0]
    if scheme in ("postgresql", "postgres"):
        return "postgresql+psycopg://" + text.partition("://")[2]
    if scheme in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        return text
    raise CaseLogError(
        f"a case log is a SQLite file or a PostgreSQL URL (postgresql://...), not {scheme}://",
        code="bad-url",
    )


# ---------------------------------------------------------------------- schema versions


def upgrade(connection: Connection) -> int:
    """Create the tables, or upgrade an older log to `cases.schema.VERSION` in place, in the
    caller's transaction; return the version found before (0: a new log).

    Raises:
        CaseLogError: the log was made by a newer okpay-triage (its version is higher).
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
    found = version_of(connection)
    if found is None:
        if inspect(connection).has_table("cases"):
            raise CaseLogError(
                "the database has a cases table that the case log did not make", code="foreign"
            )
        metadata.create_all(connection)
        connection.execute(insert(schema_version), {"version": VERSION, "upgraded_at": now_utc()})
        return 0
    if found > VERSION:
        raise CaseLogError(
            f"the case log is at schema version {found}, newer than this okpay-triage "
            f"understands ({VERSION}): upgrade okpay-triage",
            code="newer-schema",
        )
    for step in range(found, VERSION):
        _UPGRADES[step](connection)
    if found < VERSION:
        connection.execute(schema_version.update().values(version=VERSION, upgraded_at=now_utc()))
    return found


def version_of(connection: Connection) -> int | None:
    if not inspect(connection).has_table("schema_version"):
        return None
    value = connection.execute(select(schema_version.c.version)).scalar()
    return None if value is None else int(value)


def _one_to_two(connection: Connection) -> None:
    """Version 2 adds the outcome's severity and the seconds spent on each step."""
    from sqlalchemy import Float, String

    dialect = connection.dialect
    connection.exec_driver_sql(
        f"ALTER TABLE cases ADD COLUMN severity {String(8).compile(dialect=dialect)}"
    )
    connection.exec_driver_sql(
        f"ALTER TABLE case_steps ADD COLUMN seconds {Float().compile(dialect=dialect)}"
    )


#: From version N to N + 1, by N.
_UPGRADES = {1: _one_to_two}


def open_engine(url: str) -> Engine:
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT})
            event.listen(engine, "connect", _sqlite_connected)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except (sql_errors.SQLAlchemyError, ImportError, ValueError) as error:
        raise failed("open", make_url(url).render_as_string(), error) from None


def _sqlite_connected(connection: Any, _record: object) -> None:
    # pysqlite's own transaction handling would begin lazily, as a reader; `_sqlite_begin`
    # begins every transaction itself, taking the write lock at once.
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode a commit at NORMAL is safe against a crash of the program; only a power
    # loss may undo the last commits (SQLite's own advice for WAL). FULL would fsync each
    # case, a few milliseconds on many disks.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def now_utc() -> datetime:
    return datetime.now(UTC)


def stored_time(moment: datetime) -> datetime:
    """An aware time in UTC, as both databases store it (SQLite keeps the wall time)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CaseLogError("case log times must be timezone-aware", code="naive-time")
    return moment.astimezone(UTC)


def read_time(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def failed(doing: str, url: str, error: BaseException) -> CaseLogError:
    """A database error as one line: what failed and why, without the SQL or its values."""
    reason = getattr(error, "orig", None) or error
    text = str(reason).strip().splitlines()[0] if str(reason).strip() else type(reason).__name__
    return CaseLogError(f"could not {doing} the case log {url}: {text}", code="database")
