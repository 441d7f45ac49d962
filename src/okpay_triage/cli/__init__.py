"""The `okpay-triage` command: a thin click shell over the library.

This is the only module that prints, prompts or exits. Library errors become exit codes in
one place (`main`): 0 done, 1 invalid tree or refused resume, 2 usage error or invalid
scripted answer, 3 scripted answers ran out, 130 interrupted. Only click is imported at start
up; each command imports what it needs, so ``--help`` stays as fast as click itself.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from itertools import chain
from typing import TYPE_CHECKING, Any, NoReturn

import click

from okpay_triage import __version__

if TYPE_CHECKING:
    from pathlib import Path

    from okpay_triage.config import Config
    from okpay_triage.errors import AnswerError
    from okpay_triage.packet.render import EscalationPacket
    from okpay_triage.session.engine import Session
    from okpay_triage.tree.model import Tree
    from okpay_triage.tree.plan import CompiledTree

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_PENDING, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class FilePath(click.Path):
    """A file argument as a `pathlib.Path`; pathlib is imported only once a path is given."""

    def __init__(self, *, allow_dash: bool = False, dir_okay: bool = False) -> None:
        super().__init__(dir_okay=dir_okay, allow_dash=allow_dash)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from pathlib import Path

        return Path(os.fsdecode(super().convert(value, param, ctx)))


#: One instance serves every file option: each new click.Path looks up the translation of
#: its name through gettext, a search of the locale folders that every start-up would pay.
A_FILE = FilePath()


ANSWER = click.option(
    "--answer",
    "answers",
    multiple=True,
    metavar="VALUE",
    help="An answer to the next step (option number, id or label). Repeatable.",
)
ANSWERS = click.option(
    "--answers",
    "answers_file",
    type=A_FILE,
    help="A YAML or JSON list of answers, used after --answer.",
)
LANG = click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of questions and results.",
)

# --- escalation packet options (run, resume, packet) --------------------------------------
PACKET = click.option(
    "--packet",
    "packet_path",
    type=FilePath(allow_dash=True),
    help="Write the escalation packet here when a result is reached ('-': standard output).",
)
FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "text", "json", "email"]),
    default=None,
    help="Packet format (default: from the --packet file name, else markdown).",
)
CONFIG = click.option(
    "--config",
    "config_path",
    type=A_FILE,
    help="A YAML or JSON file with working hours, holidays and contacts for packets.",
)
JSON_LINES = click.option(
    "--json",
    "json_lines",
    is_flag=True,
    help="Print every step, answer and the result as one JSON object per line (for "
    "programs; answers come from --answer, --answers and standard input, never a prompt).",
)
# --- end of packet options -----------------------------------------------------------------


class Exit(Exception):
    """Stop with `code`; the message (if any) has been printed already."""

    def __init__(self, code: int) -> None:
        self.code = code


# --------------------------------------------------------------------------- output


def _color() -> bool | None:
    return False if os.environ.get("NO_COLOR") else None


def say(text: str = "", *, err: bool = False, **style: Any) -> None:
    """Print `text` (already escaped), styled only on a colour terminal."""
    click.echo(click.style(text, **style) if style else text, err=err, color=_color())


def shown(text: str) -> str:
    """Tree or user text made safe for a terminal."""
    from okpay_triage.text import visible

    return visible(text)


def fail(message: str, code: int) -> NoReturn:
    say(f"error: {message}", err=True)
    raise Exit(code)


# --------------------------------------------------------------------------- group


class _Group(click.Group):
    """A click group that turns library errors into the documented exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        from okpay_triage.errors import SessionError, TreeError

        try:
            return super().invoke(ctx)
        except Exit as stop:
            raise click.exceptions.Exit(stop.code) from None
        except (TreeError, SessionError) as error:
            say(
                shown(str(error))
                if isinstance(error, TreeError)
                else f"error: {shown(str(error))}",
                err=True,
            )
            raise click.exceptions.Exit(EXIT_INVALID) from None
        except (KeyboardInterrupt, EOFError, click.exceptions.Abort):
            say(err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="okpay-triage")
def cli() -> None:
    """Guided diagnosis of OKPAY wallet problems, in English or Chinese.

    Run `okpay-triage list` to see the trees, then `okpay-triage run TREE`.
    """


