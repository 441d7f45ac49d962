"""What a session shows its caller: the current step, the outcome, the transcript, as plain
named tuples in the session's language."""

from __future__ import annotations

from typing import NamedTuple

from okpay_triage.types import Escalation, Severity, Source, StepKind


class Step(NamedTuple):
    """The current step, in the session's language."""

    id: str
    kind: StepKind
    prompt: str
    options: list[tuple[str, str]]
    fact: str | None
    help: str | None
    info: list[str]
    optional: bool
    hint: str | None
    remaining: int


class Outcome(NamedTuple):
    """Where the session ended, in the session's language."""

    id: str
    title: str
    cause: str
    steps: list[str]
    escalate: Escalation
    severity: Severity
    requires: list[str]
    attachments: list[str]


class TranscriptEntry(NamedTuple):
    """One answered step: the option id or fact value, and where the answer came from."""

    node_id: str
    answer: str | None  # None: an optional input the user skipped
    source: Source
    prompt: str
    shown: str  # as shown to a reader: the option label, or the value (masked if kept whole)
