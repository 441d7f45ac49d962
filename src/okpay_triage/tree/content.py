"""The content rules of a tree: those that look at one node at a time, and its texts.

A question's options lead to more than one step and no word picks two of them (that it has
at least two is the schema's rule); the facts a node
names are declared and of a type that fits the step; Chinese text is translated and takes
full-width punctuation. `node_findings` runs every node through every rule here in a single
pass (`tree.checks` calls it once, beside the graph rules); the texts outside the nodes
(title, description, facts) get the translation rule from `tree_translations`.

`Finding`, the unplaced problem every rule of the checks returns, is defined here, since
`tree.checks` builds on this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from okpay_triage.text import normalize
from okpay_triage.types import ProblemSeverity

from .model import Input, Outcome, Question, Route, Tree

if TYPE_CHECKING:
    from .parse import DataPath

#: What an imported tree writes before a text in the language it was not written in
#: (``okpay-triage import``): `validate` warns (``untranslated``) until it is translated.
TRANSLATE_MARK = "TODO translate: "

_CJK = re.compile(r"[\u3400-\u9fff]")
_HAN = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
_ASCII_PUNCT = re.compile(r"[,?!;:()]")
_ASCII_PUNCT_IN_ZH = re.compile(rf"(?<=[{_HAN}])[,?!;:()]|[,?!;:()](?=[{_HAN}])")


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    message: str
    path: DataPath
    severity: ProblemSeverity = "error"
    key: bool = False  # point at the key rather than the value
    first: DataPath | None = None  # where the first of two clashing definitions is


def answer_changes_something(tree: Tree, i: int, node: Any) -> Iterator[Finding]:
    """A question whose options all lead to one step asks for nothing: whatever the user
    answers, the same step follows. A question bound to a fact keeps its answer, so it is
    not warned about."""
    if not isinstance(node, Question) or node.fact is not None:
        return
    options = node.options
    first = options[0].next
    if len(options) >= 2 and all(option.next == first for option in options):
        yield same_answers(node.id, first, i)


def same_answers(node_id: str, target: str, i: int) -> Finding:
    """The warning for question `node_id`, at position `i`, whose options all lead to
    `target` (also given by `tree.checks` for a tree whose shape is wrong)."""
    return Finding(
        "answer-changes-nothing",
        f"question '{node_id}': every option leads to '{target}', so the answer changes "
        "nothing; lead the options to different steps, bind the question to a fact, or "
        "show the text as info on the next step",
        ("nodes", i, "options"),
        "warning",
    )


def distinct_answers(tree: Tree, i: int, node: Any) -> Iterator[Finding]:
    """Option ids, labels and synonyms must each pick exactly one option."""
    if not isinstance(node, Question):
        return
    owner: dict[str, str] = {}
    ids: set[str] = set()
    for j, option in enumerate(node.options):
        oid = option.id
        if oid in ids:
            yield Finding(
                "duplicate-option",
                f"question '{node.id}' has option id '{oid}' twice",
                ("nodes", i, "options", j, "id"),
            )
            continue
        ids.add(oid)
        # An id is already in normal form (lowercase ASCII); the texts are normalised.
        for key, word in [(oid, oid), *((normalize(w), w) for w in _answer_words(option))]:
            if key.isdigit():
                yield Finding(
                    "ambiguous-answer",
                    f"question '{node.id}' option '{oid}': '{word}' is a "
                    "number, and numbers choose options by position",
                    ("nodes", i, "options", j),
                )
            elif owner.setdefault(key, oid) != oid:
                yield Finding(
                    "ambiguous-answer",
                    f"question '{node.id}': '{word}' would choose both '{owner[key]}' and '{oid}'",
                    ("nodes", i, "options", j),
                )


def _answer_words(option: Any) -> tuple[str, ...]:
    """The texts that choose an option besides its id: its label and synonyms."""
    label, synonyms = option.label, option.synonyms
    return (label.en, label.zh, *synonyms.en, *synonyms.zh)


def facts_declared(tree: Tree, i: int, node: Any) -> Iterator[Finding]:
    facts = tree.facts
    if isinstance(node, Outcome):
        for j, fact in enumerate(node.requires):
            if fact not in facts:
                yield Finding(
                    "unknown-fact",
                    f"outcome '{node.id}' requires fact '{fact}', "
                    "which is not declared under facts",
                    ("nodes", i, "requires", j),
                )
    elif node.fact and node.fact not in facts:
        yield Finding(
            "unknown-fact",
            f"node '{node.id}' uses fact '{node.fact}', which is not declared under facts",
            ("nodes", i, "fact"),
        )


def fact_types_fit(tree: Tree, i: int, node: Any) -> Iterator[Finding]:
    fact = None if isinstance(node, Outcome) else tree.facts.get(node.fact or "")
    if fact is None:
        return
    path = ("nodes", i, "fact")
    if isinstance(node, Question) and fact.type != "choice":
        yield Finding(
            "fact-type-mismatch",
            f"question '{node.id}' is bound to fact "
            f"'{node.fact}' of type {fact.type}; a question binds a choice fact",
            path,
        )
    elif isinstance(node, Question) and fact.choices:
        extra = [o.id for o in node.options if o.id not in fact.choices]
        if extra:
            yield Finding(
                "fact-type-mismatch",
                f"question '{node.id}' offers {extra}, "
                f"which fact '{node.fact}' does not list in its choices",
                path,
            )
    elif isinstance(node, Input) and fact.type == "choice" and not fact.choices:
        yield Finding(
            "fact-type-mismatch",
            f"input '{node.id}' collects choice fact "
            f"'{node.fact}', which lists no choices (use a question)",
            path,
        )


def account_required(tree: Tree, i: int, node: Any) -> Iterator[Finding]:
    """Support cannot find a case without the account: when a tree declares an account
    identifier, every escalating outcome requires one (the graph rule then checks it is
    collected on every path in, or supplied by the caller). A warning for now: the bundled
    trees do not declare one yet."""
    if not isinstance(node, Outcome) or node.escalate == "no":
        return
    accounts = [key for key, fact in tree.facts.items() if fact.type == "account"]
    if accounts and not any(f in accounts for f in node.requires):
        yield Finding(
            "account-not-required",
            f"escalating outcome '{node.id}' does not require an account identifier; "
            f"add {' or '.join(repr(a) for a in accounts)} to its requires, so support can "
            "find the account without asking",
            ("nodes", i, "requires" if node.requires else "escalate"),
            "warning",
        )


#: Words that address the reader: in a cause they speak to the user.
_SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself)\b|您|你", re.IGNORECASE)


def packet_cause_present(tree: Tree, i: int, node: Any) -> Iterator[Finding]:
    """An outcome's `cause` is read by the user; the packet is read by support, who would
    take a "you" in it for themselves. An escalating outcome whose cause says "you" (您, 你)
    states it for support too, in its `packet:` text."""
    if not isinstance(node, Outcome) or node.escalate == "no" or node.packet is not None:
        return
    if _SECOND_PERSON.search(node.cause.en) or _SECOND_PERSON.search(node.cause.zh):
        yield Finding(
            "packet-cause-missing",
            f"the cause of escalating outcome '{node.id}' speaks to the user (\"you\"), "
            "and the packet is read by support; add `packet:` with the cause in the third "
            'person ("The user says ...")',
            ("nodes", i, "cause"),
            "warning",
        )


def fact_options_fit(tree: Tree, i: int, node: Any) -> Iterator[Finding]:
    """A fact's type-specific options fit its type: `not_before` names a declared datetime
    fact from a datetime fact, `allow_zero` is for money. Checked at the first input that
    collects the fact, and reported at the fact."""
    fact = tree.facts.get(node.fact or "") if isinstance(node, Input) else None
    if fact is None or not (fact.not_before or fact.allow_zero):
        return
    if next(n for n in tree.nodes if isinstance(n, Input) and n.fact == node.fact) is not node:
        return  # reported once, at the first input collecting it
    key = node.fact
    if fact.allow_zero and fact.type != "money":
        yield Finding(
            "fact-option-mismatch",
            f"fact '{key}' of type {fact.type} sets allow_zero, which is for money facts",
            ("facts", key, "allow_zero"),
        )
    other = tree.facts.get(fact.not_before or "")
    if fact.not_before and fact.type != "datetime":
        yield Finding(
            "fact-option-mismatch",
            f"fact '{key}' of type {fact.type} sets not_before, which is for datetime facts",
            ("facts", key, "not_before"),
        )
    elif fact.not_before and (other is None or other.type != "datetime"):
        what = "is not declared under facts" if other is None else f"is a {other.type} fact"
        yield Finding(
            "fact-option-mismatch",
            f"fact '{key}' must not be before fact '{fact.not_before}', which {what}; "
            "not_before names a datetime fact",
            ("facts", key, "not_before"),
        )


def translations_present(tree: Tree, i: int, node: Any) -> Iterator[Finding]:
    """Chinese text identical to the English was likely not translated; Chinese sentences
    take full-width punctuation (scripts/zh_punctuation.py fixes a file)."""
    for where, text in _node_texts(node):
        zh = text.zh
        if zh == text.en or _ASCII_PUNCT.search(zh) or _marked(text):  # most texts stop here
            yield from _translation(("nodes", i, *where), text)


def _marked(text: Any) -> bool:
    return bool(text.en.startswith(TRANSLATE_MARK) or text.zh.startswith(TRANSLATE_MARK))


def _translation(path: DataPath, text: Any) -> Iterator[Finding]:
    zh, en = text.zh, text.en
    if _marked(text):
        lang = "en" if en.startswith(TRANSLATE_MARK) else "zh"
        source = (zh if lang == "en" else en)[:40]
        yield Finding(
            "untranslated",
            f"the {lang} text is still to be translated (it says {TRANSLATE_MARK.strip()!r}): "
            f"{source!r}",
            (*path, lang),
            "warning",
        )
    elif zh == en and not _CJK.search(zh) and re.search(r"[A-Za-z]{4,}", en):
        yield Finding(
            "untranslated",
            f"the zh text is the English text: {en[:40]!r}",
            (*path, "zh"),
            "warning",
        )
    elif _ASCII_PUNCT.search(zh) and (match := _ASCII_PUNCT_IN_ZH.search(zh)):
        yield Finding(
            "zh-punctuation",
            f"ASCII {match.group()!r} in Chinese text {zh[:30]!r}...; use full-width punctuation",
            (*path, "zh"),
            "warning",
        )


def _tree_texts(tree: Tree) -> Iterator[tuple[DataPath, Any]]:
    """The bilingual texts of the tree outside its nodes, with their paths."""
    yield ("title",), tree.title
    if tree.description:
        yield ("description",), tree.description
    for key, fact in tree.facts.items():
        yield ("facts", key, "label"), fact.label
        if fact.hint:
            yield ("facts", key, "hint"), fact.hint


def _node_texts(node: Any) -> Iterator[tuple[DataPath, Any]]:
    """The bilingual texts of one node, each with its path inside the node (a route has
    none: it asks nothing)."""
    if isinstance(node, Route):
        return
    if isinstance(node, Outcome):
        yield ("title",), node.title
        yield ("cause",), node.cause
        lists: tuple[tuple[str, tuple[Any, ...]], ...] = (
            ("steps", node.steps),
            ("attachments", node.attachments),
        )
    else:
        yield ("prompt",), node.prompt
        if node.help is not None:
            yield ("help",), node.help
        lists = (("info", node.info),) if isinstance(node, Question) else ()
    for name, texts in lists:
        for k, text in enumerate(texts):
            yield (name, k), text
    if isinstance(node, Question):
        for j, option in enumerate(node.options):
            yield ("options", j, "label"), option.label


NodeRule = Callable[[Tree, int, Any], Iterator[Finding]]
NODE_RULES: tuple[NodeRule, ...] = (
    answer_changes_something,
    distinct_answers,
    facts_declared,
    fact_types_fit,
    account_required,
    packet_cause_present,
    fact_options_fit,
    translations_present,
)


def node_findings(tree: Tree) -> list[Finding]:
    """Every node through every one-node rule, in one pass; findings grouped by rule."""
    found: list[list[Finding]] = [[] for _ in NODE_RULES]
    rules = tuple(zip(NODE_RULES, found, strict=True))
    for i, node in enumerate(tree.nodes):
        for rule, into in rules:
            into.extend(rule(tree, i, node))
    return [f for group in found for f in group]


def tree_translations(tree: Tree) -> list[Finding]:
    """`translations_present` for the texts outside the nodes: title, description, facts."""
    return [f for path, text in _tree_texts(tree) for f in _translation(path, text)]
