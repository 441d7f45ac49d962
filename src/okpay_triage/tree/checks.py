"""Graph checks of a loaded tree, and the driver that runs every rule: one small pure
function per rule.

The schema (`tree.model`) says what a tree file may contain; the checks say whether the tree
*works*: one start, every reference resolves, every node reachable, no cycles (so every walk
ends at an outcome), and every fact an outcome requires is collected on every path into it.
The last is a "must" analysis over the DAG: a fact is available at a node when every path
from the start collects it, i.e. the intersection over its predecessors. The rules that look
at one node at a time (options, answer words, facts declared and fitting, translations) are
in `tree.content`.

A tree is read once: a single pass over its nodes builds the graph as flat lists indexed by
node position (`tree.graph`), and `content.node_findings` runs each node through the
one-node rules. The graph rules then work on those lists, which stay small and in cache
however large the tree is. When a loop is found, networkx lists every loop and each is
named at the `next` that closes it (`tree.loops`); networkx finds the path that misses a
fact; a tree
that passes never builds a networkx graph. Neither is on the start-up path of the command
line. A tree whose shape is wrong gets the graph rules too, on the graph its plain data
gives (`check_data`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from okpay_triage.errors import Problem, did_you_mean

from .content import Finding, node_findings, same_answers, tree_translations
from .graph import Index, index_tree, partial_index
from .loops import acyclic, topological_order
from .model import Outcome, Route, Tree
from .routes import route_findings

if TYPE_CHECKING:
    from .parse import DataPath, SourceMap


# --------------------------------------------------------------------------- structure


def duplicate_nodes(ix: Index) -> Iterator[Finding]:
    for i, first in ix.duplicates:
        yield Finding(
            "duplicate-node",
            f"node id '{ix.ids[i]}' is defined twice",
            ("nodes", i, "id"),
            first=("nodes", first, "id"),
        )


def start_exists(ix: Index) -> Iterator[Finding]:
    if ix.start is None and ix.start_name is not None:
        hint = did_you_mean(ix.start_name, ix.position)
        yield Finding(
            "unknown-start",
            f"start names '{ix.start_name}', which is not a node{hint}",
            ("start",),
        )


def start_is_not_outcome(ix: Index) -> Iterator[Finding]:
    """A tree that starts at an outcome asks nothing: every session ends at once."""
    if ix.start is not None and ix.outcomes is not None and ix.outcomes[ix.start]:
        yield Finding(
            "start-is-outcome",
            f"start names the outcome '{ix.start_name}', so every session ends before a "
            "single question; start at the first question or input",
            ("start",),
            "warning",
        )


def references_resolve(ix: Index) -> Iterator[Finding]:
    for source, target, path in ix.unresolved:
        hint = did_you_mean(target, ix.position)
        yield Finding(
            "unknown-node",
            f"node '{source}' leads to '{target}', which is not a node{hint}",
            path,
        )


def facts_used(ix: Index, tree: Tree) -> list[Finding]:
    used = set(ix.collects)
    used.update(f for n in tree.nodes if isinstance(n, Outcome) for f in n.requires)
    used.update(n.fact for n in tree.nodes if isinstance(n, Route))  # a route reads it
    return [
        Finding(
            "unused-fact",
            f"fact '{fact_id}' is declared but no step uses it",
            ("facts", fact_id),
            "warning",
            key=True,
        )
        for fact_id in tree.facts
        if fact_id not in used
    ]


# --------------------------------------------------------------------------- graph


def reachable(ix: Index) -> bytearray:
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


#: How many steps a problem lists by name before it says "... and N more".
SHOWN = 12


def _names(ids: list[str]) -> str:
    shown = ", ".join(f"'{name}'" for name in ids[:SHOWN])
    return shown + (f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else "")


def all_reachable(ix: Index, reached: bytearray) -> Iterator[Finding]:
    """One problem per root cause: an unreachable node that no other unreachable node leads
    to (or, in a loop nothing leads into, its first node in the file), listing what is cut
    off with it, i.e. what can only be reached through it."""
    if ix.start is None or not ix.edges_known:
        return
    successors = ix.successors
    cut = [v for v in ix.position.values() if not reached[v]]
    if not cut:
        return
    entered = bytearray(len(successors))  # 1: an unreachable node leads here
    for u in cut:
        for v in successors[u]:
            if v != u:
                entered[v] = 1
    roots = [v for v in cut if not entered[v]]
    covered = bytearray(len(successors))
    groups: list[tuple[int, list[int]]] = []

    def behind(root: int) -> list[int]:
        seen = {root}
        stack, found = [root], []
        while stack:
            for v in successors[stack.pop()]:
                if v not in seen and not reached[v]:
                    seen.add(v)
                    found.append(v)
                    stack.append(v)
        for v in seen:
            covered[v] = 1
        return found

    for root in roots:
        groups.append((root, behind(root)))
    left = [v for v in cut if not covered[v]]
    if left:  # loops with no way in from outside: the first node of each stands for it
        groups += [(root, behind(root)) for root in _loop_roots(successors, left, reached)]
    start = ix.start_name
    for root, rest in groups:
        message = (
            f"node '{ix.ids[root]}' has no way in, so it cannot be reached from the start '{start}'"
        )
        if rest:
            names = [ix.ids[v] or "?" for v in sorted(rest)]
            message += f"; cut off with it: {_names(names)}"
        yield Finding("unreachable", message, ("nodes", root, "id"))


def _loop_roots(successors: list[list[int]], left: list[int], reached: bytearray) -> list[int]:
    """The first node (in file order) of each group of tangled steps among `left` that no
    other step of `left` leads into: the sources of the condensation, which networkx finds."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(left)
    graph.add_edges_from((u, v) for u in left for v in successors[u] if not reached[v])
    groups = nx.condensation(graph)
    return sorted(min(groups.nodes[c]["members"]) for c in groups if not groups.in_degree(c))


