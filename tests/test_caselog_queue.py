"""The case log's writer thread (`cases.writer`): a `Triage` subscriber queues its cases and
one thread writes them in batches. What must hold: a batch writes exactly what the same
cases written one by one would (any order of finished and abandoned reports of any ids),
nothing queued is lost to many threads at once, to `close`, to the interpreter's exit or to
a fork, and a case that cannot be written costs only itself. On SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import multiprocessing
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from okpay_triage import Session, load_tree
from okpay_triage.cases.events import Case, Event, Triage
from okpay_triage.cases.log import CaseLog
from okpay_triage.cases.schema import case_facts, case_steps, cases

LOGIN = load_tree("login-failure")
REFUND = load_tree("refund-denied")
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


def finished() -> Session:
    return Session.start(LOGIN).answer("forgot").answer("It worked and I can log in")


def left() -> Session:
    return Session.start(REFUND).answer("13812345678")


def tables(log: CaseLog) -> tuple[list[tuple[object, ...]], ...]:
    """The three tables' rows, without the time of writing, in a fixed order."""
    with log.engine.connect() as connection:
        rows = [
            tuple(v for k, v in row._mapping.items() if k != "recorded_at")
            for row in connection.execute(select(cases).order_by(cases.c.case_id))
        ]
        steps = sorted(tuple(r) for r in connection.execute(select(case_steps)))
        facts = sorted(tuple(r) for r in connection.execute(select(case_facts)))
    return rows, steps, facts


