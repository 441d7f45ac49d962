"""Loops in a tree's graph: whether there is one, and each one named where it closes.

Kahn's topological sort places every step of a tree without loops in one pass over the flat
lists of `tree.graph`; only when it cannot does `acyclic` search for the loops, so a valid
tree pays for the sort alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING

from .content import Finding
from .graph import Index, wiring_of

if TYPE_CHECKING:
    from .parse import DataPath


def topological_order(ix: Index) -> list[int] | None:
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


#: How many steps of one loop are shown before the middle is elided.
LOOP_SHOWN = 30
#: How many loops are named one by one before the rest are counted.
MAX_LOOPS = 20
#: How many loops are looked for at most: a tangle of n steps can hold exponentially many,
#: and past this the count says "at least".
LOOP_SEARCH = 200

_RETRY = (
    "to let the user try again, unroll the retry: a new step such as '{0}_again' that "
    "asks once more and leads on, never back"
)


def acyclic(ix: Index, order: list[int] | None) -> Iterator[Finding]:
    """Every loop, each pointed at the `next` that closes it; called only when the
    topological sort could not place every vertex.

    Every elementary loop of each group of tangled steps (a strongly connected component
    of what the sort left) is named, from networkx's `simple_cycles`, up to `LOOP_SEARCH`.
    A loop is written from the step of it that a depth-first search in file order reaches
    first, so the `next` that closes it goes back to a step still on the search's path:
    cutting every `next` so named leaves no loop, and a loop closed by two options written
    to the same step is named at each. Loops are sorted by where that `next` is written,
    then by their steps in search order; vertices are positions in the file, so neither the
    search nor the output depends on hashing.
    """
    import networkx as nx

    placed = bytearray(len(ix.successors))
    for v in order or ():
        placed[v] = 1
    wiring = wiring_of(ix)
    left = [v for v in ix.position.values() if not placed[v]]
    graph = nx.DiGraph()
    graph.add_nodes_from(left)
    graph.add_edges_from((u, v) for u in left for v, _ in wiring[u] if not placed[v])
    rank = _search_order(ix, wiring)
    named: list[tuple[tuple[int, ...], list[int], DataPath]] = []
    searched = 0
    for cycle in islice(nx.simple_cycles(graph), LOOP_SEARCH):
        searched += 1
        first = min(range(len(cycle)), key=lambda k: rank[cycle[k]])
        steps = cycle[first:] + cycle[:first]
        for v, where in wiring[steps[-1]]:
            if v == steps[0]:
                named.append(((*_file_order(where), *(rank[u] for u in steps)), steps, where))
    named.sort(key=lambda loop: loop[0])
    for _, steps, where in named[:MAX_LOOPS]:
        yield _loop(ix, steps, where)
    if len(named) > MAX_LOOPS:
        more = len(named) - MAX_LOOPS
        count = f"at least {more}" if searched == LOOP_SEARCH else f"{more}"
        yield Finding(
            "cycle",
            f"... and {count} more loops like these; fix the ones named and validate again",
            named[MAX_LOOPS][2],
        )


def _file_order(where: DataPath) -> tuple[int, ...]:
    """Where a `next` is written, as a key that sorts in file order: the node's position,
    then the option's (an input's one `next` has none)."""
    return tuple(part for part in where if isinstance(part, int))


def _search_order(ix: Index, wiring: list[list[tuple[int, DataPath]]]) -> list[int]:
    """Per vertex, when a depth-first search reaches it: from the start first, then from
    each step not yet reached in file order, following `next`s in the order written."""
    rank = [-1] * len(wiring)
    count = 0
    roots = [ix.start] if ix.start is not None else []
    for root in [*roots, *ix.position.values()]:
        if rank[root] >= 0:
            continue
        stack = [root]
        while stack:
            u = stack.pop()
            if rank[u] >= 0:
                continue
            rank[u] = count
            count += 1
            stack.extend(v for v, _ in reversed(wiring[u]) if rank[v] < 0)
    return rank


def _loop(ix: Index, steps: list[int], where: DataPath) -> Finding:
    names = [ix.ids[v] or "?" for v in steps]
    if len(names) > LOOP_SHOWN:  # a loop through a whole generated tree stays one line
        names = [*names[:10], f"... {len(names) - 20} more ...", *names[-10:]]
    shown = " -> ".join([*names, names[0]])
    return Finding(
        "cycle",
        f"these steps loop forever: {shown} (this next goes back to '{names[0]}'; "
        + _RETRY.format(names[0])
        + ")",
        where,
    )
