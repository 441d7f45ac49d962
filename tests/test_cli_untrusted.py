"""The command line with untrusted input and unkind file systems (BAD_INPUTS items 36, 38-41,
the command-line side): messages that quote user input are redacted, then escaped; every
file read is capped and refuses what is not a regular file; a save says "saved" only when
it is true, never leaves a temporary file, follows a symlink across file systems, and `run`
never overwrites an existing session.

Real processes where it matters (signals, bytes that are not UTF-8, mount namespaces).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner, Result

from okpay_triage import Session
from okpay_triage.cli import cli

COMMAND = shutil.which("okpay-triage") or str(Path(sys.executable).parent / "okpay-triage")
ENV = {**os.environ, "NO_COLOR": "1"}
CARD = "4111 1111 1111 1111"
HOSTILE = f"{CARD} password hunter2 \x1b]0;pwned\x07\u202eevil"


def invoke(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def run(*args: str, stdin: bytes = b"", timeout: float = 30) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [COMMAND, *args], input=stdin, capture_output=True, env=ENV, timeout=timeout, check=False
    )


def assert_safe(output: str) -> None:
    """Nothing personal and nothing a terminal would act on."""
    assert "1111 1111 1111" not in output
    assert "hunter2" not in output
    assert "\x1b" not in output
    assert "\u202e" not in output
    assert "Traceback" not in output


def saved_session(folder: Path, *answers: str) -> Path:
    save = folder / "s.json"
    args = ["run", "login-failure", "--save", str(save)]
    for answer in answers:
        args += ["--answer", answer]
    invoke(*args)
    assert save.exists()
    return save


def temporary_files(*folders: Path) -> list[str]:
    return [p.name for folder in folders for p in folder.iterdir() if p.name.endswith(".tmp")]


def interrupted_after_one_answer(script: str, save: Path) -> str:
    """Run `script` (a command line with os.fsync replaced) at a terminal, answer one
    question, press Ctrl-C; what it printed, after checking it exited 130."""
    child = pexpect.spawn(
        sys.executable,
        ["-c", script, "run", "login-failure", "--save", str(save)],
        encoding="utf-8",
        timeout=30,
        env=ENV,
    )
    child.expect("> ")
    child.sendline("forgot")
    child.expect("> ")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    return child.before or ""


class TestQuotedInput:
    """Item 36 (command line): a refused value is quoted only redacted, then escaped."""

    def test_refused_fact_value(self) -> None:
        """Item 36: a --fact value that names no option is quoted masked and escaped."""
        result = invoke("run", "login-failure", "--fact", f"login_symptom={HOSTILE}")
        assert result.exit_code == 2
        assert "****1111" in result.output
        assert "\\x1b" in result.output
        assert_safe(result.output)

    @pytest.mark.parametrize("item", [CARD, HOSTILE, f"=\x1b{CARD}"])
    def test_fact_without_key(self, item: str) -> None:
        """Item 36: a --fact with no KEY= is a usage error that quotes it masked."""
        result = invoke("run", "login-failure", "--fact", item)
        assert result.exit_code == 2
        assert "expected KEY=VALUE" in result.output
        assert_safe(result.output)

    def test_clicks_own_errors(self) -> None:
        """Item 36: click's usage errors quote arguments as given: redacted and escaped too."""
        for args in (
            ["run", "login-failure", "--lang", HOSTILE],
            ["run", "login-failure", f"--x{HOSTILE}"],
            [HOSTILE],
        ):
            result = invoke(*args)
            assert result.exit_code == 2
            assert_safe(result.output)

    @pytest.mark.parametrize(
        "text",
        [
            f'- 1\n- "{HOSTILE}\n',  # a control character: a reader error
            f"- 1\n- [{CARD} password: hunter2\n",  # an unclosed list
            f"- &{CARD.replace(' ', '')} 1\n",  # an anchor named like a card
            f"- !{CARD.replace(' ', '')} 1\n",  # a tag
            "- 1\n---\n- 2\n",
        ],
    )
    def test_answers_file_errors_quote_nothing(self, tmp_path: Path, text: str) -> None:
        """Item 36: a broken --answers file is reported by line and column, exit 2, and
        quotes none of its text (a line may hold a card number or a password)."""
        answers = tmp_path / "answers.yaml"
        answers.write_text(text, encoding="utf-8")
        result = invoke("run", "login-failure", "--answers", str(answers))
        assert result.exit_code == 2
        assert f"{answers}:" in result.output
        assert "4111" not in result.output
        assert_safe(result.output)

    def test_answers_stay_strings(self, tmp_path: Path) -> None:
        """YAML 1.1 look-alikes in an answers file stay as written (`yes` is not True)."""
        answers = tmp_path / "answers.yaml"
        answers.write_text("- wrong_password\n- yes\n", encoding="utf-8")
        result = invoke("run", "login-failure", "--answers", str(answers))
        assert "True" not in result.output


