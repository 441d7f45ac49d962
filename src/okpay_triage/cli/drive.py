"""Stepping a session to its result: scripted (answers given, then the lines of standard
input) or at a terminal (one question at a time, with `b`, `?` and `q`). Whatever ends a
session before its result is raised as a stop (`exits`) for the group to turn into an exit
code."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from itertools import chain
from typing import TYPE_CHECKING

from .console import echo, shown
from .exits import AnswersRanOut, Interrupted, Quit
from .files import save

if TYPE_CHECKING:
    from pathlib import Path

    from okpay_triage.config import Config
    from okpay_triage.session.engine import Session

    from .report import Report

#: Shown once when an interactive session starts, so nobody needs the docs to get around.
KEYS_HINT = (
    "Type an option's number or words; b goes back, ? shows help, q saves and quits.",
    "输入选项编号或文字；b 返回上一步，? 查看帮助，q 保存并退出。",
)


def drive(
    session: Session, answers: list[str], path: Path | None, report: Report, config: Config | None
) -> Session:
    """Step the session with the scripted answers, then the terminal or standard input,
    saving it to `path` after every answer; return it finished (anything else stops)."""
    from okpay_triage.errors import AnswerError

    interactive = report.interactive
    save(session, path, interactive=interactive)
    if interactive:
        session = _interact(session, path, report)
    else:
        source = chain(answers, _stdin_lines())
        while not session.finished:
            report.step(session)
            answer = next(source, None)
            if answer is None:
                report.pending(session)
                raise AnswersRanOut(
                    _t(session, "answers ran out before a result", "回答已用完，尚未得出结果")
                )
            try:
                moved = session.answer(answer)
            except AnswerError as error:
                report.refused(session, error)
                raise
            report.answered(session, moved)
            save(moved, path, interactive=False)
            session = moved
    report.outcome(session, config)
    return session


def _stdin_lines() -> Iterator[str]:
    for line in sys.stdin:
        if line.strip():
            yield line.rstrip("\r\n")


def _interact(session: Session, path: Path | None, report: Report) -> Session:
    from okpay_triage.errors import AnswerError

    echo(_t(session, *KEYS_HINT), dim=True)
    while not session.finished:
        report.step(session)
        try:
            line = input("> ")
        except (KeyboardInterrupt, EOFError):
            echo()
            raise Interrupted(
                _t(
                    session,
                    f"saved; continue with: okpay-triage resume {path}",
                    f"已保存；继续请运行：okpay-triage resume {path}",
                )
                if path
                else None
            ) from None
        command = line.strip().lower()
        if command == "q":
            save(session, path, interactive=True)
            if path:
                echo(_t(session, f"saved to {path}", f"已保存到 {path}"))
            raise Quit
        if command == "?":
            node = session.node
            echo(
                shown(
                    node.help or _t(session, "No extra help for this step.", "此步骤没有更多说明。")
                )
            )
            continue
        if command == "b":
            try:
                session = session.back()
            except AnswerError as error:
                echo(shown(str(error)), fg="yellow")
            save(session, path, interactive=True)
            continue
        try:
            moved = session.answer(line)
        except AnswerError as error:
            report.refused(session, error)
            continue
        report.answered(session, moved)
        session = moved
        save(session, path, interactive=True)
    return session


def _t(session: Session, en: str, zh: str) -> str:
    return zh if session.lang == "zh" else en
