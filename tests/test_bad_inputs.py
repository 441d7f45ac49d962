"""Every item of BAD_INPUTS.md, one test each, through the public API or the command line.

Items 1-17 are untrusted tree files, 18-30 untrusted answers and facts, 31-33 session files.
Some items are also covered in depth elsewhere (test_loader, test_values, test_cli, ...);
here each is shown once, as a user or an embedding application meets it.
"""

from __future__ import annotations

import email
import email.policy
import errno
import json
import os
import re
import shutil
import socket
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args

import pexpect
import pytest
from benchmarks.treegen import generated_tree
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okpay_triage import (
    AnswerError,
    Problem,
    Session,
    SessionError,
    TreeError,
    load_tree,
)
from okpay_triage.cli import cli
from okpay_triage.packet.build import build_packet
from okpay_triage.session import saved
from okpay_triage.testing import fact_values, hostile_text, sensitive_text
from okpay_triage.text import visible
from okpay_triage.tree.load import read_tree
from okpay_triage.tree.plan import compile_tree
from okpay_triage.types import FactType

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
CELL_BORDER = re.compile(r"(?<!\\)\|")  # a Markdown table cell border: "|" not escaped
COMMAND = shutil.which("okpay-triage") or str(Path(sys.executable).parent / "okpay-triage")


