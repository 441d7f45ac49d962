"""The commands that run a session and hand over its result: `run`, `resume`, `packet`.

Only click and the shared options are imported at start-up; each command imports the engine,
the driver and the packet builder when it runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import click

from .options import (
    A_FILE,
    ANSWER,
    ANSWERS,
    CONFIG,
    FORMAT,
    JSON_LINES,
    LANG,
    LOG,
    PACKET,
    TREE_FILE,
)

if TYPE_CHECKING:
    from pathlib import Path

    from okpay_triage.config import Config
    from okpay_triage.packet.render import EscalationPacket
    from okpay_triage.session.engine import Session


@click.command()
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
    help="Save the session here after every answer (atomically). A file that already "
    "exists is never overwritten: to go on with a saved session, use `resume FILE`.",
)
@PACKET
@FORMAT
@CONFIG
@JSON_LINES
@LOG
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
    log_url: str | None,
) -> None:
    """Run a triage session on TREE (a bundled tree id or a tree file).

    On a terminal, questions are asked one by one: type a number or an answer, `b` to go
    back, `?` for help, `q` to save and quit. Otherwise answers come from --answer, --answers
    and then the lines of standard input.
    """
    from okpay_triage.session.engine import Session

    from .files import refuse_to_overwrite, tree_for_run

    known = dict(_split_fact(item) for item in facts)
    refuse_to_overwrite(save)
    _carry_on(
        lambda thresholds: Session.start(
            tree_for_run(tree), lang=lang, facts=known, thresholds=thresholds
        ),
        answers,
        answers_file,
        save,
        packet_path,
        fmt,
        config_path,
        json_lines,
        log_url,
        resumed=False,
    )


@click.command()
@click.argument("file", type=A_FILE)
@TREE_FILE
@ANSWER
@ANSWERS
@click.option(
    "--save",
    type=A_FILE,
    help="Where to save (default: FILE itself). A file that already exists is never overwritten.",
)
@PACKET
@FORMAT
@CONFIG
@JSON_LINES
@LOG
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
    log_url: str | None,
) -> None:
    """Continue the session saved in FILE."""
    from .files import read_session, refuse_to_overwrite

    if save is not None and not _same_file(save, file):
        refuse_to_overwrite(save)  # FILE itself is rewritten as it goes; another is not

    _carry_on(
        lambda thresholds: read_session(file, tree_path, thresholds),
        answers,
        answers_file,
        save or file,
        packet_path,
        fmt,
        config_path,
        json_lines,
        log_url,
        resumed=True,
    )


@click.command("packet")
@click.argument("file", type=A_FILE)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "text", "json", "email"]),
    default="markdown",
    show_default=True,
    help="Packet format.",
)
@TREE_FILE
@CONFIG
@click.option(
    "--preview",
    is_flag=True,
    help="A shareable preview: personal data (the account, phones, emails) masked. Without "
    "it the packet is the one for support, with the identifiers support needs whole.",
)
def packet_command(
    file: Path, fmt: str, tree_path: Path | None, config_path: Path | None, preview: bool
) -> None:
    """Print the escalation packet of the finished session saved in FILE."""
    from pathlib import Path

    from .exits import Failed
    from .files import read_config, read_session

    config = read_config(config_path)
    session = read_session(file, tree_path)
    if not session.finished:
        raise Failed(
            f"{file}: the session has not reached a result yet, so there is no packet; "
            f"continue it with: okpay-triage resume {file}"
        )
    _emit_packet(session, Path("-"), fmt, config, preview=preview)


def _carry_on(
    begin: Callable[[Mapping[str, object] | None], Session],
    answers: tuple[str, ...],
    answers_file: Path | None,
    save: Path | None,
    packet_path: Path | None,
    fmt: str | None,
    config_path: Path | None,
    json_lines: bool,
    log_url: str | None,
    *,
    resumed: bool,
) -> None:
    """What `run` and `resume` share: check the options, `begin` the session (its route
    steps comparing with the configuration's thresholds), drive it to its result and hand
    over the packet; with a log, record the case (after the session is saved and the
    packet written: a log that fails never costs either)."""
    from okpay_triage.errors import ConfigError

    from .drive import drive
    from .files import read_config, scripted
    from .report import report_for

    report = report_for(packet_path, fmt, json_lines)
    config = read_config(config_path)
    thresholds = config.thresholds if config is not None else None
    try:
        if not log_url:
            session = drive(
                begin(thresholds), scripted(answers, answers_file), save, report, config
            )
            _emit_packet(session, packet_path, fmt, config, report.packet)
            return
        from .caselog import Recorder, open_log
        from .exits import AnswersRanOut, Interrupted, Quit

        with open_log(log_url) as log:
            recorder = Recorder(log, config, resumed=resumed)
            try:
                session = drive(
                    begin(thresholds),
                    scripted(answers, answers_file),
                    save,
                    report,
                    config,
                    recorder.seen,
                )
            except (AnswersRanOut, Interrupted, Quit, KeyboardInterrupt, EOFError):
                recorder.abandoned()
                raise
            _emit_packet(session, packet_path, fmt, config, report.packet)
            recorder.finished(session)
    except ConfigError as error:  # a route needs a threshold: say which file lacks it
        named = str(config_path) if config_path is not None else "(no --config given)"
        raise ConfigError([p._replace(file=named) for p in error.problems]) from None


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve()
    except (OSError, RuntimeError):
        return False


def _split_fact(item: str) -> tuple[str, str]:
    from okpay_triage.text import valid_unicode

    key, sep, value = valid_unicode(item).partition("=")
    if not sep or not key.strip():
        from .console import quoted

        raise click.BadParameter(f"expected KEY=VALUE, got “{quoted(item)}”", param_hint="--fact")
    return key.strip(), value


def _emit_packet(
    session: Session,
    path: Path | None,
    fmt: str | None,
    config: Config | None,
    built: EscalationPacket | None = None,
    *,
    preview: bool = False,
) -> None:
    """Write the finished session's packet to `path` ('-': standard output): `built` if the
    run already made it (so a --json line and the file name one case), else a new one."""
    if path is None and fmt is None:
        return
    from okpay_triage import wording
    from okpay_triage.packet.build import build_packet
    from okpay_triage.packet.render import format_for_path, render

    from .console import echo, shown
    from .exits import Failed
    from .files import write_atomically

    chosen: Any = fmt or (format_for_path(path) if path else "markdown")
    data = render(built or build_packet(session, config=config), chosen, preview=preview)
    if path is None or str(path) == "-":
        echo(data.decode("utf-8").rstrip("\n"))
        return
    try:
        write_atomically(path, data)
    except OSError as error:
        raise Failed(f"could not write the packet to {path}: {error.strerror or error}") from None
    echo(shown(wording.say("cli.packet-written", session.lang, path=path)), err=True)
