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
    assert "b goes back, ? shows help, q saves and quits" in child.before
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


def test_input_steps_say_the_format_and_show_the_masked_value(tmp_path: Path) -> None:
    """An input step names the format it expects and shows back what was kept, masked."""
    child = spawn("run", "login-failure")
    for answer in ("forgot", "no code", "text", "no"):
        child.expect("> ")
        child.sendline(answer)
    child.expect("> ")
    child.sendline("not-an-email")
    child.expect("> ")
    assert "email" in child.before.lower()
    child.sendline("alice@example.com")
    child.expect("> ")
    assert "✓ Registered mobile number or email: a***@example.com" in child.before
    assert "format:" in child.before  # the next step, a time, says the forms it reads
    child.sendintr()
    child.expect(pexpect.EOF)


def test_colour_only_on_a_terminal_and_never_with_no_color() -> None:
    """Styles reach a terminal, unless NO_COLOR is set; a pipe never gets them."""
    coloured = pexpect.spawn(
        COMMAND,
        ["run", "login-failure"],
        encoding="utf-8",
        timeout=30,
        env={k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"TERM": "xterm"},
    )
    coloured.expect("> ")
    assert "\x1b[" in coloured.before
    coloured.sendintr()
    coloured.expect(pexpect.EOF)

    plain = spawn("run", "login-failure")
    plain.expect("> ")
    assert "\x1b" not in plain.before
    plain.sendintr()
    plain.expect(pexpect.EOF)
