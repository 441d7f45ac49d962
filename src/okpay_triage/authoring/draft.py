"""A tree drawn even while it fails validation: the best-effort graph of a draft.

`read_draft` reads a tree file as `tree.load.read_tree` does. A valid tree's draft is the
tree itself. A tree with errors is read again from its plain data, leniently: every node is
a step (with its id, kind and prompt or title, where they can be read; ``nodes[3]`` when it
has no id), every `next` that is a string is an edge, and a `next` naming no node leads to a
placeholder step of kind ``missing``. Each problem is placed on the node whose lines hold
it, so that `authoring.diagram` can highlight the steps to look at. Nothing here raises on a
bad file: what cannot be drawn leaves a draft with no steps, and its problems.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from okpay_triage.errors import Problem, TreeError
from okpay_triage.tree.bundled import bundled_id, bundled_path
from okpay_triage.tree.fragments import expand_fragments
from okpay_triage.tree.load import DEFAULT_MAX_BYTES, parse_tree
from okpay_triage.tree.parse import decode, parse_json, parse_yaml, read_bytes
from okpay_triage.tree.plan import compile_tree
from okpay_triage.wording import say

if TYPE_CHECKING:
    from okpay_triage.tree.parse import SourceMap
    from okpay_triage.tree.plan import CompiledTree, Pair

#: The kinds a draft step can have: the format's three, ``unknown`` for a node whose kind
#: cannot be read, and ``missing`` for a node that a `next` names but no node defines.
DRAFT_KINDS = ("question", "input", "outcome", "unknown", "missing")


class DraftStep(NamedTuple):
    id: str
    kind: str  # one of DRAFT_KINDS
    prompt: Pair  # a question's or input's prompt, an outcome's title; the id when unreadable
    escalate: str | None = None  # an outcome's, as written
    edges: tuple[tuple[Pair | None, str], ...] = ()  # (option label or None, target id)
    problem: bool = False  # an error is reported in this node (or it is missing)


class Draft(NamedTuple):
    """What can be drawn of a tree, and every problem `validate` reports for it."""

    id: str
    steps: tuple[DraftStep, ...]
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def plan_steps(plan: CompiledTree) -> tuple[DraftStep, ...]:
    """The steps of a valid, compiled tree in the form a draft has, none of them marked."""
    steps = []
    for step in plan.steps.values():
        if step.outcome is not None:
            steps.append(DraftStep(step.id, "outcome", step.prompt, step.outcome.escalate))
            continue
        if step.kind == "input":
            edges: tuple[tuple[Pair | None, str], ...] = ((None, step.nexts[0]),)
        else:
            labels = [label for _, label in step.options]
            edges = tuple(zip(labels, step.nexts[: len(labels)], strict=True))
        steps.append(DraftStep(step.id, step.kind, step.prompt, edges=edges))
    return tuple(steps)


def read_draft(source: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Draft:
    """The draft of a bundled tree id or a tree file (YAML, or JSON by its suffix)."""
    tree_id = bundled_id(source)
    path = bundled_path(tree_id) if tree_id is not None else Path(source)
    try:
        text = decode(read_bytes(path, max_bytes), str(path))
    except TreeError as error:
        return Draft(str(path), (), tuple(error.problems))
    json_format = path.suffix.lower() == ".json"
    return parse_draft(text, str(path), json_format=json_format, folder=path.parent)


def parse_draft(
    text: str, name: str = "<tree>", *, json_format: bool = False, folder: Path | None = None
) -> Draft:
    """The draft of tree text already in memory (shared fragments from `folder`/fragments,
    then the bundled ones, as `tree.load.parse_tree` finds them)."""
    result = parse_tree(text, name, json_format=json_format, folder=folder)
    problems = tuple(result.problems)
    if result.tree is not None and not result.errors:
        return Draft(result.tree.id, plan_steps(compile_tree(result.tree)), problems)
    data, smap, unreadable = (parse_json if json_format else parse_yaml)(text, name)
    if not unreadable and isinstance(data, dict):  # a use: that cannot be expanded stays
        expanded, expanded_smap, _ = expand_fragments(data, smap, folder, DEFAULT_MAX_BYTES)
        data, smap = (data, smap) if expanded is None else (expanded, expanded_smap)
    if unreadable or not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        return Draft(name, (), problems)
    tree_id = data.get("id")
    steps = draft_steps(data["nodes"], _problem_nodes(problems, smap, len(data["nodes"])))
    return Draft(tree_id if isinstance(tree_id, str) else name, steps, problems)


def draft_steps(nodes: list[Any], marked: set[int]) -> tuple[DraftStep, ...]:
    """The steps of a list of nodes as plain data; the nodes at the positions in `marked`
    are marked as problems. A node id defined twice is one step, the first definition,
    with the edges of both (as the validator's graph has them)."""
    steps: dict[str, DraftStep] = {}
    for i, node in enumerate(nodes):
        step = _step(node, i, i in marked)
        first = steps.get(step.id)
        if first is None:
            steps[step.id] = step
        else:
            steps[step.id] = first._replace(edges=first.edges + step.edges, problem=True)
    missing: dict[str, DraftStep] = {}
    for step in steps.values():
        for _, target in step.edges:
            if target not in steps and target not in missing:
                missing[target] = DraftStep(target, "missing", (target, target), problem=True)
    return (*steps.values(), *missing.values())


def _step(node: Any, i: int, problem: bool) -> DraftStep:
    if not isinstance(node, dict):
        name = f"nodes[{i}]"
        return DraftStep(name, "unknown", (name, name), problem=True)
    node_id = node.get("id")
    name = node_id if isinstance(node_id, str) and node_id else f"nodes[{i}]"
    kind = node.get("kind")
    kind = kind if kind in ("question", "input", "route", "outcome") else "unknown"
    text = node.get("title") if kind == "outcome" else node.get("prompt", node.get("title"))
    if kind == "route":  # a route asks nothing: it is drawn as the fact it tests
        text = node.get("fact")
    prompt = _pair(text, name)
    if kind == "outcome":
        escalate = node.get("escalate")
        written = escalate if isinstance(escalate, str) else None
        return DraftStep(name, kind, prompt, written, (), problem)
    edges: list[tuple[Pair | None, str]] = []
    options = node.get("routes" if kind == "route" else "options")
    if kind != "input" and isinstance(options, list):
        for option in options:
            target = option.get("next") if isinstance(option, dict) else None
            if isinstance(target, str):
                label = option.get("label") or option.get("id") or str(option.get("when"))
                edges.append((_pair(label, str(option.get("id", "?"))), target))
    if kind == "route" and isinstance(node.get("default"), str):
        edges.append(((say("route.default", "en"), say("route.default", "zh")), node["default"]))
    if kind != "question" and isinstance(node.get("next"), str):
        edges.append((None, node["next"]))
    return DraftStep(name, kind, prompt, None, tuple(edges), problem)


def _pair(value: Any, fallback: str) -> Pair:
    """A text in both languages as far as it can be read; `fallback` where it cannot."""
    if isinstance(value, str) and value:
        return (value, value)
    if isinstance(value, dict):
        en, zh = value.get("en"), value.get("zh")
        en = en if isinstance(en, str) and en else None
        zh = zh if isinstance(zh, str) and zh else None
        return (en or zh or fallback, zh or en or fallback)
    return (fallback, fallback)


def _problem_nodes(problems: tuple[Problem, ...], smap: SourceMap, count: int) -> set[int]:
    """The positions of the nodes where an error is placed: each node spans from its start
    to the start of the last key or value written in it (a one-line JSON file too)."""
    smap.locate(("nodes",))  # a JSON source map is built on the first look-up
    spans: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for places in (smap.values, smap.keys):
        for path, place in places.items():
            if len(path) >= 2 and path[0] == "nodes" and isinstance(path[1], int):
                # A node from a shared fragment spans lines of the fragment's file.
                span = spans.setdefault((smap.file_of(path), path[1]), [place, place])
                span[0], span[1] = min(span[0], place), max(span[1], place)
    marked: set[int] = set()
    for problem in problems:
        if problem.severity != "error":
            continue
        place = (problem.line, problem.column)
        marked.update(
            i
            for (file, i), (first, last) in spans.items()
            if file == problem.file and first <= place <= last
        )
    return {i for i in marked if i < count}
