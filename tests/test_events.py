"""Session events and the library's logging: what a host's subscribers hear, in which
order and with which times; that a case survives JSON between requests; that a failing
subscriber never stops a session; that the case log, as a subscriber, records cases on both
databases; and that nothing personal reaches a log record, even at DEBUG."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okpay_triage import AnswerError, Session, SessionError, load_tree
from okpay_triage.cases.events import Case, Event, Triage
from okpay_triage.cases.log import CaseLog
from okpay_triage.logs import LOGGER

LOGIN = load_tree("login-failure")
REFUND = load_tree("refund-denied")
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves: each call returns the time it was set to."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def wait(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def heard(triage: Triage) -> list[Event]:
    events: list[Event] = []
    triage.subscribe(events.append)
    return events


class TestEvents:
    def test_a_walk_is_heard_in_order_with_the_time_on_each_step(self) -> None:
        """started, answered per answer (with its seconds), finished; the case keeps the
        seconds by position and its start time."""
        clock = Clock()
        triage = Triage(clock=clock)
        events = heard(triage)
        case = triage.start(LOGIN)
        clock.wait(5)
        case = triage.answer(case, "forgot")
        clock.wait(12.5)
        case = triage.answer(case, "It worked and I can log in")
        assert [(e.kind, e.step_id, e.seconds) for e in events] == [
            ("started", "q_symptom", None),
            ("answered", "q_symptom", 5.0),
            ("answered", "q_reset", 12.5),
            ("finished", "o_reset_done", None),
        ]
        assert case.seconds == (5.0, 12.5)
        assert case.started_at == T0
        assert case.case_id is not None
        assert case.case_id.startswith("c-")
        assert {e.case.case_id for e in events} == {case.case_id}

    def test_a_refused_answer_is_heard_and_raised_the_case_unchanged(self) -> None:
        """refused carries the step and the error's code, never the text typed."""
        triage = Triage()
        events = heard(triage)
        case = triage.start(LOGIN)
        with pytest.raises(AnswerError):
            triage.answer(case, "4111 1111 1111 1111")
        refused = events[-1]
        assert (refused.kind, refused.step_id, refused.code) == (
            "refused",
            "q_symptom",
            "no-such-option",
        )
        assert refused.case is case

    def test_going_back_drops_the_undone_step_time(self) -> None:
        """went-back names the step shown again; its earlier time is forgotten."""
        clock = Clock()
        triage = Triage(clock=clock)
        events = heard(triage)
        case = triage.answer(triage.start(LOGIN), "forgot")
        case = triage.back(case)
        assert (events[-1].kind, events[-1].step_id) == ("went-back", "q_symptom")
        assert case.seconds == ()
        clock.wait(3)
        assert triage.answer(case, "locked").seconds == (3.0,)

    def test_packet_and_abandon_are_heard(self) -> None:
        """packet-built after a packet is made; abandoned only for an unfinished case."""
        triage = Triage()
        events = heard(triage)
        left = triage.answer(triage.start(LOGIN), "forgot")
        triage.abandon(left)
        assert (events[-1].kind, events[-1].step_id) == ("abandoned", "q_reset")
        done = triage.answer(left, "It worked and I can log in")
        triage.abandon(done)
        triage.packet(done)
        assert [e.kind for e in events][-2:] == ["finished", "packet-built"]

    def test_a_failing_subscriber_never_stops_the_session(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """The next subscriber still hears it, the case moves on, a WARNING says which."""

        def broken(event: Event) -> None:
            raise RuntimeError("13812345678 in a message")

        triage = Triage(broken)
        events = heard(triage)
        with caplog.at_level(logging.WARNING, logger="okpay_triage"):
            case = triage.answer(triage.start(LOGIN), "forgot")
        assert case.session.node.id == "q_reset"
        assert [e.kind for e in events] == ["started", "answered"]
        assert "broken failed on answered" in caplog.text
        assert "13812345678" not in caplog.text


class TestCaseJson:
    def test_a_case_comes_back_from_json_as_it_was(self) -> None:
        """Id, times and session all survive `to_json`/`from_json`."""
        clock = Clock()
        triage = Triage(clock=clock)
        case = triage.start(LOGIN)
        clock.wait(2)
        case = triage.answer(case, "forgot")
        back = Case.from_json(case.to_json())
        assert back.session == case.session
        assert (back.case_id, back.started_at, back.shown_at, back.seconds) == (
            case.case_id,
            T0,
            T0 + timedelta(seconds=2),
            (2.0,),
        )

    def test_a_plain_saved_session_is_a_case_without_times(self) -> None:
        """A session saved before cases had times resumes, its times unknown."""
        session = Session.start(LOGIN).answer("forgot")
        case = Case.from_json(session.to_json())
        assert case.session == session
        assert (case.case_id, case.started_at, case.seconds) == (None, None, ())

    @given(
        field=st.sampled_from(["case_id", "started_at", "shown_at", "seconds", "version"]),
        value=st.one_of(
            st.none(),
            st.booleans(),
            st.integers(-5, 5),
            st.text(max_size=50),
            st.lists(st.one_of(st.text(max_size=3), st.floats(), st.booleans()), max_size=3),
        ),
    )
    def test_a_damaged_case_is_refused_or_kept_clean(self, field: str, value: object) -> None:
        """Any value edited into a case's fields is refused with SessionError, or read as a
        valid id, aware time or list of non-negative seconds."""
        data = json.loads(Triage().start(LOGIN).to_json())
        data[field] = value
        try:
            case = Case.from_json(json.dumps(data))
        except SessionError as error:
            code = error.code
        else:
            code = "read"
        assert code in ("damaged", "read")
        if code == "damaged":
            return
        assert case.case_id is None or 0 < len(case.case_id) <= 100
        for moment in (case.started_at, case.shown_at):
            assert moment is None or moment.utcoffset() == timedelta(0)
        assert all(s is None or s >= 0 for s in case.seconds)


def test_the_case_log_records_a_conversation_across_requests(log_url: str) -> None:
    """A stateless backend: each request restores the case from JSON, answers and saves;
    the case log, a subscriber, records it finished with its times; an abandoned one too."""
    clock = Clock()
    with CaseLog(log_url) as log:
        triage = Triage(log, clock=clock)
        state = triage.start(LOGIN, case_id="chat-1").to_json()
        for answer, wait in (("forgot", 4.0), ("It worked and I can log in", 6.0)):
            clock.wait(wait)
            state = triage.answer(Case.from_json(state), answer).to_json()
        left = triage.answer(triage.start(REFUND, case_id="chat-2"), "13812345678")
        clock.wait(60)
        triage.abandon(Case.from_json(left.to_json()))
        done, abandoned = sorted(log.read(), key=lambda c: c.case_id)
    assert (done.case_id, done.status, done.outcome_id) == ("chat-1", "finished", "o_reset_done")
    assert done.started_at == T0
    assert done.finished_at == T0 + timedelta(seconds=10)
    assert [s.seconds for s in done.path] == [4.0, 6.0]
    assert (abandoned.status, abandoned.abandoned_at) == ("abandoned", "q_situation")
    assert abandoned.facts["account"] == "138****5678"


@pytest.mark.parametrize("queued", [True, False], ids=["queued", "synchronous"])
def test_a_case_log_that_fails_is_a_warning_not_a_lost_session(
    tmp_path: object, caplog: pytest.LogCaptureFixture, queued: bool
) -> None:
    """A log whose database went away: the session goes on, a WARNING gives the reason
    (from the writer thread when queued, once the queue is flushed)."""
    from pathlib import Path

    where = Path(str(tmp_path)) / "cases.db"
    log = CaseLog(where, queued=queued)
    where.unlink()
    where.mkdir()  # the file is now a folder: no write can succeed
    log.close()
    triage = Triage(log)
    with caplog.at_level(logging.WARNING, logger="okpay_triage"):
        case = triage.answer(triage.answer(triage.start(LOGIN), "forgot"), "done")
        assert log.flush(timeout=30)
    assert case.session.finished
    assert caplog.text.count("not recorded: could not write to the case log") == 1


def test_nothing_personal_reaches_a_log_record_at_debug(
    tmp_path: object, caplog: pytest.LogCaptureFixture
) -> None:
    """A whole walk with a phone, a card number in free text and a refused card number,
    logged at DEBUG and recorded: no record holds any of them, whole or as typed."""
    from pathlib import Path

    typed = {
        "account": "13812345678",
        "text": "card 4111 1111 1111 1111 call 13912345678",
        "money": "100",
        "datetime": "2026-11-30 15:00",
    }
    with CaseLog(Path(str(tmp_path)) / "cases.db") as log:
        triage = Triage(log)
        with caplog.at_level(logging.DEBUG, logger="okpay_triage"):
            case = triage.start(REFUND)
            plan = case.session.plan
            with pytest.raises(AnswerError):
                triage.answer(triage.answer(case, "13812345678"), "4111111111111111")
            while not case.session.finished:
                spec = plan.steps[case.session.node.id]
                kind = plan.facts[spec.fact].type if spec.fact else "choice"
                case = triage.answer(case, 1 if spec.kind == "question" else typed[kind])
            triage.packet(case)
            log.flush()  # the writer thread's records, while DEBUG is on
    records = caplog.records
    assert {r.levelno for r in records} >= {logging.DEBUG, logging.INFO}
    said = "\n".join(r.getMessage() for r in records)
    for secret in ("13812345678", "4111", "13912345678", "1111 1111", "138****"):
        assert secret not in said
    assert all(r.name == "okpay_triage" for r in records)


def test_the_library_logger_is_silent_unless_configured() -> None:
    """One named logger with a NullHandler: a program that sets up no logging sees nothing."""
    assert LOGGER.name == "okpay_triage"
    assert any(isinstance(h, logging.NullHandler) for h in LOGGER.handlers)
