"""The case log on both databases: what a case row holds, that a retry counts once, that
nothing personal is stored whole, that an old log is upgraded in place, and that writers in
several processes at once lose nothing. Every test runs on SQLite and on a real PostgreSQL
server (`log_url` in conftest)."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, select, text

from okpay_triage import Session, bundled_tree_ids, load_tree
from okpay_triage.cases.log import CaseLog, log_url
from okpay_triage.cases.schema import VERSION, case_facts, case_steps, cases
from okpay_triage.errors import CaseLogError
from okpay_triage.session.values import mask
from okpay_triage.testing.walks import sessions
from okpay_triage.tree.plan import compile_tree

LOGIN = load_tree("login-failure")
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def reset_done() -> Session:
    return Session.start(LOGIN).answer("forgot").answer("It worked and I can log in")


def every_value(log: CaseLog) -> str:
    """Every value in the log's three tables, as one text to search."""
    with log.engine.connect() as connection:
        rows = [
            *connection.execute(select(cases)),
            *connection.execute(select(case_steps)),
            *connection.execute(select(case_facts)),
        ]
    return "\n".join(str(value) for row in rows for value in row)


class TestRecord:
    def test_a_finished_case_has_its_tree_path_outcome_and_times(self, log_url: str) -> None:
        """A case row holds the plan's id/version/hash, the outcome with escalation and
        priority, the path as option ids, and the seconds given per step."""
        session = reset_done()
        with CaseLog(log_url) as log:
            case_id = log.record(
                session,
                started_at=T0,
                finished_at=T0 + timedelta(seconds=9),
                seconds=[4.5, 3.25],
            )
            [case] = log.read()
        assert case.case_id == case_id
        assert case_id.startswith("OKP-")
        plan = session.plan
        assert (case.tree_id, case.tree_version, case.tree_hash) == (
            plan.id,
            plan.version,
            plan.hash,
        )
        assert (case.status, case.outcome_id, case.escalate) == ("finished", "o_reset_done", "no")
        assert (case.priority, case.severity, case.lang) == ("low", "low", "en")
        assert case.started_at == T0
        assert case.finished_at == T0 + timedelta(seconds=9)
        assert case.questions == 2
        assert [(s.step_id, s.answer_id, s.seconds, s.source) for s in case.path] == [
            ("q_symptom", "forgot", 4.5, "user"),
            ("q_reset", "done", 3.25, "user"),
        ]
        assert case.facts == {"login_symptom": "forgot"}

    def test_a_retried_write_counts_once(self, log_url: str) -> None:
        """Writing the same case again replaces it: one row, one path."""
        session = reset_done()
        with CaseLog(log_url) as log:
            first = log.record(session, seconds=[1.0, 1.0])
            again = log.record(session, seconds=[2.0, 2.0])
            assert first == again
            [case] = log.read()
        assert [s.seconds for s in case.path] == [2.0, 2.0]

    def test_an_abandoned_case_is_kept_at_its_step(self, log_url: str) -> None:
        """An abandoned case has no outcome and names the step the user left at."""
        left = Session.start(LOGIN).answer("forgot")
        with CaseLog(log_url) as log:
            log.abandoned(left, case_id="chat-41", at=T0)
            [case] = log.read()
        assert (case.case_id, case.status, case.abandoned_at) == ("chat-41", "abandoned", "q_reset")
        assert (case.outcome_id, case.escalate, case.priority) == (None, None, None)
        assert case.finished_at == T0
        assert case.questions == 1

    def test_a_late_abandon_never_overwrites_a_finished_case(self, log_url: str) -> None:
        """A host's abandon report for a case that has since finished changes nothing."""
        with CaseLog(log_url) as log:
            log.record(reset_done(), case_id="chat-7")
            log.abandoned(Session.start(LOGIN).answer("forgot"), case_id="chat-7")
            [case] = log.read()
        assert case.status == "finished"
        assert len(case.path) == 2

    def test_a_resumed_case_replaces_its_abandoned_record(self, log_url: str) -> None:
        """A session recorded abandoned, resumed and finished counts once, as finished."""
        left = Session.start(LOGIN).answer("forgot")
        with CaseLog(log_url) as log:
            earlier = log.abandoned(left)
            log.record(left.answer("It worked and I can log in"), replaces=earlier)
            assert [c.status for c in log.read()] == ["finished"]

    def test_a_typed_input_keeps_no_value_in_the_path(self, log_url: str) -> None:
        """At an input step the path has no answer id: the typed value is never stored."""
        session = Session.start(load_tree("refund-denied")).answer("13812345678")
        with CaseLog(log_url) as log:
            log.abandoned(session)
            [case] = log.read()
            stored = every_value(log)
        assert case.path[0].step_id == "i_account"
        assert case.path[0].answer_id is None
        assert case.facts["account"] == "138****5678"
        assert "13812345678" not in stored

    def test_filters_by_tree_and_time(self, log_url: str) -> None:
        """`read` keeps the cases of one tree, finished in [since, until)."""
        with CaseLog(log_url) as log:
            log.record(reset_done(), case_id="a", finished_at=T0)
            log.record(reset_done(), case_id="b", finished_at=T0 + timedelta(days=1))
            left = Session.start(load_tree("refund-denied"))
            log.abandoned(left, case_id="c", at=T0)
            assert [c.case_id for c in log.read(tree="login-failure")] == ["a", "b"]
            assert [c.case_id for c in log.read(since=T0 + timedelta(hours=1))] == ["b"]
            assert [c.case_id for c in log.read(until=T0 + timedelta(hours=1))] == ["a", "c"]

    def test_what_cannot_be_recorded_is_refused(self, log_url: str) -> None:
        """An unfinished session is not recorded as finished, nor a naive time kept."""
        with CaseLog(log_url) as log:
            with pytest.raises(CaseLogError) as unfinished:
                log.record(Session.start(LOGIN))
            assert unfinished.value.code == "unfinished"
            with pytest.raises(CaseLogError) as finished:
                log.abandoned(reset_done())
            assert finished.value.code == "finished"
            with pytest.raises(CaseLogError) as naive:
                log.record(reset_done(), started_at=datetime(2026, 12, 1, 9))
            assert naive.value.code == "naive-time"
            assert log.read() == []


