"""Stepping a session to its result: scripted (answers given, then the lines of standard
input) or at a terminal (one question at a time, with `b`, `?` and `q`). Whatever ends a
session before its result is raised as a stop (`exits`) for the group to turn into an exit
code."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from itertools import chain
from typing import TYPE_CHECKING

from okpay_triage import wording

from .console import echo, shown
from .exits import AnswersRanOut, Interrupted, Quit
from .files import save

if TYPE_CHECKING:
    from pathlib import Path

    from okpay_triage.config import Config
    from okpay_triage.session.engine import Session

    from .report import Report

#: Shown once when an interactive session starts, so nobody needs the docs to get around.
KEYS_HINT = wording.WORDS["cli.keys"]


def drive(
    session: Session, answers: list[str], path: Path | None, report: Report, config: Config | None
) -> Session:
    """Step the session with the scripted answers, then the terminal or standard input,
    saving it to `path` after every answer; return it finished (anything else stops)."""
    save(session, path, interactive=report.interactive)
    if report.interactive:
        session = _interact(session, path, report)
    else:
        source = chain(answers, _stdin_lines())
        while not session.finished:
            report.step(session)
            answer = next(source, None)
            if answer is None:
                report.pending(session)
                raise AnswersRanOut(wording.say("cli.ran-out", session.lang))
            session = _answer(session, answer, path, report)
    report.outcome(session, config)
    return session


def _answer(session: Session, answer: str, path: Path | None, report: Report) -> Session:
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
    save(moved, path, interactive=report.interactive)
    return moved


def _stdin_lines() -> Iterator[str]:
    for line in sys.stdin:
        if line.strip():
            yield line.rstrip("\r\n")


def _interact(session: Session, path: Path | None, report: Report) -> Session:
    from okpay_triage.errors import AnswerError

    echo(wording.say("cli.keys", session.lang), dim=True)
    while not session.finished:
        report.step(session)
        try:
            line = input("> ")
        except (KeyboardInterrupt, EOFError):
            echo()
            resumable = wording.say("cli.saved-continue", session.lang, path=path) if path else None
            raise Interrupted(resumable) from None
        command = line.strip().lower()
        if command == "q":
            save(session, path, interactive=True)
            if path:
                echo(wording.say("cli.saved-to", session.lang, path=path))
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
            save(session, path, interactive=True)
            continue
        session = _answer(session, line, path, report)
    return session