@cli.command("list")
@LANG
@click.option("--json", "json_lines", is_flag=True, help="One JSON object per tree and line.")
def list_trees(lang: str, json_lines: bool) -> None:
    """List the bundled trees: id, title and number of outcomes."""
    from okpay_triage.tree.bundled import bundled_tree_ids
    from okpay_triage.tree.cache import compiled_bundled

    pick = 1 if lang == "zh" else 0
    for tree_id in bundled_tree_ids():
        plan = compiled_bundled(tree_id)
        outcomes = sum(1 for step in plan.steps.values() if step.outcome is not None)
        if json_lines:
            fields = {"id": tree_id, "version": plan.version, "title": plan.title[pick]}
            say(json_line({**fields, "outcomes": outcomes}))
            continue
        count = f"（{outcomes} 个结果）" if lang == "zh" else f" ({outcomes} outcomes)"
        say(f"{tree_id:<22} {shown(plan.title[pick])}{count}")


@cli.command()
@click.argument("tree")
@LANG
@click.option(
    "--fact",
    "facts",
    multiple=True,
    metavar="KEY=VALUE",
    help="A fact known up front; its questions are skipped. Repeatable.",
)
@ANSWER
@ANSWERS
@click.option(
    "--save",
    type=A_FILE,
    help="Save the session here after every answer (atomically).",
)
@PACKET
@FORMAT
@CONFIG
@JSON_LINES
def run(
    tree: str,
    lang: str,
    facts: tuple[str, ...],
    answers: tuple[str, ...],
    answers_file: Path | None,
    save: Path | None,
    packet_path: Path | None,
    fmt: str | None,
    config_path: Path | None,
    json_lines: bool,
) -> None:
    """Run a triage session on TREE (a bundled tree id or a tree file).

    On a terminal, questions are asked one by one: type a number or an answer, `b` to go
    back, `?` for help, `q` to save and quit. Otherwise answers come from --answer, --answers
    and then the lines of standard input.
    """
    from okpay_triage.errors import AnswerError
    from okpay_triage.session.engine import Session

    known = dict(_split_fact(item) for item in facts)
    report = _report(packet_path, fmt, json_lines)
    config = _read_config(config_path)
    loaded = _tree_for_run(tree)
    try:
        session = Session.start(loaded, lang=lang, facts=known)
    except AnswerError as error:
        fail(str(error), EXIT_USAGE)
    session = _drive(session, _scripted(answers, answers_file), save, report, config)
    _emit_packet(session, packet_path, fmt, config, report.packet)


@cli.command()
@click.argument("file", type=A_FILE)
@click.option(
    "--tree",
    "tree_path",
    type=A_FILE,
    help="The tree file the session was made with (default: the bundled tree).",
)
@ANSWER
@ANSWERS
@click.option(
    "--save",
    type=A_FILE,
    help="Where to save (default: FILE itself).",
)
@PACKET
@FORMAT
@CONFIG
@JSON_LINES
def resume(
    file: Path,
    tree_path: Path | None,
    answers: tuple[str, ...],
    answers_file: Path | None,
    save: Path | None,
    packet_path: Path | None,
    fmt: str | None,
    config_path: Path | None,
    json_lines: bool,
) -> None:
    """Continue the session saved in FILE."""
    report = _report(packet_path, fmt, json_lines)
    config = _read_config(config_path)
    session = _read_session(file, tree_path)
    session = _drive(session, _scripted(answers, answers_file), save or file, report, config)
    _emit_packet(session, packet_path, fmt, config, report.packet)


@cli.command("packet")
@click.argument("file", type=A_FILE)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "text", "json", "email"]),
    default="markdown",
    show_default=True,
    help="Packet format.",
)
@click.option(
    "--tree",
    "tree_path",
    type=A_FILE,
    help="The tree file the session was made with (default: the bundled tree).",
)
@CONFIG
def packet_command(file: Path, fmt: str, tree_path: Path | None, config_path: Path | None) -> None:
    """Print the escalation packet of the finished session saved in FILE."""
    config = _read_config(config_path)
    session = _read_session(file, tree_path)
    if not session.finished:
        fail(
            f"{file}: the session has not reached a result yet, so there is no packet; "
            f"continue it with: okpay-triage resume {file}",
            EXIT_INVALID,
        )
    from pathlib import Path

    _emit_packet(session, Path("-"), fmt, config)


