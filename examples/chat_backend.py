"""A stateless chat backend for okpay-triage, on the standard library's HTTP server.

The server keeps nothing between requests: every reply carries the session as a JSON text,
and the client sends it back with the next request. Requests and replies are JSON objects:

``POST /start``
    ``{"tree": "login-failure", "lang": "en", "facts": {"account_email": "..."}}``, or
    ``{"text": "我的退款被拒绝了"}`` to pick the tree from a description (the language is
    then guessed from the text unless ``lang`` is given). ``facts`` is optional.
``POST /answer``
    ``{"session": "<session json>", "answer": "2"}``: an option number, its words, or the
    value an input step asks for.
``POST /back``
    ``{"session": "<session json>"}``: undo the last answer.
``POST /abandon``
    ``{"session": "<session json>"}``: the user left (closed the chat, timed out); the case
    is recorded as abandoned at its step.
``POST /stats``
    ``{}``: the case log's figures (self-service rate, escalations, drop-off, ...).

The ``session`` text is a case (`okpay_triage.Case`): the saved session with its case id
and the time spent on each step, so that a server started with ``--log`` records every
finished case, and every abandoned one, with its timings, in a SQLite file or a
PostgreSQL database shared by several servers (docs/operations.md).

A reply holds the new ``session``, the current ``step`` (prompt, numbered options or the
expected format of an input), ``progress``, ``notices`` (e.g. a password that was removed from
an answer) and, once ``finished``, the ``outcome`` and, when support is needed, the ``packet``
as the user may see it: its shareable preview (JSON and Markdown, personal data masked). The
packet itself, with the account and ids whole for support, goes to support, never back to
the browser: here it is written to the ``--outbox`` folder (``<case id>.json`` and ``.md``),
where a real backend would open a ticket. Bad input gets a 4xx reply
``{"error": {"code", "message", ...}}`` with the message in the session's language.

Run it, then talk to it with curl (the ``session`` text goes back on every request)::

    python examples/chat_backend.py --port 8080 --log cases.db --outbox to-support
    curl -s localhost:8080/start -d '{"tree": "login-failure", "lang": "en"}'
    # -> {"session": "{\\"format\\": ...}", "step": {"prompt": "What happens when ...",
    #     "options": [{"number": 1, ...}, ...]}, ...}
    curl -s localhost:8080/answer -d '{"session": "<session from the reply>", "answer": "2"}'
    curl -s localhost:8080/back -d '{"session": "<session from the reply>"}'
    curl -s localhost:8080/stats -d '{}'

The HTTP layer (`Handler`) only reads the body and writes the reply; `handle` does the rest
and can be called without a socket.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from okpay_triage import (
    AnswerError,
    Case,
    CaseLog,
    EscalationPacket,
    Session,
    SessionError,
    Triage,
    bundled_tree_ids,
    case_figures,
    load_tree,
    suggest_trees,
)

Lang = Literal["en", "zh"]
Json = dict[str, Any]

#: The largest request body accepted. A session of a long tree is a few kilobytes.
MAX_BODY_BYTES = 64 * 1024
#: An oversized body up to this size is read and dropped, so the client sees the 413
#: reply instead of a reset connection; anything larger is not read at all.
MAX_DRAIN_BYTES = 1024 * 1024
HOST = "127.0.0.1"

#: Moves every conversation and tells its subscribers; `use_log` adds the case log.
TRIAGE = Triage()
#: The case log, once `use_log` opened one.
LOG: CaseLog | None = None
#: Where packets for support are written (`deliver`), once `--outbox` gave a folder.
OUTBOX: Path | None = None

_TEXT: dict[str, tuple[str, str]] = {
    "not-found": (
        "There is no endpoint {path}; use POST /start, /answer, /back, /abandon or /stats.",
        "没有 {path} 这个接口；请使用 POST /start、/answer、/back、/abandon 或 /stats。",
    ),
    "method": ("Only POST requests are accepted.", "只接受 POST 请求。"),
    "http": (
        "The HTTP request was not understood ({reason}).",
        "无法理解此 HTTP 请求（{reason}）。",
    ),
    "length-required": (
        "Send the request body with a valid Content-Length header.",
        "请求需要带有有效的 Content-Length 头。",
    ),
    "too-large": (
        "The request is too large: at most {limit} bytes are accepted.",
        "请求内容过大：最多接受 {limit} 字节。",
    ),
    "bad-json": (
        "The request body must be a JSON object in UTF-8.",
        "请求内容必须是 UTF-8 编码的 JSON 对象。",
    ),
    "bad-lang": ('"lang" must be "en" or "zh".', '"lang" 必须是 "en" 或 "zh"。'),
    "bad-facts": (
        '"facts" must be an object mapping fact ids to text, numbers or true/false.',
        '"facts" 必须是一个对象，把信息项 id 对应到文本、数字或 true/false。',
    ),
    "need-tree": (
        'Say what to diagnose: "tree" (one of: {trees}) or "text" (a short description).',
        '请说明要诊断的问题："tree"（可选：{trees}）或 "text"（简短描述）。',
    ),
    "unknown-tree": (
        'There is no diagnosis called "{tree}". Choose one of: {trees}.',
        "没有名为“{tree}”的诊断流程。可选：{trees}。",
    ),
    "no-match": (
        "No diagnosis fits that description. Choose one of: {trees}.",
        "没有与该描述相符的诊断流程。可选：{trees}。",
    ),
    "need-session": (
        'Send back the "session" text from the previous reply.',
        '请附上上一次回复中的 "session" 文本。',
    ),
    "need-answer": (
        'Send the "answer" as text: an option number, its words, or the value asked for.',
        '请以文本形式提供 "answer"：选项编号、选项文字或所需填写的内容。',
    ),
    "bad-session": (
        "This conversation cannot be continued: its saved state is damaged, was changed, or "
        "belongs to an older version of the diagnosis. Please start again.",
        "无法继续此对话：保存的状态已损坏、被改动，或属于旧版本的诊断流程。请重新开始。",
    ),
    "no-log": (
        "This server keeps no case log: start it with --log to have figures.",
        "此服务器没有记录案例：请用 --log 启动以获得统计数据。",
    ),
    "internal": (
        "Something went wrong on our side. Please try again later.",
        "服务器出错了，请稍后重试。",
    ),
}


def say(key: str, lang: Lang, **values: object) -> str:
    """The backend's own message `key` in `lang`, with `values` filled in."""
    en, zh = _TEXT[key]
    return (zh if lang == "zh" else en).format(**values)


