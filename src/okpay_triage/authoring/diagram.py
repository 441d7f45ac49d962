"""A tree drawn as a Mermaid flowchart or a Graphviz DOT graph, in one language.

Questions are boxes, inputs are parallelograms, outcomes are rounded and coloured by how they
escalate (green: no; yellow: if unresolved; orange: yes; red: urgent). Edge labels are the
option labels. All tree text is escaped for the target syntax, so a label can never end the
node or inject directives. Returns strings; printing is the CLI's job.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from okpay_triage.tree.plan import CompiledTree, compile_tree

if TYPE_CHECKING:
    from okpay_triage.tree.model import Tree

ESCALATION_COLOURS = {
    "no": ("#e6f4ea", "#1e7b34"),
    "if-unresolved": ("#fff8e1", "#a07800"),
    "yes": ("#fff0e0", "#c25e00"),
    "urgent": ("#fde7e9", "#b00020"),
}
MAX_LABEL = 60


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _mermaid_text(text: str) -> str:
    escaped = _short(text)
    for char, entity in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        escaped = escaped.replace(char, entity)
    return f'"{escaped}"'


def _node(node_id: str) -> str:
    # A prefix keeps ids such as "end" or "graph" from being read as Mermaid keywords.
    return f"n_{node_id.replace('-', '_')}"


def _plan(tree: Tree | CompiledTree) -> CompiledTree:
    return tree if isinstance(tree, CompiledTree) else compile_tree(tree)


def to_mermaid(tree: Tree | CompiledTree, lang: str = "en") -> str:
    """The tree as a Mermaid flowchart (GitHub renders it in a ```mermaid block)."""
    plan = _plan(tree)
    pick = 1 if lang == "zh" else 0
    lines = ["flowchart TD"]
    for step in plan.steps.values():
        label = _mermaid_text(step.prompt[pick])
        if step.outcome is not None:
            level = step.outcome.escalate.replace("-", "_")
            lines.append(f"  {_node(step.id)}([{label}]):::{level}")
        elif step.kind == "input":
            lines.append(f"  {_node(step.id)}[/{label}/]")
        else:
            lines.append(f"  {_node(step.id)}[{label}]")
    for step in plan.steps.values():
        if step.kind == "input":
            lines.append(f"  {_node(step.id)} --> {_node(step.nexts[0])}")
        for (_, option), target in zip(step.options, step.nexts[: len(step.options)], strict=True):
            edge = _mermaid_text(option[pick])
            lines.append(f"  {_node(step.id)} -->|{edge}| {_node(target)}")
    for level, (fill, stroke) in ESCALATION_COLOURS.items():
        name = level.replace("-", "_")
        lines.append(f"  classDef {name} fill:{fill},stroke:{stroke},color:#000")
    return "\n".join(lines) + "\n"


def to_dot(tree: Tree | CompiledTree, lang: str = "en") -> str:
    """The tree as a Graphviz DOT digraph (``dot -Tsvg``)."""
    plan = _plan(tree)
    pick = 1 if lang == "zh" else 0
    lines = [
        f"digraph {json.dumps(plan.id)} {{",
        "  rankdir=TB;",
        '  node [fontname="Noto Sans CJK SC, sans-serif", fontsize=11];',
    ]
    for step in plan.steps.values():
        label = json.dumps(_short(step.prompt[pick]), ensure_ascii=False)
        if step.outcome is not None:
            fill, stroke = ESCALATION_COLOURS[step.outcome.escalate]
            style = f'shape=box, style="rounded,filled", fillcolor="{fill}", color="{stroke}"'
        elif step.kind == "input":
            style = "shape=parallelogram"
        else:
            style = "shape=box"
        lines.append(f"  {json.dumps(step.id)} [label={label}, {style}];")
    for step in plan.steps.values():
        if step.kind == "input":
            lines.append(f"  {json.dumps(step.id)} -> {json.dumps(step.nexts[0])};")
        for (_, option), target in zip(step.options, step.nexts[: len(step.options)], strict=True):
            label = json.dumps(_short(option[pick]), ensure_ascii=False)
            lines.append(f"  {json.dumps(step.id)} -> {json.dumps(target)} [label={label}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