@cli.command()
@click.argument("paths", nargs=-1, type=FilePath(dir_okay=True))
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=None,
    help="Refuse files larger than this (default 2 MiB).",
)
def validate(paths: tuple[Path, ...], max_bytes: int | None) -> None:
    """Check tree files (default: every bundled tree).

    Prints one `file:line:column: code: message` line per problem; exits 1 on any error.
    """
    from okpay_triage.tree.bundled import bundled_tree_ids
    from okpay_triage.tree.load import DEFAULT_MAX_BYTES, read_tree

    sources: list[str | Path] = list(paths) or list(bundled_tree_ids())
    errors = warnings = 0
    too_large = False
    for source in sources:
        result = read_tree(source, max_bytes=max_bytes or DEFAULT_MAX_BYTES)
        for problem in result.problems:
            say(shown(str(problem)))
            too_large = too_large or problem.code == "file-too-large"
        errors += len(result.errors)
        warnings += len(result.problems) - len(result.errors)
    if too_large:
        say("hint: to check a larger tree, raise the limit with --max-bytes", err=True)
    say(f"{len(sources)} tree(s) checked: {errors} error(s), {warnings} warning(s)", err=True)
    if errors:
        raise Exit(EXIT_INVALID)


@cli.command()
@click.argument("text", nargs=-1, required=True)
@LANG
@click.option(
    "--limit",
    type=click.IntRange(1, 20),
    default=3,
    show_default=True,
    help="At most this many trees, best first.",
)
@click.option("--json", "json_lines", is_flag=True, help="One JSON object per tree and line.")
def suggest(text: tuple[str, ...], lang: str, limit: int, json_lines: bool) -> None:
    """Which trees fit a free-text description, e.g. `suggest 提现三天了还没到账`."""
    from okpay_triage.suggest import suggest_trees
    from okpay_triage.tree.cache import compiled_bundled

    ranked = suggest_trees(" ".join(text), limit=limit)
    if not ranked:
        say(
            "no tree fits; try `okpay-triage list`"
            if lang == "en"
            else "没有匹配的诊断树；可运行 `okpay-triage list` 查看全部",
            err=True,
        )
        raise Exit(EXIT_INVALID)
    pick = 1 if lang == "zh" else 0
    for tree_id, score in ranked:
        title = compiled_bundled(tree_id).title[pick]
        if json_lines:
            say(json_line({"id": tree_id, "score": round(score, 4), "title": title}))
        else:
            say(f"{tree_id:<22} {score:.2f}  {shown(title)}")


@cli.command()
@click.argument("tree")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "dot"]),
    default="mermaid",
    show_default=True,
    help="Mermaid (renders on GitHub and in the docs) or Graphviz DOT.",
)
@LANG
def render(tree: str, fmt: str, lang: str) -> None:
    """Draw TREE (a bundled id or a file) as a diagram.

    Mermaid or Graphviz DOT, labels in --lang; outcomes are coloured by escalation (green:
    no, yellow: if unresolved, orange: yes, red: urgent).
    """
    from okpay_triage.authoring.diagram import to_dot, to_mermaid

    drawn = (to_mermaid if fmt == "mermaid" else to_dot)(_tree_for_run(tree), lang)
    click.echo(shown(drawn), nl=False)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the tree format (for editor validation of YAML trees)."""
    import json

    from okpay_triage.tree.model import Tree

    document = Tree.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    say(json.dumps(document, ensure_ascii=False, indent=2))


# --------------------------------------------------------------------------- sessions


def _split_fact(item: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep or not key.strip():
        raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="--fact")
    return key.strip(), value


def _scripted(answers: Sequence[str], answers_file: Path | None) -> list[str]:
    given = list(answers)
    if answers_file is not None:
        given += _read_answers(answers_file)
    return given


def _read_answers(path: Path) -> list[str]:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) if text.strip() else []
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        fail(f"cannot read answers from {path}: {error}", EXIT_USAGE)
    if not isinstance(data, list) or not all(isinstance(a, (str, int, float)) for a in data):
        fail(f"{path} must hold a list of answers, e.g. [2, yes, name@example.com]", EXIT_USAGE)
    return [str(a) for a in data]


def _read_session(file: Path, tree_path: Path | None) -> Session:
    from okpay_triage.errors import SessionError
    from okpay_triage.session.engine import Session
    from okpay_triage.tree.load import load_tree

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        fail(
            f"cannot read session {file}: {getattr(error, 'strerror', None) or error}", EXIT_INVALID
        )
    tree = load_tree(tree_path) if tree_path else None
    try:
        return Session.from_json(text, tree)
    except SessionError as error:
        fail(f"{file}: {error}", EXIT_INVALID)


def _tree_for_run(source: str) -> CompiledTree | Tree:
    """A bundled tree from the compiled cache (no pydantic, no networkx); a file in full."""
    from okpay_triage.tree.bundled import is_bundled_id
    from okpay_triage.tree.cache import compiled_bundled

    if is_bundled_id(source):
        return compiled_bundled(source)
    from okpay_triage.tree.load import load_tree

    return load_tree(source)


def save_session(session: Session, path: Path) -> None:
    """Write the session atomically: a temporary file beside it, fsync, then rename."""
    write_atomically(path, session.to_json().encode("utf-8"))


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file beside it, fsync, then rename."""
    import tempfile
    from pathlib import Path

    folder = path.resolve().parent
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _save(session: Session, path: Path | None, *, interactive: bool) -> None:
    if path is None:
        return
    try:
        save_session(session, path)
    except OSError as error:
        message = (
            f"could not save the session to {path}: {error.strerror or error}; "
            "the previous file is unchanged"
        )
        if not interactive:
            fail(message, EXIT_INVALID)
        say(f"warning: {message}", err=True, fg="yellow")


