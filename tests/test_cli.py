"""The command line, driven through click's CliRunner: commands, files and exit codes."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from okpay_triage.cli import cli
from okpay_triage.tree.cache import compiled_bundled

DATA = Path(__file__).parent / "data"


def invoke(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


class TestList:
    def test_lists_bundled_trees(self) -> None:
        """`list` shows each bundled tree with its title and outcome count."""
        result = invoke("list")
        assert result.exit_code == 0
        assert "login-failure" in result.output
        assert "Cannot log in" in result.output
        outcomes = sum(1 for s in compiled_bundled("login-failure").steps.values() if s.outcome)
        assert f"({outcomes} outcomes)" in result.output

    def test_list_in_chinese(self) -> None:
        """`list --lang zh` shows the Chinese titles."""
        assert "无法登录账户" in invoke("list", "--lang", "zh").output


class TestScriptedRun:
    """Without a terminal, answers come from options and standard input."""

    def test_answers_reach_an_outcome(self) -> None:
        """--answer values lead to the outcome, printed with exit 0."""
        result = invoke("run", "login-failure", "--answer", "forgot", "--answer", "done")
        assert result.exit_code == 0, result.output
        assert "Password reset" in result.output
        assert "No need to contact support." in result.output

    def test_answers_from_stdin(self) -> None:
        """Lines of standard input are answers too, after the options."""
        result = invoke("run", "login-failure", "--lang", "zh", stdin="忘记密码\n\n成功\n")
        assert result.exit_code == 0, result.output
        assert "密码已重置" in result.output

    def test_answers_file(self, tmp_path: Path) -> None:
        """--answers reads a YAML list."""
        answers = tmp_path / "answers.yaml"
        answers.write_text("- forgot\n- done\n", encoding="utf-8")
        result = invoke("run", "login-failure", "--answers", str(answers))
        assert result.exit_code == 0, result.output

    def test_bad_answers_file(self, tmp_path: Path) -> None:
        """An answers file that is not a list is a usage error."""
        answers = tmp_path / "answers.yaml"
        answers.write_text("forgot: done\n", encoding="utf-8")
        result = invoke("run", "login-failure", "--answers", str(answers))
        assert result.exit_code == 2
        assert "must hold a list" in result.output

    def test_answers_run_out(self, tmp_path: Path) -> None:
        """Exit 3 prints the pending question and saves the session."""
        save = tmp_path / "s.json"
        result = invoke("run", "login-failure", "--answer", "forgot", "--save", str(save))
        assert result.exit_code == 3
        assert "Reset your password as above" in result.output
        assert json.loads(save.read_text(encoding="utf-8"))["answers"][0]["answer"] == "forgot"

    def test_invalid_answer_exits_2(self) -> None:
        """An answer that fits no option is exit 2, with the options listed."""
        result = invoke("run", "login-failure", "--answer", "banana")
        assert result.exit_code == 2
        assert "1) It says my account name or password is wrong" in result.output

    def test_fact_skips_question(self) -> None:
        """--fact KEY=VALUE answers the bound question from context."""
        result = invoke(
            "run", "login-failure", "--fact", "login_symptom=forgot", "--answer", "done"
        )
        assert result.exit_code == 0, result.output

    @pytest.mark.parametrize("fact", ["nonsense", "=x", "colour=blue", "account_email=nope"])
    def test_bad_fact_is_usage_error(self, fact: str) -> None:
        """A malformed, unknown or invalid --fact is exit 2."""
        assert invoke("run", "login-failure", "--fact", fact).exit_code == 2

    def test_unknown_tree_exits_1(self) -> None:
        """An unknown tree id is exit 1 with the bundled ids listed."""
        result = invoke("run", "no-such-tree")
        assert result.exit_code == 1
        assert "login-failure" in result.output

    def test_invalid_tree_file_exits_1(self) -> None:
        """A broken tree file is exit 1 with file:line:column problems."""
        result = invoke("run", str(DATA / "bad" / "cycle.yaml"))
        assert result.exit_code == 1
        assert "cycle.yaml:" in result.output
        assert "Traceback" not in result.output

    def test_secret_typed_is_dropped(self) -> None:
        """A password typed into a text step is removed and the user told."""
        answers = [
            "wrong password",
            "yes",
            "yes",
            "no",
            "yes",
            "fails",
            "no",
            "e@example.com",
            "2026-11-20 10:00",
            "my password is hunter2 and it fails",
            "Pixel 8",
            "skip",
        ]
        args = [a for answer in answers for a in ("--answer", answer)]
        result = invoke("run", "login-failure", *args)
        assert result.exit_code == 0, result.output
        assert "hunter2" not in result.output
        assert "never share it" in result.output


class TestSaveAndResume:
    """--save writes the session after every answer; resume continues it."""

    def test_resume_finishes(self, tmp_path: Path) -> None:
        """A session stopped early can be resumed to the end."""
        save = tmp_path / "s.json"
        assert (
            invoke("run", "login-failure", "--answer", "forgot", "--save", str(save)).exit_code == 3
        )
        result = invoke("resume", str(save), "--answer", "done")
        assert result.exit_code == 0, result.output
        assert "Password reset" in result.output
        assert len(json.loads(save.read_text(encoding="utf-8"))["answers"]) == 2

    @pytest.mark.parametrize("content", ["", "{trunc", '{"format": "x"}', "[1, 2]"])
    def test_corrupt_session_exits_1(self, tmp_path: Path, content: str) -> None:
        """A corrupt session file is exit 1 and is not overwritten."""
        save = tmp_path / "s.json"
        save.write_text(content, encoding="utf-8")
        result = invoke("resume", str(save), "--answer", "1")
        assert result.exit_code == 1
        assert "error:" in result.output
        assert save.read_text(encoding="utf-8") == content

    def test_missing_session_exits_1(self, tmp_path: Path) -> None:
        """A session file that does not exist is exit 1."""
        assert invoke("resume", str(tmp_path / "none.json")).exit_code == 1

    def test_failed_save_keeps_previous_file(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A save that fails (disk full) says why and leaves the previous file intact."""
        save = tmp_path / "s.json"
        assert (
            invoke("run", "login-failure", "--answer", "forgot", "--save", str(save)).exit_code == 3
        )
        before = save.read_text(encoding="utf-8")

        def disk_full(*args: object) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "replace", disk_full)
        result = invoke("resume", str(save), "--answer", "done")
        assert result.exit_code == 1
        assert "No space left on device" in result.output
        assert "previous file is unchanged" in result.output
        assert save.read_text(encoding="utf-8") == before
        assert [p.name for p in tmp_path.iterdir()] == ["s.json"]  # no temporary left behind

    def test_save_into_missing_directory_fails_clearly(self, tmp_path: Path) -> None:
        """A save path in a folder that does not exist is a clear error, exit 1."""
        result = invoke(
            "run",
            "login-failure",
            "--answer",
            "forgot",
            "--save",
            str(tmp_path / "nope" / "s.json"),
        )
        assert result.exit_code == 1
        assert "could not save the session" in result.output