class TestUnreadableFiles:
    """Item 38 (command line): a FIFO, a device or a huge file is refused at once."""

    @pytest.fixture
    def fifo(self, tmp_path: Path) -> Path:
        path = tmp_path / "fifo"
        os.mkfifo(path)
        return path

    @pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "huge", "folder"])
    @pytest.mark.parametrize("use", ["run --answers", "resume", "packet", "run TREE"])
    def test_refused_quickly(self, tmp_path: Path, fifo: Path, kind: str, use: str) -> None:
        """Item 38: refused with a clear message in a few seconds, memory bounded (a
        process that reads /dev/zero to its end is killed by the timeout)."""
        if kind == "fifo":
            path = str(fifo)
        elif kind == "huge":
            huge = tmp_path / "huge.json"
            with huge.open("wb") as stream:
                stream.truncate(5 << 30)  # 5 GB, sparse: a read of it all would not fit
            path = str(huge)
        elif kind == "folder":
            path = str(tmp_path)
        else:
            path = kind
        args = {
            "run --answers": ["run", "login-failure", "--answers", path],
            "resume": ["resume", path],
            "packet": ["packet", path],
            "run TREE": ["run", path],
        }[use]
        started = time.monotonic()
        done = run(*args, timeout=20)
        assert time.monotonic() - started < 20
        errors = done.stderr.decode("utf-8")
        assert done.returncode in (1, 2), errors
        assert "Traceback" not in errors
        if kind == "folder" and use != "run TREE":
            assert "directory" in errors  # click's own check
        else:
            assert any(
                words in errors
                for words in ("not a regular file", "over the limit", "folder", "directory")
            ), errors


class TestEscapedSessionFiles:
    """Item 39 (command line): what a session file holds is shown escaped."""

    @pytest.mark.parametrize("field", ["node", "answer", "tree id"])
    def test_escape_sequences_in_a_session_file(self, tmp_path: Path, field: str) -> None:
        """Item 39: an escape sequence or bidi override in a node id, an answer or a tree id
        of a hand-made session file never reaches the terminal raw; exit 1."""
        save = saved_session(tmp_path, "forgot")
        data = json.loads(save.read_text(encoding="utf-8"))
        if field == "node":
            data["answers"][0]["node"] = "q_\x1b]0;pwned\x07\u202eevil"
        elif field == "answer":
            data["answers"][0]["answer"] = "forgot\x1b]0;pwned\x07\u202e"
        else:
            data["tree"]["id"] = "login\x1b]0;pwned\x07\u202e"
        save.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        for args in (["resume", str(save)], ["packet", str(save)]):
            done = run(*args)
            errors = done.stderr.decode("utf-8")
            assert done.returncode == 1, errors
            assert "error:" in errors
            assert_safe(errors + done.stdout.decode("utf-8"))

    def test_session_file_that_is_not_utf8(self, tmp_path: Path) -> None:
        """A session file that is not UTF-8 says so, exit 1."""
        save = tmp_path / "s.json"
        save.write_bytes(b'{"format": "\xff"}')
        result = invoke("resume", str(save))
        assert result.exit_code == 1
        assert "not UTF-8" in result.output