def _stdin_lines() -> Iterator[str]:
    for line in sys.stdin:
        if line.strip():
            yield line.rstrip("\r\n")


def _drive(
    session: Session, answers: list[str], save: Path | None, report: Report, config: Config | None
) -> Session:
    """Step the session with the scripted answers, then the terminal or standard input;
    return it finished (anything else exits)."""
    from okpay_triage.errors import AnswerError

    interactive = report.interactive
    _save(session, save, interactive=interactive)
    if interactive:
        session = _interact(session, save, report)
    else:
        source = chain(answers, _stdin_lines())
        while not session.finished:
            report.step(session)
            answer = next(source, None)
            if answer is None:
                report.pending(session)
                raise Exit(EXIT_PENDING)
            try:
                moved = session.answer(answer)
            except AnswerError as error:
                report.refused(session, error)
                raise Exit(EXIT_USAGE) from None
            report.answered(session, moved)
            _save(moved, save, interactive=False)
            session = moved
    report.outcome(session, config)
    return session


#: Shown once when an interactive session starts, so nobody needs the docs to get around.
KEYS_HINT = (
    "Type an option's number or words; b goes back, ? shows help, q saves and quits.",
    "输入选项编号或文字；b 返回上一步，? 查看帮助，q 保存并退出。",
)


def _interact(session: Session, save: Path | None, report: Report) -> Session:
    from okpay_triage.errors import AnswerError

    say(_t(session, *KEYS_HINT), dim=True)
    while not session.finished:
        report.step(session)
        try:
            line = input("> ")
        except (KeyboardInterrupt, EOFError):
            say()
            if save:
                say(
                    _t(
                        session,
                        f"saved; continue with: okpay-triage resume {save}",
                        f"已保存；继续请运行：okpay-triage resume {save}",
                    ),
                    err=True,
                )
            raise Exit(EXIT_INTERRUPTED) from None
        command = line.strip().lower()
        if command == "q":
            _save(session, save, interactive=True)
            if save:
                say(_t(session, f"saved to {save}", f"已保存到 {save}"))
            raise Exit(EXIT_OK)
        if command == "?":
            node = session.node
            say(
                shown(
                    node.help or _t(session, "No extra help for this step.", "此步骤没有更多说明。")
                )
            )
            continue
        if command == "b":
            try:
                session = session.back()
            except AnswerError as error:
                say(shown(str(error)), fg="yellow")
            _save(session, save, interactive=True)
            continue
        try:
            moved = session.answer(line)
        except AnswerError as error:
            report.refused(session, error)
            continue
        report.answered(session, moved)
        session = moved
        _save(session, save, interactive=True)
    return session


def _t(session: Session, en: str, zh: str) -> str:
    return zh if session.lang == "zh" else en


def _colon(session: Session) -> str:
    """Between a label and its value: a full-width colon in Chinese."""
    return _t(session, ": ", "：")


def _recorded(before: Session, after: Session) -> str | None:
    """What the answer to `before`'s input step was kept as (masked), or None for a
    question; shown back so the user sees exactly what support will see."""
    node = before.node
    if node.kind != "input" or node.fact is None:
        return None
    kept = after.facts.get(node.fact)
    return kept if kept is not None else _t(before, "(skipped)", "（已跳过）")


