"""Graph and content checks of a loaded tree: one small pure function per rule.

The schema (`model.py`) says what a tree file may contain; this module says whether the tree
*works*: one start, every reference resolves, every node reachable, no cycles (so every walk
ends at an outcome), questions offer at least two distinct answers, facts are declared and of
the right type, and every fact an outcome requires is collected on every path into it.
The last is a "must" analysis over the DAG: a fact is available at a node when every path
from the start collects it, i.e. the intersection over its predecessors.

networkx is imported here and nowhere on the start-up path of the command line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from .errors import Problem, Severity
from .model import Input, Outcome, Question, Tree
from .text import normalize

if TYPE_CHECKING:
    from .loader import SourceMap

_Path = tuple[str | int, ...]
_CJK = re.compile(r"[\u3400-\u9fff]")
_HAN = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
_ASCII_PUNCT = re.compile(r"[,?!;:()]")
_ASCII_PUNCT_IN_ZH = re.compile(rf"(?<=[{_HAN}])[,?!;:()]|[,?!;:()](?=[{_HAN}])")


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    message: str
    path: _Path
    severity: Severity = "error"
    key: bool = False  # point at the key rather than the value


@dataclass
class _Index:
    tree: Tree
    position: dict[str, int]  # node id -> index of its first definition
    edges: list[tuple[str, str, _Path]]  # (from, to, where the reference is written)


def _index(tree: Tree) -> _Index:
    position: dict[str, int] = {}
    for i, node in enumerate(tree.nodes):
        position.setdefault(node.id, i)
    edges: list[tuple[str, str, _Path]] = []
    for i, node in enumerate(tree.nodes):
        if isinstance(node, Question):
            edges.extend(
                (node.id, o.next, ("nodes", i, "options", j, "next"))
                for j, o in enumerate(node.options)
            )
        elif isinstance(node, Input):
            edges.append((node.id, node.next, ("nodes", i, "next")))
    return _Index(tree, position, edges)


# --------------------------------------------------------------------------- structure


def duplicate_nodes(ix: _Index) -> Iterator[Finding]:
    for i, node in enumerate(ix.tree.nodes):
        first = ix.position[node.id]
        if first != i:
            yield Finding(
                "duplicate-node",
                f"node id '{node.id}' is defined twice (also nodes[{first}])",
                ("nodes", i, "id"),
            )


def start_exists(ix: _Index) -> Iterator[Finding]:
    if ix.tree.start not in ix.position:
        yield Finding(
            "unknown-start", f"start names '{ix.tree.start}', which is not a node", ("start",)
        )


def references_resolve(ix: _Index) -> Iterator[Finding]:
    for source, target, path in ix.edges:
        if target not in ix.position:
            hint = _closest(target, ix.position)
            yield Finding(
                "unknown-node",
                f"node '{source}' leads to '{target}', which is not a node{hint}",
                path,
            )


def enough_options(ix: _Index) -> Iterator[Finding]:
    for i, node in enumerate(ix.tree.nodes):
        if isinstance(node, Question) and len(node.options) < 2:
            yield Finding(
                "too-few-options",
                f"question '{node.id}' has {len(node.options)} option; a question "
                "needs at least two (use an input or outcome instead)",
                ("nodes", i, "options"),
            )


def distinct_answers(ix: _Index) -> Iterator[Finding]:
    """Option ids, labels and synonyms must each pick exactly one option."""
    for i, node in enumerate(ix.tree.nodes):
        if not isinstance(node, Question):
            continue
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
            for word in _answer_words(option):
                key = normalize(word)
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
                        f"question '{node.id}': '{word}' would choose both "
                        f"'{owner[key]}' and '{oid}'",
                        ("nodes", i, "options", j),
                    )


def _answer_words(option: Any) -> tuple[str, ...]:
    label, synonyms = option.label, option.synonyms
    return (option.id, label.en, label.zh, *synonyms.en, *synonyms.zh)


# --------------------------------------------------------------------------- facts


def facts_declared(ix: _Index) -> Iterator[Finding]:
    facts = ix.tree.facts
    for i, node in enumerate(ix.tree.nodes):
        if isinstance(node, (Question, Input)) and node.fact and node.fact not in facts:
            yield Finding(
                "unknown-fact",
                f"node '{node.id}' uses fact '{node.fact}', which is not declared under facts",
                ("nodes", i, "fact"),
            )
        if isinstance(node, Outcome):
            for j, fact in enumerate(node.requires):
                if fact not in facts:
                    yield Finding(
                        "unknown-fact",
                        f"outcome '{node.id}' requires fact '{fact}', "
                        "which is not declared under facts",
                        ("nodes", i, "requires", j),
                    )


def fact_types_fit(ix: _Index) -> Iterator[Finding]:
    facts = ix.tree.facts
    for i, node in enumerate(ix.tree.nodes):
        fact = facts.get(node.fact or "") if isinstance(node, (Question, Input)) else None
        if fact is None:
            continue
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


def facts_used(ix: _Index) -> Iterator[Finding]:
    used = {n.fact for n in ix.tree.nodes if isinstance(n, (Question, Input))}
    used |= {f for n in ix.tree.nodes if isinstance(n, Outcome) for f in n.requires}
    for fact_id in ix.tree.facts:
        if fact_id not in used:
            yield Finding(
                "unused-fact",
                f"fact '{fact_id}' is declared but no step uses it",
                ("facts", fact_id),
                "warning",
                key=True,
            )


def translations_present(ix: _Index) -> Iterator[Finding]:
    """Chinese text identical to the English was likely not translated; Chinese sentences
    take full-width punctuation (scripts/zh_punctuation.py fixes a file)."""
    for path, text in _texts(ix.tree):
        zh, en = text.zh, text.en
        if zh == en and not _CJK.search(zh) and re.search(r"[A-Za-z]{4,}", en):
            yield Finding(
                "untranslated",
                f"the zh text is the English text: {en[:40]!r}",
                (*path, "zh"),
                "warning",
            )
        elif _ASCII_PUNCT.search(zh) and (match := _ASCII_PUNCT_IN_ZH.search(zh)):
            yield Finding(
                "zh-punctuation",
                f"ASCII {match.group()!r} in Chinese text "
                f"{zh[:30]!r}...; use full-width punctuation",
                (*path, "zh"),
                "warning",
            )


def _texts(tree: Tree) -> Iterator[tuple[_Path, Any]]:
    """Every bilingual text of the tree with its path."""
    yield ("title",), tree.title
    if tree.description:
        yield ("description",), tree.description
    for key, fact in tree.facts.items():
        yield ("facts", key, "label"), fact.label
        if fact.hint:
            yield ("facts", key, "hint"), fact.hint
    for i, node in enumerate(tree.nodes):
        here: _Path = ("nodes", i)
        if isinstance(node, Outcome):
            yield (*here, "title"), node.title
            yield (*here, "cause"), node.cause
            lists: tuple[tuple[str, tuple[Any, ...]], ...] = (
                ("steps", node.steps),
                ("attachments", node.attachments),
            )
        else:
            yield (*here, "prompt"), node.prompt
            if node.help is not None:
                yield (*here, "help"), node.help
            lists = (("info", node.info),) if isinstance(node, Question) else ()
        for name, texts in lists:
            for k, text in enumerate(texts):
                yield (*here, name, k), text
        if isinstance(node, Question):
            for j, option in enumerate(node.options):
                yield (*here, "options", j, "label"), option.label


# --------------------------------------------------------------------------- graph


def _graph(ix: _Index) -> Any:
    graph = nx.DiGraph()
    graph.add_nodes_from(ix.position)
    # Only references that resolve: add_edge would silently invent the missing node.
    graph.add_edges_from((s, t) for s, t, _ in ix.edges if t in ix.position)
    return graph


def reachable(ix: _Index, graph: Any) -> set[str]:
    """The nodes a walk from the start can reach (none when the start is missing)."""
    if ix.tree.start not in ix.position:
        return set()
    found: set[str] = nx.descendants(graph, ix.tree.start)
    return found | {ix.tree.start}


def all_reachable(ix: _Index, reached: set[str]) -> Iterator[Finding]:
    if ix.tree.start not in ix.position:
        return
    for node_id, i in ix.position.items():
        if node_id not in reached:
            yield Finding(
                "unreachable",
                f"node '{node_id}' cannot be reached from the start '{ix.tree.start}'",
                ("nodes", i, "id"),
            )


def acyclic(ix: _Index, graph: Any) -> Iterator[Finding]:
    for component in nx.strongly_connected_components(graph):
        first = next(iter(component))
        if len(component) == 1 and not graph.has_edge(first, first):
            continue
        cycle = [u for u, _ in nx.find_cycle(graph.subgraph(component), first)]
        shown = " -> ".join([*cycle, cycle[0]])
        yield Finding(
            "cycle", f"these steps loop forever: {shown}", ("nodes", ix.position[cycle[0]], "id")
        )


def topological_order(graph: Any) -> list[str] | None:
    """The nodes with every edge pointing forward, or None when there is a cycle."""
    try:
        return list(nx.topological_sort(graph))
    except nx.NetworkXUnfeasible:
        return None


def required_facts_collected(
    ix: _Index, graph: Any, order: list[str], reached: set[str]
) -> Iterator[Finding]:
    """Every fact an outcome requires is collected on every path from the start to it.

    Walking the DAG in topological order, the facts available at a node are those collected
    on every path into it: the intersection, over its predecessors, of what was available
    there plus what that step collects. Fact sets are bit masks, so the walk is linear.
    """
    tree = ix.tree
    nodes = {n.id: n for n in tree.nodes}
    bit = {key: 1 << k for k, key in enumerate(tree.facts)}
    given = 0
    for key, declared in tree.facts.items():
        if declared.from_caller:
            given |= bit[key]
    collects = {
        node_id: bit.get(node.fact or "", 0) if not isinstance(node, Outcome) else 0
        for node_id, node in nodes.items()
    }
    every = (1 << len(bit)) - 1
    available: dict[str, int] = {}
    pred = graph.pred
    for node_id in order:
        if node_id not in reached:  # reported as unreachable; no path leads here
            continue
        preds = pred[node_id]
        if node_id == tree.start or not preds:
            available[node_id] = given
            continue
        mask = every
        for p in preds:
            if p in available:
                mask &= available[p] | collects[p]
        available[node_id] = mask
    for node_id, node in nodes.items():
        if not isinstance(node, Outcome) or node_id not in available:
            continue
        for j, fact in enumerate(node.requires):
            if fact not in bit or available[node_id] & bit[fact]:
                continue
            path = _path_without(graph, nodes, tree.start, node_id, fact)
            yield Finding(
                "required-fact-missing",
                f"outcome '{node_id}' requires '{fact}', but this path never "
                f"collects it: {' -> '.join(path)}",
                ("nodes", ix.position[node_id], "requires", j),
            )


def _collects(node: Any) -> frozenset[str]:
    fact = None if isinstance(node, Outcome) else node.fact
    return frozenset((fact,)) if fact else frozenset()


def _path_without(graph: Any, nodes: dict[str, Any], start: str, end: str, fact: str) -> list[str]:
    skip = {n for n, node in nodes.items() if fact in _collects(node) and n not in (start, end)}
    try:
        return list(nx.shortest_path(graph.subgraph(set(graph) - skip), start, end))
    except nx.NetworkXNoPath:  # only when the start itself collects it; cannot happen then
        return [start, end]


# --------------------------------------------------------------------------- public


_STRUCTURE = (duplicate_nodes, start_exists, references_resolve)
_CONTENT = (
    enough_options,
    distinct_answers,
    facts_declared,
    fact_types_fit,
    facts_used,
    translations_present,
)


def findings(tree: Tree) -> list[Finding]:
    """Every problem of `tree`, unplaced (paths into the tree, not file positions)."""
    ix = _index(tree)
    structural = [f for check in _STRUCTURE for f in check(ix)]
    result = structural + [f for check in _CONTENT for f in check(ix)]
    graph = _graph(ix)
    reached = reachable(ix, graph)
    result += all_reachable(ix, reached)
    order = topological_order(graph)
    if order is None:  # only a tree with a cycle pays for finding it
        result += acyclic(ix, graph)
    elif not structural:
        result += required_facts_collected(ix, graph, order, reached)
    return result


def check_tree(tree: Tree) -> list[Problem]:
    """All graph and content problems of a loaded tree, errors and warnings, in file order."""
    smap: SourceMap | None = tree._source
    problems = []
    for finding in findings(tree):
        if smap is not None:
            file = smap.file
            line, column = smap.locate(finding.path, key=finding.key)
        else:
            file, line, column = f"<{tree.id}>", 0, 0
        problems.append(
            Problem(finding.code, finding.message, file, line, column, finding.severity)
        )
    problems.sort(key=lambda p: (p.line, p.column))
    return problems


def _closest(name: str, known: dict[str, int]) -> str:
    import difflib

    guess = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{guess[0]}'?)" if guess else ""
