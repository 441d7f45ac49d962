"""Facts a caller knows up front: each value read as its fact's type would read it typed.

A choice fact that a question is bound to must name one of the question's options (by id,
label or synonym); any other fact is parsed by `session.values` as if the user had typed it.
"""

from __future__ import annotations

from datetime import datetime

from okpay_triage.errors import AnswerError
from okpay_triage.text import MAX_ANSWER_CHARS, normalize, valid_unicode
from okpay_triage.tree.plan import CompiledTree
from okpay_triage.types import Lang, Source
from okpay_triage.wording import say

#: The most characters of a user's text a message quotes.
QUOTED_CHARS = 40


def quoted(text: str) -> str:
    """User text fit to quote in a message: redacted first, then cut to `QUOTED_CHARS`, so a
    cut can never keep part of a number redaction would have masked whole. Escaping for a
    terminal is the printer's job (the command line shows every message escaped)."""
    from okpay_triage.redaction import redact

    safe = redact(valid_unicode(text[: 4 * MAX_ANSWER_CHARS]))  # a typed answer's most
    return safe if len(safe) <= QUOTED_CHARS else safe[:QUOTED_CHARS].rstrip() + "…"


def context_value(plan: CompiledTree, key: str, value: object, lang: Lang) -> str:
    """The value kept for fact `key` given up front as `value`.

    Raises:
        AnswerError: the fact is unknown, or the value is invalid for it.
    """
    spec = plan.facts.get(key)
    if spec is None:
        raise AnswerError(
            say("unknown-fact", lang, fact=quoted(key), known=", ".join(plan.facts)),
            code="unknown-fact",
        )
    text = _as_text(key, value, lang)
    if bound_to_question(plan, key):
        return bound_choice(plan, key, text, lang)
    from .values import parse_value

    try:
        return parse_value(spec, text, lang).value
    except AnswerError as error:
        raise AnswerError(say("bad-fact", lang, fact=key, reason=error), code="bad-fact") from None


def _as_text(key: str, value: object, lang: Lang) -> str:
    """A value given up front as the text it would be typed as. Strings, numbers and
    `Decimal`s are written out; ``True``/``False`` are ``yes``/``no`` (a yes/no question bound
    to the fact takes them); ``None`` and anything else (lists, dicts, dates) are refused:
    a caller that has no value leaves the fact out."""
    from decimal import Decimal

    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (str, int, float, Decimal)):
        return str(value)
    raise AnswerError(
        say(
            "fact-not-text",
            lang,
            fact=quoted(key),
            kind="None" if value is None else type(value).__name__,
        ),
        code="bad-fact",
    )


def answered_from_context(
    plan: CompiledTree,
    context: dict[str, str],
    entries: tuple[tuple[str, str | None, Source], ...],
    node: str,
    now: datetime | None = None,
) -> tuple[tuple[tuple[str, str | None, Source], ...], str]:
    """The answers and node after answering from `context`, from `node` on, every step whose
    fact is known up front (a question only if the value names one of its options), and
    passing every route step reached (its branch recorded with source ``"route"``; `now`
    is the time its ages are measured to, default the clock).

    Raises:
        ConfigError: a route reached names a threshold the plan's thresholds lack.
    """
    while True:
        spec = plan.steps[node]
        if spec.kind == "route":
            from .routes import take_route

            assert spec.fact is not None  # a route always tests a fact
            value = known_value(plan, context, entries, spec.fact)
            branch = take_route(plan, spec, value, now)
            entries = (*entries, (node, spec.options[branch][0], "route"))
            node = spec.nexts[branch]
            continue
        known = context.get(spec.fact) if spec.fact else None
        if spec.outcome is not None or known is None:
            return entries, node
        if spec.kind == "question":
            index = spec.lookup.get(normalize(known))
            if index is None:
                return entries, node
            known = spec.options[index][0]
        entries = (*entries, (node, known, "context"))
        node = spec.target(known)


def known_value(
    plan: CompiledTree,
    context: dict[str, str],
    entries: tuple[tuple[str, str | None, Source], ...],
    fact: str,
) -> str | None:
    """The value kept for `fact`: the last answer that collected it, else the one given up
    front; None when it is not known (never collected, or an optional input skipped)."""
    steps = plan.steps
    for node_id, answer, source in reversed(entries):
        if answer is not None and source != "route" and steps[node_id].fact == fact:
            return answer
    return context.get(fact)


def bound_to_question(plan: CompiledTree, key: str) -> bool:
    """Whether `key` is a choice fact that a question is bound to (its value is an option)."""
    return plan.facts[key].type == "choice" and any(
        s.fact == key and s.kind == "question" for s in plan.steps.values()
    )


def bound_choice(plan: CompiledTree, key: str, text: str, lang: Lang) -> str:
    """A choice fact's value must name an option of a question bound to it."""
    wanted = normalize(text)
    names: list[str] = []
    for spec in plan.steps.values():
        if spec.fact == key and spec.kind == "question":
            index = spec.lookup.get(wanted)
            if index is not None:
                return spec.options[index][0]
            names.extend(oid for oid, _ in spec.options)
    raise AnswerError(
        say("fact-no-option", lang, value=quoted(text), options=", ".join(names)), code="bad-fact"
    )