def required_facts_collected(
    ix: Index, tree: Tree, order: list[int], reached: bytearray
) -> Iterator[Finding]:
    """Every fact an outcome requires is collected on every path from the start to it.

    Walking the DAG in topological order, the facts available at a node are those collected
    on every path into it: the intersection, over its predecessors, of what was available
    there plus what that step collects. Fact sets are bit masks, so the walk is linear.
    """
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
        if (
            isinstance(node, Route)
            and reached[i]
            and node.fact in bit
            and not available[i] & bit[node.fact]
        ):
            path = _path_without(ix, i, node.fact)
            yield Finding(
                "route-fact-missing",
                f"route '{node.id}' tests '{node.fact}', but this path never collects "
                f"it (nor is it from_caller): {' -> '.join(path)}",
                ("nodes", i, "fact"),
            )
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


def _nx_graph(ix: Index) -> Any:
    """The same graph for networkx, keyed by node id, to explain a problem found."""
    if ix.explained is None:
        import networkx as nx

        ids = ix.ids
        ix.explained = nx.DiGraph()
        ix.explained.add_nodes_from(ix.position)
        ix.explained.add_edges_from(
            (ids[u], ids[v]) for u in ix.position.values() for v in ix.successors[u]
        )
    return ix.explained


def _path_without(ix: Index, end: int, fact: str) -> list[str]:
    """The shortest walk from the start to `end` on which no step collects `fact`."""
    import networkx as nx

    graph = _nx_graph(ix)
    start, end_id = ix.start_name or "", ix.ids[end] or ""
    skip = {
        node_id
        for node_id, i in ix.position.items()
        if ix.collects[i] == fact and node_id not in (start, end_id)
    }
    try:
        return list(nx.shortest_path(graph.subgraph(set(graph) - skip), start, end_id))
    except nx.NetworkXNoPath:  # only when the start itself collects it; cannot happen then
        return [start, end_id]


