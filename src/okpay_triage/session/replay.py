"""The rule a saved answer is replayed by: does it fit the step a tree has reached?

One rule, used twice: `saved.restore` replays every answer of a saved session on the tree it
resumes under (the tree it was made with, or a newer version of it), and
`authoring.diff` asks it of every answer a session saved under one version could hold, to
say which sessions still resume under the next. An answer fits when it was given for the
very step the replay has reached, that step still asks the same kind of thing (a question
with that option, an input that may still be skipped if it was), and the answer came from
where the tree would take it (the user, or a fact given up front).

The reasons name steps and option ids, never a value a user typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from okpay_triage.errors import SessionError
from okpay_triage.text import normalize
from okpay_triage.tree.bundled import ID_RE
from okpay_triage.tree.plan import CompiledTree, StepSpec
from okpay_triage.tree.registry import TreeRef
from okpay_triage.types import Source

if TYPE_CHECKING:
    from okpay_triage.tree.registry import TreeRegistry

DAMAGED = "the session file is damaged: a field is missing or of the wrong type"

__all__ = [
    "changed_error",
    "from_context",
    "leads_to",
    "misfit",
    "replayed_from",
    "source_misfit",
    "tree_in",
]


def misfit(
    plan: CompiledTree,
    node: str,
    at: str,
    answer: str | None,
    earlier: CompiledTree | None = None,
) -> str | None:
    """Why an answer saved for step `at` does not fit `plan` at `node`, the step a replay
    has reached; None when it fits, and `leads_to` then says where it goes.

    `earlier`: the version the answer was given under, when it is known. Then a step that
    changed kind is refused outright; without it, an option id saved for a question that is
    now an input is only refused when it is not a value the input keeps.
    """
    if at not in plan.steps:
        return f"the answer was for step '{at}', which the tree no longer has"
    if at != node:
        return f"the answer was for step '{at}', but the tree now asks '{node}' there"
    spec = plan.steps[node]
    if spec.outcome is not None:
        return f"step '{at}' is now an outcome"
    if earlier is not None:
        before = earlier.steps.get(at)
        if before is not None and before.kind != spec.kind and before.outcome is None:
            return f"step '{at}' is now {'a question' if spec.kind == 'question' else 'an input'}"
    if spec.kind == "route":  # the branch it took, kept as taken: it is not taken again
        if any(key == answer for key, _ in spec.options):
            return None
        return f"route '{at}' no longer has the branch '{str(answer)[:70]}'"
    if spec.kind == "question":
        for oid, _ in spec.options:  # a loop, not any(): this runs for every saved answer
            if oid == answer:
                return None
        if answer is not None and ID_RE.fullmatch(answer) and len(answer) <= 64:
            return f"step '{at}' no longer has the option '{answer}'"
        return f"step '{at}' is now a question"  # the answer was a typed value (or a skip)
    if answer is None and not spec.optional:
        return f"step '{at}' can no longer be skipped"
    return None


def source_misfit(
    spec: StepSpec, context: dict[str, str], answer: str | None, source: Source
) -> str | None:
    """Why an answer cannot have come from `source` at `spec` with these facts given up
    front (the engine takes an answer from them exactly when they hold its fact); None when
    it can."""
    if (spec.kind == "route") != (source == "route"):
        if source == "route":
            return f"step '{spec.id}' is no longer a route"
        return f"step '{spec.id}' is now a route"
    if source == "route":
        return None
    if not context and source == "user":  # the common case: nothing given up front
        return None
    taken = from_context(spec, context)
    if (source == "context") != (taken is not None) or taken not in (None, answer):
        if source == "context":
            return f"step '{spec.id}' no longer takes its answer from the facts given up front"
        return f"step '{spec.id}' now takes its answer from the facts given up front"
    return None


def from_context(spec: StepSpec, context: dict[str, str]) -> str | None:
    """The answer the engine takes for `spec` from the facts given up front, as
    `context.answered_from_context` does; None when the user answers it."""
    known = context.get(spec.fact) if spec.fact else None
    if known is None or spec.kind != "question":
        return known
    index = spec.lookup.get(normalize(known))
    return None if index is None else spec.options[index][0]


def leads_to(spec: StepSpec, answer: str | None) -> str:
    """The step a fitting `answer` leads to from `spec`."""
    if spec.kind in ("question", "route"):
        for index, (oid, _) in enumerate(spec.options):
            if oid == answer:
                return spec.nexts[index]
    return spec.nexts[0]


def tree_in(registry: TreeRegistry, saved: dict[str, str], upgrade: bool) -> CompiledTree:
    """The tree of a saved session in `registry`: its latest version, or with `upgrade`
    off the version it was saved under."""
    plan = registry.latest(saved["id"]) if upgrade else registry.get(saved["id"], saved["hash"])
    if plan is not None:
        return plan
    if not upgrade and registry.latest(saved["id"]) is not None:
        raise SessionError(
            f"version {saved['version']} of tree '{saved['id']}', which this session was "
            "saved under, is not among the versions kept, and upgrading is off",
            code="tree-changed",
        )
    raise SessionError(
        f"the session was made with tree '{saved['id']}', which is not among the trees "
        "kept; pass the tree to resume it",
        code="not-bundled",
    )


def replayed_from(plan: CompiledTree, field: Any) -> TreeRef:
    """The version a saved session says its answers were replayed from (its
    ``replayed_from``), checked for its shape."""
    if not (
        type(field) is dict
        and set(field) == {"version", "hash"}
        and type(field["version"]) is str
        and type(field["hash"]) is str
        and 0 < len(field["version"]) <= 32  # as a tree's version may be
        and 0 < len(field["hash"]) <= 80
    ):
        raise SessionError(DAMAGED)
    return TreeRef(plan.id, field["version"], field["hash"])


def changed_error(plan: CompiledTree, saved: TreeRef, why: str) -> SessionError:
    """The refusal of a session saved under version `saved` whose answers no longer fit
    `plan`, saying `why` (the first step that changed)."""
    return SessionError(
        f"tree '{plan.id}' has changed since this session was saved (saved with version "
        f"{saved.version}, now version {plan.version}) and the session no longer fits it: "
        f"{why}; start a new session",
        code="tree-changed",
    )
