"""Graph checks of a loaded tree, and the driver that runs every rule: one small pure
function per rule.

The schema (`tree.model`) says what a tree file may contain; the checks say whether the tree
*works*: one start, every reference resolves, every node reachable, no cycles (so every walk
ends at an outcome), and every fact an outcome requires is collected on every path into it.
The last is a "must" analysis over the DAG: a fact is available at a node when every path
from the start collects it, i.e. the intersection over its predecessors. The rules that look
at one node at a time (options, answer words, facts declared and fitting, translations) are
in `tree.content`.

A tree is read once: a single pass over its nodes builds `_Index`, the graph as flat lists
indexed by node position, and `content.node_findings` runs each node through the one-node
rules. The graph rules then work on those lists, which stay small and in cache however large
the tree is. networkx explains what is wrong when something is (names the steps of a cycle,
finds a path that misses a fact); a tree that passes never builds a networkx graph. Neither
is on the start-up path of the command line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from okpay_triage.errors import Problem, did_you_mean

from .content import Finding, node_findings, tree_translations
from .model import Outcome, Question, Tree

if TYPE_CHECKING:
    from .parse import DataPath, SourceMap


@dataclass
class _Index:
    """The tree as a graph of node positions: vertex i is `tree.nodes[i]`.

    A node id defined twice is one vertex, the first definition; edges written on the
    second are added to it, as they would be in a graph keyed by id. References that do not
    resolve have no edge (`unresolved` keeps them for the error).
    """

    tree: Tree
    position: dict[str, int]  # node id -> index of its first definition
    successors: list[list[int]]  # per vertex, the vertices its options or next lead to
    unresolved: list[tuple[str, str, DataPath]]  # (from, to, where the reference is written)
    collects: list[str | None]  # per node, the fact its step collects or is bound to
    duplicates: list[tuple[int, int]]  # (index of a second definition, index of the first)
    start: int | None  # the start's vertex, None when no node has that id
    explained: Any = None  # the networkx graph, built the first time a problem needs it


def _index(tree: Tree) -> _Index:
    nodes = tree.nodes
    position: dict[str, int] = {}
    duplicates: list[tuple[int, int]] = []
    for i, node in enumerate(nodes):
        first = position.setdefault(node.id, i)
        if first != i:
            duplicates.append((i, first))
    successors: list[list[int]] = [[] for _ in nodes]
    unresolved: list[tuple[str, str, DataPath]] = []
    collects: list[str | None] = []
    find = position.get
    for i, node in enumerate(nodes):
        if isinstance(node, Outcome):
            collects.append(None)
            continue
        collects.append(node.fact)
        targets = [o.next for o in node.options] if isinstance(node, Question) else [node.next]
        out = successors[position[node.id]]
        for j, target in enumerate(targets):
            vertex = find(target)
            if vertex is not None:
                out.append(vertex)
            else:
                where: DataPath = (
                    ("nodes", i, "options", j, "next")
                    if isinstance(node, Question)
                    else ("nodes", i, "next")
                )
                unresolved.append((node.id, target, where))
    return _Index(tree, position, successors, unresolved, collects, duplicates, find(tree.start))


# --------------------------------------------------------------------------- structure


def duplicate_nodes(ix: _Index) -> Iterator[Finding]:
    nodes = ix.tree.nodes
    for i, first in ix.duplicates:
        yield Finding(
            "duplicate-node",
            f"node id '{nodes[i].id}' is defined twice (also nodes[{first}])",
            ("nodes", i, "id"),
        )


def start_exists(ix: _Index) -> Iterator[Finding]:
    if ix.start is None:
        yield Finding(
            "unknown-start", f"start names '{ix.tree.start}', which is not a node", ("start",)
        )


def references_resolve(ix: _Index) -> Iterator[Finding]:
    for source, target, path in ix.unresolved:
        hint = did_you_mean(target, ix.position)
        yield Finding(
            "unknown-node",
            f"node '{source}' leads to '{target}', which is not a node{hint}",
            path,
        )


def facts_used(ix: _Index) -> list[Finding]:
    used = set(ix.collects)
    used.update(f for n in ix.tree.nodes if isinstance(n, Outcome) for f in n.requires)
    return [
        Finding(
            "unused-fact",
            f"fact '{fact_id}' is declared but no step uses it",
            ("facts", fact_id),
            "warning",
            key=True,
        )
        for fact_id in ix.tree.facts
        if fact_id not in used
    ]


# --------------------------------------------------------------------------- graph


def reachable(ix: _Index) -> bytearray:
    """Per vertex, 1 when a walk from the start can reach it (none when the start is missing)."""
    reached = bytearray(len(ix.successors))
    if ix.start is None:
        return reached
    successors = ix.successors
    reached[ix.start] = 1
    stack = [ix.start]
    while stack:
        for vertex in successors[stack.pop()]:
            if not reached[vertex]:
                reached[vertex] = 1
                stack.append(vertex)
    return reached


def all_reachable(ix: _Index, reached: bytearray) -> Iterator[Finding]:
    if ix.start is None:
        return
    for node_id, i in ix.position.items():
        if not reached[i]:
            yield Finding(
                "unreachable",
                f"node '{node_id}' cannot be reached from the start '{ix.tree.start}'",
                ("nodes", i, "id"),
            )


def topological_order(ix: _Index) -> list[int] | None:
    """The vertices with every edge pointing forward, or None when there is a cycle
    (Kahn's algorithm: a vertex is placed once every edge into it has been)."""
    successors = ix.successors
    waiting = [0] * len(successors)  # edges into each vertex not yet placed
    for out in successors:
        for vertex in out:
            waiting[vertex] += 1
    order = [v for v in ix.position.values() if not waiting[v]]
    for u in order:  # the list grows as vertices become free
        for vertex in successors[u]:
            waiting[vertex] -= 1
            if not waiting[vertex]:
                order.append(vertex)
    return order if len(order) == len(ix.position) else None


def acyclic(ix: _Index) -> Iterator[Finding]:
    """Each loop of the graph, named step by step; called once the topological sort has
    found that there is one. networkx finds the strongly connected components."""
    import networkx as nx

    graph = _nx_graph(ix)
    for component in nx.strongly_connected_components(graph):
        first = next(iter(component))
        if len(component) == 1 and not graph.has_edge(first, first):
            continue
        cycle = [u for u, _ in nx.find_cycle(graph.subgraph(component), first)]
        shown = " -> ".join([*cycle, cycle[0]])
        yield Finding(
            "cycle", f"these steps loop forever: {shown}", ("nodes", ix.position[cycle[0]], "id")
        )


def required_facts_collected(ix: _Index, order: list[int], reached: bytearray) -> Iterator[Finding]:
    """Every fact an outcome requires is collected on every path from the start to it.

    Walking the DAG in topological order, the facts available at a node are those collected
    on every path into it: the intersection, over its predecessors, of what was available
    there plus what that step collects. Fact sets are bit masks, so the walk is linear.
    """
    tree = ix.tree
    if ix.start is None:
        return
    bit = {key: 1 << k for k, key in enumerate(tree.facts)}
    given = 0
    for key, declared in tree.facts.items():
        if declared.from_caller:
            given |= bit[key]
    collects = [bit.get(fact or "", 0) for fact in ix.collects]
    available = [(1 << len(bit)) - 1] * len(ix.successors)
    available[ix.start] = given
    successors = ix.successors
    for u in order:
        if not reached[u]:  # reported as unreachable; no path from the start leads here
            continue
        out = available[u] | collects[u]
        for vertex in successors[u]:
            available[vertex] &= out
    for i in ix.position.values():
        node = tree.nodes[i]
        if not isinstance(node, Outcome) or not reached[i]:
            continue
        for j, fact in enumerate(node.requires):
            if fact not in bit or available[i] & bit[fact]:
                continue
            path = _path_without(ix, i, fact)
            yield Finding(
                "required-fact-missing",
                f"outcome '{node.id}' requires '{fact}', but this path never "
                f"collects it: {' -> '.join(path)}",
                ("nodes", i, "requires", j),
            )


def _nx_graph(ix: _Index) -> Any:
    """The same graph for networkx, keyed by node id, to explain a problem found."""
    if ix.explained is None:
        import networkx as nx

        ids = [node.id for node in ix.tree.nodes]
        ix.explained = nx.DiGraph()
        ix.explained.add_nodes_from(ix.position)
        ix.explained.add_edges_from(
            (ids[u], ids[v]) for u in ix.position.values() for v in ix.successors[u]
        )
    return ix.explained


def _path_without(ix: _Index, end: int, fact: str) -> list[str]:
    """The shortest walk from the start to `end` on which no step collects `fact`."""
    import networkx as nx

    graph = _nx_graph(ix)
    start = ix.tree.start
    end_id = ix.tree.nodes[end].id
    skip = {
        node_id
        for node_id, i in ix.position.items()
        if ix.collects[i] == fact and node_id not in (start, end_id)
    }
    try:
        return list(nx.shortest_path(graph.subgraph(set(graph) - skip), start, end_id))
    except nx.NetworkXNoPath:  # only when the start itself collects it; cannot happen then
        return [start, end_id]


# --------------------------------------------------------------------------- public


_STRUCTURE = (duplicate_nodes, start_exists, references_resolve)


def findings(tree: Tree) -> list[Finding]:
    """Every problem of `tree`, unplaced (paths into the tree, not file positions)."""
    ix = _index(tree)
    structural = [f for check in _STRUCTURE for f in check(ix)]
    result = structural + node_findings(tree) + facts_used(ix) + tree_translations(tree)
    reached = reachable(ix)
    result += all_reachable(ix, reached)
    order = topological_order(ix)
    if order is None:  # only a tree with a cycle pays for finding it
        result += acyclic(ix)
    elif not structural:
        result += required_facts_collected(ix, order, reached)
    return result


def check_tree(tree: Tree) -> list[Problem]:
    """All graph and content problems of a loaded tree, errors and warnings, in file order."""
    smap: SourceMap | None = tree.source
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