class TestValidateAndSchema:
    def test_validate_bundled(self) -> None:
        """With no paths, every bundled tree is checked: exit 0, no problems."""
        result = invoke("validate")
        assert result.exit_code == 0
        assert "0 error(s), 0 warning(s)" in result.output

    def test_validate_bad_file(self) -> None:
        """Problems print as file:line:column: code: message; exit 1."""
        path = DATA / "bad" / "typo-key.yaml"
        result = invoke("validate", str(path))
        assert result.exit_code == 1
        assert f"{path}:20:5: unknown-field:" in result.output

    def test_validate_escapes_hostile_text(self, tmp_path: Path) -> None:
        """Terminal escapes inside a tree file are shown escaped, never sent raw."""
        path = tmp_path / "evil.yaml"
        path.write_text('id: x\nversion: "1"\n"\x1b[2Jboom": 1\n', encoding="utf-8")
        result = invoke("validate", str(path))
        assert result.exit_code == 1
        assert "\x1b" not in result.output

    def test_schema_is_json_schema(self) -> None:
        """`schema` prints the JSON Schema of the tree format."""
        result = invoke("schema")
        assert result.exit_code == 0
        schema = json.loads(result.output)
        assert schema["title"] == "Tree"
        assert {"id", "start", "nodes"} <= set(schema["required"])

    def test_version(self) -> None:
        """--version prints the version."""
        assert "0.1.0" in invoke("--version").output


