"""A tree drawn as a Mermaid flowchart or a Graphviz DOT graph, in one language.

Questions are boxes, inputs are parallelograms, outcomes are rounded and coloured by how they
escalate (green: no; yellow: if unresolved; orange: yes; red: urgent). Edge labels are the
option labels, in the same CJK-capable font as the nodes in DOT. A draft (`authoring.draft`:
a tree with errors, drawn from its plain data) is drawn the same way, its steps with
problems highlighted: the class ``problem`` in Mermaid, a thick dashed red border and a
legend in DOT. All tree text is escaped for the target syntax, so a label can never end the
node or inject directives. Returns strings; printing is the CLI's job.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from okpay_triage import wording
from okpay_triage.tree.plan import CompiledTree, compile_tree

from .draft import Draft, DraftStep, plan_steps

if TYPE_CHECKING:
    from okpay_triage.tree.model import Tree

ESCALATION_COLOURS = {
    "no": ("#e6f4ea", "#1e7b34"),
    "if-unresolved": ("#fff8e1", "#a07800"),
    "yes": ("#fff0e0", "#c25e00"),
    "urgent": ("#fde7e9", "#b00020"),
}
MAX_LABEL = 60
#: A font with Chinese glyphs, for node and edge labels alike (Graphviz falls back to the
#: next family when the first is not installed).
FONT = "Noto Sans CJK SC, sans-serif"
#: How a step with a problem is drawn: (fill, border), the border thick and dashed.
PROBLEM_COLOURS = ("#fde7e9", "#b00020")
LEGEND_NODE = "legend: problem"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _mermaid_text(text: str) -> str:
    escaped = _short(text)
    for char, entity in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        escaped = escaped.replace(char, entity)
    return f'"{escaped}"'


def _names(steps: tuple[DraftStep, ...]) -> dict[str, str]:
    """A Mermaid name per step id: ``n_`` and the id with every character outside
    ``[A-Za-z0-9_]`` made ``_`` (the prefix keeps ids such as "end" or "graph" from being read
    as Mermaid keywords), numbered when two ids would make the same name."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for step in steps:
        base = "n_" + re.sub(r"[^A-Za-z0-9_]", "_", step.id)
        name, k = base, 1
        while name in taken:
            k += 1
            name = f"{base}_{k}"
        taken.add(name)
        names[step.id] = name
    return names


def _steps(tree: Tree | CompiledTree | Draft) -> tuple[DraftStep, ...]:
    if isinstance(tree, Draft):
        return tree.steps
    return plan_steps(tree if isinstance(tree, CompiledTree) else compile_tree(tree))


def to_mermaid(tree: Tree | CompiledTree | Draft, lang: str = "en") -> str:
    """The tree as a Mermaid flowchart (GitHub renders it in a ```mermaid block); the
    steps of a draft that have problems get the class ``problem``."""
    steps = _steps(tree)
    names = _names(steps)
    pick = 1 if lang == "zh" else 0
    lines = ["flowchart TD"]
    for step in steps:
        name, label = names[step.id], _mermaid_text(step.prompt[pick])
        if step.kind == "outcome":
            level = (step.escalate or "").replace("-", "_")
            known = (step.escalate or "") in ESCALATION_COLOURS
            lines.append(f"  {name}([{label}])" + (f":::{level}" if known else ""))
        elif step.kind == "input":
            lines.append(f"  {name}[/{label}/]")
        elif step.kind == "route":  # a decision that asks nothing: a rhombus
            lines.append(f"  {name}{{{label}}}")
        elif step.kind == "missing":
            missing = _mermaid_text(wording.say("diagram.missing", lang, id=step.id))
            lines.append(f"  {name}[{missing}]")
        else:
            lines.append(f"  {name}[{label}]")
    for step in steps:
        for edge, target in step.edges:
            shown = "" if edge is None else f"|{_mermaid_text(edge[pick])}|"
            lines.append(f"  {names[step.id]} -->{shown} {names[target]}")
    for level, (fill, stroke) in ESCALATION_COLOURS.items():
        name = level.replace("-", "_")
        lines.append(f"  classDef {name} fill:{fill},stroke:{stroke},color:#000")
    marked = [names[step.id] for step in steps if step.problem]
    if marked:
        fill, stroke = PROBLEM_COLOURS
        lines.append(
            f"  classDef problem fill:{fill},stroke:{stroke},stroke-width:3px,"
            "stroke-dasharray:6 3,color:#000"
        )
        lines.append(f"  class {','.join(marked)} problem")
    return "\n".join(lines) + "\n"


def _dot_style(step: DraftStep) -> str:
    """The shape and colours of a step in DOT: those of its kind, and for a step with a
    problem a thick dashed red border (and a red fill, except an outcome's own colour)."""
    if step.kind == "outcome":
        fill, stroke = ESCALATION_COLOURS.get(step.escalate or "", ("#ffffff", "#000000"))
        style = ["rounded", "filled"]
    else:
        fill, stroke, style = None, None, []
    shape = {"input": "parallelogram", "route": "diamond"}.get(step.kind, "box")
    if step.problem:
        fill, stroke = fill or PROBLEM_COLOURS[0], PROBLEM_COLOURS[1]
        style += ["filled", "dashed", "bold"] if not style else ["dashed", "bold"]
    parts = [f"shape={shape}"]
    if style:
        parts.append(f'style="{",".join(style)}"')
    if fill is not None:
        parts.append(f'fillcolor="{fill}", color="{stroke}"')
    if step.problem:
        parts.append("penwidth=3")
    return ", ".join(parts)


#: The legend's one entry: how a step with a problem looks.
LEGEND = DraftStep(LEGEND_NODE, "unknown", ("", ""), problem=True)


def _dot(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def to_dot(tree: Tree | CompiledTree | Draft, lang: str = "en") -> str:
    """The tree as a Graphviz DOT digraph (``dot -Tsvg``); the steps of a draft that have
    problems are drawn with a thick dashed red border, explained in a legend."""
    steps = _steps(tree)
    pick = 1 if lang == "zh" else 0
    title = tree.id
    lines = [
        f"digraph {_dot(title)} {{",
        "  rankdir=TB;",
        f"  node [fontname={_dot(FONT)}, fontsize=11];",
        f"  edge [fontname={_dot(FONT)}, fontsize=10];",
    ]
    for step in steps:
        label = _dot(_short(step.prompt[pick]))
        if step.kind == "missing":
            label = _dot(wording.say("diagram.missing", lang, id=step.id))
        lines.append(f"  {_dot(step.id)} [label={label}, {_dot_style(step)}];")
    for step in steps:
        for edge, target in step.edges:
            shown = "" if edge is None else f" [label={_dot(_short(edge[pick]))}]"
            lines.append(f"  {_dot(step.id)} -> {_dot(target)}{shown};")
    if any(step.problem for step in steps):
        legend = _dot(wording.say("diagram.legend", lang))
        lines += [
            "  subgraph cluster_legend {",
            f"    label={_dot(wording.say('diagram.legend-title', lang))};",
            f"    {_dot(LEGEND_NODE)} [label={legend}, {_dot_style(LEGEND)}];",
            "  }",
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"