#: One report: (finished or abandoned, which of three case ids, minutes after T0).
reports = st.lists(
    st.tuples(st.booleans(), st.sampled_from(["a", "b", "c"]), st.integers(0, 600)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports, reports)
def test_a_batch_writes_what_the_same_cases_one_by_one_would(
    tmp_path_factory: pytest.TempPathFactory,
    before: list[tuple[bool, str, int]],
    sequence: list[tuple[bool, str, int]],
) -> None:
    """Finished and abandoned reports of the same ids in any order, over a log that already
    holds some of them: as one batch of the writer thread and as synchronous writes one by
    one, the same tables."""
    folder = tmp_path_factory.mktemp("batch")

    def events(of: list[tuple[bool, str, int]]) -> list[Event]:
        return [
            Event(
                "finished" if done else "abandoned",
                Case(
                    finished() if done else left(),
                    case_id=case_id,
                    started_at=T0,
                    seconds=(float(minute),) * 2,
                ),
                T0 + timedelta(minutes=minute),
            )
            for done, case_id, minute in of
        ]

    with CaseLog(folder / "one.db", queued=False) as one, CaseLog(folder / "many.db") as many:
        for event in events(before):
            one(event)
            many._write_events([event])
        for event in events(sequence):
            one(event)
        many._write_events(events(sequence))  # one batch, as the thread takes what queued
        assert tables(one) == tables(many)


def test_many_threads_queue_and_nothing_is_lost(log_url: str) -> None:
    """8 threads finishing 40 cases each through one queued log: after `flush`, all 320 are
    there once with their paths; `read` alone (which flushes) sees them all too."""
    with CaseLog(log_url) as log:
        triage = Triage(log)

        def chats(worker: int) -> None:
            for n in range(40):
                case = triage.start(LOGIN, case_id=f"t{worker}-{n}")
                triage.answer(triage.answer(case, "forgot"), "It worked and I can log in")

        threads = [threading.Thread(target=chats, args=(w,)) for w in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        found = log.read()
        assert sorted(c.case_id for c in found) == sorted(
            f"t{w}-{n}" for w in range(8) for n in range(40)
        )
        assert {len(c.path) for c in found} == {2}
        assert log.flush(timeout=0)  # nothing left queued


def test_close_writes_the_queue_and_the_log_can_be_used_again(tmp_path: Path) -> None:
    """`close` writes what is queued; a closed log queues and writes again when used."""
    log = CaseLog(tmp_path / "cases.db")
    triage = Triage(log)
    triage.answer(triage.answer(triage.start(LOGIN, case_id="one"), "forgot"), "done")
    log.close()
    with CaseLog(tmp_path / "cases.db", queued=False) as reader:
        assert [c.case_id for c in reader.read()] == ["one"]
    triage.answer(triage.answer(triage.start(LOGIN, case_id="two"), "forgot"), "done")
    assert [c.case_id for c in log.read()] == ["one", "two"]
    log.close()


def test_a_bad_case_in_a_batch_costs_only_itself(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A batch whose one case has a naive time: that case is a WARNING, the others are in."""
    naive = Event("finished", Case(finished(), case_id="bad"), datetime(2026, 12, 1, 9, 0))
    good = [Event("finished", Case(finished(), case_id=f"ok{n}"), T0) for n in range(3)]
    with caplog.at_level(logging.WARNING, logger="okpay_triage"), CaseLog(tmp_path / "c.db") as log:
        log._write_events([good[0], naive, *good[1:]])
        assert [c.case_id for c in log.read()] == ["ok0", "ok1", "ok2"]
    assert "case bad not recorded" in caplog.text


_EXITS_WITHOUT_CLOSE = """
import sys
from okpay_triage import load_tree
from okpay_triage.cases.events import Triage
from okpay_triage.cases.log import CaseLog
log = CaseLog(sys.argv[1])
triage = Triage(log)
login = load_tree("login-failure")
for n in range(25):
    triage.answer(triage.answer(triage.start(login, case_id=f"exit-{n}"), "forgot"), "done")
# no close, no flush: the interpreter's exit writes the queue
"""


def test_the_queue_is_written_when_the_program_exits(tmp_path: Path) -> None:
    """A program that never closes its log: its queued cases are written at exit."""
    where = tmp_path / "cases.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", _EXITS_WITHOUT_CLOSE, str(where)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    with CaseLog(where, queued=False) as log:
        assert sorted(c.case_id for c in log.read()) == sorted(f"exit-{n}" for n in range(25))


def _child(round_: int) -> None:
    log = CASELOG_BEFORE_FORK
    triage = Triage(log)
    triage.answer(triage.answer(triage.start(LOGIN, case_id=f"child-{round_}"), "forgot"), "done")
    log.close()


CASELOG_BEFORE_FORK: CaseLog


def test_a_forked_child_writes_its_own_cases(tmp_path: Path) -> None:
    """A log opened before a fork (a pre-forking server), forked while its thread is busy
    writing the parent's cases: the child neither inherits the parent's queue nor hangs
    on the parent's connections, and every case of both arrives once."""
    global CASELOG_BEFORE_FORK
    where = tmp_path / "cases.db"
    log = CASELOG_BEFORE_FORK = CaseLog(where)
    triage = Triage(log)
    context = multiprocessing.get_context("fork")
    for round_ in range(5):
        for n in range(30):  # the thread is writing these when the fork comes
            case = triage.start(LOGIN, case_id=f"parent-{round_}-{n}")
            triage.answer(triage.answer(case, "forgot"), "done")
        child = context.Process(target=_child, args=(round_,))
        child.start()
        child.join(timeout=60)
        if child.exitcode is None:
            child.kill()
        assert child.exitcode == 0, f"the child of round {round_} hung or failed"
    log.close()
    with CaseLog(where, queued=False) as reader:
        found = sorted(c.case_id for c in reader.read())
    assert found == sorted(
        [f"child-{r}" for r in range(5)] + [f"parent-{r}-{n}" for r in range(5) for n in range(30)]
    )


def test_a_writer_whose_write_raises_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    """A batch whose write raises (a bug, not a database error) is a WARNING; the thread
    lives on, so the next item is written and `flush` returns."""
    from okpay_triage.cases.writer import Writer

    written: list[int] = []

    def write(batch: list[int]) -> None:
        if 0 in batch:
            raise TypeError("a bug")
        written.extend(batch)

    writer: Writer[int] = Writer(write, "test writer")
    with caplog.at_level(logging.WARNING, logger="okpay_triage"):
        writer.put(0)
        assert writer.flush(timeout=30)
        writer.put(1)
        assert writer.flush(timeout=30)
    writer.stop()
    assert written == [1]
    assert "not written: TypeError" in caplog.text
