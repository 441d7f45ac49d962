"""A checked tree flattened into the tables the engine steps through.

`compile_tree` turns a validated `Tree` into plain frozen records: per node, its texts in both
languages, its options, a lookup table from every accepted answer word (option id, label and
synonym in either language, and the common yes/no words) to the option it picks, and the
longest way left to an outcome. Stepping a session is then a dict lookup, and nothing here
imports pydantic, so a compiled tree can also be rebuilt cheaply from its JSON form.

It runs over 400 lines by design: the records, their JSON form and the compiler that fills
them are one format (a field added to a step is added to all three, in the same change);
what is particular to route steps is in `tree.routes`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from okpay_triage.text import normalize
from okpay_triage.types import ChannelId, Escalation, FactType, Keep, Severity, StepKind

if TYPE_CHECKING:
    from .model import Tree

Pair = tuple[str, str]  # (en, zh)

#: Words accepted for common option ids in every tree, in both languages.
COMMON_WORDS: dict[str, tuple[str, ...]] = {
    "yes": (
        "y",
        "yes",
        "yeah",
        "yep",
        "是",
        "是的",
        "对",
        "对的",
        "有",
        "嗯",
        "好了",
        "可以",
        "行",
    ),
    "no": ("n", "no", "nope", "否", "不", "不是", "没有", "没", "无", "不对", "不行", "还是不行"),
    "unsure": (
        "not sure",
        "unsure",
        "don't know",
        "dont know",
        "no idea",
        "不确定",
        "不知道",
        "不清楚",
        "说不准",
    ),
}


#: The answer table of a step that has no options (an input or an outcome).
NO_WORDS: Mapping[str, int] = MappingProxyType({})

_CLAUSE = re.compile(r"[,，;；:：、]")


# The records below are named tuples rather than dataclasses: they are as immutable, and
# defining them costs a quarter of the time, which every `okpay-triage run` pays at start-up.


class FactSpec(NamedTuple):
    id: str
    type: FactType
    label: Pair
    sensitive: bool = False
    from_caller: bool = False
    hint: Pair | None = None
    max_length: int = 500
    currencies: tuple[str, ...] = ()
    default_currency: str | None = None
    assume_timezone: str | None = None
    choices: tuple[str, ...] = ()
    allow_zero: bool = False
    not_before: str | None = None
    keep: Keep | None = None  # as written in the tree; `kept` is what applies

    @property
    def kept(self) -> Keep | None:
        """How the value is kept: "whole" (as given, normalised; masked only where shown),
        "masked", or None for a fact that is not personal data (kept as typed, redacted).
        An account fact is kept whole unless its `keep` says masked; any other sensitive
        fact masked unless its `keep` says whole."""
        if self.keep is not None:
            return self.keep
        if self.type == "account":
            return "whole"
        return "masked" if self.sensitive else None


class OutcomeSpec(NamedTuple):
    title: Pair
    cause: Pair
    steps: tuple[Pair, ...]
    escalate: Escalation
    severity: Severity
    requires: tuple[str, ...]
    attachments: tuple[Pair, ...]
    channel: ChannelId | None = None
    complaint: bool = False
    packet: Pair | None = None  # the cause for support, in the third person


class StepSpec(NamedTuple):
    id: str
    kind: StepKind
    prompt: Pair
    help: Pair | None = None
    info: tuple[Pair, ...] = ()
    fact: str | None = None
    optional: bool = False
    options: tuple[tuple[str, Pair], ...] = ()  # (option id, label)
    phrasings: tuple[Pair | None, ...] = ()  # per option: what it tells support, or None
    nexts: tuple[str, ...] = ()  # per option for a question; one for an input
    lookup: Mapping[str, int] = NO_WORDS  # answer word -> option index
    remaining: int = 0  # the most questions and inputs left before an outcome
    outcome: OutcomeSpec | None = None
    # A route's branches, default last: (condition, its arguments) per option, where the
    # condition is above, below, older_than, newer_than, in, known, or default.
    conditions: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def target(self, answer: str | None) -> str:
        """The step that `answer` (an option id, or a route's branch key; a value or None
        for an input) leads to."""
        if self.kind == "input":
            return self.nexts[0]
        return self.nexts[next(i for i, (oid, _) in enumerate(self.options) if oid == answer)]


class CompiledTree(NamedTuple):
    id: str
    version: str
    hash: str
    title: Pair
    start: str
    steps: dict[str, StepSpec]
    facts: dict[str, FactSpec]
    keywords: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # (en, zh)
    # The deployment's thresholds route steps compare with (`session.routes.Threshold`
    # values by name): not part of the tree, its hash or its JSON; `Session.start` sets them.
    thresholds: Mapping[str, Any] = MappingProxyType({})

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data; `CompiledTree.from_dict` rebuilds an equal tree."""
        return {
            "id": self.id,
            "version": self.version,
            "hash": self.hash,
            "title": list(self.title),
            "start": self.start,
            "keywords": [list(k) for k in self.keywords],
            "facts": [_fact_dict(f) for f in self.facts.values()],
            "steps": [_step_dict(s) for s in self.steps.values()],
        }  # not the thresholds: they are the deployment's, not the tree's

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CompiledTree:
        """The tree `to_dict` described. Raises KeyError/TypeError/ValueError on bad data."""
        facts = [
            FactSpec(**{**f, **_pairs(f, "label", "hint"), **_tuples(f, "currencies", "choices")})
            for f in data["facts"]
        ]
        steps = [_step_from(s) for s in data["steps"]]
        en, zh = data["keywords"]
        return cls(
            id=data["id"],
            version=data["version"],
            hash=data["hash"],
            title=_pair_of(data["title"]),
            start=data["start"],
            steps={s.id: s for s in steps},
            facts={f.id: f for f in facts},
            keywords=(tuple(en), tuple(zh)),
        )


