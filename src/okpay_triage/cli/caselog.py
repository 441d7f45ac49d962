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
    from pathlib import Path

    from okpay_triage.cases.figures import Figures, Report
    from okpay_triage.cases.log import CaseLog
    from okpay_triage.config import Config
    from okpay_triage.session.engine import Session

__all__ = ["Recorder", "open_log", "print_figures"]


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
        import uuid

        self.log = log
        self.config = config
        self.resumed = resumed
        # A case's id is its session's case reference and this run's own token: two runs
        # with the same answers are two cases, and a resumed run finds the case it carries
        # on by the reference of the state it was left in.
        self.token = uuid.uuid4().hex[:8]
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

                self.replaces = self.log.abandoned_case(case_reference(session, self.config) + ".")
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
            case_id=self._case_id(session),
            started_at=self.started_at,
            seconds=self.seconds,
            replaces=self.replaces,
            config=self.config,
        )

    def _case_id(self, session: Session) -> str:
        from okpay_triage.packet.build import case_reference

        return f"{case_reference(session, self.config)}.{self.token}"

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
                case_id=self._case_id(session),
                started_at=self.started_at,
                seconds=self.seconds,
                replaces=self.replaces,
                config=self.config,
            )
        except CaseLogError as error:
            echo(shown(f"warning: the case was not recorded: {error}"), err=True, fg="yellow")


def print_figures(
    url: str,
    tree: str | None,
    tree_id: str | None,
    since: str | None,
    until: str | None,
    lang: str,
    *,
    as_json: bool,
    html: Path | None = None,
) -> None:
    """`stats --log`: the figures of the cases in the log, as a table or one JSON object,
    and with `html` as a page written to that file. `tree_id` (``--tree``) or `tree` (the
    positional TREE, as before) keeps one tree's cases.

    Raises:
        BadUsage: a date cannot be read, or TREE and --tree differ.
        CaseLogError: the log cannot be opened or read.
        Failed: the page's file holds something already, or cannot be written.
    """
    import json

    from okpay_triage.authoring.stats import case_figures, figures_page

    from .exits import BadUsage
    from .files import refuse_nonempty

    if tree is not None and tree_id is not None and tree != tree_id:
        raise BadUsage(f"TREE ({tree}) and --tree ({tree_id}) name different trees; give one")
    start, end = _date(since, "--since"), _date(until, "--until")
    refuse_nonempty(html)
    with open_log(url) as log:
        report = case_figures(log.read(tree=tree_id or tree, since=start, until=end))
    if html is not None:
        _write_page(html, figures_page(report, lang, since=since, until=until))
    if as_json:
        echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        _print_table(report, lang)
    if html is not None:
        echo(shown(f"{html} written: {report.overall.cases} case(s)"), err=True)


def _print_table(report: Report, lang: str) -> None:
    from okpay_triage import wording

    say = wording.say
    overall = report.overall
    _summary(say("cli.cases.all", lang), overall, lang)
    if overall.outcomes:
        echo("")
        echo(say("cli.cases.outcomes", lang))
        for outcome_id, row in overall.outcomes.items():
            line = f"{outcome_id:<32}{row['cases']:>5}  {row['escalate']:<14} {row['priority']}"
            echo(shown(line))
    if overall.drop_off:
        echo("")
        echo(say("cli.cases.drop-off", lang))
        for step, row in overall.drop_off.items():
            share = _percent(row["abandoned"] / row["reached"] if row["reached"] else None)
            echo(shown(f"{step:<32}{row['reached']:>7}  {row['abandoned']:>4}  {share:>6}"))
    for (tree_id, version, group_lang), figures in sorted(report.groups.items()):
        echo("")
        _summary(f"{tree_id} {version} {group_lang}", figures, lang)


def _write_page(path: Path, page: str) -> None:
    from .exits import Failed
    from .files import write_atomically

    try:
        write_atomically(path, page.encode("utf-8"))
    except OSError as error:
        raise Failed(f"could not write {path}: {error.strerror or error}") from None


def _summary(scope: str, figures: Figures, lang: str) -> None:
    from okpay_triage import wording

    say = wording.say
    echo(shown(say("cli.cases.count", lang, scope=scope, **_counts(figures))))
    rates = {
        "self_service": _percent(figures.self_service_rate),
        "escalated": _percent(figures.escalation_rate),
        "conditional": figures.conditional,
    }
    echo(say("cli.cases.rates", lang, **rates))
    questions = "-" if figures.median_questions is None else f"{figures.median_questions:g}"
    seconds = "-" if figures.median_seconds is None else f"{figures.median_seconds:g} s"
    echo(say("cli.cases.medians", lang, questions=questions, seconds=seconds))


def _counts(figures: Figures) -> dict[str, int]:
    return {"cases": figures.cases, "finished": figures.finished, "abandoned": figures.abandoned}


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.1%}"


def _date(text: str | None, option: str) -> datetime | None:
    """A --since/--until value: a day (midnight UTC) or an ISO time with its zone."""
    if text is None:
        return None
    from .exits import BadUsage

    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is None or (moment.tzinfo is None and len(text.strip()) > 10):
        raise BadUsage(f"{option} takes YYYY-MM-DD or an ISO time with its zone")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
