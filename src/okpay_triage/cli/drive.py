"""Stepping a session to its result: scripted (answers given, then the lines of standard
input) or at a terminal (one question at a time, with `b`, `?` and `q`). Whatever ends a
session before its result is raised as a stop (`exits`) for the group to turn into an exit
code."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from itertools import chain
from typing import TYPE_CHECKING

from okpay_triage import wording

from .console import echo, shown
from .exits import AnswersRanOut, Interrupted, Quit
from .files import SaveFile

if TYPE_CHECKING:
    from pathlib import Path

    from okpay_triage.config import Config
    from okpay_triage.session.engine import Session

    from .report import Report

#: Shown once when an interactive session starts, so nobody needs the docs to get around.
KEYS_HINT = wording.WORDS["cli.keys"]


def drive(
    session: Session,
    answers: list[str],
    path: Path | None,
    report: Report,
    config: Config | None,
    seen: Callable[[Session], None] | None = None,
) -> Session:
    """Step the session with the scripted answers, then the terminal or standard input,
    saving it to `path` after every answer; return it finished (anything else stops).
    `seen`, if given, is told each session shown, after it is saved (`--log` times the
    steps with it)."""
    saves = SaveFile(path, interactive=report.interactive)
    saves.save(session)
    note = seen or _unseen
    note(session)
    if report.interactive:
        session = _interact(session, saves, report, note)
    else:
        source = chain(answers, _stdin_lines())
        while not session.finished:
            report.step(session)
            answer = next(source, None)
            if answer is None:
                report.pending(session)
                raise AnswersRanOut(wording.say("cli.ran-out", session.lang))
            session = _answer(session, answer, saves, report)
            note(session)
    report.outcome(session, config)
    return session


def _unseen(session: Session) -> None:
    """No one to tell: the session is not timed."""


def _answer(session: Session, answer: str, saves: SaveFile, report: Report) -> Session:
    """`session` moved on by `answer`, shown and saved. A refused answer is shown; at a
    terminal the same session is asked again, a script stops on the error."""
    from okpay_triage.errors import AnswerError

    try:
        moved = session.answer(answer)
    except AnswerError as error:
        report.refused(session, error)
        if report.interactive:
            return session
        raise
    report.answered(session, moved)
    saves.save(moved)
    return moved


def _stdin_lines() -> Iterator[str]:
    from okpay_triage.text import valid_unicode

    for line in sys.stdin:
        if line.strip():
            # Bytes that are not UTF-8 arrive as lone surrogates (surrogateescape): replaced
            # here, so no message or JSON line can carry them back out as raw bytes.
            yield valid_unicode(line.rstrip("\r\n"))


def _interact(
    session: Session, saves: SaveFile, report: Report, note: Callable[[Session], None]
) -> Session:
    from okpay_triage.errors import AnswerError
    from okpay_triage.text import valid_unicode

    echo(wording.say("cli.keys", session.lang), dim=True)
    while not session.finished:
        report.step(session)
        try:
            line = valid_unicode(input("> "))
        except (KeyboardInterrupt, EOFError):
            echo()
            raise Interrupted(saves.where(session.lang)) from None
        command = line.strip().lower()
        if command == "q":
            if saves.path is not None:
                # A save that fails here stops with its reason (exit 1), never "saved".
                saves.save(session, must=True)
                echo(shown(wording.say("cli.saved-to", session.lang, path=saves.path)))
            raise Quit
        if command == "?":
            node = session.node
            echo(shown(node.help or wording.say("cli.no-help", session.lang)))
            continue
        if command == "b":
            try:
                session = session.back()
            except AnswerError as error:
                echo(shown(str(error)), fg="yellow")
            saves.save(session)
            note(session)
            continue
        session = _answer(session, line, saves, report)
        note(session)
    return session
