"""The case log's tables: one layout for SQLite and PostgreSQL, in SQLAlchemy Core.

A *case* is one session a deployment ran, recorded when it finished (it reached an outcome)
or when the host reported it abandoned (the user left at a step). Everything here is safe to
count and to show: no value in any table is a whole identifier or unmasked free text.

Tables (schema `VERSION` 2):

``cases``, one row per case, keyed by ``case_id``:
    ``case_id``      the host's id for the conversation, or the packet's case reference
                     (``OKP-7F3A9C2B41``) derived from the session: a retried write of the
                     same case replaces its row, never adds a second one.
    ``tree_id``, ``tree_version``, ``tree_hash``
                     the tree walked, from the session's plan (`CompiledTree.id`,
                     ``.version``, ``.hash``): figures are split by version, and the hash
                     tells two edits under one version apart.
    ``lang``         ``"en"`` or ``"zh"``.
    ``status``       ``"finished"`` (an outcome was reached) or ``"abandoned"``.
    ``outcome_id``   the outcome's step id; null when abandoned.
    ``escalate``     the outcome's escalation (``no``, ``if-unresolved``, ``yes``,
                     ``urgent``); null when abandoned. ``no`` is a self-service fix;
                     ``if-unresolved`` a fix to try first (`cases.figures` says how
                     each is counted).
    ``priority``     the packet's priority for it (``urgent``, ``high``, ``normal``,
                     ``low``; `packet.routing.PRIORITY`); null when abandoned.
    ``severity``     the outcome's severity (``low`` ... ``critical``); null when abandoned.
    ``started_at``   when the session started, UTC, timezone-aware; null when the host
                     did not know it (a session resumed from a file with no times).
    ``finished_at``  when it finished or was reported abandoned, UTC, timezone-aware.
    ``questions``    the steps the user answered (answers from context not counted).
    ``abandoned_at`` the step id the user left at; null when finished.
    ``recorded_at``  when this row was written, UTC (a rewrite moves it).

``case_steps``, the path, one row per answered step, keyed by (``case_id``, ``position``):
    ``position``     0, 1, ... in the order answered (back-tracked answers are not kept:
                     the path is the one that led to the end).
    ``step_id``      the question or input step.
    ``answer_id``    the option id chosen at a question; null at an input step (typed or
                     skipped): a typed value is never stored here.
    ``seconds``      time the user spent on the step (from it being shown to it being
                     answered), or null when not measured or answered from context.
    ``source``       ``"user"`` or ``"context"`` (a fact known up front answered it).

``case_facts``, the masked facts, keyed by (``case_id``, ``fact_id``):
    ``value``        the fact masked for its type (`session.values.mask`): money, times and
                     choices (option ids) as kept; an account, phone, email, transaction id
                     or order number masked (``138****5678``, ``****4821``); free text to
                     ``****`` and its last four letters.

``schema_version``, a single row: the ``version`` of this layout the database holds and
    when it was upgraded to it. `cases.log` creates the tables at `VERSION` or upgrades an
    older database in place, one step at a time.

History: version 1 had no ``severity`` in ``cases`` and no ``seconds`` in ``case_steps``;
version 2 adds both (nullable), so a version-1 log upgrades without rewriting a row.

Times are stored as ``DateTime(timezone=True)``: ``TIMESTAMP WITH TIME ZONE`` on PostgreSQL;
SQLite has no zone type, so `cases.log` writes and reads them as UTC.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

__all__ = ["VERSION", "case_facts", "case_steps", "cases", "metadata", "schema_version"]

#: The layout these tables describe; `cases.log` upgrades an older database to it.
VERSION = 2

metadata = MetaData()

cases = Table(
    "cases",
    metadata,
    Column("case_id", String(100), primary_key=True),
    Column("tree_id", String(64), nullable=False),
    Column("tree_version", String(40), nullable=False),
    Column("tree_hash", String(64), nullable=False),
    Column("lang", String(2), nullable=False),
    Column("status", String(10), nullable=False),
    Column("outcome_id", String(64)),
    Column("escalate", String(16)),
    Column("priority", String(8)),
    Column("severity", String(8)),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("questions", Integer, nullable=False),
    Column("abandoned_at", String(64)),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)
Index("cases_by_tree", cases.c.tree_id, cases.c.finished_at)

case_steps = Table(
    "case_steps",
    metadata,
    Column(
        "case_id",
        String(100),
        ForeignKey("cases.case_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("position", Integer, primary_key=True),
    Column("step_id", String(64), nullable=False),
    Column("answer_id", String(64)),
    Column("seconds", Float),
    Column("source", String(8), nullable=False),
)

case_facts = Table(
    "case_facts",
    metadata,
    Column(
        "case_id",
        String(100),
        ForeignKey("cases.case_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("fact_id", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, nullable=False),
    Column("upgraded_at", DateTime(timezone=True), nullable=False),
)
