"""The command line's packet options (`run`/`resume` `--packet`, `--format`, `--config`) and
the `packet` command, through click's CliRunner."""

from __future__ import annotations

import email
import email.policy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okpay_triage import EscalationPacket
from okpay_triage.cli import cli

from .test_packet import outcome_paths

TAKEOVER = list(outcome_paths("login-failure")["o_possible_takeover"])
RESET = ["forgot", "done"]


def invoke(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def answers(values: list[str]) -> list[str]:
    return [arg for value in values for arg in ("--answer", value)]


class TestRunPacket:
    @pytest.mark.parametrize(
        ("name", "check"),
        [
            ("packet.md", "## Key facts"),
            ("packet.txt", "KEY FACTS"),
            ("packet.json", '"case_id"'),
            ("packet.eml", "Subject: "),
        ],
    )
    def test_packet_file_format_from_its_name(self, tmp_path: Path, name: str, check: str) -> None:
        """--packet FILE writes the packet when the outcome is reached, in the format its
        name suggests."""
        target = tmp_path / name
        result = invoke("run", "login-failure", *answers(TAKEOVER), "--packet", str(target))
        assert result.exit_code == 0, result.output
        assert f"packet written to {target}" in result.output
        assert check in target.read_text(encoding="utf-8")

    def test_format_overrides_the_name(self, tmp_path: Path) -> None:
        """--format wins over the file name."""
        target = tmp_path / "packet.md"
        result = invoke(
            "run", "login-failure", *answers(TAKEOVER), "--packet", str(target), "--format", "json"
        )
        assert result.exit_code == 0, result.output
        packet = EscalationPacket.model_validate_json(target.read_text(encoding="utf-8"))
        assert packet.priority == "urgent"
        assert packet.channel.channel == "chat"

    def test_format_alone_prints_the_packet(self) -> None:
        """--format without --packet prints the packet after the outcome."""
        result = invoke(
            "run", "login-failure", "--lang", "zh", *answers(TAKEOVER), "--format", "text"
        )
        assert result.exit_code == 0, result.output
        assert "[紧急] 账户可能被他人登录 – OKP-" in result.output
        assert "【关键信息】" in result.output

    def test_json_to_stdout_is_clean(self) -> None:
        """With the packet on standard output, the outcome goes to standard error, so the
        output can be piped (e.g. into jq)."""
        result = invoke("run", "login-failure", *answers(TAKEOVER), "--format", "json")
        assert result.exit_code == 0, result.output
        packet = EscalationPacket.model_validate_json(result.stdout)
        assert packet.outcome.id == "o_possible_takeover"
        assert "URGENT: contact support now" in result.stderr

    def test_email_to_stdout(self) -> None:
        """--packet - --format email prints a parseable message with the bilingual subject."""
        result = invoke(
            "run", "login-failure", *answers(TAKEOVER), "--packet", "-", "--format", "email"
        )
        assert result.exit_code == 0, result.output
        raw = result.output[result.output.index("Subject:") :]
        message = email.message_from_string(raw, policy=email.policy.default)
        assert message["Subject"].startswith("[紧急 URGENT] 账户可能被他人登录 / Possible")

    def test_no_packet_when_answers_run_out(self, tmp_path: Path) -> None:
        """Exit 3 (no outcome yet) writes no packet."""
        target = tmp_path / "p.md"
        result = invoke("run", "login-failure", "--answer", "forgot", "--packet", str(target))
        assert result.exit_code == 3
        assert not target.exists()

    def test_config_file_supplies_contacts(self, tmp_path: Path) -> None:
        """--config: the configured email becomes the To of the email packet."""
        config = tmp_path / "okpay.yaml"
        config.write_text("channels:\n  email:\n    contact: help@okpay.example\n", "utf-8")
        target = tmp_path / "p.eml"
        result = invoke(
            "run",
            "login-failure",
            *answers(TAKEOVER),
            "--packet",
            str(target),
            "--config",
            str(config),
        )
        assert result.exit_code == 0, result.output
        message = email.message_from_bytes(target.read_bytes(), policy=email.policy.default)
        assert message["To"] == "help@okpay.example"

    def test_bad_config_file_exits_1_before_any_question(self, tmp_path: Path) -> None:
        """An invalid config is reported as file:line:column before the session starts."""
        config = tmp_path / "okpay.yaml"
        config.write_text("timezone: Asia/Shanghai\nworking_day: [mon]\n", "utf-8")
        result = invoke("run", "login-failure", "--config", str(config), "--format", "text")
        assert result.exit_code == 1
        assert f"{config}:2:1: unknown-field: working_day" in result.output

    def test_unwritable_packet_path_exits_1(self, tmp_path: Path) -> None:
        """A packet that cannot be written is a clear error."""
        target = tmp_path / "missing" / "p.md"
        result = invoke("run", "login-failure", *answers(RESET), "--packet", str(target))
        assert result.exit_code == 1
        assert "could not write the packet" in result.output


class TestResumeAndPacketCommand:
    def test_resume_writes_packet(self, tmp_path: Path) -> None:
        """resume --packet writes the packet once the saved session finishes."""
        save, target = tmp_path / "s.json", tmp_path / "p.txt"
        assert (
            invoke("run", "login-failure", "--answer", "forgot", "--save", str(save)).exit_code == 3
        )
        result = invoke("resume", str(save), "--answer", "done", "--packet", str(target))
        assert result.exit_code == 0, result.output
        assert "[FOR RECORD] Password reset" in target.read_text(encoding="utf-8")

    @pytest.mark.parametrize("fmt", ["markdown", "text", "json", "email"])
    def test_packet_command(self, tmp_path: Path, fmt: str) -> None:
        """`packet FILE` prints the packet of a finished saved session in each format."""
        save = tmp_path / "s.json"
        run = invoke("run", "login-failure", *answers(TAKEOVER), "--save", str(save))
        assert run.exit_code == 0, run.output
        result = invoke("packet", str(save), "--format", fmt)
        assert result.exit_code == 0, result.output
        if fmt == "json":
            assert json.loads(result.output)["outcome"]["id"] == "o_possible_takeover"
        else:
            assert "OKP-" in result.output
            assert "8613812345678" in result.output  # the account, whole for support

    def test_packet_command_defaults_to_markdown(self, tmp_path: Path) -> None:
        save = tmp_path / "s.json"
        invoke("run", "login-failure", *answers(RESET), "--save", str(save))
        result = invoke("packet", str(save))
        assert result.exit_code == 0, result.output
        assert result.output.startswith("# \\[FOR RECORD\\] Password reset")

    def test_packet_of_unfinished_session_exits_1(self, tmp_path: Path) -> None:
        """An unfinished saved session has no packet: exit 1 and how to go on."""
        save = tmp_path / "s.json"
        invoke("run", "login-failure", "--answer", "forgot", "--save", str(save))
        result = invoke("packet", str(save))
        assert result.exit_code == 1
        assert "has not reached a result yet" in result.output
        assert f"okpay-triage resume {save}" in result.output

    def test_packet_of_corrupt_session_exits_1(self, tmp_path: Path) -> None:
        save = tmp_path / "s.json"
        save.write_text("{not json", encoding="utf-8")
        result = invoke("packet", str(save))
        assert result.exit_code == 1
        assert "not valid JSON" in result.output

    def test_packet_with_tree_file(self, tmp_path: Path) -> None:
        """--tree names the tree file the session was made with."""
        tree = Path(__file__).parents[1] / "trees" / "login-failure.yaml"
        save = tmp_path / "s.json"
        invoke("run", str(tree), *answers(RESET), "--save", str(save))
        result = invoke("packet", str(save), "--tree", str(tree), "--format", "text")
        assert result.exit_code == 0, result.output
        assert "Password reset" in result.output

    def test_packet_help_imports_nothing_heavy(self) -> None:
        """`packet --help` loads neither pydantic nor networkx."""
        code = (
            "import sys\n"
            "from okpay_triage.cli import main\n"
            "try:\n"
            "    main(['packet', '--help'])\n"
            "except SystemExit:\n"
            "    pass\n"
            "print(sorted(m for m in ('pydantic', 'networkx') if m in sys.modules))"
        )
        output = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        assert output.strip().endswith("[]")
        assert "--format" in output


ACCOUNT_TREE = Path(__file__).parent / "data" / "good" / "account.yaml"


@pytest.mark.parametrize("fmt", ["markdown", "text", "json", "email"])
def test_packet_preview_masks_what_the_support_packet_keeps_whole(tmp_path: Path, fmt: str) -> None:
    """`packet FILE` is for support: the account identifier whole; `--preview` is the
    shareable rendering, with it masked and said to be a preview."""
    save = tmp_path / "s.json"
    answers = ["138 1234 5678", "TX20261120AB", "ORD-88001", "Zhang Wei", "4821", "x", "y"]
    ran = invoke("run", str(ACCOUNT_TREE), "--save", str(save), stdin="\n".join(answers) + "\n")
    assert ran.exit_code == 0, ran.output
    full = invoke("packet", str(save), "--tree", str(ACCOUNT_TREE), "--format", fmt)
    preview = invoke("packet", str(save), "--tree", str(ACCOUNT_TREE), "--format", fmt, "--preview")
    assert full.exit_code == preview.exit_code == 0

    def text_of(out: str) -> str:
        if fmt == "email":  # the body, decoded
            message = email.message_from_string(out, policy=email.policy.default)
            out = message.get_body().get_content()  # type: ignore[union-attr]
        return out.replace("\\", "")  # Markdown escapes its asterisks

    assert "8613812345678" in text_of(full.output).replace("+", "")
    assert "13812345678" not in text_of(preview.output).replace(" ", "").replace("+86", "")
    assert "138****5678" in text_of(preview.output)
