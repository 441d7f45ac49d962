"""Crash safety: however the command line is stopped, the saved session is never lost or torn.

Real processes, real signals: `okpay-triage run --save` is fed answers slowly and interrupted
with SIGINT at random moments (a fixed handful, so runs repeat), on a pipe and on a terminal;
then the saved file must load and `resume` must finish the session. Saves that fail (a full
disk, simulated in the child process) must leave the previous file intact and say why.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from okpay_triage import Session, load_tree

COMMAND = shutil.which("okpay-triage") or str(Path(sys.executable).parent / "okpay-triage")
ENV = {**os.environ, "NO_COLOR": "1"}
# A long walk of login-failure: ten answers, three of them typed facts, to o_rate_limited.
WALK = [
    "other",
    "yes",
    "yes",
    "no",
    "yes",
    "fails",
    "restricted",
    "bob@example.org",
    "2026-11-21 08:00 +08:00",
    "Too many attempts, try again later",
]
# Runs the command with os.fsync failing (disk full) on the save numbers listed in
# OKPAY_TEST_FULL_DISK (1-based, comma-separated); every other save works.
FULL_DISK = """
import errno, os, sys
failing = {int(n) for n in os.environ["OKPAY_TEST_FULL_DISK"].split(",")}
real_fsync, saves = os.fsync, 0
def fsync(fd):
    global saves
    saves += 1
    if saves in failing:
        raise OSError(errno.ENOSPC, "No space left on device")
    real_fsync(fd)
os.fsync = fsync
from okpay_triage.cli import main
main(sys.argv[1:])
"""


def _wait_for(path: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} was never written"
        time.sleep(0.01)


def _user_answers(save: Path) -> list[str]:
    """The answers saved in `save` (option ids and kept values), in order."""
    saved = json.loads(save.read_text(encoding="utf-8"))
    return [a["answer"] for a in saved["answers"] if a["source"] == "user"]


def _walked(count: int) -> list[str]:
    """What the first `count` answers of WALK are saved as."""
    session = Session.start(load_tree("login-failure"))
    for answer in WALK[:count]:
        session = session.answer(answer)
    return [e.answer or "" for e in session.transcript]


def _assert_resumes(save: Path) -> None:
    """The file loads as a session, and `resume` finishes the walk from where it stopped."""
    session = Session.from_json(save.read_text(encoding="utf-8"))
    done = len([e for e in session.transcript if e.source == "user"])
    rest = "".join(f"{answer}\n" for answer in WALK[done:])
    resumed = subprocess.run(
        [COMMAND, "resume", str(save)],
        input=rest,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
        check=False,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "Traceback" not in resumed.stderr
    assert Session.from_json(save.read_text(encoding="utf-8")).finished


def _no_temporary_files(folder: Path) -> None:
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


class TestInterrupted:
    """SIGINT at any moment leaves a session file that loads and resumes."""

    @pytest.mark.parametrize("seed", range(5))
    def test_sigint_on_a_pipe(self, tmp_path: Path, seed: int) -> None:
        """Answers piped in slowly, SIGINT at a random moment: exit 130, the file resumes."""
        rng = random.Random(seed)
        save = tmp_path / "session.json"
        child = subprocess.Popen(
            [COMMAND, "run", "login-failure", "--save", str(save)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        assert child.stdin is not None
        _wait_for(save)
        fed = rng.randrange(len(WALK))
        for answer in WALK[:fed]:
            child.stdin.write(answer + "\n")
            child.stdin.flush()
            time.sleep(rng.uniform(0, 0.03))
        time.sleep(rng.uniform(0, 0.02))
        child.send_signal(signal.SIGINT)
        _, errors = child.communicate(timeout=30)
        assert child.returncode == 130, errors
        assert "Traceback" not in errors
        saved = _user_answers(save)
        assert saved == _walked(len(saved))  # every answer saved, in order, none torn
        assert len(saved) <= fed  # the last ones fed may not have been read yet
        _no_temporary_files(tmp_path)
        _assert_resumes(save)

    @pytest.mark.parametrize("seed", range(3))
    def test_ctrl_c_on_a_terminal_right_after_an_answer(self, tmp_path: Path, seed: int) -> None:
        """Ctrl-C typed just after an answer, while it may be being saved: the file resumes."""
        rng = random.Random(seed)
        save = tmp_path / "session.json"
        child = pexpect.spawn(
            COMMAND,
            ["run", "login-failure", "--save", str(save)],
            encoding="utf-8",
            timeout=30,
            env=ENV,
        )
        child.expect("> ")
        for answer in WALK[: rng.randrange(1, len(WALK) - 1)]:  # one more comes after
            child.sendline(answer)
            child.expect("> ")
        child.sendline(WALK[len(_user_answers(save))])
        time.sleep(rng.uniform(0, 0.02))
        child.sendintr()
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 130
        _no_temporary_files(tmp_path)
        _assert_resumes(save)


class TestFailedSaves:
    """A save that fails keeps the previous file and says why (end to end)."""

    def _full_disk(self, failing: str) -> dict[str, str]:
        return {**ENV, "OKPAY_TEST_FULL_DISK": failing}

    def test_scripted_run_stops_at_the_failed_save(self, tmp_path: Path) -> None:
        """Piped answers: the third answer cannot be saved, so the run stops with exit 1."""
        save = tmp_path / "session.json"
        done = subprocess.run(
            [sys.executable, "-c", FULL_DISK, "run", "login-failure", "--save", str(save)],
            input="".join(f"{a}\n" for a in WALK),
            capture_output=True,
            text=True,
            env=self._full_disk("4"),  # the start and two answers save; the third does not
            timeout=60,
            check=False,
        )
        assert done.returncode == 1, done.stderr
        assert "No space left on device" in done.stderr
        assert "the previous file is unchanged" in done.stderr
        assert "Traceback" not in done.stderr
        assert _user_answers(save) == _walked(2)
        _no_temporary_files(tmp_path)
        _assert_resumes(save)

    def test_terminal_session_warns_and_goes_on(self, tmp_path: Path) -> None:
        """At a terminal a failed save is a warning; the next answer saves everything."""
        save = tmp_path / "session.json"
        child = pexpect.spawn(
            sys.executable,
            ["-c", FULL_DISK, "run", "login-failure", "--save", str(save)],
            encoding="utf-8",
            timeout=30,
            env=self._full_disk("3"),
        )
        child.expect("> ")
        child.sendline(WALK[0])
        child.expect("> ")
        child.sendline(WALK[1])  # save number 3 fails
        child.expect("> ")
        assert "could not save the session" in child.before
        assert "No space left on device" in child.before
        assert _user_answers(save) == _walked(1)
        child.sendline(WALK[2])
        child.expect("> ")
        assert _user_answers(save) == _walked(3)
        child.sendintr()
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 130
        _no_temporary_files(tmp_path)
        _assert_resumes(save)
