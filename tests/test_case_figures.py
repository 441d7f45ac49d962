"""The case log's figures on scripted sessions whose answers are known: self-service and
escalation rates, outcomes, priorities, drop-off and medians, overall and per tree,
version and language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from okpay_triage import CaseLog, Session, load_tree
from okpay_triage.cases.figures import case_figures

LOGIN = load_tree("login-failure")
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
#: A login case that ends escalated (yes, high): locked, unresolved, account typed.
ESCALATED = ["locked", "1", "2", "13812345678", "I don't remember", "I don't remember",
             "not sure", "I don't remember"]  # fmt: skip


def walked(answers: list[str], lang: str = "en") -> Session:
    session = Session.start(LOGIN, lang=lang)
    for answer in answers:
        session = session.answer(answer)
    return session


def scripted_log(url: str) -> CaseLog:
    """3 self-service fixes (one in Chinese), 1 escalation, 2 users who left at q_reset."""
    log = CaseLog(url)
    plan = [
        ("fix-1", ["forgot", "done"], "en", 20),
        ("fix-2", ["forgot", "done"], "en", 40),
        ("fix-zh", ["forgot", "done"], "zh", 30),
        ("esc-1", ESCALATED, "en", 300),
    ]
    for case_id, answers, lang, took in plan:
        log.record(
            walked(answers, lang),
            case_id=case_id,
            started_at=T0,
            finished_at=T0 + timedelta(seconds=took),
        )
    for n in range(2):
        log.abandoned(walked(["forgot"]), case_id=f"left-{n}", at=T0)
    return log


def test_figures_of_known_sessions(log_url: str) -> None:
    """Every figure, by hand: 6 cases, 3 fixed without contact, 1 escalated of 4 finished,
    2 left at q_reset of the 5 that reached it."""
    with scripted_log(log_url) as log:
        report = case_figures(log.read())
    all_ = report.overall
    assert (all_.cases, all_.finished, all_.abandoned) == (6, 4, 2)
    assert (all_.self_service, all_.self_service_rate) == (3, 0.5)
    assert (all_.escalated, all_.escalation_rate, all_.conditional) == (1, 0.25, 0)
    assert all_.outcomes == {
        "o_lock_unresolved": {"cases": 1, "escalate": "yes", "priority": "high"},
        "o_reset_done": {"cases": 3, "escalate": "no", "priority": "low"},
    }
    assert all_.priorities == {"high": 1, "low": 3}
    assert all_.drop_off == {"q_reset": {"reached": 5, "abandoned": 2}}
    assert all_.median_questions == 2  # 2, 2, 2, 7
    assert all_.median_seconds == 35  # 20, 30, 40, 300
    version = LOGIN.version
    assert sorted(report.groups) == [
        ("login-failure", version, "en"),
        ("login-failure", version, "zh"),
    ]
    zh = report.groups[("login-failure", version, "zh")]
    assert (zh.cases, zh.self_service_rate, zh.median_seconds) == (1, 1.0, 30)
    data = report.as_json()
    assert data["overall"]["self_service_rate"] == 0.5
    assert [g["lang"] for g in data["groups"]] == ["en", "zh"]


def test_no_cases_have_no_rates() -> None:
    """An empty log: counts of zero, and rates and medians that are not there (None)."""
    empty = case_figures([]).overall
    assert (empty.cases, empty.self_service_rate, empty.escalation_rate) == (0, None, None)
    assert (empty.median_questions, empty.median_seconds) == (None, None)


@given(st.lists(st.sampled_from(["fix", "esc", "left"]), max_size=12))
def test_counts_add_up(kinds: list[str]) -> None:
    """However the cases mix, finished + abandoned = cases, and self-service + escalated
    + conditional = finished (login-failure has no conditional outcome on these paths)."""
    from okpay_triage.cases.log import CaseLog as Log

    with Log("sqlite://") as log:  # in memory: one connection per log
        for n, kind in enumerate(kinds):
            if kind == "left":
                log.abandoned(walked(["forgot"]), case_id=str(n))
            else:
                log.record(walked(["forgot", "done"] if kind == "fix" else ESCALATED),
                           case_id=str(n))  # fmt: skip
        figures = case_figures(log.read()).overall
    assert figures.cases == len(kinds)
    assert figures.finished + figures.abandoned == figures.cases
    assert figures.self_service == kinds.count("fix")
    assert figures.escalated == kinds.count("esc")
    assert sum(o["cases"] for o in figures.outcomes.values()) == figures.finished