def invoke(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def problems(source: Path, *, placed: bool = True) -> list[Problem]:
    """The problems `load_tree` raises for `source` (it must raise), each at a line and
    column of the file unless `placed` is false."""
    with pytest.raises(TreeError) as caught:
        load_tree(source)
    for found in caught.value.problems:
        assert found.file == str(source)
        assert not placed or (found.line >= 1 and found.column >= 1), found
    return caught.value.problems


def problem(source: Path, code: str) -> Problem:
    """The first problem with `code`."""
    found = problems(source)
    assert code in [p.code for p in found], found
    return next(p for p in found if p.code == code)


def line_of(source: Path, found: Problem) -> str:
    return source.read_text(encoding="utf-8").splitlines()[found.line - 1]


def _text(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


def tree_file(folder: Path, fact: dict[str, Any], **changes: Any) -> Path:
    """A small tree: does it work? -> if not, one input -> an escalating outcome that
    requires it. `fact` is the input's fact declaration (type and options)."""
    data: dict[str, Any] = {
        "id": "one-input",
        "version": "1",
        "title": _text("One input", "一个输入"),
        "start": "q1",
        "facts": {"value": {"label": _text("Value", "取值"), **fact}},
        "nodes": [
            {
                "id": "q1",
                "kind": "question",
                "prompt": _text("Did it work?", "好了吗？"),
                "options": [
                    {"id": "yes", "label": _text("Yes", "好了"), "next": "o_done"},
                    {"id": "no", "label": _text("No", "没有"), "next": "i_value"},
                ],
            },
            {
                "id": "i_value",
                "kind": "input",
                "fact": "value",
                "prompt": _text("What is it?", "是什么？"),
                "next": "o_help",
            },
            {
                "id": "o_done",
                "kind": "outcome",
                "title": _text("Done", "完成"),
                "cause": _text("It worked.", "已经解决。"),
                "steps": [_text("Nothing more to do.", "无需其他操作。")],
                "escalate": "no",
                "severity": "low",
            },
            {
                "id": "o_help",
                "kind": "outcome",
                "title": _text("Contact support", "联系客服"),
                "cause": _text("It did not work.", "没有解决。"),
                "steps": [_text("Contact support.", "请联系客服。")],
                "escalate": "yes",
                "severity": "medium",
                "requires": ["value"],
            },
        ],
    }
    data.update(changes)
    path = folder / "one-input.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def at_input(folder: Path, lang: str = "en", **fact: Any) -> Session:
    """A session of `tree_file` waiting at the input."""
    return Session.start(load_tree(tree_file(folder, fact)), lang=lang).answer("no")


def renderings(session: Session) -> dict[str, str]:
    """Everything a finished session is shown as: saved JSON, facts, transcript, packet."""
    packet = build_packet(session)
    return {
        "session file": session.to_json(),
        "facts": json.dumps(session.facts, ensure_ascii=False),
        "transcript": "\n".join(f"{e.answer} {e.shown}" for e in session.transcript),
        "markdown": packet.to_markdown(),
        "text": packet.to_text(),
        "email": packet.to_email().as_string(),
        "json": packet.model_dump_json(),
    }


def luhn(body: str) -> str:
    """`body` with the Luhn check digit appended."""
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char) * (2 if position % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return body + str(-total % 10)


# --------------------------------------------------------------------------- tree files


class TestTreeFiles:
    """Items 1-17: tree files are untrusted."""

    def test_item_01_cycles(self) -> None:
        """Item 1: a cycle or a self-loop is an error naming the steps that loop."""
        loop = problem(BAD / "cycle.yaml", "cycle")
        assert re.search(r"(\w+) -> .* -> \1", loop.message), loop.message
        self_loop = problem(BAD / "self-loop.yaml", "cycle")
        assert "q1 -> q1" in self_loop.message

    def test_item_02_dangling_reference(self) -> None:
        """Item 2: `next` naming no node is an error at that reference, with a suggestion."""
        path = BAD / "dangling-next.yaml"
        found = problem(path, "unknown-node")
        assert "o_hepl" in line_of(path, found)
        assert "did you mean 'o_help'" in found.message

    def test_item_03_duplicates(self) -> None:
        """Item 3: a duplicate node id or mapping key is an error naming both places."""
        node = problem(BAD / "duplicate-node.yaml", "duplicate-node")
        first_node = re.search(r"first at line (\d+), column \d+", node.message)
        assert first_node is not None
        assert int(first_node.group(1)) < node.line
        key = problem(BAD / "duplicate-key.yaml", "duplicate-key")
        first = re.search(r"first at line (\d+)", key.message)
        assert first is not None
        assert int(first.group(1)) < key.line

    def test_item_04_unreachable_one_option_outcome_with_options(self) -> None:
        """Item 4: an unreachable node, a one-option question, an outcome with options."""
        assert "cannot be reached" in problem(BAD / "unreachable.yaml", "unreachable").message
        assert "at least two" in problem(BAD / "one-option.yaml", "too-few-options").message
        leaf = problem(BAD / "outcome-with-options.yaml", "outcome-with-options")
        assert "options" in line_of(BAD / "outcome-with-options.yaml", leaf)

    def test_item_05_start(self) -> None:
        """Item 5: no start node, or a start naming no node, is an error."""
        assert "start" in problem(BAD / "no-start.yaml", "missing-field").message
        assert "not a node" in problem(BAD / "unknown-start.yaml", "unknown-start").message

    def test_item_06_required_fact_on_every_path(self) -> None:
        """Item 6: an escalating outcome whose fact some path never collects names that path."""
        found = problem(BAD / "required-fact-missing.yaml", "required-fact-missing")
        assert "q1 -> o_help" in found.message

    def test_item_07_missing_translation(self, tmp_path: Path) -> None:
        """Item 7: a missing zh or en text names the node and the field."""
        assert problem(BAD / "missing-zh.yaml", "missing-translation").message == (
            "node 'i_email' prompt: no zh text"
        )
        path = tree_file(tmp_path, {"type": "text"})
        data = json.loads(path.read_text(encoding="utf-8"))
        del data["nodes"][2]["cause"]["en"]
        path.write_text(json.dumps(data), encoding="utf-8")
        assert problem(path, "missing-translation").message == "node 'o_done' cause: no en text"

    def test_item_08_typo_key(self) -> None:
        """Item 8: a misspelt key is an error at that key, with the likely key."""
        path = BAD / "typo-key.yaml"
        found = problem(path, "unknown-field")
        assert line_of(path, found).strip().startswith("nxet")
        assert "did you mean 'next'" in found.message

    def test_item_09_yaml11_lookalikes_stay_strings(self) -> None:
        """Item 9: NO, yes, 0123, 1.10 and 12:30:00 are kept as the exact strings written."""
        tree = load_tree(DATA / "good" / "yaml11-scalars.yaml")
        question: Any = tree.nodes[0]
        written = [tree.version, tree.title.en, tree.title.zh, question.prompt.en]
        assert written == ["1.10", "NO", "yes", "0123"]
        assert question.prompt.zh == "12:30:00"

    def test_item_10_tags_are_rejected(self, tmp_path: Path) -> None:
        """Item 10: a `!!python/...` or any explicit tag is refused, and nothing runs."""
        marker = tmp_path / "pwned"
        path = tmp_path / "tag.yaml"
        path.write_text(
            f'id: x\nversion: !!python/object/apply:os.system ["touch {marker}"]\n',
            encoding="utf-8",
        )
        assert problem(path, "tag-forbidden").line == 2
        assert not marker.exists()
        assert problem(BAD / "str-tag.yaml", "tag-forbidden")

    def test_item_11_aliases_are_rejected_before_expansion(self) -> None:
        """Item 11: the billion-laughs file stops at its first anchor, nothing expanded."""
        found = problems(BAD / "billion-laughs.yaml")
        assert [(p.code, p.line, p.column) for p in found] == [("anchor-forbidden", 1, 4)]
        assert problem(BAD / "alias.yaml", "anchor-forbidden")

    @pytest.mark.parametrize("suffix", [".yaml", ".json"])
    def test_item_12_deep_nesting(self, tmp_path: Path, suffix: str) -> None:
        """Item 12: 100,000 nested brackets are "too deep", never a RecursionError or crash."""
        path = tmp_path / f"deep{suffix}"
        path.write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
        result = invoke("validate", str(path))
        assert result.exit_code == 1
        assert f"{path}:1:" in result.output
        assert "too-deep" in result.output
        assert "Traceback" not in result.output

    def test_item_13_huge_file_refused_by_size(self, tmp_path: Path) -> None:
        """Item 13: a file of several MB is refused by its size before parsing."""
        path = tmp_path / "big.yaml"
        path.write_bytes(b"[" * (3 * 1024 * 1024))  # would be "too deep" if it were parsed
        assert [p.code for p in problems(path, placed=False)] == ["file-too-large"]
        result = invoke("validate", "--max-bytes", "1000", str(DATA / "good" / "mini.yaml"))
        assert result.exit_code == 1
        assert "file-too-large" in result.output
        assert "--max-bytes" in result.output  # says how to check a tree that large

    @pytest.mark.parametrize("case", ["too large", "missing", "a directory"])
    def test_item_13_file_level_problems_are_placed(self, tmp_path: Path, case: str) -> None:
        """Item 13: a file refused before parsing is still reported at file:1:1."""
        path = tmp_path / "tree.yaml"
        if case == "too large":
            path.write_bytes(b"#" * (3 * 1024 * 1024))
        elif case == "a directory":
            path.mkdir()
        problems(path)

    def test_item_14_several_documents(self) -> None:
        """Item 14: a second `---` document is an error at its start."""
        path = BAD / "multi-doc.yaml"
        assert line_of(path, problem(path, "multiple-documents")).startswith("---")

    @pytest.mark.parametrize(
        ("name", "code"),
        [
            ("tab-indent.yaml", "tab-indent"),
            ("nul-byte.yaml", "bad-encoding"),
            ("invalid-utf8.yaml", "bad-encoding"),
            ("utf16.yaml", "bad-encoding"),
        ],
    )
    def test_item_15_tabs_nul_bad_encodings(self, name: str, code: str) -> None:
        """Item 15: tabs, NUL bytes, invalid UTF-8 and UTF-16 are errors with a position."""
        found = problem(BAD / name, code)
        raw = (BAD / name).read_bytes()
        if name == "utf16.yaml":
            assert (found.line, found.column) == (1, 1)
            return
        if name == "invalid-utf8.yaml":
            with pytest.raises(UnicodeDecodeError) as caught:
                raw.decode("utf-8")
            offset = caught.value.start
        else:
            offset = raw.index(b"\x00" if name == "nul-byte.yaml" else b"\t")
        assert found.line == raw.count(b"\n", 0, offset) + 1  # where the offending byte is

    @pytest.mark.parametrize("name", ["zero-width-id.yaml", "lookalike-id.yaml"])
    def test_item_16_invisible_or_lookalike_ids(self, name: str) -> None:
        """Item 16: ids with zero-width or look-alike characters break the id rule, shown
        with the hidden character made visible."""
        found = problem(BAD / name, "invalid-id")
        assert re.search(r"\\u[0-9a-f]{4}", found.message), found.message

    def test_item_17_hundred_thousand_nodes(self, tmp_path: Path) -> None:
        """Item 17: a generated tree of 100,000 nodes loads and checks clean."""
        path = tmp_path / "huge.json"
        path.write_text(json.dumps(generated_tree(100_000)), encoding="utf-8")
        result = read_tree(path, max_bytes=400 * 1024 * 1024)  # loads, then checks
        assert result.tree is not None
        assert len(result.tree.nodes) == 100_000
        assert result.problems == []


# --------------------------------------------------------------------------- answers


class TestAnswers:
    """Items 18-30: answers and facts typed by users are untrusted."""

    @pytest.mark.parametrize(
        "card",
        [
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "４１１１１１１１１１１１１１１１",
            " ".join(re.findall(".{1,4}", luhn("622202123456789012"))),  # UnionPay, 19 digits
            luhn("621700001234567"),
        ],
    )
    def test_item_18_card_numbers_masked_everywhere(self, tmp_path: Path, card: str) -> None:
        """Item 18: a card number (spaces, dashes, full width, UnionPay 62) is kept as its
        last four digits in facts, transcript, session file and every packet rendering."""
        digits = re.sub(
            r"\D", "", card.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        )
        assert luhn(digits[:-1]) == digits
        done = at_input(tmp_path, type="text").answer(f"my card {card} was charged")
        assert done.facts["value"] == f"my card ****{digits[-4:]} was charged"
        for where, text in renderings(done).items():
            flat = re.sub(r"(?<=\d)[ -](?=\d)", "", text)
            assert digits[:-4] not in flat, where
            assert card not in text, where

    def test_item_18_card_number_cut_by_the_length_limit(self, tmp_path: Path) -> None:
        """Item 18: a card number at the end of an overlong answer is not kept in part."""
        session = at_input(tmp_path, type="text", max_length=20)
        done = session.answer("card 4111 1111 1111 1111 thanks")
        assert "4111 1111" not in done.facts["value"]

    def test_item_19_luhn_invalid_order_number_kept(self, tmp_path: Path) -> None:
        """Item 19: a long number that fails the Luhn check, typed as an order number, is kept."""
        number = "4111111111111112"
        done = at_input(tmp_path, type="order_number").answer(number)
        assert done.facts["value"] == number
        valid = at_input(tmp_path, type="order_number").answer("4111111111111111")
        assert valid.facts["value"] == "****1111"  # a real card number never is
        dated = "20261121000123"  # passes the Luhn check, but no card starts with 2026
        assert at_input(tmp_path, type="order_number").answer(dated).facts["value"] == dated

    @pytest.mark.parametrize(
        ("secret", "value"),
        [
            ("CVV 123", "123"),
            ("验证码 483920", "483920"),
            ("密码 abc123", "abc123"),
            ("PIN 4821", "4821"),
            ("%B4111111111111111^DOE/JOHN^2512101?", "2512101"),
        ],
    )
    def test_item_20_secrets_dropped_and_warned(
        self, tmp_path: Path, secret: str, value: str
    ) -> None:
        """Item 20: a CVV, code, password, PIN or track data is dropped with a warning; where
        nothing else is left, the answer is asked again."""
        with pytest.raises(AnswerError) as caught:
            at_input(tmp_path, type="transaction_id").answer(secret)
        assert caught.value.code == "secret-removed"
        assert value not in str(caught.value)
        done = at_input(tmp_path, type="text").answer(f"it failed, {secret} was entered")
        assert value not in done.to_json()
        assert "[removed]" in done.facts["value"]
        assert any("never share it" in notice for notice in done.notices)
        zh = at_input(tmp_path, lang="zh", type="text").answer(f"失败了 {secret}")
        assert any("已删除且不会保存" in notice for notice in zh.notices)

    @pytest.mark.parametrize(
        "number", ["11010519491231002X", "11010519491231002x", "110105194912310021"]
    )
    def test_item_21_resident_ids_masked(self, tmp_path: Path, number: str) -> None:
        """Item 21: an 18-digit resident ID, lowercase x too, checksum valid or not, is masked."""
        done = at_input(tmp_path, type="text").answer(f"身份证 {number}")
        assert done.facts["value"] == f"身份证 ****{number[-4:].upper()}"
        assert number[:14] not in done.to_json()

    @pytest.mark.parametrize("phone", ["+86 138 1234 5678", "8613812345678", "13812345678"])
    def test_item_22_phones_masked(self, tmp_path: Path, phone: str) -> None:
        """Item 22: mainland mobile numbers in any form become 138****5678."""
        as_text = at_input(tmp_path, type="text").answer(f"call me on {phone}")
        assert as_text.facts["value"] == "call me on 138****5678"
        as_phone = at_input(tmp_path, type="phone", sensitive=True).answer(phone)
        assert as_phone.facts["value"] == "138****5678"
        assert "12345678" not in as_phone.to_json()

    @pytest.mark.parametrize(
        ("address", "masked"),
        [
            ("alice+wallet@example.com", "a***@example.com"),
            ("张三@例子.中国", "张***@例子.中国"),
            ("bob@xn--fsqu00a.xn--fiqs8s", "b***@xn--fsqu00a.xn--fiqs8s"),
        ],
    )
    def test_item_23_emails_masked_offline(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, address: str, masked: str
    ) -> None:
        """Item 23: emails (+tags, IDN domains) are masked without any network call."""

        def no_network(*args: object, **kwargs: object) -> None:
            raise AssertionError("a network call was made")

        monkeypatch.setattr(socket, "getaddrinfo", no_network)
        monkeypatch.setattr(socket.socket, "connect", no_network)
        as_text = at_input(tmp_path, type="text").answer(f"my email is {address}")
        assert as_text.facts["value"] == f"my email is {masked}"
        as_email = at_input(tmp_path, type="email", sensitive=True).answer(address)
        assert as_email.facts["value"] == masked

    @pytest.mark.parametrize(
        ("typed", "kept"),
        [
            ("1,000", "1000.00 CNY"),
            ("¥1,000.00", "1000.00 CNY"),
            ("１００", "100.00 CNY"),
            ("128.5 USD", "128.50 USD"),
            ("NaN", None),
            ("inf", None),
            ("1e309", None),
            ("-5", None),
            ("100.005", None),
            ("0", None),
        ],
    )
    def test_item_24_amounts(self, tmp_path: Path, typed: str, kept: str | None) -> None:
        """Item 24: amounts are positive with two decimal places, or asked again."""
        session = at_input(tmp_path, type="money", default_currency="CNY")
        if kept is None:
            with pytest.raises(AnswerError) as caught:
                session.answer(typed)
            assert "greater than zero" in str(caught.value)
            return
        value = session.answer(typed).facts["value"]
        assert value == kept
        amount = Decimal(value.split()[0])
        assert amount > 0
        assert amount.as_tuple().exponent == -2

    @pytest.mark.parametrize(
        ("typed", "reason"),
        [
            ("2026-02-30 10:00 +08:00", "real date"),
            ("2025-13-01", "real date"),
            ("2099-01-01 10:00 +08:00", "in the future"),
            ("2026-11-20 10:00", "time zone"),
        ],
    )
    def test_item_25_impossible_future_or_zoneless_dates(
        self, tmp_path: Path, typed: str, reason: str
    ) -> None:
        """Item 25: impossible or future dates, and times without a zone, are asked again;
        a zone is assumed only where the fact says so."""
        with pytest.raises(AnswerError, match=reason):
            at_input(tmp_path, type="datetime").answer(typed)
        if reason == "time zone":
            assumed = at_input(tmp_path, type="datetime", assume_timezone="Asia/Shanghai")
            assert assumed.answer(typed).facts["value"] == "2026-11-20T10:00+08:00"

    def test_item_26_terminal_escapes_shown_escaped(self, tmp_path: Path) -> None:
        """Item 26: escape sequences, Rich markup, bidi overrides and zero-width characters,
        in a tree or in an answer, reach the terminal escaped, never interpreted."""
        hostile = "\x1b[2J\x1b]0;pwned\x07 [bold]x[/] \u202egnp.exe \u200bzero"
        shown = visible(hostile)
        assert not re.search(r"[\x1b\x07\u202e\u200b]", shown)
        assert "\\x1b[2J" in shown
        assert "\\u202e" in shown
        assert "[bold]x[/]" in shown
        path = tree_file(tmp_path, {"type": "text"})
        data = json.loads(path.read_text(encoding="utf-8"))
        data["nodes"][3]["cause"]["en"] = hostile
        path.write_text(json.dumps(data), encoding="utf-8")
        result = invoke("run", str(path), "--answer", "no", "--answer", hostile)
        assert result.exit_code == 0, result.output
        assert not re.search(r"[\x1b\x07\u202e\u200b]", result.output)
        assert "\\x1b[2J\\x1b]0;pwned\\x07" in result.output  # the cause, from the tree file
        assert "\\u202egnp.exe" in result.output  # the fact, from the answer
        assert "[bold]x[/]" in result.output

    def test_item_27_no_email_header_injection(self, tmp_path: Path) -> None:
        """Item 27: CR/LF in an answer or in tree text never reaches an email header."""
        injected = "退款\r\nBcc: x@example.com"
        path = tree_file(tmp_path, {"type": "text"})
        data = json.loads(path.read_text(encoding="utf-8"))
        data["nodes"][3]["title"] = _text(injected, injected)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        done = Session.start(load_tree(path)).answer("no").answer(injected)
        assert "\r" not in done.facts["value"]
        message = build_packet(done).to_email()
        assert all("\n" not in str(v) and "\r" not in str(v) for v in message.values())
        assert message["Bcc"] is None
        parsed = email.message_from_string(message.as_string(), policy=email.policy.default)
        assert parsed["Bcc"] is None
        assert "退款" in str(parsed["Subject"])
        result = invoke(
            "run", str(path), "--answer", "no", "--answer", injected, "--format", "email"
        )
        assert result.exit_code == 0, result.output
        header = result.stdout.split("\n\n", 1)[0]
        assert not re.search(r"^Bcc:", header, flags=re.MULTILINE)

    def test_item_28_markdown_cannot_break_out(self, tmp_path: Path) -> None:
        """Item 28: fences, headings, HTML and javascript: links typed in an answer stay
        text inside the packet's Markdown; its structure is that of a harmless answer."""
        hostile = "```\n# Approved\n<img src=x onerror=alert(1)>\n[x](javascript:alert(1))\n| a |"
        markdown = {
            answer: build_packet(
                at_input(tmp_path, type="text").answer(answer),
                now=datetime(2026, 11, 20, 10, tzinfo=UTC),
                case_id="OKP-20261120-ABC123",
            ).to_markdown()
            for answer in ("harmless", hostile)
        }

        def structure(text: str) -> list[str]:
            """Each line's kind: heading level, fence, table row and cell count, list item."""
            kinds = []
            for line in text.splitlines():
                if line.startswith("#"):
                    kinds.append(line.split(" ")[0])
                elif line.startswith(("```", "~~~")):
                    kinds.append("fence")
                elif line.startswith("|"):
                    kinds.append(f"row of {len(CELL_BORDER.findall(line))}")
                else:
                    kinds.append("item" if line.startswith(("- ", "* ")) else "text")
            return kinds

        assert structure(markdown[hostile]) == structure(markdown["harmless"])
        assert not re.search(r"(?<!\\)<img", markdown[hostile])  # "\<img" is text
        assert "javascript:" not in markdown[hostile]  # no link is made

    def test_item_29_huge_nul_and_surrogate_answers(self, tmp_path: Path) -> None:
        """Item 29: a 1 MB answer is capped, NUL bytes dropped, lone surrogates replaced;
        the saved JSON stays valid UTF-8."""
        session = at_input(tmp_path, type="text", max_length=500)
        capped = session.answer("长" * 1_000_000)
        assert len(capped.facts["value"]) <= 501
        assert any("shortened" in notice for notice in capped.notices)
        odd = session.answer("a\x00b \ud800 c\udfff")
        assert odd.facts["value"] == "ab \ufffd c\ufffd"
        for done in (capped, odd):
            saved = done.to_json()
            saved.encode("utf-8")
            assert Session.from_json(saved, load_tree(tree_file(tmp_path, {"type": "text"})))
        with pytest.raises(AnswerError) as caught:  # a question: refused, not echoed in full
            Session.start(load_tree("login-failure")).answer("x" * 1_000_000)
        assert len(str(caught.value)) < 1000

    @pytest.mark.parametrize("answer", ["1" * 5000, "\U00010a40"])
    def test_item_29_digit_answers_beyond_int(self, answer: str) -> None:
        """Item 29: a huge or exotic number typed at a question is refused like any other."""
        with pytest.raises(AnswerError):
            Session.start(load_tree("login-failure")).answer(answer)

    @pytest.mark.parametrize("lang", ["en", "zh"])
    def test_item_30_empty_or_unknown_option(self, tmp_path: Path, lang: str) -> None:
        """Item 30: an empty answer or an option not offered is asked again with the options
        listed; synonyms in both languages are accepted."""
        session = Session.start(load_tree(tree_file(tmp_path, {"type": "text"})), lang=lang)
        for wrong in ("", "   ", "maybe", "3"):
            with pytest.raises(AnswerError) as caught:
                session.answer(wrong)
            assert ("1) Yes; 2) No" if lang == "en" else "1) 好了；2) 没有") in str(caught.value)
        for word in ("y", "yes", "是", "对", "Yes!", "好了"):
            assert session.answer(word).outcome is not None
        result = invoke("run", "login-failure", "--answer", "banana")
        assert result.exit_code == 2
        assert "2) I have forgotten my password" in result.output


# --------------------------------------------------------------------------- sessions


class TestSessionFiles:
    """Items 31-33: sessions and the files they are saved in."""

    @pytest.mark.parametrize("key", ["ctrl-c", "ctrl-d"])
    def test_item_31_interrupt_at_a_prompt(self, tmp_path: Path, key: str) -> None:
        """Item 31: Ctrl-C or Ctrl-D at a prompt exits 130, and the session resumes."""
        save = tmp_path / "s.json"
        env = {**os.environ, "NO_COLOR": "1"}
        child = pexpect.spawn(
            COMMAND,
            ["run", "login-failure", "--save", str(save)],
            encoding="utf-8",
            timeout=30,
            env=env,
        )
        child.expect("> ")
        child.sendline("forgot")
        child.expect("> ")
        if key == "ctrl-c":
            child.sendintr()
        else:
            child.sendeof()
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 130
        assert "Traceback" not in (child.before or "")
        result = invoke("resume", str(save), "--answer", "done")
        assert result.exit_code == 0, result.output
        assert "Password reset" in result.output

    @pytest.mark.parametrize(
        "damage",
        ["truncated", "not utf-8", "hand-edited", "tree changed", "unknown tree", "wrong type"],
    )
    def test_item_32_damaged_or_foreign_session_files(self, tmp_path: Path, damage: str) -> None:
        """Item 32: a damaged, edited or foreign session file is a clear error, exit 1, and
        the file is not overwritten; so is one for a tree that has since changed so that its
        answers no longer fit (one whose answers still fit resumes, replayed)."""
        tree = tree_file(tmp_path, {"type": "text"})
        save = tmp_path / "s.json"
        assert invoke("run", str(tree), "--answer", "no", "--save", str(save)).exit_code == 3
        text = save.read_text(encoding="utf-8")
        saved = json.loads(text)
        args = ["resume", str(save), "--tree", str(tree), "--answer", "note"]
        if damage == "truncated":
            save.write_text(text[: len(text) // 2], encoding="utf-8")
        elif damage == "not utf-8":
            save.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
        elif damage == "hand-edited":
            saved["answers"][0]["answer"] = "maybe"
            save.write_text(json.dumps(saved), encoding="utf-8")
        elif damage == "tree changed":  # so that the saved answer no longer fits
            changed = tree.read_text(encoding="utf-8").replace('"id": "no"', '"id": "nope"')
            tree.write_text(changed, encoding="utf-8")
        elif damage == "unknown tree":
            saved["tree"]["id"] = "no-such-tree"
            save.write_text(json.dumps(saved), encoding="utf-8")
            args = ["resume", str(save), "--answer", "note"]
        else:
            saved["answers"] = {"0": "no"}
            save.write_text(json.dumps(saved), encoding="utf-8")
        before = save.read_bytes()
        result = invoke(*args)
        assert result.exit_code == 1
        assert "error:" in result.output
        assert "Traceback" not in result.output
        assert save.read_bytes() == before
        if damage != "not utf-8":
            with pytest.raises(SessionError):
                Session.from_json(before, load_tree(tree))

    @pytest.mark.parametrize(
        ("fact", "typed", "edited"),
        [
            ({"type": "money", "default_currency": "CNY"}, "¥1,000", "abc"),
            ({"type": "money", "default_currency": "CNY"}, "¥1,000", "-5.00 CNY"),
            ({"type": "datetime"}, "2026-11-20 14:30 +08:00", "next tuesday"),
            ({"type": "datetime"}, "2026-11-20 14:30 +08:00", "2999-01-01T00:00+00:00"),
            ({"type": "transaction_id"}, "TX20261120001", "<script>"),
            ({"type": "text", "max_length": 20}, "the app froze", "x" * 500),
            ({"type": "text"}, "the app froze", "很长" * 100_000),
            ({"type": "choice", "choices": ["gold", "basic"]}, "gold", "platinum"),
        ],
    )
    def test_item_32_hand_edited_value(
        self, tmp_path: Path, fact: dict[str, Any], typed: str, edited: str
    ) -> None:
        """Item 32: a saved value edited into a form the engine never keeps (an amount `abc`,
        a time in the future, a text over its limit) is refused on resume, in the library
        (code "bad-value") and by `resume` (exit 1); the value as saved resumes."""
        tree = load_tree(tree_file(tmp_path, fact))
        session = Session.start(tree).answer("no").answer(typed)
        saved = json.loads(session.to_json())
        assert Session.from_json(json.dumps(saved), tree) == session
        saved["answers"][-1]["answer"] = edited
        with pytest.raises(SessionError, match="would not have saved") as caught:
            Session.from_json(json.dumps(saved), tree)
        assert caught.value.code == "bad-value"
        save = tmp_path / "s.json"
        save.write_text(json.dumps(saved), encoding="utf-8")
        result = invoke("resume", str(save), "--tree", str(tree_file(tmp_path, fact)))
        assert result.exit_code == 1
        assert "would not have saved" in result.output
        assert "Traceback" not in result.output

    def test_item_32_hand_edited_fact_given_up_front(self) -> None:
        """Item 32: the same for a fact passed to `Session.start`: a choice bound to a
        question must still name one of its options."""
        tree = load_tree("login-failure")
        bound = next(s for s in compile_tree(tree).steps.values() if s.fact and s.options)
        assert bound.fact is not None
        session = Session.start(tree, facts={bound.fact: bound.options[0][0]})
        saved = json.loads(session.to_json())
        assert Session.from_json(json.dumps(saved)) == session
        saved["context"][bound.fact] = "not-an-option"
        with pytest.raises(SessionError) as caught:
            Session.from_json(json.dumps(saved))
        assert caught.value.code == "bad-value"

    @pytest.mark.parametrize("fact_type", ["transaction_id", "order_number", "text", "phone"])
    @pytest.mark.parametrize("sensitive", [False, True])
    @pytest.mark.parametrize(
        "typed", ["4000000000000002", "13812345678", "11010519491231002X", "+86 138 1234 5678"]
    )
    def test_item_32_masked_values_resume(
        self, tmp_path: Path, fact_type: str, sensitive: bool, typed: str
    ) -> None:
        """Item 32: personal data typed where an id, a text or a phone is asked is kept
        masked (``****0002``), which cannot be read again as an id; it still resumes."""
        tree = load_tree(tree_file(tmp_path, {"type": fact_type, "sensitive": sensitive}))
        try:
            session = Session.start(tree).answer("no").answer(typed)
        except AnswerError:
            return  # not a valid value of this type: nothing was kept
        assert "*" in session.facts["value"]
        assert Session.from_json(session.to_json(), tree) == session

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        data=st.data(),
        fact_type=st.sampled_from(get_args(FactType)),
        sensitive=st.booleans(),
        keep=st.sampled_from([None, "whole", "masked"]),
    )
    def test_item_32_every_kept_value_resumes(
        self,
        tmp_path_factory: pytest.TempPathFactory,
        data: st.DataObject,
        fact_type: str,
        sensitive: bool,
        keep: str | None,
    ) -> None:
        """Item 32, the other side: no value the engine keeps, whatever was typed (valid
        values in every form, hostile text, personal data inside a text), is taken for a
        hand edit on resume, kept whole or masked."""
        fact: dict[str, Any] = {"type": fact_type}
        if sensitive:  # (an account fact, or one with keep, is always sensitive)
            fact["sensitive"] = True
        if keep is not None:
            fact["keep"] = keep
        if fact_type == "choice":
            fact["choices"] = ["gold", "basic"]
        if fact_type == "money":
            fact["default_currency"] = "CNY"
        if fact_type == "datetime":
            fact["assume_timezone"] = "Asia/Shanghai"
        tree = load_tree(tree_file(tmp_path_factory.mktemp("t"), fact))
        spec = compile_tree(tree).facts["value"]
        typed = data.draw(
            st.one_of(
                fact_values(spec),
                hostile_text(),
                sensitive_text().map(lambda s: s.text),
                sensitive_text().map(lambda s: f"see {s.text} here"),
            )
        )
        at = Session.start(tree).answer("no")
        try:
            session = at.answer(typed)
        except AnswerError:
            return  # refused as typed: nothing was kept
        saved.forget()  # the full checks of a file, not the memory of a state just made
        assert Session.from_json(session.to_json(), tree) == session

    @pytest.mark.parametrize("failure", ["disk full", "no permission", "a directory"])
    def test_item_33_unwritable_save_path(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
    ) -> None:
        """Item 33: a save path that cannot be written is a clear error, and the previous
        file is intact."""
        save = tmp_path / "s.json"
        assert (
            invoke("run", "login-failure", "--answer", "forgot", "--save", str(save)).exit_code == 3
        )
        before = save.read_bytes()
        if failure == "a directory":
            result = invoke("resume", str(save), "--answer", "done", "--save", str(tmp_path))
            assert result.exit_code == 2
            assert "is a directory" in result.output
        else:
            code = errno.ENOSPC if failure == "disk full" else errno.EACCES

            def refuse(*args: object, **kwargs: object) -> None:
                raise OSError(code, os.strerror(code))

            if code == errno.ENOSPC:
                monkeypatch.setattr(os, "fsync", refuse)
            else:  # root may write anywhere, so refuse creating the temporary file instead
                monkeypatch.setattr("tempfile.mkstemp", refuse)
            result = invoke("resume", str(save), "--answer", "done")
            assert result.exit_code == 1
            assert os.strerror(code) in result.output
            assert "the previous file is unchanged" in result.output
        assert save.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_every_item_has_a_test() -> None:
    """Each of the 33 items of BAD_INPUTS.md has a test here whose docstring names it."""
    found: set[int] = set()
    for name, value in globals().items():
        if name.startswith("Test") and isinstance(value, type):
            for attribute in vars(value).values():
                match = re.match(r"Item (\d+):", getattr(attribute, "__doc__", None) or "")
                if match:
                    found.add(int(match.group(1)))
    assert found == set(range(1, 34))
