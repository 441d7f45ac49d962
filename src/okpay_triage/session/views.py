"""What a session shows its caller: the current step, the outcome, the transcript, as plain
named tuples in the session's language."""

from __future__ import annotations

from typing import NamedTuple

from okpay_triage.tree.plan import CompiledTree, StepSpec
from okpay_triage.types import Escalation, Lang, Severity, Source, StepKind


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


def step_view(plan: CompiledTree, spec: StepSpec, lang: Lang) -> Step:
    """The `Step` a session at `spec` shows, in `lang`."""
    pick = 1 if lang == "zh" else 0
    fact = plan.facts.get(spec.fact) if spec.fact else None
    return Step(
        id=spec.id,
        kind=spec.kind,
        prompt=spec.prompt[pick],
        options=[(oid, label[pick]) for oid, label in spec.options],
        fact=spec.fact,
        help=spec.help[pick] if spec.help else None,
        info=[line[pick] for line in spec.info],
        optional=spec.optional,
        hint=fact.hint[pick] if fact and fact.hint and spec.kind == "input" else None,
        remaining=spec.remaining,
    )