class TestInvalidBytes:
    """Item 40 (command line): output stays valid UTF-8 whatever bytes come in."""

    def test_json_lines_stay_valid_utf8(self) -> None:
        """Item 40: bytes that are not UTF-8 piped to `run --json`: every line of standard
        output decodes strictly and parses, standard error decodes strictly too."""
        done = run("run", "login-failure", "--json", stdin=b"forgot\n\xff\xfe bad \xc3\n")
        assert done.returncode == 2
        lines = done.stdout.splitlines()
        assert lines
        events = [json.loads(line.decode("utf-8")) for line in lines]
        assert events[-1]["event"] == "error"
        assert "\ufffd" in events[-1]["message"]
        done.stderr.decode("utf-8")

    def test_invalid_bytes_in_arguments(self) -> None:
        """Item 40: the same for arguments (--answer, --fact) that are not UTF-8."""
        args = [b"run", b"login-failure", b"--json", b"--answer", b"forgot", b"--answer", b"\xff"]
        done = subprocess.run(
            [COMMAND.encode(), *args], capture_output=True, env=ENV, timeout=30, check=False
        )
        assert done.returncode == 2
        for line in done.stdout.splitlines():
            json.loads(line.decode("utf-8"))
        done.stderr.decode("utf-8")
        fact = subprocess.run(
            [COMMAND.encode(), b"run", b"login-failure", b"--fact", b"\xff\x1b"],
            capture_output=True,
            env=ENV,
            timeout=30,
            check=False,
        )
        assert fact.returncode == 2
        assert "\x1b" not in fact.stderr.decode("utf-8")


def _mount_namespace_works() -> bool:
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs tmpfs /mnt"],
        capture_output=True,
        timeout=10,
        check=False,
    )
    return probe.returncode == 0


MOUNTS = pytest.mark.skipif(
    not _mount_namespace_works(),
    reason="needs a private mount namespace (unshare -m, as root) for a real read-only "
    "or full file system; the failures are simulated in test_bad_inputs item 33",
)


def _in_namespace(script: str) -> subprocess.CompletedProcess[str]:
    """Run the shell `script` in a private mount namespace: mounts made there vanish with it."""
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        env={**ENV, "OKPAY": COMMAND},
        timeout=60,
        check=False,
    )


