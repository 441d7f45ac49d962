"""How `run` and `resume` show a session: each step, each answer kept, refusals and the
result, as text for people (`Report`) or as one JSON object per line for programs
(`JsonReport`)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from okpay_triage import wording

from .console import echo, json_line, quoted, shown

if TYPE_CHECKING:
    from pathlib import Path

    from okpay_triage.config import Config
    from okpay_triage.errors import AnswerError
    from okpay_triage.packet.render import EscalationPacket
    from okpay_triage.session.engine import Session


def report_for(path: Path | None, fmt: str | None, json_lines: bool) -> Report:
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
            show_step(session, err=False)

    def answered(self, before: Session, after: Session) -> None:
        """An answer was accepted: show the masked value kept and any notices."""
        kept = _recorded(before, after)
        if kept is not None and self.interactive:
            fact = before.node.fact or ""
            if fact in after.facts:  # shown normalised: ✓ 2026-11-30 15:00（北京时间）
                from okpay_triage.session.kept import shown as normalised

                kept = normalised(before.plan.facts[fact], kept, before.lang)
            echo(f"  ✓ {_kept(before, before.fact_label(fact), kept)}", dim=True)
        for notice in after.notices:
            if self.interactive:
                echo(shown(notice), fg="yellow")
            else:
                echo(wording.say("cli.note", after.lang, notice=shown(notice)), err=True)

    def refused(self, session: Session, error: AnswerError) -> None:
        """An answer was not accepted: re-ask on a terminal; in a script show the step (the
        error itself ends the script)."""
        if self.interactive:
            echo(quoted(str(error)), fg="yellow")  # it may quote the answer: redacted
        else:
            show_step(session, err=True)

    def pending(self, session: Session) -> None:
        """Scripted answers ran out: show the question still open."""
        show_step(session, err=False)

    def outcome(self, session: Session, config: Config | None) -> None:
        """The result, to standard error when standard output carries the packet."""
        show_outcome(session, err=self.outcome_err)


class JsonReport(Report):
    """`--json`: every step, answer and the result as one JSON object per line on standard
    output, for a wrapper that drives the session through a pipe. Human messages still go
    to standard error; the exit codes are the same. Values kept whole for support (an
    account identifier) are shown masked in every event; only the saved session and the
    packet an event carries hold them whole, as the session file and the packet do."""

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
        typed = before.node.kind == "input" and entry.answer is not None
        self._emit(
            "answer",
            id=entry.node_id,
            value=entry.shown if typed else entry.answer,  # a value kept whole, masked
            shown=entry.shown,
            notices=list(after.notices),
        )

    def refused(self, session: Session, error: AnswerError) -> None:
        from okpay_triage.redaction import redact

        # The message may quote the answer: redacted (json_line escapes what is left).
        message = redact(str(error))
        self._emit("error", id=session.node.id, code=error.code, message=message)

    def pending(self, session: Session) -> None:
        self._emit("pending", id=session.node.id, session=_saved(session))

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
        echo(json_line({"event": event, **fields}))


def _saved(session: Session) -> Any:
    """The session's saved form as a JSON value."""
    import json

    return json.loads(session.to_json())


def _kept(session: Session, label: str, value: str) -> str:
    """A fact and its value as kept, with a full-width colon in Chinese."""
    return wording.say("cli.kept", session.lang, label=shown(label), value=shown(value))


def _recorded(before: Session, after: Session) -> str | None:
    """What the answer to `before`'s input step was kept as, as it may be shown (a value
    kept whole for support masked), or None for a question; shown back normalised so the
    user can go back if it is wrong."""
    node = before.node
    if node.kind != "input" or node.fact is None:
        return None
    entry = after.transcript[before.depth]
    return entry.shown if entry.answer is not None else wording.say("label.skipped", before.lang)


def show_step(session: Session, *, err: bool) -> None:
    """The step the session waits at: progress, info, prompt, options and input hints."""
    node = session.node
    progress = wording.say(
        "cli.step", session.lang, step=session.depth + 1, remaining=node.remaining
    )
    echo(progress, err=err, dim=True)
    for line in node.info:
        echo(f"  {shown(line)}", err=err)
    echo(shown(node.prompt), err=err, bold=True)
    for number, (_, label) in enumerate(node.options, 1):
        echo(f"  {number}) {shown(label)}", err=err)
    if node.kind == "input":
        if node.hint:
            hint = wording.say("cli.format", session.lang, hint=shown(node.hint))
            echo(f"  {hint}", err=err, dim=True)
        if node.optional:
            echo(f"  {wording.say('cli.optional', session.lang)}", err=err, dim=True)


def show_outcome(session: Session, *, err: bool = False) -> None:
    """Print the outcome (to standard error when standard output carries the packet)."""

    def put(text: str = "", **style: Any) -> None:
        echo(text, err=err, **style)

    outcome = session.outcome
    assert outcome is not None
    put()
    put(shown(outcome.title), bold=True)
    put(shown(outcome.cause))
    for line in outcome.steps:
        put(f"  {shown(line)}")
    advice = wording.say(f"cli.escalate.{outcome.escalate}", session.lang)
    put(advice, fg="red" if outcome.escalate == "urgent" else None, bold=True)
    for label, value in session.shown_facts():
        put(f"  {_kept(session, label, value)}")
    missing = [session.fact_label(fact) for fact in session.missing_facts]
    if missing:
        put(
            "  "
            + wording.say(
                "cli.missing",
                session.lang,
                facts=shown(("、" if session.lang == "zh" else ", ").join(missing)),
            )
        )
    attachments = outcome.attachments if outcome.escalate != "no" else []
    if attachments:
        put(wording.say("cli.attach", session.lang))
        for item in attachments:
            put(f"  - {shown(item)}")