PLANS = [compile_tree(load_tree(tree_id)) for tree_id in bundled_tree_ids()]


@st.composite
def any_session(draw: st.DrawFn) -> Session:
    return draw(sessions(draw(st.sampled_from(PLANS))))


class TestPrivacy:
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(session=any_session())
    def test_no_whole_identifier_or_free_text_is_stored(
        self, log_url: str, session: Session
    ) -> None:
        """Walks of every bundled tree, with typed accounts, ids and free text: no value kept
        whole for support, and no free text longer than its masked tail, is in the log."""
        with CaseLog(log_url) as log:
            case_id = log.record(session) if session.finished else log.abandoned(session)
            stored = every_value(log)
            [case] = [c for c in log.read() if c.case_id == case_id]
        specs = session.plan.facts
        for key, value in session.facts.items():
            spec = specs[key]
            assert case.facts[key] == mask(spec.type, value)
            if spec.type in ("money", "datetime", "choice"):
                continue  # what the figures count: no personal data in them
            assert len(case.facts[key].replace("*", "")) <= len(value)
            if len(value) > 8 and "***" not in value:
                assert value not in stored
        typed = {
            e.node_id for e in session.transcript if session.plan.steps[e.node_id].kind == "input"
        }
        assert all(s.answer_id is None for s in case.path if s.step_id in typed)


class TestSchema:
    def test_a_new_log_is_at_the_current_version(self, log_url: str) -> None:
        """Opening an empty database creates the tables at `schema.VERSION`."""
        with CaseLog(log_url) as log:
            assert log.schema_version() == VERSION

    def test_a_version_1_log_is_upgraded_in_place(self, log_url: str) -> None:
        """A log made by version 1 (no severity, no seconds) gains both columns and keeps
        its cases; the upgrade runs once."""
        engine = create_engine(log_url_of(log_url))
        with engine.begin() as connection:
            for statement in V1_SCHEMA:
                connection.execute(text(statement))
        engine.dispose()
        with CaseLog(log_url) as log:
            assert log.schema_version() == 2
            [old] = log.read()
            assert (old.case_id, old.outcome_id, old.severity) == ("v1-case", "o_reset_done", None)
            assert [(s.step_id, s.seconds) for s in old.path] == [("q_symptom", None)]
            log.record(reset_done(), case_id="v2-case", seconds=[1.0, 2.0])
        with CaseLog(log_url) as again:  # opening an upgraded log changes nothing
            assert again.schema_version() == 2
            assert [c.case_id for c in again.read()] == ["v1-case", "v2-case"]
            assert again.read()[1].severity == "low"

    def test_a_newer_log_is_refused(self, log_url: str) -> None:
        """A log at a version this okpay-triage does not know is not written to."""
        CaseLog(log_url).close()
        engine = create_engine(log_url_of(log_url))
        with engine.begin() as connection:
            connection.execute(text("UPDATE schema_version SET version = 99"))
        engine.dispose()
        with pytest.raises(CaseLogError, match="schema version 99") as refused:
            CaseLog(log_url)
        assert refused.value.code == "newer-schema"