class RequestError(Exception):
    """A request the backend refuses; becomes a 4xx reply with a JSON error body."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra

    def reply(self) -> tuple[int, Json]:
        """The HTTP status and JSON body of this error."""
        return self.status, error_body(self.code, self.message, **self.extra)


def error_body(code: str, message: str, **extra: Any) -> Json:
    """The JSON body of an error reply: a stable `code` and a message for people."""
    return {"error": {"code": code, "message": message, **extra}}


# --------------------------------------------------------------------------- the app


def handle(path: str, body: bytes, *, lang: Lang = "en") -> tuple[int, Json]:
    """Answer one POST request: the HTTP status and the JSON reply.

    Args:
        path: the request path, e.g. ``"/start"`` (a query string is ignored).
        body: the raw request body.
        lang: the language for errors found before the request names one (e.g. from the
            client's Accept-Language header).
    """
    route = ROUTES.get(urlsplit(path).path)
    try:
        if route is None:
            raise RequestError(404, "not-found", say("not-found", lang, path=path[:100]))
        if len(body) > MAX_BODY_BYTES:
            raise RequestError(413, "too-large", say("too-large", lang, limit=MAX_BODY_BYTES))
        payload = parse_body(body, lang)
        return 200, route(payload, request_lang(payload, lang))
    except RequestError as error:
        return error.reply()


def parse_body(body: bytes, lang: Lang) -> Json:
    """The request body as a JSON object.

    Raises:
        RequestError: the body is not UTF-8 JSON, or not an object.
    """
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RequestError(400, "bad-json", say("bad-json", lang)) from None
    if not isinstance(payload, dict):
        raise RequestError(400, "bad-json", say("bad-json", lang))
    return payload


def request_lang(payload: Json, fallback: Lang) -> Lang:
    """The language to report errors in: the request's ``lang``, else the session's."""
    for wanted in (payload.get("lang"), saved_lang(payload.get("session"))):
        if wanted == "zh":
            return "zh"
        if wanted == "en":
            return "en"
    return fallback


def saved_lang(session: object) -> object:
    """The ``lang`` a session text names, if any; read leniently, since the session may be
    the very thing that is broken."""
    if not isinstance(session, str):
        return None
    try:
        saved = json.loads(session)
    except (ValueError, RecursionError):
        return None
    if isinstance(saved, dict) and isinstance(saved.get("session"), dict):
        saved = saved["session"]  # a case: the session is inside
    return saved.get("lang") if isinstance(saved, dict) else None


def start(payload: Json, lang: Lang) -> Json:
    """``POST /start``: a new session on the named tree, or the tree that fits ``text``."""
    facts = facts_field(payload, lang)
    tree_id, suggestions = choose_tree(payload, lang)
    if "lang" in payload:
        lang = lang_field(payload, lang)
    elif suggestions and looks_chinese(str(payload.get("text"))):
        lang = "zh"
    try:
        case = TRIAGE.start(load_tree(tree_id), lang=lang, facts=facts)
    except AnswerError as error:
        raise answer_refused(error) from None
    reply = describe(case)
    if suggestions:
        reply["suggestions"] = [{"tree": tree, "score": score} for tree, score in suggestions]
    return reply


def answer(payload: Json, lang: Lang) -> Json:
    """``POST /answer``: the session after the given answer."""
    case = session_field(payload, lang)
    value = payload.get("answer")
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise RequestError(400, "need-answer", say("need-answer", lang))
    try:
        return describe(TRIAGE.answer(case, value))
    except AnswerError as error:
        raise answer_refused(error) from None


def back(payload: Json, lang: Lang) -> Json:
    """``POST /back``: the session one answer earlier."""
    case = session_field(payload, lang)
    try:
        return describe(TRIAGE.back(case))
    except AnswerError as error:
        raise answer_refused(error) from None


def abandon(payload: Json, lang: Lang) -> Json:
    """``POST /abandon``: the user left; with a case log, it records the case abandoned."""
    case = session_field(payload, lang)
    TRIAGE.abandon(case)
    return {"abandoned": not case.session.finished}


def stats(payload: Json, lang: Lang) -> Json:
    """``POST /stats``: the figures of every case in the log, overall and per tree."""
    if LOG is None:
        raise RequestError(404, "no-log", say("no-log", lang))
    return case_figures(LOG.read()).as_json()


ROUTES: dict[str, Callable[[Json, Lang], Json]] = {
    "/start": start,
    "/answer": answer,
    "/back": back,
    "/abandon": abandon,
    "/stats": stats,
}


def use_log(url: str) -> CaseLog:
    """Record every case in the case log at `url` (a SQLite file or a PostgreSQL URL)."""
    global LOG
    LOG = CaseLog(url)
    TRIAGE.subscribe(LOG)
    return LOG


# --------------------------------------------------------------------------- request fields


def lang_field(payload: Json, lang: Lang) -> Lang:
    """The ``lang`` of a start request."""
    value = payload.get("lang")
    if value == "zh":
        return "zh"
    if value == "en":
        return "en"
    raise RequestError(400, "bad-lang", say("bad-lang", lang))


def facts_field(payload: Json, lang: Lang) -> dict[str, object]:
    """The optional ``facts`` of a start request: fact ids to scalar values."""
    facts = payload.get("facts", {})
    if not isinstance(facts, dict) or not all(
        isinstance(value, str | int | float | bool) for value in facts.values()
    ):
        raise RequestError(400, "bad-facts", say("bad-facts", lang))
    return facts


def choose_tree(payload: Json, lang: Lang) -> tuple[str, list[tuple[str, float]]]:
    """The tree id to start, and the suggestions it was picked from (if from ``text``).

    Only bundled tree ids are accepted: `load_tree` would also open a file path, which a
    web client must never be able to name.
    """
    known = bundled_tree_ids()
    trees = ", ".join(known)
    tree_id, text = payload.get("tree"), payload.get("text")
    if tree_id is not None:
        if tree_id not in known:
            shown = str(tree_id)[:60]
            raise RequestError(
                422, "unknown-tree", say("unknown-tree", lang, tree=shown, trees=trees)
            )
        return str(tree_id), []
    if not isinstance(text, str) or not text.strip():
        raise RequestError(400, "need-tree", say("need-tree", lang, trees=trees))
    suggestions = suggest_trees(text)
    if not suggestions:
        raise RequestError(422, "no-match", say("no-match", lang, trees=trees))
    return suggestions[0][0], suggestions


def looks_chinese(text: str) -> bool:
    """Whether `text` contains CJK ideographs (then the user probably wants Chinese)."""
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def session_field(payload: Json, lang: Lang) -> Case:
    """The case (session and its times) the client sent back.

    Raises:
        RequestError: it is missing, or `Session.from_json` refuses it (corrupt, hand-edited,
            from another tree or from an older version of the tree).
    """
    text = payload.get("session")
    if not isinstance(text, str):
        raise RequestError(400, "need-session", say("need-session", lang))
    try:
        return Case.from_json(text)
    except SessionError as error:
        raise RequestError(
            422, "bad-session", say("bad-session", lang), detail=str(error)
        ) from None


def answer_refused(error: AnswerError) -> RequestError:
    """A refused answer or fact; the library's message is already in the session language."""
    if error.node_id is None:
        return RequestError(422, error.code, str(error))
    return RequestError(422, error.code, str(error), step=error.node_id)


# --------------------------------------------------------------------------- replies


def describe(case: Case) -> Json:
    """Everything a chat UI shows for `case`, with the session text to send back."""
    session = case.session
    node = session.node
    reply: Json = {
        "session": case.to_json(),
        "lang": session.lang,
        "tree": session.tree_id,
        "finished": session.finished,
        "notices": list(session.notices),
        "progress": {
            "answered": len(session.transcript),
            "remaining_at_most": 0 if session.finished else node.remaining,
        },
    }
    if session.outcome is None:
        reply["step"] = describe_step(session)
    else:
        reply.update(describe_outcome(case))
    return reply


def describe_step(session: Session) -> Json:
    """The current question or input step."""
    node = session.node
    step: Json = {
        "id": node.id,
        "kind": node.kind,
        "prompt": node.prompt,
        "info": node.info,
        "help": node.help,
    }
    if node.kind == "question":
        step["options"] = [
            {"number": number, "id": option_id, "label": label}
            for number, (option_id, label) in enumerate(node.options, 1)
        ]
    else:
        step["hint"] = node.hint
        step["optional"] = node.optional
    return step


def describe_outcome(case: Case) -> Json:
    """The outcome and, when it needs support, the escalation packet."""
    outcome = case.session.outcome
    assert outcome is not None  # only called for finished sessions
    reply: Json = {
        "outcome": {
            "id": outcome.id,
            "title": outcome.title,
            "cause": outcome.cause,
            "steps": outcome.steps,
            "escalate": outcome.escalate,
            "severity": outcome.severity,
            "attachments": outcome.attachments,
        },
        "packet": None,
    }
    if outcome.escalate != "no":
        # The reference is derived from the session: a retried request gets the same one.
        packet = TRIAGE.packet(case)
        deliver(packet)
        preview = packet.preview()  # the user's copy: nothing personal whole
        reply["packet"] = {
            "case_id": preview.case_id,
            "priority": preview.priority,
            "subject": preview.subject,
            "json": preview.model_dump(mode="json"),
            "markdown": packet.to_markdown(preview=True),
            "preview": True,
        }
    return reply


def deliver(packet: EscalationPacket) -> None:
    """Hand the packet, whole, to support: written to `OUTBOX` as JSON and Markdown (a
    retried request writes the same files again). A real backend opens a ticket here."""
    if OUTBOX is None:
        return
    OUTBOX.mkdir(parents=True, exist_ok=True)
    (OUTBOX / f"{packet.case_id}.json").write_text(packet.to_json(), encoding="utf-8")
    (OUTBOX / f"{packet.case_id}.md").write_text(packet.to_markdown(), encoding="utf-8")


# --------------------------------------------------------------------------- HTTP


class Handler(BaseHTTPRequestHandler):
    """Reads a bounded request body, calls `handle`, writes the JSON reply."""

    server_version = "okpay-triage-chat-example"
    timeout = 15  # seconds a client may take to send its request

    def do_POST(self) -> None:
        """Read the body (at most `MAX_BODY_BYTES`) and reply with `handle`'s answer."""
        lang = self.client_lang()
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.close_connection = True
            self.reply(411, error_body("length-required", say("length-required", lang)))
            return
        if int(length) > MAX_BODY_BYTES:
            self.close_connection = True
            if int(length) <= MAX_DRAIN_BYTES:
                self.rfile.read(int(length))
            limit = MAX_BODY_BYTES
            self.reply(413, error_body("too-large", say("too-large", lang, limit=limit)))
            return
        body = self.rfile.read(int(length))
        try:
            status, payload = handle(self.path, body, lang=lang)
        except Exception:  # a bug, not bad input: log it here, never show it to the client
            traceback.print_exc()
            status, payload = 500, error_body("internal", say("internal", lang))
        self.reply(status, payload)

    def do_GET(self) -> None:
        """Every endpoint takes POST."""
        self.reply(405, error_body("method", say("method", self.client_lang())), allow=True)

    do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed requests get a JSON error too, not the default HTML page."""
        self.close_connection = True
        reason = message or HTTPStatus(code).phrase
        self.reply(code, error_body("http", say("http", "en", reason=reason)))

    def client_lang(self) -> Lang:
        """Chinese if the client's Accept-Language prefers it, else English."""
        accepted = self.headers.get("Accept-Language", "")
        return "zh" if accepted.strip().lower().startswith("zh") else "en"

    def reply(self, status: int, payload: Json, *, allow: bool = False) -> None:
        """Write `payload` as a JSON response with `status`."""
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")  # replies carry personal data
        self.send_header("X-Content-Type-Options", "nosniff")
        if allow:
            self.send_header("Allow", "POST")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


def make_server(port: int) -> ThreadingHTTPServer:
    """A server on 127.0.0.1:`port` (0: any free port), not yet serving."""
    return ThreadingHTTPServer((HOST, port), Handler)


def main(argv: list[str] | None = None) -> int:
    """Serve until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (0: any)")
    parser.add_argument(
        "--log", metavar="URL", help="record cases here: a SQLite file or a PostgreSQL URL"
    )
    parser.add_argument(
        "--outbox", metavar="DIR", type=Path, help="write each packet for support here"
    )
    args = parser.parse_args(argv)
    if args.log:
        use_log(args.log)
    if args.outbox:
        global OUTBOX
        OUTBOX = args.outbox
    server = make_server(args.port)
    host, port = server.server_address[:2]
    print(f"serving on http://{host!s}:{port} (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
