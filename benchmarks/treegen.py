"""A deterministic generator of large valid trees in the real format, for size tests.

The tree is a heap-shaped binary DAG behind one input step: every node is reachable, every
walk ends at an outcome, and every escalating outcome's required fact is collected first.
"""

from __future__ import annotations

from typing import Any


def _text(kind: str, n: int) -> dict[str, str]:
    return {"en": f"{kind} {n}", "zh": f"{kind} {n} 的中文"}


def generated_tree(size: int) -> dict[str, Any]:
    """A valid tree (as plain data) with `size` nodes (at least 4)."""
    size = max(size, 4)
    count = size - 2  # heap nodes 1..count after the two inputs
    nodes: list[dict[str, Any]] = [
        {
            "id": "n0",
            "kind": "input",
            "fact": "account_email",
            "prompt": _text("Email", 0),
            "next": "note",
        },
        {
            "id": "note",
            "kind": "input",
            "fact": "note",
            "prompt": _text("Note", 0),
            "next": "n1",
        },
    ]
    for j in range(count):
        node_id, left, right = f"n{j + 1}", 2 * j + 1, 2 * j + 2
        if right < count:
            question: dict[str, Any] = {
                "id": node_id,
                "kind": "question",
                "prompt": _text("Question", j + 1),
                "options": [
                    {"id": "yes", "label": _text("Yes", j), "next": f"n{left + 1}"},
                    {"id": "no", "label": _text("No", j), "next": f"n{right + 1}"},
                ],
            }
            if j % 7 == 3:
                question["fact"] = "choice_fact"
            nodes.append(question)
        elif left < count:
            nodes.append(
                {
                    "id": node_id,
                    "kind": "input",
                    "fact": "note",
                    "prompt": _text("Note", j + 1),
                    "next": f"n{left + 1}",
                }
            )
        else:
            escalate = ("no", "if-unresolved", "yes", "urgent")[j % 4]
            nodes.append(
                {
                    "id": node_id,
                    "kind": "outcome",
                    "title": _text("Outcome", j + 1),
                    "cause": _text("Cause", j + 1),
                    "steps": [_text("Step", j + 1)],
                    "escalate": escalate,
                    "severity": "medium",
                    "requires": [] if escalate == "no" else ["account_email"],
                }
            )
    return {
        "id": f"generated-{size}",
        "version": "1",
        "title": _text("Generated", size),
        "keywords": {"en": ["generated"], "zh": ["生成"]},
        "start": "n0",
        "facts": {
            "account_email": {"type": "email", "label": _text("Email", 0), "sensitive": True},
            "note": {"type": "text", "label": _text("Note", 0)},
            "choice_fact": {"type": "choice", "label": _text("Choice", 0)},
        },
        "nodes": nodes,
    }
