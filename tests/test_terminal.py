"""A real pseudo-terminal session: answer, go back, ask for help, Ctrl-C, resume, finish."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pexpect

COMMAND = shutil.which("okpay-triage") or str(Path(sys.executable).parent / "okpay-triage")


def spawn(*args: str) -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1"}
    return pexpect.spawn(COMMAND, list(args), encoding="utf-8", timeout=30, env=env)


def test_interactive_session_survives_interrupt(tmp_path: Path) -> None:
    """Ctrl-C exits 130 with the saved session intact; resume finishes it."""
    save = tmp_path / "session.json"
    child = spawn("run", "login-failure", "--save", str(save))
    child.expect("> ")
    assert "1) It says my account name or password is wrong" in child.before
    child.sendline("banana")
    child.expect("> ")
    assert "is not one of the options" in child.before
    child.sendline("2")
    child.expect("> ")
    assert "Reset your password" in child.before
    child.sendline("b")
    child.expect("> ")
    assert "What happens when you try to log in?" in child.before
    child.sendline("?")
    child.expect("> ")
    assert "If several apply" in child.before
    child.sendline("forgot")
    child.expect("> ")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    saved = json.loads(save.read_text(encoding="utf-8"))
    assert [a["answer"] for a in saved["answers"]] == ["forgot"]

    child = spawn("resume", str(save))
    child.expect("> ")
    child.sendline("1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Password reset" in child.before


def test_ctrl_d_exits_130(tmp_path: Path) -> None:
    """End of input at a prompt is an interruption too, and the save file stays valid."""
    save = tmp_path / "session.json"
    child = spawn("run", "login-failure", "--lang", "zh", "--save", str(save))
    child.expect("> ")
    child.sendline("忘记密码")
    child.expect("> ")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert json.loads(save.read_text(encoding="utf-8"))["lang"] == "zh"
