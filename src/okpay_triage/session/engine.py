"""The triage session: an immutable walk through a compiled tree.

A `Session` is a value. `answer` and `back` return new sessions and leave the old one as it
was, so a web backend can keep the JSON between requests and a terminal can go back freely.
The state is small (the facts given up front and the ordered answers), and everything else
(the current step, collected facts, transcript) is derived from it. Facts known up front
answer their questions and inputs automatically, recorded with source ``"context"``.

The engine does no I/O and never prints; it raises `AnswerError` with a message in the
session's language for anything a user typed wrongly.

It runs over 400 lines by design: `Session` is one value type, and its reading, moving and
saving methods all read the same few slots; split, each half would need the other's private
state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from okpay_triage.errors import AnswerError
from okpay_triage.text import normalize
from okpay_triage.tree.plan import CompiledTree, StepSpec, compile_tree
from okpay_triage.tree.registry import TreeRef
from okpay_triage.types import Lang
from okpay_triage.wording import say

from .context import answered_from_context, context_value, known_value, quoted
from .kept import check_order, shown
from .saved import Entry, dump, remember, restore
from .skips import NONE_ANSWERS, SKIP_COMMANDS, SKIP_WORDS, UNSURE_WORDS, is_unsure, skip_form
from .views import Outcome, Step, TranscriptEntry, step_view

if TYPE_CHECKING:
    from okpay_triage.tree.model import Tree
    from okpay_triage.tree.plan import FactSpec
    from okpay_triage.tree.registry import TreeRegistry

    from .values import Parsed

__all__ = ["Outcome", "Session", "Step", "TranscriptEntry"]


class Session:
    """An immutable walk through one tree: where it is, and every answer that led there.

    Start one with `Session.start`; `answer` and `back` return new sessions and never change
    this one. `node` is the step to show, `finished` and `outcome` say where it ended, and
    `facts` gives what was collected as kept (identifiers given for support whole), and
    `shown_facts()` and the transcript's `shown` as they may be shown (those masked).
    `to_json` and `Session.from_json` carry it between requests or to a file.
    """

    __slots__ = (
        "_announce",
        "_checked",
        "_context",
        "_entries",
        "_lang",
        "_node",
        "_notices",
        "_plan",
        "_replayed",
    )

    def __init__(
        self,
        plan: CompiledTree,
        lang: Lang,
        context: dict[str, str],
        entries: tuple[Entry, ...],
        node: str,
        notices: tuple[str, ...] = (),
        checked: bool = False,
        replayed: TreeRef | None = None,
        announce: str | None = None,
    ) -> None:
        self._plan = plan
        self._lang: Lang = lang
        self._context = context
        self._entries = entries
        self._node = node
        self._notices = notices
        # Made by `start` or `from_json`, or from such a session by the engine: its state
        # needs no new walk when it comes back (`saved.remember`).
        self._checked = checked
        self._replayed = replayed  # the version its answers were replayed from, if any
        # The notice that its answers were replayed, until the next answer carries it too
        # (a stateless request shows the notices of the session it answered with).
        self._announce = announce

    # ------------------------------------------------------------------ creating

    @classmethod
    def start(
        cls,
        tree: Tree | CompiledTree,
        *,
        lang: str = "en",
        facts: Mapping[str, object] | None = None,
        ignore_unknown_facts: bool = False,
        thresholds: Mapping[str, object] | None = None,
        now: datetime | None = None,
    ) -> Session:
        """A new session at the tree's start, with `facts` known up front.

        Args:
            tree: the tree to walk.
            lang: ``"en"`` or ``"zh"``.
            facts: fact ids to values known up front: text, numbers, ``True``/``False``
                (``yes``/``no``); leave out a fact that is not known (``None`` is refused).
            ignore_unknown_facts: drop facts this tree does not declare instead of refusing
                them, so one set of a user's facts can start any tree.
            thresholds: the thresholds route steps compare with, by name
                (`Config.thresholds`, or values such as ``"5000 CNY"`` and ``"P30D"``).
            now: the time route steps measure ages to (default: the clock).

        Raises:
            AnswerError: `lang` is not ``"en"``/``"zh"``, a fact id is unknown, or a value
                is invalid for its fact.
            ConfigError: a route step reached names a threshold `thresholds` lacks.
            ValueError: a threshold is neither an amount nor a duration.
        """
        plan = _with_thresholds(_plan_of(tree), thresholds)
        if lang not in ("en", "zh"):
            raise AnswerError(f"lang must be 'en' or 'zh', not {lang!r}", code="bad-lang")
        language: Lang = "zh" if lang == "zh" else "en"
        given = facts or {}
        if ignore_unknown_facts:
            given = {key: value for key, value in given.items() if key in plan.facts}
        context = {key: context_value(plan, key, value, language) for key, value in given.items()}
        return cls(plan, language, context, (), plan.start, (), True)._advance(now=now)

    # ------------------------------------------------------------------ reading

    @property
    def tree_id(self) -> str:
        """The id of the tree this session walks (``"login-failure"``)."""
        return self._plan.id

    @property
    def tree_ref(self) -> TreeRef:
        """The version of the tree this session walks: its id, version and content hash."""
        return TreeRef(self._plan.id, self._plan.version, self._plan.hash)

    @property
    def replayed_from(self) -> TreeRef | None:
        """The earlier version of the tree this session was saved under, when its answers
        were replayed on this one (`from_json` upgrading it); None otherwise."""
        return self._replayed

    @property
    def plan(self) -> CompiledTree:
        """The compiled tree this session walks: its steps, facts, id, version and hash."""
        return self._plan

    @property
    def lang(self) -> Lang:
        """The session's language, ``"en"`` or ``"zh"``: of every text and message."""
        return self._lang

    @property
    def node(self) -> Step:
        """The current step."""
        return step_view(self._plan, self._plan.steps[self._node], self._lang)

    @property
    def finished(self) -> bool:
        """Whether the session has reached an outcome (then `outcome` is set)."""
        return self._plan.steps[self._node].outcome is not None

    @property
    def outcome(self) -> Outcome | None:
        """The outcome reached, or None while questions remain."""
        spec = self._plan.steps[self._node]
        out = spec.outcome
        if out is None:
            return None
        pick = 1 if self._lang == "zh" else 0
        return Outcome(
            id=spec.id,
            title=out.title[pick],
            cause=out.cause[pick],
            steps=[s[pick] for s in out.steps],
            escalate=out.escalate,
            severity=out.severity,
            requires=list(out.requires),
            attachments=[a[pick] for a in out.attachments],
        )

    @property
    def facts(self) -> dict[str, str]:
        """Facts collected so far by id, as kept (context facts included): a fact kept
        whole for support (an account identifier, by default) as given, normalised; a
        sensitive fact kept masked masked. For showing them, use `shown_facts`."""
        known = dict(self._context)
        for node_id, answer, source in self._entries:
            fact = self._plan.steps[node_id].fact
            if fact and answer is not None and source != "route":
                known[fact] = answer
        return known

    def _known(self, fact_id: str) -> str | None:
        """The value kept for `fact_id` (as `facts` has it), or None if it is not known."""
        return known_value(self._plan, self._context, self._entries, fact_id)

    @property
    def missing_facts(self) -> list[str]:
        """Facts the outcome requires that are not known (an optional input was skipped)."""
        out = self._plan.steps[self._node].outcome
        known = self.facts
        return [f for f in out.requires if f not in known] if out else []

    def fact_label(self, fact_id: str) -> str:
        """The declared label of a fact, in the session's language."""
        pick = 1 if self._lang == "zh" else 0
        spec = self._plan.facts.get(fact_id)
        return spec.label[pick] if spec else fact_id

    def shown_facts(self) -> list[tuple[str, str]]:
        """Collected facts as a reader sees them: (label, value) in the session's language,
        choice values shown by their option label, values kept whole masked, times with
        their zone (``2026-11-21 09:30 (Beijing time)``)."""
        from .values import shown_value

        pick = 1 if self._lang == "zh" else 0
        facts, steps = self._plan.facts, self._plan.steps
        # A choice is shown in the words of the question on this path that set it: two
        # questions may give one option id two labels ("freeze" after a lost phone, and
        # after a scam payment). A choice given up front takes the first question's label.
        labels: dict[tuple[str, str], str] = {}
        for step in steps.values():
            if step.kind == "question" and step.fact:
                for oid, label in step.options:
                    labels.setdefault((step.fact, oid), label[pick])
        for node_id, answer, _ in self._entries:
            step = steps[node_id]
            if step.kind == "question" and step.fact:
                for oid, label in step.options:
                    if oid == answer:
                        labels[step.fact, oid] = label[pick]
        lang = self._lang
        return [
            (
                self.fact_label(key),
                labels.get((key, value)) or shown(facts[key], shown_value(facts[key], value), lang),
            )
            for key, value in self.facts.items()
        ]

    @property
    def routes(self) -> list[tuple[str, str]]:
        """The route steps passed, in order: (route id, the branch taken), a branch as
        ``above:large_amount``, ``in:card,bank``, ``known`` or ``default``."""
        return [(n, a or "") for n, a, source in self._entries if source == "route"]

    @property
    def transcript(self) -> list[TranscriptEntry]:
        """The answered steps in order; `shown` masks a value kept whole. Route steps ask
        nothing and are not in it (`routes` lists them)."""
        from .values import shown_value

        pick = 1 if self._lang == "zh" else 0
        entries = []
        for node_id, answer, source in self._entries:
            if source == "route":
                continue
            spec = self._plan.steps[node_id]
            shown = answer or ""
            if spec.kind == "input" and answer is not None and spec.fact is not None:
                shown = shown_value(self._plan.facts[spec.fact], answer)
            elif spec.kind == "question":
                shown = next(label[pick] for oid, label in spec.options if oid == answer)
            entries.append(TranscriptEntry(node_id, answer, source, spec.prompt[pick], shown))
        return entries

    @property
    def notices(self) -> tuple[str, ...]:
        """What the last answer made the engine do that the user should know (e.g. a
        password removed from it), in the session's language."""
        return self._notices

    @property
    def depth(self) -> int:
        """How many answers, from the user and from context, led here."""
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Session {self._plan.id} at {self._node!r}, {len(self._entries)} answers>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Session):
            return NotImplemented
        return (self._plan.hash, self._lang, self._context, self._entries, self._node) == (
            other._plan.hash,
            other._lang,
            other._context,
            other._entries,
            other._node,
        )

    def __hash__(self) -> int:
        return hash((self._plan.hash, self._entries, self._node))

    # ------------------------------------------------------------------ moving

    def answer(self, value: str | int, *, now: datetime | None = None) -> Session:
        """A new session with `value` answering the current step.

        For a question: an option id, its 1-based number, or a label or synonym in either
        language. For an input: the text, checked against the fact's type; a time such as
        "yesterday 3pm" is resolved against `now` (an aware datetime; default: the clock).

        Raises:
            AnswerError: the answer is not accepted; this session is unchanged.
        """
        spec = self._plan.steps[self._node]
        lang = self._lang
        if spec.outcome is not None:
            raise AnswerError(say("finished", lang), code="finished", node_id=spec.id)
        text = str(value)
        notices: tuple[str, ...] = ()
        target = spec.nexts[0]
        if spec.kind == "question":
            index = self._pick(spec, text)
            chosen: str | None = spec.options[index][0]
            target = spec.nexts[index]
        elif (
            (said := skip_form(text)) in SKIP_WORDS
            and spec.optional
            and not self._said_none(spec, said)
        ):
            chosen = None
        elif said in SKIP_COMMANDS:  # "skip" where the step cannot be skipped
            raise AnswerError(say("cannot-skip", lang), code="required", node_id=spec.id)
        else:
            assert spec.fact is not None  # an input always collects a fact
            fact = self._plan.facts[spec.fact]
            try:
                # "不记得" would be kept as a text or an id ("unknown" is a valid one), so it
                # is looked for first there; anywhere else only once the parse refuses it.
                # At a free-text step that must be answered the phrase is the answer:
                # "what did the message say?" "I don't remember" is what support needs to
                # know, and refusing it would leave the user no way on.
                if (
                    fact.type in _TAKES_ANY_WORD
                    and (spec.optional or fact.type != "text")
                    and is_unsure(text)
                ):
                    raise _Unsure
                parsed = _parser()(fact, text, lang, now)
                if fact.not_before:  # a refund cannot be asked for before the purchase
                    earlier = self._known(fact.not_before)
                    check_order(parsed.value, earlier, self._plan.facts[fact.not_before], lang)
            except (AnswerError, _Unsure) as error:
                if not isinstance(error, _Unsure) and not is_unsure(text):
                    raise AnswerError(str(error), code=error.code, node_id=spec.id) from None
                if not spec.optional:
                    message = say(_UNSURE_REQUIRED.get(fact.type, "unsure-required"), lang)
                    raise AnswerError(message, code="required", node_id=spec.id) from None
                chosen = None  # not known: skipped, as "skip" skips it
            else:
                chosen, notices = parsed.value, parsed.notices
        entries = (*self._entries, (spec.id, chosen, "user"))
        if self._announce is not None:
            notices = (self._announce, *notices)
        moved = Session(
            self._plan, lang, self._context, entries, target, notices, self._checked, self._replayed
        )
        if self._context or self._plan.steps[target].kind == "route":
            return moved._advance(notices, now)
        return moved

    def back(self) -> Session:
        """The session one user answer earlier (answers from context are not undone).

        Raises:
            AnswerError: there is no user answer to undo.
        """
        entries = list(self._entries)
        while entries:
            node_id, _, source = entries.pop()
            if source == "user":
                return Session(
                    self._plan,
                    self._lang,
                    self._context,
                    tuple(entries),
                    node_id,
                    (),
                    self._checked,
                    self._replayed,
                )
        raise AnswerError(say("nothing-to-undo", self._lang), code="nothing-to-undo")

    def _said_none(self, spec: StepSpec, said: str | None) -> bool:
        """Whether "没有" / "none" answers a free-text step rather than skipping it: asked
        for earlier contacts, "没有" says there were none, which support needs to know."""
        fact = self._plan.facts.get(spec.fact) if spec.fact else None
        if fact is not None and fact.type == "datetime":
            # "不知道" is a skip word too, but at a time step it is "not known", kept as
            # ``unknown`` as "不记得" is (never a skip: a time is never a dead end).
            return said in UNSURE_WORDS
        return said in NONE_ANSWERS and fact is not None and fact.type == "text"

    def _pick(self, spec: StepSpec, text: str) -> int:
        exact = spec.lookup.get(text)  # option ids and plain words need no normalising
        if exact is not None:
            return exact
        key = normalize(text)
        if key.isascii() and key.isdigit() and len(key) <= 4 and 1 <= int(key) <= len(spec.options):
            return int(key) - 1
        index = spec.lookup.get(key)
        if index is not None:
            return index
        pick = 1 if self._lang == "zh" else 0
        options = ("；" if pick else "; ").join(
            f"{n}) {label[pick]}" for n, (_, label) in enumerate(spec.options, 1)
        )
        if not key:
            raise AnswerError(
                say("empty-answer", self._lang, options=options),
                code="empty-answer",
                node_id=spec.id,
            )
        raise AnswerError(
            say("no-such-option", self._lang, answer=quoted(key), options=options),
            code="no-such-option",
            node_id=spec.id,
        )

    def _advance(self, notices: tuple[str, ...] = (), now: datetime | None = None) -> Session:
        """Answer from context every step whose fact is known up front, and pass every
        route step reached."""
        entries, node = answered_from_context(
            self._plan, self._context, self._entries, self._node, now
        )
        return Session(
            self._plan,
            self._lang,
            self._context,
            entries,
            node,
            notices,
            self._checked,
            self._replayed,
            self._announce,
        )

    # ------------------------------------------------------------------ saving

    def to_json(self) -> str:
        """The session as JSON: tree id, version and content hash, language, facts given up
        front, and every answer with its source. `Session.from_json` restores it exactly."""
        text = dump(self._plan, self._lang, self._context, self._entries, self._replayed)
        if self._checked:  # it will come back with the next request: no need to walk it then
            remember(self._plan, self._context, self._entries, self._node, len(text))
        return text

    @classmethod
    def from_json(
        cls,
        text: str | bytes,
        tree: Tree | CompiledTree | None = None,
        *,
        registry: TreeRegistry | None = None,
        upgrade: bool = True,
        thresholds: Mapping[str, object] | None = None,
    ) -> Session:
        """Restore a session saved by `to_json`.

        Args:
            text: the saved JSON.
            tree: the tree to resume it under; by default the one of the saved id in
                `registry`.
            registry: the versions of trees kept (default: the bundled trees): its latest
                version of the saved id, or with `upgrade` off the very version the session
                was saved under.
            upgrade: resume a session saved under another version of the tree by replaying
                its answers there, when each still fits the step the tree reaches; the
                session then says so (`replayed_from`, and a notice). Off: refuse any
                change, as a server still serving the earlier version would.
            thresholds: as for `start`, for the route steps still ahead. The routes the
                session already passed keep the branch they took, whatever the thresholds
                are now.

        Raises:
            SessionError: the text is not a saved session, or the tree has changed so that
                an answer no longer fits (code ``tree-changed``, naming the first step that
                changed), or a value is not one the engine keeps.
        """
        plan, (lang, context, entries, node), replayed, now = restore(
            text, None if tree is None else _plan_of(tree), registry=registry, upgrade=upgrade
        )
        plan = _with_thresholds(plan, thresholds)
        if replayed is None or not now:
            restored = cls(plan, lang, context, entries, node, (), True, replayed)
            return restored._advance() if plan.steps[node].kind == "route" else restored
        said = say("replayed", lang, old=replayed.version, new=plan.version)
        restored = cls(plan, lang, context, entries, node, (said,), True, replayed, said)
        return restored._advance((said,))