class TestEntryPoints:
    def test_python_dash_m(self) -> None:
        """`python -m okpay_triage` is the same command."""
        done = subprocess.run(
            [sys.executable, "-m", "okpay_triage", "list"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0
        assert "login-failure" in done.stdout

    def test_help_does_not_import_heavy_modules(self) -> None:
        """--help loads neither pydantic nor networkx (see the performance budgets)."""
        code = (
            "import sys; from okpay_triage.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pydantic', 'networkx', 'yaml') if m in sys.modules))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert done.stdout.strip().endswith("[]")


class TestSuggestAndRender:
    def test_suggest(self) -> None:
        """`suggest` ranks trees for a free-text description, best first."""
        result = invoke("suggest", "我的退款被拒绝了", "--lang", "zh")
        assert result.exit_code == 0
        assert result.output.splitlines()[0].startswith("refund-denied")
        assert "退款被拒或未到账" in result.output

    def test_suggest_nothing_fits(self) -> None:
        """Text that fits no tree exits 1 and points to `list`."""
        result = invoke("suggest", "the weather is lovely")
        assert result.exit_code == 1
        assert "okpay-triage list" in result.output

    @pytest.mark.parametrize(("fmt", "start"), [("mermaid", "flowchart TD"), ("dot", "digraph")])
    def test_render(self, fmt: str, start: str) -> None:
        """`render` draws a bundled tree in either syntax and language."""
        result = invoke("render", "login-failure", "--format", fmt, "--lang", "zh")
        assert result.exit_code == 0
        assert result.output.startswith(start)
        assert "您登录时遇到了什么情况" in result.output

    def test_render_bad_tree(self) -> None:
        """A tree file that cannot be read at all cannot be drawn: exit 1 with its problem
        (one that only fails validation is drawn as a draft: tests/test_diagram.py)."""
        result = invoke("render", str(DATA / "bad" / "syntax.yaml"))
        assert result.exit_code == 1
        assert "yaml-syntax" in result.output


def test_run_starts_without_heavy_imports(tmp_path: Path) -> None:
    """With a warm cache, `run` on a bundled tree needs neither pydantic nor networkx."""
    code = (
        "import sys\nfrom okpay_triage.cli import main\n"
        "try:\n    main(['run', 'login-failure'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pydantic', 'networkx') if m in sys.modules), file=sys.stderr)"
    )
    env = {**os.environ, "OKPAY_TRIAGE_CACHE": str(tmp_path)}
    for _ in range(2):  # the first run fills the cache
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().endswith("[]")


def json_events(output: str) -> list[dict[str, Any]]:
    """Every line of `output` parsed as one JSON object."""
    return [json.loads(line) for line in output.splitlines() if line.strip()]


class TestJsonLines:
    """`--json`: one JSON object per line for wrappers, with the same exit codes."""

    # failed-transaction asks the account last, only on a walk that ends with support.
    RESTRICTED = (
        "failed",
        "cannot tell",
        "something else",
        "enough",
        "still fails",
        "restricted",
        "skip",
        "88.00 CNY",
        "2026-11-18 10:20",
        "card 6222021234567890128 \u202eexe.txt",
        "carol@example.com",
    )

    def run_json(self, *args: str, stdin: str | None = None) -> tuple[Result, list[dict[str, Any]]]:
        result = CliRunner().invoke(cli, ["run", *args, "--json"], input=stdin)
        return result, json_events(result.stdout)

    def test_every_step_answer_and_the_result(self) -> None:
        """Steps and answers alternate, then the result carries facts, session and packet."""
        answers = [arg for answer in self.RESTRICTED for arg in ("--answer", answer)]
        result, events = self.run_json("failed-transaction", *answers)
        assert result.exit_code == 0, result.output
        kinds = [event["event"] for event in events]
        assert kinds == ["step", "answer"] * len(self.RESTRICTED) + ["outcome"]
        first = events[0]
        assert first["step"] == 1
        assert first["options"][0] == {
            "number": 1,
            "id": "failed",
            "label": "It failed or showed an error",
        }
        account = events[-3]
        assert account["kind"] == "input"
        assert account["fact"] == "account"
        assert account["step"] == len(self.RESTRICTED)
        assert events[-2]["shown"] == "c***@example.com"
        outcome = events[-1]
        assert outcome["id"] == "o_account_restricted"
        assert outcome["escalate"] == "yes"
        assert {"id": "transaction_id", "label": "Transaction ID"} in outcome["missing"]
        packet = outcome["packet"]
        assert isinstance(packet, dict)
        assert packet["outcome"]["id"] == "o_account_restricted"
        # Masked wherever it is shown; whole only in the packet (and session) for support.
        assert "carol@" not in "\n".join(result.stdout.splitlines()[:-1])
        assert packet["facts"][0]["value"] == "carol@example.com"
        assert "6222021234567890128" not in result.stdout

    def test_hostile_text_is_escaped_but_the_value_survives(self) -> None:
        """A bidi override typed by a user is a JSON escape on the wire, the same value
        once parsed."""
        answers = [arg for answer in self.RESTRICTED for arg in ("--answer", answer)]
        result, events = self.run_json("failed-transaction", *answers)
        assert "\u202e" not in result.stdout
        assert "\\u202e" in result.stdout
        assert events[-4]["value"] == "card ****0128 \u202eexe.txt"
        assert events[-4]["notices"]

    def test_self_service_result_has_no_packet(self) -> None:
        """An outcome that needs no support carries no packet."""
        result, events = self.run_json("login-failure", "--lang", "zh", stdin="忘记密码\n成功\n")
        assert result.exit_code == 0
        assert events[-1]["event"] == "outcome"
        assert events[-1]["title"] == "密码已重置"
        assert events[-1]["packet"] is None

    def test_pending_carries_a_resumable_session(self, tmp_path: Path) -> None:
        """Exit 3 ends with a `pending` line whose session `resume --json` can finish."""
        result, events = self.run_json("login-failure", "--answer", "forgot")
        assert result.exit_code == 3
        assert [e["event"] for e in events] == ["step", "answer", "step", "pending"]
        saved = tmp_path / "s.json"
        saved.write_text(json.dumps(events[-1]["session"]), encoding="utf-8")
        resumed = CliRunner().invoke(cli, ["resume", str(saved), "--json", "--answer", "done"])
        assert resumed.exit_code == 0, resumed.output
        assert json_events(resumed.stdout)[-1]["id"] == "o_reset_done"

    def test_invalid_answer(self) -> None:
        """Exit 2 after an `error` line naming the step and the reason."""
        result, events = self.run_json("login-failure", "--answer", "banana")
        assert result.exit_code == 2
        assert events[-1] == {
            "event": "error",
            "id": "q_symptom",
            "code": "no-such-option",
            "message": events[-1]["message"],
        }
        assert "banana" in str(events[-1]["message"])

    def test_packet_cannot_share_standard_output(self) -> None:
        """`--json --packet -` is refused as a usage error before anything runs."""
        result = invoke("run", "login-failure", "--json", "--packet", "-")
        assert result.exit_code == 2
        assert "--json" in result.output

    def test_packet_file_still_written(self, tmp_path: Path) -> None:
        """`--packet FILE` writes the chosen format beside the JSON lines."""
        target = tmp_path / "case.md"
        answers = [arg for answer in self.RESTRICTED for arg in ("--answer", answer)]
        result, events = self.run_json("failed-transaction", *answers, "--packet", str(target))
        assert result.exit_code == 0
        assert events[-1]["event"] == "outcome"
        written = target.read_text(encoding="utf-8")
        assert written.startswith("# ")
        assert events[-1]["packet"]["case_id"] in written  # one packet, not two

    def test_list_and_suggest(self) -> None:
        """`list --json` and `suggest --json` print one object per tree."""
        trees = json_events(invoke("list", "--json", "--lang", "zh").output)
        version = compiled_bundled("login-failure").version
        assert {
            "id": "login-failure",
            "version": version,
            "title": "无法登录账户",
        }.items() <= trees[3].items()
        ranked = json_events(invoke("suggest", "--json", "my refund was rejected").output)
        assert ranked[0]["id"] == "refund-denied"
        assert 0 < float(ranked[0]["score"]) <= 1


def test_json_lines_drive_a_session_through_a_pipe() -> None:
    """A wrapper reads each step line and writes the next answer: the real protocol."""
    command = [
        sys.executable,
        "-m",
        "okpay_triage",
        "run",
        "login-failure",
        "--json",
        "--lang",
        "zh",
    ]
    replies = iter(["2", "成功"])
    seen = []
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8"
    ) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        for line in process.stdout:
            event = json.loads(line)
            seen.append(event["event"])
            if event["event"] == "step":
                process.stdin.write(next(replies) + "\n")
                process.stdin.flush()
        process.stdin.close()
        assert process.wait(timeout=30) == 0
    assert seen == ["step", "answer", "step", "answer", "outcome"]