class Report:
    """How `run` and `resume` show a session: text for people (this class), or one JSON
    object per line for programs (`JsonReport`)."""

    def __init__(self, *, interactive: bool, outcome_err: bool = False) -> None:
        self.interactive = interactive
        self.outcome_err = outcome_err
        self.packet: EscalationPacket | None = None  # built once, if the result needed it

    def step(self, session: Session) -> None:
        """The session is waiting at a step: ask it on a terminal, stay quiet in a script."""
        if self.interactive:
            _show_step(session, err=False)

    def answered(self, before: Session, after: Session) -> None:
        """An answer was accepted: show the masked value kept and any notices."""
        kept = _recorded(before, after)
        if kept is not None and self.interactive:
            label = shown(before.fact_label(before.node.fact or ""))
            say(f"  ✓ {label}{_colon(before)}{shown(kept)}", dim=True)
        for notice in after.notices:
            if self.interactive:
                say(shown(notice), fg="yellow")
            else:
                say(_t(after, "note: ", "提示：") + shown(notice), err=True)

    def refused(self, session: Session, error: AnswerError) -> None:
        """An answer was not accepted: re-ask on a terminal; in a script show the step."""
        if self.interactive:
            say(shown(str(error)), fg="yellow")
            return
        _show_step(session, err=True)
        say(f"error: {shown(str(error))}", err=True)

    def pending(self, session: Session) -> None:
        """Scripted answers ran out: show the question still open."""
        _show_step(session, err=False)
        say(_t(session, "answers ran out before a result", "回答已用完，尚未得出结果"), err=True)

    def outcome(self, session: Session, config: Config | None) -> None:
        """The result, to standard error when standard output carries the packet."""
        _show_outcome(session, err=self.outcome_err)


class JsonReport(Report):
    """`--json`: every step, answer and the result as one JSON object per line on standard
    output, for a wrapper that drives the session through a pipe. Human messages still go
    to standard error; the exit codes are the same."""

    def __init__(self) -> None:
        super().__init__(interactive=False)

    def step(self, session: Session) -> None:
        node = session.node
        fields = node._asdict()
        fields["options"] = [
            {"number": n, "id": oid, "label": label}
            for n, (oid, label) in enumerate(node.options, 1)
        ]
        self._emit("step", step=session.depth + 1, **fields)

    def answered(self, before: Session, after: Session) -> None:
        entry = after.transcript[before.depth]
        self._emit(
            "answer",
            id=entry.node_id,
            value=entry.answer,
            shown=entry.shown,
            notices=list(after.notices),
        )

    def refused(self, session: Session, error: AnswerError) -> None:
        self._emit("error", id=session.node.id, code=error.code, message=str(error))
        say(f"error: {shown(str(error))}", err=True)

    def pending(self, session: Session) -> None:
        self._emit("pending", id=session.node.id, session=_saved(session))
        say(_t(session, "answers ran out before a result", "回答已用完，尚未得出结果"), err=True)

    def outcome(self, session: Session, config: Config | None) -> None:
        outcome = session.outcome
        assert outcome is not None
        packet = None
        if outcome.escalate != "no":
            from okpay_triage.packet.build import build_packet

            self.packet = build_packet(session, config=config)
            packet = self.packet.model_dump(mode="json")
        fields = outcome._asdict()
        if outcome.escalate == "no":
            fields["attachments"] = []
        self._emit(
            "outcome",
            **fields,
            facts=[
                {"id": key, "label": label, "value": value}
                for key, (label, value) in zip(session.facts, session.shown_facts(), strict=True)
            ],
            missing=[{"id": f, "label": session.fact_label(f)} for f in session.missing_facts],
            session=_saved(session),
            packet=packet,
        )

    @staticmethod
    def _emit(event: str, **fields: object) -> None:
        say(json_line({"event": event, **fields}))


def _saved(session: Session) -> Any:
    """The session's saved form as a JSON value."""
    import json

    return json.loads(session.to_json())


