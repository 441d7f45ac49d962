"""`run`/`resume --log`: each case recorded once, finished or abandoned at its step, with
the session always saved first and a log that fails said in one line."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pexpect
from click.testing import CliRunner, Result

from okpay_triage import CaseLog, Session, load_tree
from okpay_triage.cli import cli
from okpay_triage.cli.caselog import Recorder

COMMAND = shutil.which("okpay-triage") or str(Path(sys.executable).parent / "okpay-triage")


def invoke(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, env=env)


def cases(where: Path) -> list[tuple[str, str | None, list[tuple[str, str | None]]]]:
    with CaseLog(where) as log:
        return [
            (c.status, c.outcome_id or c.abandoned_at, [(s.step_id, s.answer_id) for s in c.path])
            for c in log.read()
        ]


def test_a_scripted_run_records_its_finished_case(tmp_path: Path) -> None:
    """A run to its outcome: one finished case with its path, exit 0."""
    where = tmp_path / "cases.db"
    result = invoke("run", "login-failure", "--answer", "forgot", "--answer", "done",
                    "--log", str(where))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert cases(where) == [
        ("finished", "o_reset_done", [("q_symptom", "forgot"), ("q_reset", "done")])
    ]


def test_answers_running_out_is_abandoned_and_resume_counts_once(tmp_path: Path) -> None:
    """Answers ran out: saved, exit 3, recorded abandoned at its step; resumed to its end
    (log given by OKPAY_TRIAGE_LOG): the one case is now finished, its start kept."""
    where, save = tmp_path / "cases.db", tmp_path / "s.json"
    ran_out = invoke("run", "login-failure", "--answer", "forgot", "--save", str(save),
                     "--log", str(where), stdin="")  # fmt: skip
    assert ran_out.exit_code == 3
    assert cases(where) == [("abandoned", "q_reset", [("q_symptom", "forgot")])]
    with CaseLog(where) as log:
        [left] = log.read()
    done = invoke("resume", str(save), "--answer", "done", env={"OKPAY_TRIAGE_LOG": str(where)})
    assert done.exit_code == 0, done.output
    assert cases(where) == [
        ("finished", "o_reset_done", [("q_symptom", "forgot"), ("q_reset", "done")])
    ]
    with CaseLog(where) as log:
        [case] = log.read()
    assert case.started_at == left.started_at is not None
    # The step answered before the session was left keeps the time recorded then.
    assert left.path[0].seconds is not None
    assert case.path[0].seconds == left.path[0].seconds
    assert case.path[1].seconds is not None


def test_a_log_that_cannot_be_opened_stops_before_any_question(tmp_path: Path) -> None:
    """A wrong URL or a folder that is not there: exit 1, one line, nothing asked."""
    for url, said in (
        ("mysql://u@h/db", "a case log is a SQLite file or a PostgreSQL URL"),
        (str(tmp_path / "no" / "such" / "cases.db"), "could not open the case log sqlite:///"),
    ):
        result = invoke("run", "login-failure", "--log", url, stdin="forgot\n")
        assert result.exit_code == 1
        assert result.output.startswith(f"error: {said}")
        assert "What happens" not in result.output
        assert "Traceback" not in result.output


def test_a_log_that_fails_at_the_end_is_a_warning_not_a_lost_session(
    tmp_path: Path, capsys: object
) -> None:
    """The log's file turned into a folder mid-session: the abandon is a warning line and
    the command stops as it was stopping."""
    where = tmp_path / "cases.db"
    log = CaseLog(where)
    recorder = Recorder(log, None, resumed=False)
    recorder.seen(Session.start(load_tree("login-failure")).answer("forgot"))
    log.close()
    where.unlink()
    where.mkdir()
    recorder.abandoned()  # no exception: said instead
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert err.startswith("warning: the case was not recorded: could not write to the case log")


def spawn(*args: str) -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1"}
    return pexpect.spawn(COMMAND, list(args), encoding="utf-8", timeout=30, env=env)


def test_quit_and_ctrl_c_at_a_terminal_are_abandoned_cases(tmp_path: Path) -> None:
    """`q` (saved, exit 0) and Ctrl-C (exit 130) each leave one abandoned case at the step
    shown, timed from the question being shown to its answer."""
    where, save = tmp_path / "cases.db", tmp_path / "s.json"
    child = spawn("run", "login-failure", "--save", str(save), "--log", str(where))
    child.expect("> ")
    child.sendline("forgot")
    child.expect("> ")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert json.loads(save.read_text(encoding="utf-8"))["answers"][0]["answer"] == "forgot"
    child = spawn("run", "refund-denied", "--log", str(where))
    child.expect("> ")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert sorted(cases(where)) == [
        ("abandoned", "i_account", []),
        ("abandoned", "q_reset", [("q_symptom", "forgot")]),
    ]
    with CaseLog(where) as log:
        timed = [s.seconds for c in log.read() for s in c.path]
    assert timed[0] is not None
    assert timed[0] >= 0


def test_run_then_stats_gives_the_figures_of_known_sessions(tmp_path: Path) -> None:
    """`run ... --log cases.db` for scripted sessions whose answers are known, then
    `stats --log cases.db`: two identical runs are two cases, and every figure is right."""
    where = str(tmp_path / "cases.db")
    fixed = ("--answer", "forgot", "--answer", "done")
    for extra in (fixed, fixed, ("--lang", "zh", *fixed)):
        assert invoke("run", "login-failure", *extra, "--log", where).exit_code == 0
    assert invoke("run", "login-failure", "--answer", "forgot", "--log", where,
                  stdin="").exit_code == 3  # fmt: skip
    result = invoke("stats", "--log", where, "--json")
    assert result.exit_code == 0, result.output
    overall = json.loads(result.output)["overall"]
    assert (overall["cases"], overall["finished"], overall["abandoned"]) == (4, 3, 1)
    assert overall["self_service_rate"] == 0.75
    assert overall["escalation_rate"] == 0.0
    assert overall["drop_off"] == {"q_reset": {"reached": 4, "abandoned": 1}}
    assert overall["median_questions"] == 2
    table = invoke("stats", "--log", where)
    assert table.output.startswith("all cases: 4 cases, 3 finished, 1 abandoned\n")
    assert "self-service rate 75.0%" in table.output
    assert "q_reset                               4     1   25.0%" in table.output
    later = invoke("stats", "--log", where, "--since", "2099-01-01", "--json")
    assert json.loads(later.output)["overall"]["cases"] == 0
    bad = invoke("stats", "--log", where, "--since", "soon")
    assert (bad.exit_code, bad.output) == (
        2,
        "error: --since takes YYYY-MM-DD or an ISO time with its zone\n",
    )
