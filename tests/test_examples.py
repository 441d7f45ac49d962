"""The example programs run for real: the chat backend over HTTP, the batch script as a program."""

from __future__ import annotations

import email
import email.policy
import http.client
import importlib.util
import json
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def load_example(name: str) -> ModuleType:
    """Import examples/`name`.py, which is a script rather than part of a package."""
    spec = importlib.util.spec_from_file_location(f"examples_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


chat = load_example("chat_backend")


# --------------------------------------------------------------------------- chat backend


@pytest.fixture(scope="module")
def outbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The folder the chat backend writes packets for support to (``--outbox``)."""
    folder = tmp_path_factory.mktemp("outbox")
    setattr(chat, "OUTBOX", folder)  # noqa: B010 (a module loaded from a path: untyped)
    yield folder
    setattr(chat, "OUTBOX", None)  # noqa: B010


def for_support(outbox: Path, reply: dict[str, Any]) -> dict[str, Any]:
    """The packet support got for a final reply, from the outbox."""
    path = outbox / f"{reply['packet']['case_id']}.json"
    packet = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(packet, dict)
    return packet


@pytest.fixture(scope="module")
def server(outbox: Path) -> Iterator[str]:
    """The chat backend on an ephemeral port of 127.0.0.1, serving from a thread, writing
    packets for support to `outbox`."""
    httpd = chat.make_server(0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def post(
    base: str, path: str, payload: object, *, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """POST `payload` (JSON, or raw bytes) and return the status and the JSON reply."""
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
    request = urllib.request.Request(
        base + path,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    return fetch(request)


def fetch(request: urllib.request.Request) -> tuple[int, dict[str, Any]]:
    """Send `request`; the status and the JSON reply, for errors as well."""
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, read_json(response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, read_json(error.headers, error.read())


def read_json(headers: Any, body: bytes) -> dict[str, Any]:
    """A reply body, which is always JSON, never an HTML page or a traceback."""
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    reply = json.loads(body.decode("utf-8"))
    assert isinstance(reply, dict)
    return reply


def walk(base: str, start: dict[str, Any], answers: list[str]) -> list[dict[str, Any]]:
    """Start a session and answer each of `answers`; every reply, in order."""
    status, reply = post(base, "/start", start)
    assert status == 200, reply
    replies = [reply]
    for value in answers:
        status, reply = post(base, "/answer", {"session": reply["session"], "answer": value})
        assert status == 200, reply
        replies.append(reply)
    return replies


def fact_values(reply: dict[str, Any]) -> dict[str, str]:
    """The facts of the packet's preview in a final reply, by id (masked)."""
    return {fact["id"]: fact["value"] for fact in reply["packet"]["json"]["facts"]}


class TestChatSessions:
    """Whole conversations over HTTP, the session travelling with every request."""

    def test_english_session_ends_in_a_masked_packet(self, server: str, outbox: Path) -> None:
        """Numbered options, an input step with its hint, then an outcome and its packet's
        preview, where the mobile number typed in appears only masked; the packet for
        support (in the outbox) and the session state keep it whole."""
        replies = walk(
            server,
            {"tree": "login-failure", "lang": "en"},
            ["2", "no code", "text", "no", "13812345678", "2026-11-20 09:15", "skip"],
        )
        first, last = replies[0], replies[-1]
        assert first["step"]["kind"] == "question"
        assert first["step"]["options"][1] == {
            "number": 2,
            "id": "forgot",
            "label": "I have forgotten my password",
        }
        account_step = replies[4]["step"]
        assert account_step["kind"] == "input"
        assert account_step["optional"] is False
        assert "name@example.com" in account_step["help"]
        assert [r["progress"]["answered"] for r in replies] == list(range(8))
        assert last["finished"] is True
        assert last["outcome"]["id"] == "o_code_not_working"
        assert last["packet"]["priority"] == "high"
        assert "Password reset code" in last["packet"]["markdown"]
        assert last["packet"]["preview"] is True
        assert fact_values(last)["account"] == "138****5678"  # the user's copy: masked
        support = {f["id"]: f["value"] for f in for_support(outbox, last)["facts"]}
        assert support["account"] == "+8613812345678"  # whole, for support
        assert "+8613812345678" in (outbox / f"{last['packet']['case_id']}.md").read_text()
        for reply in replies:
            shown = {k: v for k, v in reply.items() if k != "session"}
            assert "13812345678" not in json.dumps(shown, ensure_ascii=False)

    def test_chinese_session_with_facts_known_up_front(self, server: str, outbox: Path) -> None:
        """A known account skips its input step (source: context); all text is Chinese."""
        replies = walk(
            server,
            {"tree": "login-failure", "lang": "zh", "facts": {"account": "lin@example.com"}},
            ["忘了密码", "过期", "邮箱", "不行", "2026年11月20日 21:05", "请联系 13812345678"],
        )
        assert "登录" in replies[0]["step"]["prompt"]
        last = replies[-1]
        assert last["outcome"]["id"] == "o_code_not_working"
        assert last["lang"] == "zh"
        packet = last["packet"]
        assert packet["json"]["lang"] == "zh"
        assert fact_values(last)["account"] == "l***@example.com"  # the user's copy
        support = {f["id"]: f["value"] for f in for_support(outbox, last)["facts"]}
        assert support["account"] == "lin@example.com"  # whole, for support
        sources = {f["id"]: f["source"] for f in packet["json"]["facts"]}
        assert sources["account"] == "context"
        # A phone typed into free text (the contact log) is masked, and escaped for Markdown.
        assert "138\\*\\*\\*\\*5678" in packet["markdown"]
        text = json.dumps(replies, ensure_ascii=False)
        assert "13812345678" not in text

    def test_secret_typed_by_mistake_is_dropped_with_a_notice(self, server: str) -> None:
        """A password inside a free-text answer is removed, the user told, the session goes on."""
        answers = ["locked", "security", "yes", "no", "carol@example.com", "2026-11-19 10:00"]
        replies = walk(server, {"tree": "login-failure", "lang": "en"}, answers)
        for answer in ("Locked", "unlock"):  # the lock message, what the user asks for
            status, reply = post(
                server, "/answer", {"session": replies[-1]["session"], "answer": answer}
            )
            assert status == 200, reply
            replies.append(reply)
        status, reply = post(
            server,
            "/answer",
            {"session": replies[-1]["session"], "answer": "Locked. My password is hunter2x"},
        )
        assert status == 200, reply
        assert reply["finished"] is True
        assert reply["notices"]
        assert "password" in reply["notices"][0]
        assert "hunter2x" not in json.dumps(reply, ensure_ascii=False)

    def test_back_undoes_the_last_answer(self, server: str) -> None:
        """/back returns the previous step; a different answer then takes another path."""
        replies = walk(server, {"tree": "login-failure", "lang": "en"}, ["forgot"])
        status, reply = post(server, "/back", {"session": replies[-1]["session"]})
        assert status == 200, reply
        assert reply["step"]["id"] == replies[0]["step"]["id"]
        assert reply["progress"]["answered"] == 0
        status, reply = post(server, "/answer", {"session": reply["session"], "answer": "locked"})
        assert status == 200
        assert reply["step"]["id"] != replies[-1]["step"]["id"]

    def test_start_from_free_text(self, server: str) -> None:
        """A Chinese description picks the tree and the language."""
        status, reply = post(server, "/start", {"text": "提现三天了还没到账"})
        assert status == 200, reply
        assert reply["tree"] == "withdrawal-problem"
        assert reply["lang"] == "zh"
        assert reply["suggestions"][0] == {"tree": "withdrawal-problem", "score": 1.0}
        assert "提现" in reply["step"]["prompt"]

    def test_self_service_outcome_has_no_packet(self, server: str) -> None:
        """An outcome that needs no support shows its steps and no packet."""
        last = walk(server, {"tree": "login-failure"}, ["forgot", "worked"])[-1]
        assert last["outcome"]["escalate"] == "no"
        assert last["outcome"]["steps"]
        assert last["packet"] is None
        assert "step" not in last


def tampered(session: str) -> str:
    """The session with its first answer changed to a step the tree does not have."""
    data = json.loads(session)
    data["session"]["answers"][0]["node"] = "q_made_up"  # a case: the session is inside
    return json.dumps(data, ensure_ascii=False)


class TestChatErrors:
    """Bad input gets a 4xx JSON error in the session's language, never a traceback."""

    def test_malformed_json(self, server: str) -> None:
        """A body that is not JSON is 400."""
        status, reply = post(server, "/start", b'{"tree": ')
        assert status == 400
        assert reply["error"]["code"] == "bad-json"

    def test_unknown_tree_in_chinese(self, server: str) -> None:
        """An unknown tree is 422, with the bundled trees listed, in the request's language."""
        status, reply = post(server, "/start", {"tree": "nope", "lang": "zh"})
        assert status == 422
        assert reply["error"]["code"] == "unknown-tree"
        assert "没有名为" in reply["error"]["message"]
        assert "login-failure" in reply["error"]["message"]

    def test_tree_paths_are_not_opened(self, server: str) -> None:
        """A file path is refused like any unknown tree id."""
        status, reply = post(server, "/start", {"tree": str(ROOT / "trees" / "login-failure.yaml")})
        assert status == 422
        assert reply["error"]["code"] == "unknown-tree"

    def test_invalid_answer_in_chinese(self, server: str) -> None:
        """An answer that fits no option is 422 in Chinese; the old session still works."""
        start = walk(server, {"tree": "login-failure", "lang": "zh"}, [])[0]
        status, reply = post(server, "/answer", {"session": start["session"], "answer": "香蕉"})
        assert status == 422
        assert reply["error"]["code"] == "no-such-option"
        assert "请选择" in reply["error"]["message"]
        status, _ = post(server, "/answer", {"session": start["session"], "answer": "1"})
        assert status == 200

    def test_invalid_fact(self, server: str) -> None:
        """A fact value of the wrong type is 422 in the session's language."""
        facts = {"account": "not an email"}
        status, reply = post(server, "/start", {"tree": "login-failure", "facts": facts})
        assert status == 422
        assert reply["error"]["code"] == "bad-fact"

    def test_tampered_session_in_its_language(self, server: str) -> None:
        """A hand-edited session is 422, explained in the session's language."""
        start = walk(server, {"tree": "login-failure", "lang": "zh"}, ["1"])[-1]
        body = {"session": tampered(start["session"]), "answer": "1"}
        status, reply = post(server, "/answer", body)
        assert status == 422
        assert reply["error"]["code"] == "bad-session"
        assert "无法继续" in reply["error"]["message"]

    @pytest.mark.parametrize(
        "session",
        ['{"format": "something-else"}', "not json at all", '{"format": "okpay-triage/session"}'],
    )
    def test_foreign_session(self, server: str, session: str) -> None:
        """JSON that is not a saved session is 422."""
        status, reply = post(server, "/back", {"session": session})
        assert status == 422
        assert reply["error"]["code"] == "bad-session"

    def test_session_must_be_text(self, server: str) -> None:
        """A missing session is 400."""
        status, reply = post(server, "/answer", {"answer": "1"})
        assert status == 400
        assert reply["error"]["code"] == "need-session"

    def test_back_at_the_start(self, server: str) -> None:
        """Nothing to undo is 422."""
        start = walk(server, {"tree": "login-failure"}, [])[0]
        status, reply = post(server, "/back", {"session": start["session"]})
        assert status == 422
        assert reply["error"]["code"] == "nothing-to-undo"

    def test_oversized_body(self, server: str) -> None:
        """A body over the cap is 413, in the language of Accept-Language."""
        big = b" " * (chat.MAX_BODY_BYTES + 1)
        status, reply = post(server, "/start", big, headers={"Accept-Language": "zh-CN"})
        assert status == 413
        assert "请求内容过大" in reply["error"]["message"]

    def test_missing_content_length(self, server: str) -> None:
        """A POST without Content-Length is 411."""
        connection = http.client.HTTPConnection(server.removeprefix("http://"), timeout=10)
        try:
            connection.putrequest("POST", "/start")
            connection.endheaders()
            response = connection.getresponse()
            assert response.status == 411
            assert read_json(response.headers, response.read())["error"]["code"]
        finally:
            connection.close()

    def test_unknown_endpoint_and_method(self, server: str) -> None:
        """An unknown path is 404 and a GET 405, both as JSON."""
        status, reply = post(server, "/delete-everything", {})
        assert status == 404
        assert reply["error"]["code"] == "not-found"
        status, reply = fetch(urllib.request.Request(server + "/start"))
        assert status == 405
        assert reply["error"]["code"] == "method"


class TestChatHandle:
    """The app logic runs without a socket."""

    def test_handle_is_a_pure_function(self) -> None:
        """`handle(path, body)` returns the status and the reply."""
        status, reply = chat.handle("/start", b'{"tree": "fee-dispute", "lang": "zh"}')
        assert status == 200
        assert reply["step"]["options"][0]["number"] == 1

    @pytest.mark.parametrize(
        ("body", "status", "code"),
        [
            (b"[1, 2]", 400, "bad-json"),
            (b"\xff\xfe", 400, "bad-json"),
            (b"[" * 100_000, 413, "too-large"),
            (b'{"tree": "login-failure", "lang": "fr"}', 400, "bad-lang"),
            (b'{"tree": "login-failure", "facts": ["x"]}', 400, "bad-facts"),
            (b'{"lang": "en"}', 400, "need-tree"),
            (b'{"text": "qwerty zxcv"}', 422, "no-match"),
        ],
    )
    def test_bad_start_requests(self, body: bytes, status: int, code: str) -> None:
        """Each malformed start request gets its own status and code."""
        got, reply = chat.handle("/start", body)
        assert (got, reply["error"]["code"]) == (status, code)


def test_chat_backend_runs_as_a_program() -> None:
    """`python examples/chat_backend.py --port 0` serves on 127.0.0.1 and says where."""
    process = subprocess.Popen(
        [sys.executable, str(EXAMPLES / "chat_backend.py"), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("serving on http://127.0.0.1:"), line
        base = line.split()[2]
        status, reply = post(base, "/start", {"tree": "refund-denied"})
        assert status == 200
        assert reply["tree"] == "refund-denied"
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


# --------------------------------------------------------------------------- batch script


def run_batch(csv_path: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run examples/batch_triage.py as a program."""
    command = [sys.executable, str(EXAMPLES / "batch_triage.py"), str(csv_path), "--out", str(out)]
    return subprocess.run(
        [*command, *extra], capture_output=True, text=True, encoding="utf-8", timeout=60
    )


def summary(stdout: str) -> dict[str, list[str]]:
    """The summary lines by case_ref: outcome, escalation, priority, packet file."""
    rows = [line.split("\t") for line in stdout.splitlines()]
    return {row[0]: row[1:] for row in rows}


ESCALATING = ["LF-0001", "FT-0003", "FT-0004", "RD-0005", "AS-0006", "FD-0007", "TU-0009"]


class TestBatch:
    """examples/batch_triage.py over examples/cases.csv, and over broken rows."""

    def test_cases_csv_as_markdown(self, tmp_path: Path) -> None:
        """Every case is summarised; escalating cases get a Markdown packet, masked."""
        result = run_batch(EXAMPLES / "cases.csv", tmp_path)
        assert result.returncode == 0, result.stderr
        lines = summary(result.stdout)
        assert len(lines) == 9
        assert lines["LF-0001"][:3] == ["o_code_not_working", "yes", "high"]
        assert lines["AS-0006"][1:3] == ["urgent", "urgent"]
        assert lines["LF-0002"] == ["o_reset_done", "no", "self-service", "-"]
        assert lines["WP-0008"][2:] == ["self-service", "-"]
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{r}.md" for r in ESCALATING)
        assert lines["FT-0003"][3] == str(tmp_path / "FT-0003.md")
        packet = (tmp_path / "LF-0001.md").read_text(encoding="utf-8")
        assert "+8613812345678" in packet  # the account identifier, whole for support
        assert "alice@example.com" not in packet
        assert "假冒" in (tmp_path / "AS-0006.md").read_text(encoding="utf-8")

    def test_cases_csv_as_email(self, tmp_path: Path) -> None:
        """--format email writes .eml messages that parse, with the case in the subject."""
        result = run_batch(EXAMPLES / "cases.csv", tmp_path, "--format", "email")
        assert result.returncode == 0, result.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{r}.eml" for r in ESCALATING)
        raw = (tmp_path / "TU-0009.eml").read_bytes()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert "OKP-" in str(message["Subject"])
        assert message.get_content_type() == "text/plain"
        assert "ivy@example.com" not in message.get_content()

    def test_bad_rows_are_reported_and_the_rest_processed(self, tmp_path: Path) -> None:
        """Refused, exhausted and left-over answers, an unknown tree, malformed facts and a
        bad case_ref each get a message with their line; good rows still run; exit 1."""
        cases = tmp_path / "cases.csv"
        cases.write_text(
            "case_ref,tree,lang,facts,answers\n"
            "OK-1,login-failure,en,,forgot|no code|text|no|13812345678|2026-11-20 09:15|skip\n"
            "BAD-ANSWER,login-failure,en,,banana\n"
            "RAN-OUT,login-failure,zh,,忘记密码\n"
            "LEFT-OVER,login-failure,en,,forgot|worked|thanks\n"
            "NO-TREE,no-such-tree,en,,1\n"
            "BAD-FACTS,login-failure,en,account,1\n"
            "BAD-LANG,login-failure,fr,,1\n"
            "../escape,login-failure,en,,forgot|worked\n"
            "OK-2,withdrawal-problem,zh,,银行卡|提现失败|都正确|余额不足\n",
            encoding="utf-8",
        )
        result = run_batch(cases, tmp_path / "out", "--format", "json")
        assert result.returncode == 1
        assert list(summary(result.stdout)) == ["OK-1", "OK-2"]
        packet = json.loads((tmp_path / "out" / "OK-1.json").read_text(encoding="utf-8"))
        assert packet["outcome"]["id"] == "o_code_not_working"
        errors = result.stderr.splitlines()
        expected = [
            f"{cases}:3: BAD-ANSWER: answer 1 ('banana') refused at step q_symptom",
            f"{cases}:4: RAN-OUT: the answers ran out after 1",
            f"{cases}:5: LEFT-OVER: the session reached o_reset_done after answer 2",
            f"{cases}:6: NO-TREE: tree 'no-such-tree' cannot be loaded",
            f"{cases}:7: BAD-FACTS: facts must look like key=value",
            f"{cases}:8: BAD-LANG: facts or lang refused",
            f"{cases}:9: ../escape: case_ref '../escape' must be",
        ]
        assert len(errors) == len(expected) + 1, result.stderr
        for line, start in zip(errors, expected, strict=False):
            assert line.startswith(start), (line, start)
        assert errors[-1] == "7 of 9 case(s) failed"
        assert "Traceback" not in result.stderr

    def test_missing_column_is_a_usage_error(self, tmp_path: Path) -> None:
        """A CSV without the answers column exits 2 and names it."""
        cases = tmp_path / "cases.csv"
        cases.write_text("case_ref,tree,lang,facts\nX,login-failure,en,\n", encoding="utf-8")
        result = run_batch(cases, tmp_path / "out")
        assert result.returncode == 2
        assert "missing column(s): answers" in result.stderr


def test_chat_backend_logs_its_cases_and_shows_the_figures(tmp_path: Path) -> None:
    """Started with a case log, the backend records each finished conversation and each
    abandoned one, timed step by step across stateless requests; /stats gives the figures."""
    status, _ = chat.handle("/stats", b"{}")
    assert status == 404  # no log yet: said, not a crash
    log = chat.use_log(str(tmp_path / "cases.db"))
    try:

        def call(path: str, payload: dict[str, Any]) -> dict[str, Any]:
            status, reply = chat.handle(path, json.dumps(payload).encode("utf-8"))
            assert status == 200, reply
            return dict(reply)

        reply = call("/start", {"tree": "login-failure"})
        for value in ("forgot", "done"):
            reply = call("/answer", {"session": reply["session"], "answer": value})
        assert reply["finished"]
        left = call("/start", {"tree": "login-failure"})
        assert call("/abandon", {"session": left["session"]}) == {"abandoned": True}
        figures = call("/stats", {})["overall"]
        assert (figures["cases"], figures["finished"], figures["abandoned"]) == (2, 1, 1)
        assert figures["self_service_rate"] == 0.5
        assert figures["drop_off"] == {"q_symptom": {"reached": 2, "abandoned": 1}}
        done = next(c for c in log.read() if c.status == "finished")
        assert [s.answer_id for s in done.path] == ["forgot", "done"]
        assert all(s.seconds is not None for s in done.path)
    finally:
        chat.TRIAGE.subscribers.remove(log)
        setattr(chat, "LOG", None)  # noqa: B010 (a module loaded from a file: no attributes known)
        log.close()