# --------------------------------------------------------------------------- broken shape


def check_data(data: dict[str, Any], smap: SourceMap, broken: set[DataPath]) -> list[Problem]:
    """The graph rules, and whether each question's answer changes anything, on a tree
    whose shape is wrong (`broken` holds where the schema's problems are): what can still
    be checked is, so an author sees everything at once. A
    finding at a place already reported is left out; the rules that need the whole tree
    (the other one-node rules, facts) wait until the shape is right."""
    ix = partial_index(data)
    if ix is None:
        return []
    refused = [name for i, name in enumerate(ix.ids) if name and ("nodes", i, "id") in broken]
    if refused:  # a reference close to a refused id most likely means it: not a second error
        ix.unresolved = [u for u in ix.unresolved if not did_you_mean(u[1], refused)]
    found, _, _ = graph_findings(ix)
    found += answers_in_data(data["nodes"])
    return [_place(f, smap, smap.file) for f in found if f.path not in broken]


def answers_in_data(nodes: list[Any]) -> Iterator[Finding]:
    """`answer-changes-nothing` on the plain data of a tree whose shape is wrong: a
    question (not bound to a fact) whose options, two or more, all name the same `next`."""
    for i, node in enumerate(nodes):
        if not isinstance(node, dict) or node.get("kind") != "question" or "fact" in node:
            continue
        options, node_id = node.get("options"), node.get("id")
        if not isinstance(options, list) or len(options) < 2 or not isinstance(node_id, str):
            continue
        targets = {o.get("next") if isinstance(o, dict) else None for o in options}
        if len(targets) == 1 and isinstance(target := targets.pop(), str):
            yield same_answers(node_id, target, i)


# --------------------------------------------------------------------------- public


_STRUCTURE = (duplicate_nodes, start_exists, references_resolve)


def graph_findings(ix: Index) -> tuple[list[Finding], list[int] | None, bytearray]:
    """The rules that need only the graph: those that also run on the partial index of a
    tree whose shape is wrong. Also returns the topological order (None: there is a loop)
    and what the start reaches, for the rules that need the whole tree."""
    result = [f for check in _STRUCTURE for f in check(ix)]
    result += start_is_not_outcome(ix)
    reached = reachable(ix)
    result += all_reachable(ix, reached)
    order = topological_order(ix)
    if order is None:  # only a tree with a cycle pays for finding it
        result += acyclic(ix, order)
    return result, order, reached


def findings(tree: Tree) -> list[Finding]:
    """Every problem of `tree`, unplaced (paths into the tree, not file positions)."""
    ix = index_tree(tree)
    result, order, reached = graph_findings(ix)
    result += node_findings(tree) + facts_used(ix, tree) + tree_translations(tree)
    result += route_findings(tree)
    structural = ix.duplicates or ix.unresolved or ix.start is None
    if order is not None and not structural:
        result += required_facts_collected(ix, tree, order, reached)
    return result


def _place(finding: Finding, smap: SourceMap | None, name: str) -> Problem:
    if smap is None:
        file, line, column = name, 0, 0
    else:
        file, line, column = smap.place(finding.path, key=finding.key)
    message = finding.message
    if finding.first is not None:
        if smap is None:
            first = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in finding.first)
            message += f" (first at {first.lstrip('.')})"
        else:
            first_file, first_line, first_column = smap.place(finding.first)
            # A node of a shared fragment may clash with one of the tree: name its file.
            where = "" if first_file == file else f"{first_file}, "
            message += f" (first at {where}line {first_line}, column {first_column})"
    return Problem(finding.code, message, file, line, column, finding.severity)


def check_tree(tree: Tree) -> list[Problem]:
    """All graph and content problems of a loaded tree, errors and warnings, in file order."""
    smap: SourceMap | None = tree.source
    problems = [_place(finding, smap, f"<{tree.id}>") for finding in findings(tree)]
    problems.sort(key=lambda p: (p.line, p.column))
    return problems