class TestHonestSaves:
    """Item 41: --save says "saved" only when it is true, and never destroys a file."""

    @MOUNTS
    def test_read_only_mount_keeps_the_previous_file(self, tmp_path: Path) -> None:
        """Item 41: the save folder bind-mounted read-only (EROFS, which stops root too):
        exit 1, the reason, "the previous file is unchanged" (true: it is), no temporary."""
        save = saved_session(tmp_path, "forgot")
        before = save.read_bytes()
        done = _in_namespace(
            f"mount --bind {tmp_path} {tmp_path} && mount -o remount,ro,bind {tmp_path} && "
            f'"$OKPAY" resume {save} --answer done'
        )
        assert done.returncode == 1, done.stderr
        assert "Read-only file system" in done.stderr
        assert "the previous file is unchanged" in done.stderr
        assert "saved;" not in done.stderr
        assert save.read_bytes() == before
        assert temporary_files(tmp_path) == []

    @MOUNTS
    def test_read_only_mount_with_no_previous_file(self, tmp_path: Path) -> None:
        """Item 41: no file was there before: it says nothing was saved, and never that a
        previous file is unchanged."""
        save = tmp_path / "new.json"
        done = _in_namespace(
            f"mount --bind {tmp_path} {tmp_path} && mount -o remount,ro,bind {tmp_path} && "
            f'"$OKPAY" run login-failure --answer forgot --save {save}'
        )
        assert done.returncode == 1, done.stderr
        assert "nothing was saved" in done.stderr
        assert "unchanged" not in done.stderr
        assert "saved;" not in done.stderr
        assert not save.exists()

    @MOUNTS
    def test_full_disk(self, tmp_path: Path) -> None:
        """Item 41: a real full disk (a 64 KiB tmpfs filled up): exit 1, "No space left on
        device", the previous file intact, no temporary file left."""
        disk = tmp_path / "disk"
        disk.mkdir()
        source = saved_session(tmp_path, "forgot")
        done = _in_namespace(
            f"mount -t tmpfs -o size=64k tmpfs {disk} && cp {source} {disk}/s.json && "
            f"(dd if=/dev/zero of={disk}/filler bs=1k count=128 2>/dev/null; true) && "
            f'"$OKPAY" resume {disk}/s.json --answer done; echo "exit=$?"; '
            f"cmp {source} {disk}/s.json && echo same; ls -a {disk}"
        )
        assert "exit=1" in done.stdout, done.stderr
        assert "No space left on device" in done.stderr
        assert "the previous file is unchanged" in done.stderr
        assert "same" in done.stdout
        assert ".tmp" not in done.stdout

    def test_symlink_across_file_systems(self, tmp_path: Path) -> None:
        """Item 41: --save through a symlink onto another file system (/dev/shm here, a
        tmpfs) works: the session is written beside the link's target and renamed there, so
        the rename never crosses file systems; the link stays a link."""
        if not Path("/dev/shm").is_dir():
            pytest.skip("no /dev/shm")
        target_dir = Path(os.environ.get("OKPAY_TEST_OTHER_FS", "/dev/shm"))
        other = Path(target_dir) / f"okpay-test-{os.getpid()}-{time.monotonic_ns()}"
        other.mkdir()
        try:
            target = other / "session.json"
            link = tmp_path / "link.json"
            link.symlink_to(target)
            crosses = os.stat(other).st_dev != os.stat(tmp_path).st_dev
            result = invoke("run", "login-failure", "--answer", "forgot", "--save", str(link))
            assert result.exit_code == 3, result.output
            assert link.is_symlink()
            assert Session.from_json(target.read_text(encoding="utf-8")).transcript
            resumed = invoke("resume", str(link), "--answer", "done")
            assert resumed.exit_code == 0, resumed.output
            assert link.is_symlink()
            assert Session.from_json(target.read_text(encoding="utf-8")).finished
            assert temporary_files(tmp_path, other) == []
            assert crosses, "/dev/shm and the test folder are one file system here"
        finally:
            shutil.rmtree(other)

    def test_interrupt_at_a_terminal_after_failed_saves(self, tmp_path: Path) -> None:
        """Item 41: Ctrl-C when no save ever succeeded (every fsync fails) says the session
        was not saved, never "saved; continue with"."""
        save = tmp_path / "s.json"
        script = (
            "import errno, os, sys\n"
            "def fsync(fd): raise OSError(errno.ENOSPC, 'No space left on device')\n"
            "os.fsync = fsync\n"
            "from okpay_triage.cli import main\nmain(sys.argv[1:])\n"
        )
        output = interrupted_after_one_answer(script, save)
        assert "was not saved" in output
        assert "saved; continue" not in output
        assert not save.exists()
        assert temporary_files(tmp_path) == []

    def test_interrupt_after_an_earlier_save(self, tmp_path: Path) -> None:
        """Item 41: Ctrl-C after the last save failed but an earlier one worked says the
        last answer was not saved and the file holds the session as saved before it."""
        save = tmp_path / "s.json"
        script = (
            "import errno, os, sys\n"
            "real, saves = os.fsync, [0]\n"
            "def fsync(fd):\n"
            "    saves[0] += 1\n"
            "    if saves[0] > 1: raise OSError(errno.ENOSPC, 'No space left on device')\n"
            "    real(fd)\n"
            "os.fsync = fsync\n"
            "from okpay_triage.cli import main\nmain(sys.argv[1:])\n"
        )
        output = interrupted_after_one_answer(script, save)
        assert "the last answer was not saved" in output
        assert "as saved before it" in output
        assert Session.from_json(save.read_text(encoding="utf-8")).transcript == []

    @pytest.mark.parametrize("where", ["after mkstemp", "in write", "in fsync"])
    def test_interrupted_save_leaves_no_temporary_file(self, tmp_path: Path, where: str) -> None:
        """Item 41: SIGINT arriving just after the temporary file is made (where a race
        once left it behind), or a KeyboardInterrupt while writing or in fsync: exit 130,
        no temporary file, and the previous file intact."""
        save = saved_session(tmp_path, "forgot")
        before = save.read_bytes()
        if where == "after mkstemp":
            inject = (
                "import os, signal, tempfile\n"
                "real = tempfile.mkstemp\n"
                "def mkstemp(*a, **k):\n"
                "    made = real(*a, **k)\n"
                "    os.kill(os.getpid(), signal.SIGINT)\n"
                "    return made\n"
                "tempfile.mkstemp = mkstemp\n"
            )
        elif where == "in write":
            inject = "import os\ndef write(fd, data): raise KeyboardInterrupt\nos.write = write\n"
        else:
            inject = "import os\ndef fsync(fd): raise KeyboardInterrupt\nos.fsync = fsync\n"
        script = inject + "import sys\nfrom okpay_triage.cli import main\nmain(sys.argv[1:])\n"
        done = subprocess.run(
            [sys.executable, "-c", script, "resume", str(save), "--answer", "done"],
            capture_output=True,
            text=True,
            env=ENV,
            timeout=60,
            check=False,
        )
        assert done.returncode == 130, done.stderr
        assert "Traceback" not in done.stderr
        assert temporary_files(tmp_path) == []
        assert save.read_bytes() == before

    def test_run_does_not_overwrite_a_saved_session(self, tmp_path: Path) -> None:
        """Item 41: `run --save FILE` onto a saved (here: finished) session is refused,
        exit 1, pointing at `resume FILE`; the file is unchanged."""
        save = saved_session(tmp_path, "forgot", "done")
        assert Session.from_json(save.read_text(encoding="utf-8")).finished
        before = save.read_bytes()
        result = invoke("run", "login-failure", "--save", str(save), "--answer", "forgot")
        assert result.exit_code == 1
        assert "already holds a saved session" in result.output
        assert f"okpay-triage resume {save}" in result.output
        assert save.read_bytes() == before

    @pytest.mark.parametrize("content", [b"my notes\n", b"\x00" * 10, b"[1, 2]"])
    def test_run_does_not_overwrite_any_file(self, tmp_path: Path, content: bytes) -> None:
        """Item 41: nor any other file that holds something; an empty file may be used."""
        save = tmp_path / "s.json"
        save.write_bytes(content)
        result = invoke("run", "login-failure", "--save", str(save), "--answer", "forgot")
        assert result.exit_code == 1
        assert "will not overwrite" in result.output
        assert save.read_bytes() == content
        save.write_bytes(b"")
        assert invoke("run", "login-failure", "--save", str(save)).exit_code == 3
        assert Session.from_json(save.read_text(encoding="utf-8")).transcript == []

    def test_q_says_saved_only_when_it_is(self, tmp_path: Path) -> None:
        """Item 41: `q` at a terminal when the save fails: exit 1 with the reason, never
        "saved to"."""
        save = tmp_path / "s.json"
        script = (
            "import errno, os, sys\n"
            "def fsync(fd): raise OSError(errno.ENOSPC, 'No space left on device')\n"
            "os.fsync = fsync\n"
            "from okpay_triage.cli import main\nmain(sys.argv[1:])\n"
        )
        child = pexpect.spawn(
            sys.executable,
            ["-c", script, "run", "login-failure", "--save", str(save)],
            encoding="utf-8",
            timeout=30,
            env=ENV,
        )
        child.expect("> ")
        child.sendline("q")
        child.expect(pexpect.EOF)
        child.close()
        output = child.before or ""
        assert child.exitstatus == 1
        assert "No space left on device" in output
        assert "saved to" not in output


def test_json_error_line_is_redacted() -> None:
    """Item 36: the `error` line of `--json` quotes a refused answer redacted; what is left
    is escaped, and the line is the same JSON value."""
    result = invoke("run", "login-failure", "--json", "--answer", HOSTILE)
    assert result.exit_code == 2
    [error] = [
        json.loads(line)
        for line in result.output.splitlines()
        if line.startswith("{") and json.loads(line)["event"] == "error"
    ]
    assert "****1111" in error["message"]
    assert_safe(result.output)


def test_resume_does_not_overwrite_another_session(tmp_path: Path) -> None:
    """Item 41: `resume A --save B` onto another saved session B is refused the same way;
    `--save A` (the file itself) is how resume always saves."""
    first = saved_session(tmp_path, "forgot")
    other = tmp_path / "other.json"
    other.write_bytes(first.read_bytes())
    before = other.read_bytes()
    result = invoke("resume", str(first), "--save", str(other), "--answer", "done")
    assert result.exit_code == 1
    assert "already holds a saved session" in result.output
    assert other.read_bytes() == before
    assert invoke("resume", str(first), "--save", str(first), "--answer", "done").exit_code == 0
