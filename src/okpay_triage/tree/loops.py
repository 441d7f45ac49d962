"""Loops in a tree's graph: whether there is one, and each one named where it closes.

Kahn's topological sort places every step of a tree without loops in one pass over the flat
lists of `tree.graph`; only when it cannot does `acyclic` search for the loops, so a valid
tree pays for the sort alone.
"""

from __future__ import annotations

from collections.abc import Iterator
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

_RETRY = (
    "to let the user try again, unroll the retry: a new step such as '{0}_again' that "
    "asks once more and leads on, never back"
)


def acyclic(ix: Index, order: list[int] | None) -> Iterator[Finding]:
    """Every loop, each pointed at the `next` that closes it; called only when the
    topological sort could not place every vertex.

    A depth-first search in file order (roots, then options, in the order written) finds
    each back edge: a `next` that leads to a step still on the search's path. Every loop
    holds at least one, so cutting each named `next` removes every loop; the search and so
    the output depend only on the file, never on hashing. The search visits only the
    vertices the sort could not place: every loop lies among them.
    """
    placed = bytearray(len(ix.successors))
    for v in order or ():
        placed[v] = 1
    wiring = wiring_of(ix)
    on_path = bytearray(len(wiring))
    done = bytearray(len(wiring))
    loops: list[Finding] = []
    extra: list[DataPath] = []
    for root in ix.position.values():
        if placed[root] or done[root]:
            continue
        path = [root]
        at = {root: 0}  # vertex -> its place on the path
        edges = [iter(wiring[root])]
        on_path[root] = 1
        while edges:
            step = next(edges[-1], None)
            if step is None:
                u = path.pop()
                on_path[u] = 0
                done[u] = 1
                del at[u]
                edges.pop()
                continue
            v, where = step
            if on_path[v]:
                if len(loops) < MAX_LOOPS:
                    loops.append(_loop(ix, path[at[v] :], where))
                else:
                    extra.append(where)
            elif not done[v] and not placed[v]:
                at[v] = len(path)
                path.append(v)
                on_path[v] = 1
                edges.append(iter(wiring[v]))
    yield from loops
    if extra:
        yield Finding(
            "cycle",
            f"... and {len(extra)} more loops like these; fix the ones named and validate again",
            extra[0],
        )


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