def log_url_of(url: str) -> str:
    return log_url(url)


#: The version-1 layout, as that release created it.
V1_SCHEMA = [
    """CREATE TABLE cases (
        case_id VARCHAR(100) NOT NULL PRIMARY KEY, tree_id VARCHAR(64) NOT NULL,
        tree_version VARCHAR(40) NOT NULL, tree_hash VARCHAR(64) NOT NULL,
        lang VARCHAR(2) NOT NULL, status VARCHAR(10) NOT NULL, outcome_id VARCHAR(64),
        escalate VARCHAR(16), priority VARCHAR(8), started_at TIMESTAMP WITH TIME ZONE,
        finished_at TIMESTAMP WITH TIME ZONE NOT NULL, questions INTEGER NOT NULL,
        abandoned_at VARCHAR(64), recorded_at TIMESTAMP WITH TIME ZONE NOT NULL)""",
    "CREATE INDEX cases_by_tree ON cases (tree_id, finished_at)",
    """CREATE TABLE case_steps (
        case_id VARCHAR(100) NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
        position INTEGER NOT NULL, step_id VARCHAR(64) NOT NULL, answer_id VARCHAR(64),
        source VARCHAR(8) NOT NULL, PRIMARY KEY (case_id, position))""",
    """CREATE TABLE case_facts (
        case_id VARCHAR(100) NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
        fact_id VARCHAR(64) NOT NULL, value TEXT NOT NULL, PRIMARY KEY (case_id, fact_id))""",
    """CREATE TABLE schema_version (
        version INTEGER NOT NULL, upgraded_at TIMESTAMP WITH TIME ZONE NOT NULL)""",
    "INSERT INTO schema_version VALUES (1, '2026-11-01 00:00:00+00:00')",
    """INSERT INTO cases VALUES ('v1-case', 'login-failure', '2.0', 'sha256:x', 'en',
        'finished', 'o_reset_done', 'no', 'low', NULL, '2026-11-02 10:00:00+00:00', 1, NULL,
        '2026-11-02 10:00:00+00:00')""",
    "INSERT INTO case_steps VALUES ('v1-case', 0, 'q_symptom', 'forgot', 'user')",
]


class TestOpening:
    def test_an_unsupported_url_is_refused(self) -> None:
        """A URL of another database is refused with what the log can be."""
        with pytest.raises(CaseLogError, match="SQLite file or a PostgreSQL URL") as refused:
            CaseLog("mysql://user@localhost/cases")
        assert refused.value.code == "bad-url"

    def test_an_unreachable_server_is_one_line_without_the_password(self) -> None:
        """A server that is not there: one line naming the log, the password hidden."""
        with pytest.raises(CaseLogError) as failed:
            CaseLog("postgresql://triage:s3cret-pw@127.0.0.1:9/cases?connect_timeout=2")
        message = str(failed.value)
        assert "s3cret-pw" not in message
        assert message.startswith("could not open the case log postgresql+psycopg://triage:***@")
        assert "\n" not in message

    def test_a_path_is_a_sqlite_file(self, tmp_path: object) -> None:
        """A plain path is a SQLite file, made absolute."""
        assert log_url("cases.db").startswith("sqlite:////")
        assert log_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


# ------------------------------------------------------------------ several writers

WRITERS = 4
CASES_EACH = 50


def write_cases(url: str, writer: int) -> None:
    """One writer process: its own log, CASES_EACH finished cases, some written twice."""
    session = reset_done()
    with CaseLog(url) as log:
        for n in range(CASES_EACH):
            log.record(session, case_id=f"w{writer}-{n}", seconds=[float(writer), float(n)])
            if n % 10 == 0:  # a retry: counted once
                log.record(session, case_id=f"w{writer}-{n}", seconds=[float(writer), float(n)])


def test_writers_in_several_processes_lose_nothing(log_url: str) -> None:
    """4 processes x 50 cases at once, the log created by whichever comes first: every case
    is there once, with its whole path."""
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=write_cases, args=(log_url, w)) for w in range(WRITERS)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=300)
    assert [p.exitcode for p in writers] == [0] * WRITERS
    with CaseLog(log_url) as log:
        found = log.read()
    assert sorted(c.case_id for c in found) == sorted(
        f"w{w}-{n}" for w in range(WRITERS) for n in range(CASES_EACH)
    )
    for case in found:
        writer, n = case.case_id[1:].split("-")
        assert [s.seconds for s in case.path] == [float(writer), float(n)]
