"""Saved sessions: the JSON a session is kept as, and the checks that restore it.

A saved session is untrusted input: a file on disk, or the JSON a chat client sends back
with every request. `read_saved` accepts only the shape `Session.to_json` writes, and
`replay` walks the saved answers through the tree again, refusing any answer that does not
fit its step and any value the engine would never have kept (personal data edited back in,
an amount ``abc``). The checks of values are cached, so a conversation pays them once.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from okpay_triage.errors import AnswerError, SessionError
from okpay_triage.tree.plan import CompiledTree, FactSpec
from okpay_triage.types import Lang, Source

from .context import bound_choice, bound_to_question

SESSION_FORMAT = "okpay-triage/session"
SESSION_VERSION = 1

#: One answered step as a session keeps it: (node id, option id or value, source).
Entry = tuple[str, str | None, Source]

#: A restored session's state: (language, facts given up front, answers, current node).
State = tuple[Lang, dict[str, str], tuple[Entry, ...], str]


@lru_cache(maxsize=1024)
def _masked(value: str) -> bool:
    """Whether a saved value is as the engine keeps values: redaction leaves it unchanged.

    A session file (or the JSON a chat client sends back) could be edited to carry a full
    phone or card number; restoring it would put that into every rendering and saved copy.
    """
    from okpay_triage.redaction import redact

    return redact(value) == value


#: The longest value the engine keeps: a text fact's 4,000 characters and the "…" of a cut.
_LONGEST_VALUE = 4001


def _check_saved(
    plan: CompiledTree, key: str, value: str, where: str, *, given: bool = False
) -> None:
    """Refuse a saved value of fact `key` that the engine would not have kept."""
    edited = "so the file was changed by hand"
    if len(value) <= _LONGEST_VALUE and not _masked(value):
        raise SessionError(
            f"the session file holds personal data that is not masked ({where}); "
            f"okpay-triage never saves that, {edited}",
            code="unmasked",
        )
    if len(value) > _LONGEST_VALUE or not _as_kept(plan, key, value, given=given):
        raise SessionError(
            f"the session file holds a value okpay-triage would not have saved for '{key}' "
            f"({where}, a {plan.facts[key].type} fact), {edited}",
            code="bad-value",
        )


def _as_kept(plan: CompiledTree, key: str, value: str, *, given: bool = False) -> bool:
    """Whether a saved value of fact `key` is in the form the engine keeps: read again as if
    typed (or, with `given`, passed to `Session.start`), it comes back unchanged
    (``100.00 CNY``, ``2026-11-20T14:30+08:00``).

    A masked value (``138****5678``, ``****0002``: a sensitive fact, or a card number typed
    where an id is asked) cannot be read again; that it is masked is all there is to check,
    and `_masked` checks it. Amounts, times and choices are never masked.
    """
    spec = plan.facts[key]
    if given and bound_to_question(plan, key):
        try:
            again: str | None = bound_choice(plan, key, value, "en")
        except AnswerError:
            again = None
    else:  # any other fact given up front is read as it would be typed
        again = _typed_again(spec, value)
    if again is None:
        return "*" in value and spec.type not in ("money", "datetime", "choice")
    return again == value


@lru_cache(maxsize=1024)
def _typed_again(spec: FactSpec, value: str) -> str | None:
    """What the engine keeps when `value` is typed for `spec`, None if it is refused.

    Cached, as `_masked` is: a chat backend restores the same saved values on every request
    of a conversation, and the answer does not change (a time that is not in the future now
    never will be). Only values up to `_LONGEST_VALUE` reach the caches, so 1,024 of them
    keep a few MB at most.
    """
    from .values import parse_value

    try:
        return parse_value(spec, value, "en").value
    except AnswerError:
        return None


def read_saved(text: str | bytes) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise SessionError(
            "the session file is not valid JSON (truncated or corrupt?)", code="not-json"
        ) from None
    if not isinstance(data, dict) or data.get("format") != SESSION_FORMAT:
        raise SessionError("this is not a saved okpay-triage session", code="not-a-session")
    if data.get("version") != SESSION_VERSION:
        raise SessionError(
            f"unsupported session format version {data.get('version')!r}",
            code="unsupported-version",
        )
    tree, answers, context = data.get("tree"), data.get("answers"), data.get("context")
    ok = (
        isinstance(tree, dict)
        and all(isinstance(tree.get(k), str) for k in ("id", "version", "hash"))
        and data.get("lang") in ("en", "zh")
        and isinstance(context, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in context.items())
        and isinstance(answers, list)
        and all(
            isinstance(a, dict)
            and isinstance(a.get("node"), str)
            and (a.get("answer") is None or isinstance(a.get("answer"), str))
            and a.get("source") in ("user", "context")
            for a in answers
        )
    )
    if not ok:
        raise SessionError("the session file is damaged: a field is missing or of the wrong type")
    return data


def replay(plan: CompiledTree, data: dict[str, Any]) -> State:
    """Check that each saved answer fits the step it claims to answer, in order."""
    node = plan.start
    entries: list[Entry] = []
    for number, item in enumerate(data["answers"], 1):
        spec = plan.steps.get(node)
        answer = item["answer"]
        fits = (
            spec is not None
            and item["node"] == node
            and spec.outcome is None
            and (spec.kind != "question" or answer in {oid for oid, _ in spec.options})
            and (answer is not None or spec.optional)
        )
        if not fits or spec is None:
            raise SessionError(
                f"the session file is damaged: answer {number} does not fit "
                f"step '{item['node']}' of tree '{plan.id}'"
            )
        if spec.kind == "input" and answer is not None and spec.fact is not None:
            _check_saved(plan, spec.fact, answer, f"answer {number}")
        entries.append((node, answer, item["source"]))
        node = spec.target(answer)
    context = dict(data["context"])
    unknown = [key for key in context if key not in plan.facts]
    if unknown:
        raise SessionError(f"the session file names facts this tree does not have: {unknown}")
    for key, value in context.items():
        _check_saved(plan, key, value, "in the facts given up front", given=True)
    lang: Lang = "zh" if data["lang"] == "zh" else "en"
    return lang, context, tuple(entries), node