def json_line(data: object) -> str:
    """`data` as one line of JSON, Chinese kept readable, and every character a terminal
    could act on (C1 controls, bidi overrides, zero-width, line separators) escaped."""
    import json

    from okpay_triage.text import json_escaped

    return json_escaped(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _show_step(session: Session, *, err: bool) -> None:
    node = session.node
    step = session.depth + 1
    progress = _t(
        session,
        f"[step {step}, at most {node.remaining} more]",
        f"[第 {step} 步，最多还有 {node.remaining} 步]",
    )
    say(progress, err=err, dim=True)
    for line in node.info:
        say(f"  {shown(line)}", err=err)
    say(shown(node.prompt), err=err, bold=True)
    for number, (_, label) in enumerate(node.options, 1):
        say(f"  {number}) {shown(label)}", err=err)
    if node.kind == "input":
        if node.hint:
            say(_t(session, "  format: ", "  格式：") + shown(node.hint), err=err, dim=True)
        if node.optional:
            say(
                _t(
                    session,
                    "  (optional: type 'skip' to leave it out)",
                    "  （可选：输入“跳过”可略过）",
                ),
                err=err,
                dim=True,
            )


def _show_outcome(session: Session, *, err: bool = False) -> None:
    """Print the outcome (to standard error when standard output carries the packet)."""

    def put(text: str = "", **style: Any) -> None:
        say(text, err=err, **style)

    outcome = session.outcome
    assert outcome is not None
    put()
    put(shown(outcome.title), bold=True)
    put(shown(outcome.cause))
    for line in outcome.steps:
        put(f"  {shown(line)}")
    labels = {
        "no": ("No need to contact support.", "无需联系客服。"),
        "if-unresolved": (
            "Contact support only if the steps above do not help.",
            "如果以上步骤无效，再联系客服。",
        ),
        "yes": ("Contact support with the details below.", "请带上以下信息联系客服。"),
        "urgent": (
            "URGENT: contact support now through the fastest live channel.",
            "紧急：请立即通过最快的实时渠道联系客服。",
        ),
    }
    en, zh = labels[outcome.escalate]
    put(_t(session, en, zh), fg="red" if outcome.escalate == "urgent" else None, bold=True)
    for label, value in session.shown_facts():
        put(f"  {shown(label)}{_colon(session)}{shown(value)}")
    missing = [session.fact_label(fact) for fact in session.missing_facts]
    if missing:
        put(_t(session, "  still missing: ", "  尚缺：") + shown(", ".join(missing)))
    attachments = outcome.attachments if outcome.escalate != "no" else []
    if attachments:
        put(_t(session, "Attach:", "请附上："))
        for item in attachments:
            put(f"  - {shown(item)}")


# --------------------------------------------------------------------------- packets


def _read_config(path: Path | None) -> Config | None:
    if path is None:
        return None
    from okpay_triage.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as error:
        say(shown(str(error)), err=True)
        raise Exit(EXIT_INVALID) from None


def _report(path: Path | None, fmt: str | None, json_lines: bool) -> Report:
    """How to show the session: JSON lines, or text on a terminal or in a script (the
    outcome goes to standard error when the packet is printed on standard output)."""
    to_stdout = (path is None and fmt is not None) or str(path) == "-"
    if json_lines:
        if to_stdout:
            raise click.UsageError(
                "--json prints the packet inside its result line; "
                "give --packet a file name to write it in another format too"
            )
        return JsonReport()
    return Report(interactive=sys.stdin.isatty(), outcome_err=to_stdout)


def _emit_packet(
    session: Session,
    path: Path | None,
    fmt: str | None,
    config: Config | None,
    built: EscalationPacket | None = None,
) -> None:
    """Write the finished session's packet to `path` ('-': standard output): `built` if the
    run already made it (so a --json line and the file name one case), else a new one."""
    if path is None and fmt is None:
        return
    from okpay_triage.packet.build import build_packet
    from okpay_triage.packet.render import format_for_path, render

    chosen: Any = fmt or (format_for_path(path) if path else "markdown")
    data = render(built or build_packet(session, config=config), chosen)
    if path is None or str(path) == "-":
        say(data.decode("utf-8").rstrip("\n"))
        return
    try:
        write_atomically(path, data)
    except OSError as error:
        fail(f"could not write the packet to {path}: {error.strerror or error}", EXIT_INVALID)
    say(_t(session, f"packet written to {path}", f"上报资料已写入 {path}"), err=True)


# --------------------------------------------------------------------------- entry


def main(args: Sequence[str] | None = None) -> None:
    """Run the command line with `args` (default: sys.argv) and exit with its code."""
    cli.main(args=list(args) if args is not None else None, prog_name="okpay-triage")