def _pair_of(value: Any) -> Pair:
    en, zh = value
    return (str(en), str(zh))


def _pairs(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {n: _pair_of(data[n]) if data.get(n) is not None else None for n in names}


def _tuples(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {n: tuple(data[n]) for n in names}


def _fact_dict(fact: FactSpec) -> dict[str, Any]:
    return {name: getattr(fact, name) for name in FactSpec._fields}


def _step_dict(step: StepSpec) -> dict[str, Any]:
    data = {name: getattr(step, name) for name in StepSpec._fields}
    data["lookup"] = dict(step.lookup)
    data["conditions"] = [[c, list(a)] for c, a in step.conditions]
    out = step.outcome
    data["outcome"] = (
        None if out is None else {name: getattr(out, name) for name in OutcomeSpec._fields}
    )
    return data


def _step_from(data: dict[str, Any]) -> StepSpec:
    out = data["outcome"]
    outcome = (
        None
        if out is None
        else OutcomeSpec(
            title=_pair_of(out["title"]),
            cause=_pair_of(out["cause"]),
            steps=tuple(_pair_of(s) for s in out["steps"]),
            escalate=out["escalate"],
            severity=out["severity"],
            requires=tuple(out["requires"]),
            attachments=tuple(_pair_of(a) for a in out["attachments"]),
            channel=out["channel"],
            complaint=bool(out["complaint"]),
            packet=None if out.get("packet") is None else _pair_of(out["packet"]),
        )
    )
    return StepSpec(
        id=data["id"],
        kind=data["kind"],
        prompt=_pair_of(data["prompt"]),
        help=_pair_of(data["help"]) if data["help"] is not None else None,
        info=tuple(_pair_of(i) for i in data["info"]),
        fact=data["fact"],
        optional=bool(data["optional"]),
        options=tuple((str(o), _pair_of(label)) for o, label in data["options"]),
        phrasings=tuple(None if p is None else _pair_of(p) for p in data["phrasings"]),
        nexts=tuple(data["nexts"]),
        lookup={str(k): int(v) for k, v in data["lookup"].items()},
        remaining=int(data["remaining"]),
        outcome=outcome,
        conditions=tuple((str(c), tuple(a)) for c, a in data.get("conditions", ())),
    )


def content_hash(tree: Tree) -> str:
    """A hash of what the tree says (not how its file is formatted), cached on the tree."""
    return tree.derived("hash", _hash)


def _hash(tree: Tree) -> str:
    import hashlib

    digest = hashlib.sha256(tree.model_dump_json().encode("utf-8")).hexdigest()
    return f"sha256:{digest[:32]}"


def compile_tree(tree: Tree) -> CompiledTree:
    """The engine's form of a checked tree, built once per tree object."""
    return tree.derived("compiled", _compile)


def _compile(tree: Tree) -> CompiledTree:
    steps = {node.id: _step(node, tree) for node in tree.nodes}
    _fill_remaining(steps, tree.start)
    facts = {key: _fact(key, fact) for key, fact in tree.facts.items()}
    keywords = (tuple(tree.keywords.en), tuple(tree.keywords.zh))
    return CompiledTree(
        tree.id,
        tree.version,
        content_hash(tree),
        _pair(tree.title),
        tree.start,
        steps,
        facts,
        keywords,
    )


def _pair(text: Any) -> Pair:
    return (text.en, text.zh)


def _money_hint(hint: Pair | None) -> Pair:
    """A money step's hint, saying that an approximate amount is fine (review 5: users who
    did not know the exact figure were stuck), unless the tree's own hint says so."""
    from okpay_triage.wording import say

    en, zh = say("hint.money-approx", "en"), say("hint.money-approx", "zh")
    if hint is None:
        return (en, zh)
    said_en = "about" in hint[0].lower() or "approximate" in hint[0].lower()
    said_zh = "约" in hint[1] or "大概" in hint[1]
    return (
        hint[0] if said_en else f"{hint[0].rstrip('.')}; {en[0].lower()}{en[1:]}",
        hint[1] if said_zh else f"{hint[1].rstrip('。')}；{zh}",
    )


def _fact(key: str, fact: Any) -> FactSpec:
    return FactSpec(
        id=key,
        type=fact.type,
        label=_pair(fact.label),
        sensitive=fact.sensitive,
        from_caller=fact.from_caller,
        hint=_money_hint(_pair(fact.hint) if fact.hint else None)
        if fact.type == "money"
        else (_pair(fact.hint) if fact.hint else None),
        max_length=fact.max_length,
        currencies=tuple(fact.currencies),
        default_currency=fact.default_currency,
        assume_timezone=fact.assume_timezone,
        choices=tuple(fact.choices),
        keep=fact.keep,
        allow_zero=fact.allow_zero,
        not_before=fact.not_before,
    )


def _route(node: Any, tree: Any) -> StepSpec:
    from .routes import branches  # compiling: the tree's model is loaded already

    fact = tree.facts.get(node.fact)
    label = _pair(fact.label) if fact is not None else (node.fact, node.fact)
    conditions, options = branches(node, label)
    return StepSpec(
        id=node.id,
        kind="route",
        prompt=label,
        fact=node.fact,
        options=options,
        phrasings=(None,) * len(options),
        nexts=(*(b.next for b in node.routes), node.default),
        conditions=conditions,
    )


def _step(node: Any, tree: Any) -> StepSpec:
    if node.kind == "route":
        return _route(node, tree)
    common = {
        "id": node.id,
        "kind": node.kind,
        "help": _pair(node.help) if getattr(node, "help", None) else None,
    }
    if node.kind == "outcome":
        outcome = OutcomeSpec(
            _pair(node.title),
            _pair(node.cause),
            tuple(_pair(s) for s in node.steps),
            node.escalate,
            node.severity,
            tuple(node.requires),
            tuple(_pair(a) for a in node.attachments),
            node.channel,
            node.complaint,
            _pair(node.packet) if node.packet else None,
        )
        return StepSpec(prompt=_pair(node.title), outcome=outcome, **common)
    if node.kind == "input":
        return StepSpec(
            prompt=_pair(node.prompt),
            fact=node.fact,
            optional=node.optional,
            nexts=(node.next,),
            **common,
        )
    options = tuple((o.id, _pair(o.label)) for o in node.options)
    return StepSpec(
        prompt=_pair(node.prompt),
        info=tuple(_pair(i) for i in node.info),
        fact=node.fact,
        options=options,
        phrasings=tuple(_pair(o.packet) if o.packet else None for o in node.options),
        nexts=tuple(o.next for o in node.options),
        lookup=answer_lookup(node.options),
        **common,
    )


def answer_lookup(options: Any) -> dict[str, int]:
    """Every accepted answer word, normalised, to the index of the option it picks."""
    lookup: dict[str, int] = {}
    for index, option in enumerate(options):
        words = (
            option.id,
            option.label.en,
            option.label.zh,
            *option.synonyms.en,
            *option.synonyms.zh,
        )
        for word in words:
            lookup.setdefault(normalize(word), index)
    # The leading clause of a label ("可以了" of "可以了,已登录"), when only one option has it,
    # and the common words come last, so a tree's own words always win a clash.
    clauses: dict[str, set[int]] = {}
    for index, option in enumerate(options):
        for label in (option.label.en, option.label.zh):
            clause = normalize(_CLAUSE.split(label, maxsplit=1)[0])
            if clause:
                clauses.setdefault(clause, set()).add(index)
    for clause, owners in clauses.items():
        if len(owners) == 1:
            lookup.setdefault(clause, owners.pop())
    # A label typed without its inner punctuation ("退款已同意但钱一直没到账" for
    # "退款已同意，但钱一直没到账", "it worked and I can log in").
    for index, option in enumerate(options):
        for label in (option.label.en, option.label.zh):
            lookup.setdefault(normalize(_CLAUSE.sub("", label)), index)
    for index, option in enumerate(options):
        for word in COMMON_WORDS.get(option.id, ()):
            lookup.setdefault(normalize(word), index)
    return lookup


def _fill_remaining(steps: dict[str, StepSpec], start: str) -> None:
    """Longest number of steps from each node to an outcome, without recursion. A tree with
    a loop (which `check_tree` reports) is still compiled: the `next` that closes a loop
    counts as leading to an outcome, so that this ends."""
    remaining: dict[str, int] = {}
    expanding: set[str] = set()  # the steps whose nexts are being counted
    stack = [(start, False)]
    while stack:
        node_id, expanded = stack.pop()
        if node_id in remaining or node_id not in steps:
            continue
        step = steps[node_id]
        if expanded or not step.nexts:
            known = [remaining.get(n, 0) for n in step.nexts]
            asks = 0 if step.kind == "route" else 1  # a route asks nothing
            remaining[node_id] = asks + max(known) if known else 0
            expanding.discard(node_id)
            continue
        if node_id in expanding:
            continue  # reached again through a loop
        expanding.add(node_id)
        stack.append((node_id, True))
        stack.extend((n, False) for n in step.nexts if n not in remaining)
    for node_id, value in remaining.items():
        steps[node_id] = steps[node_id]._replace(remaining=value)
