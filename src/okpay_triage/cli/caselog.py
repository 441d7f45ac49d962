"""`run`/`resume --log URL`: the command line's case, timed and recorded in the case log.

The driver tells a `Recorder` each session it shows (`seen`); the recorder times each step
from being shown to being answered (a monotonic clock, so a clock change mid-session cannot
give a negative time). When the session ends the command records it: finished, or abandoned
at its step when the user quit (`q`), interrupted it (Ctrl-C, Ctrl-D) or a script's answers
ran out. The session file is always written first; a log that cannot be written is said in
one line, and never costs the session. A case resumed from a file takes the place of the
abandoned case recorded when it was left, so the two count once.

SQLAlchemy is imported only here, and only when ``--log`` (or ``OKPAY_TRIAGE_LOG``) is given.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from .console import echo, shown

if TYPE_CHECKING:
    from okpay_triage.cases.log import CaseLog
    from okpay_triage.config import Config
    from okpay_triage.session.engine import Session

__all__ = ["Recorder", "open_log"]


def open_log(url: str) -> CaseLog:
    """The case log at `url`, opened before any question is asked, so a wrong URL or an
    unreachable server stops the command at once (`CaseLogError`, exit 1)."""
    from okpay_triage.cases.log import CaseLog

    return CaseLog(url)


class Recorder:
    """Times one command-line session and records how it ended.

    Args:
        log: the case log.
        config: the deployment's settings (the case reference's key).
        resumed: True for a session read from a file: its start is not known here, and
            the case it carries on (the abandoned one recorded when it was left) is
            replaced by this one.
    """

    def __init__(self, log: CaseLog, config: Config | None, *, resumed: bool) -> None:
        self.log = log
        self.config = config
        self.resumed = resumed
        self.started_at: datetime | None = None if resumed else datetime.now(UTC)
        self.session: Session | None = None
        self.replaces: str | None = None
        self.seconds: list[float | None] = []
        self._shown = time.monotonic()

    def seen(self, session: Session) -> None:
        """`session` is now the one shown: time the step it answered, if it moved on."""
        now = time.monotonic()
        if self.session is None:
            self.seconds = [None] * session.depth  # answered before: from context or a file
            if self.resumed:
                from okpay_triage.packet.build import case_reference

                self.replaces = case_reference(session, self.config)
        elif session.depth > self.session.depth:
            spent = round(now - self._shown, 3)
            self.seconds[self.session.depth :] = [spent]
            self.seconds += [None] * (session.depth - len(self.seconds))
        else:
            del self.seconds[session.depth :]
        self.session = session
        self._shown = now

    def finished(self, session: Session) -> None:
        """Record the finished session.

        Raises:
            CaseLogError: it could not be written (the session file is written already).
        """
        self.log.record(
            session,
            started_at=self.started_at,
            seconds=self.seconds,
            replaces=self.replaces,
            config=self.config,
        )

    def abandoned(self) -> None:
        """Record the session shown last as abandoned at its step; a log that cannot be
        written is said as a warning, and the command stops as it was stopping."""
        from okpay_triage.errors import CaseLogError

        session = self.session
        if session is None or session.finished:
            return
        try:
            self.log.abandoned(
                session,
                started_at=self.started_at,
                seconds=self.seconds,
                replaces=self.replaces,
                config=self.config,
            )
        except CaseLogError as error:
            echo(shown(f"warning: the case was not recorded: {error}"), err=True, fg="yellow")