class _Unsure(Exception):
    """An answer that says the value is not known (`is_unsure`), at a text or id step."""


#: Fact types whose parser keeps "不记得" or "unknown" as a value: checked before parsing.
_TAKES_ANY_WORD = frozenset({"text", "transaction_id", "order_number"})
#: What a step that must be answered says to "I don't know", by its fact type.
_UNSURE_REQUIRED = {"money": "unsure-required.money"}


@cache
def _parser() -> Callable[[FactSpec, str, Lang, datetime | None], Parsed]:
    """`session.values.parse_value`, imported by the first input step: the value parsers
    bring redaction (~40 ms), which a session of questions alone never needs. Kept here:
    an import statement in `answer` cost 0.6 µs a step, a tenth of a typed step."""
    from .values import parse_value

    return parse_value


def _with_thresholds(plan: CompiledTree, thresholds: Mapping[str, object] | None) -> CompiledTree:
    """`plan` comparing its routes with `thresholds` (each read by `parse_threshold`)."""
    if not thresholds:
        return plan
    from types import MappingProxyType

    from .routes import parse_threshold

    read = {name: parse_threshold(value) for name, value in thresholds.items()}
    return plan._replace(thresholds=MappingProxyType(read))


def _plan_of(tree: Tree | CompiledTree) -> CompiledTree:
    return tree if isinstance(tree, CompiledTree) else compile_tree(tree)
