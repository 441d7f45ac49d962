"""A tree as a graph of node positions, the form every graph rule of `tree.checks` reads.

`index_tree` builds it from a loaded tree in one pass over the nodes: flat lists indexed by
node position, which stay small and in cache however large the tree is. `partial_index`
builds the same from the plain data of a tree whose shape is wrong, so that the rules which
need only the graph can still run beside the schema's problems.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .model import Outcome, Question, Route

if TYPE_CHECKING:
    from .model import Tree
    from .parse import DataPath


@dataclass
class Index:
    """The tree as a graph of node positions: vertex i is `tree.nodes[i]`.

    A node id defined twice is one vertex, the first definition; edges written on the
    second are added to it, as they would be in a graph keyed by id. References that do not
    resolve have no edge (`unresolved` keeps them for the error).
    """

    tree: Tree | None  # None for the partial index of a tree whose shape is wrong
    ids: list[str | None]  # per vertex, the node's id (None: it has none that can be read)
    start_name: str | None  # what `start` names
    position: dict[str, int]  # node id -> index of its first definition
    successors: list[list[int]]  # per vertex, the vertices its options or next lead to
    unresolved: list[tuple[str, str, DataPath]]  # (from, to, where the reference is written)
    collects: list[str | None]  # per node, the fact its step collects or is bound to
    duplicates: list[tuple[int, int]]  # (index of a second definition, index of the first)
    start: int | None  # the start's vertex, None when no node has that id
    outcomes: bytearray | None = None  # per vertex, 1 for an outcome (None: not yet known)
    wiring: list[list[tuple[int, DataPath]]] | None = None  # per vertex, (target, where)
    edges_known: bool = True  # False: a step reached may lead where the index cannot see
    explained: Any = None  # the networkx graph, built the first time a problem needs it


def index_tree(tree: Tree) -> Index:
    nodes = tree.nodes
    position: dict[str, int] = {}
    duplicates: list[tuple[int, int]] = []
    ids: list[str | None] = []
    for i, node in enumerate(nodes):
        first = position.setdefault(node.id, i)
        ids.append(node.id)
        if first != i:
            duplicates.append((i, first))
    successors: list[list[int]] = [[] for _ in nodes]
    outcomes = bytearray(len(nodes))
    unresolved: list[tuple[str, str, DataPath]] = []
    collects: list[str | None] = []
    find = position.get
    for i, node in enumerate(nodes):
        if isinstance(node, Outcome):
            collects.append(None)
            outcomes[i] = 1
            continue
        collects.append(None if isinstance(node, Route) else node.fact)  # a route reads it
        out = successors[position[node.id]]
        for target, where in next_of(node, i):
            vertex = find(target)
            if vertex is not None:
                out.append(vertex)
            else:
                unresolved.append((node.id, target, where))
    return Index(
        tree,
        ids,
        tree.start,
        position,
        successors,
        unresolved,
        collects,
        duplicates,
        find(tree.start),
        outcomes,
    )


def wiring_of(ix: Index) -> list[list[tuple[int, DataPath]]]:
    """Per vertex, each edge out with the place its `next` is written, in file order; built
    only when a problem needs to point at an edge."""
    if ix.wiring is None:
        assert ix.tree is not None  # a partial index is built with its wiring
        wiring: list[list[tuple[int, DataPath]]] = [[] for _ in ix.ids]
        find = ix.position.get
        for i, node in enumerate(ix.tree.nodes):
            if isinstance(node, Outcome):
                continue
            out = wiring[ix.position[node.id]]
            for target, where in next_of(node, i):
                if (v := find(target)) is not None:
                    out.append((v, where))
        ix.wiring = wiring
    return ix.wiring


def next_of(node: Any, i: int) -> list[tuple[str, DataPath]]:
    """The ways on from step `node` (at `nodes[i]`), in file order, with where each is
    written: a question's options, a route's branches and then its default, an input's
    next."""
    if isinstance(node, Question):
        return [(o.next, ("nodes", i, "options", j, "next")) for j, o in enumerate(node.options)]
    if isinstance(node, Route):
        return [
            *((b.next, ("nodes", i, "routes", j, "next")) for j, b in enumerate(node.routes)),
            (node.default, ("nodes", i, "default")),
        ]
    return [(node.next, ("nodes", i, "next"))]


# --------------------------------------------------------------------------- broken shape


def partial_index(data: dict[str, Any]) -> Index | None:
    """The graph of a tree whose shape is wrong, read from the plain data: a node is a
    vertex when it has an id that is a string, an edge is each `next` that is a string.

    A step whose ways on cannot all be read (a question without a list of options, an
    option or input without a `next`) may lead anywhere: when there is one, or a node has
    no id that references could name, nothing is reported unreachable, since the missing
    edges might reach it (and what is cut off could not be grouped behind its root).
    Loops, unknown references and duplicate ids are real whatever the missing parts say.
    None when there is no list of nodes to read.
    """
    nodes = data.get("nodes")
    if not isinstance(nodes, list):
        return None
    ids: list[str | None] = [
        node.get("id") if isinstance(node, dict) and isinstance(node.get("id"), str) else None
        for node in nodes
    ]
    position: dict[str, int] = {}
    duplicates: list[tuple[int, int]] = []
    for i, node_id in enumerate(ids):
        if node_id is not None:
            first = position.setdefault(node_id, i)
            if first != i:
                duplicates.append((i, first))
    successors: list[list[int]] = [[] for _ in nodes]
    wiring: list[list[tuple[int, DataPath]]] = [[] for _ in nodes]
    unresolved: list[tuple[str, str, DataPath]] = []
    outcomes = bytearray(len(nodes))
    unread = bytearray(len(nodes))  # 1: some way on from this step cannot be read
    for i, node in enumerate(nodes):
        references = _raw_references(node, i, outcomes, unread)
        node_id = ids[i]
        u = position[node_id] if node_id is not None else None
        if u is not None and unread[i]:
            unread[u] = 1
        for target, where in references:
            v = position.get(target)
            if v is None:
                unresolved.append((node_id or f"nodes[{i}]", target, where))
            elif u is not None:
                successors[u].append(v)
                wiring[u].append((v, where))
    start_name = data.get("start") if isinstance(data.get("start"), str) else None
    ix = Index(
        None,
        ids,
        start_name,
        position,
        successors,
        unresolved,
        [None] * len(nodes),
        duplicates,
        position.get(start_name) if start_name is not None else None,
        outcomes,
        wiring,
    )
    ix.edges_known = None not in ids and not any(unread)
    return ix


def _raw_references(
    node: Any, i: int, outcomes: bytearray, unread: bytearray
) -> list[tuple[str, DataPath]]:
    """The `next`s written in one node of plain data, with where each is; marks the node as
    an outcome, or as having ways on that cannot be read."""
    if not isinstance(node, dict):
        unread[i] = 1
        return []
    kind = node.get("kind")
    if kind == "outcome":
        outcomes[i] = 1
        return []
    found: list[tuple[str, DataPath]] = []
    # A key the kind does not have (`next` on a question) is an error of its own, and no
    # way on: the engine would never follow it.
    many = "routes" if kind == "route" else "options"
    options = node.get(many) if kind != "input" else None
    if isinstance(options, list):
        for j, option in enumerate(options):
            target = option.get("next") if isinstance(option, dict) else None
            if isinstance(target, str):
                found.append((target, ("nodes", i, many, j, "next")))
            else:
                unread[i] = 1
    elif kind in ("question", "route") or options is not None:
        unread[i] = 1
    if kind == "route":
        target = node.get("default")
        if isinstance(target, str):
            found.append((target, ("nodes", i, "default")))
        else:
            unread[i] = 1
        return found
    if kind == "input" or (kind != "question" and "next" in node):
        target = node.get("next")
        if isinstance(target, str):
            found.append((target, ("nodes", i, "next")))
        else:
            unread[i] = 1
    return found
