"""The large-tree generator lives with the benchmarks; the tests use the same one.

Its closing questions lead every option to the one closing outcome, which the
`answer-changes-nothing` warning now reports; until the generator changes (benchmarks/ is
owned elsewhere), such questions are bound to the choice fact `status` here, which keeps
their answer and the tree clean.
"""

from __future__ import annotations

from typing import Any

from benchmarks.treegen import generated_tree as _generated_tree

__all__ = ["generated_tree"]

STATUS = {  # the generator's own choice fact, whose choices are its option ids
    "type": "choice",
    "label": {"en": "Status shown", "zh": "显示的状态"},
    "choices": ["done", "pending", "failed"],
}


def generated_tree(size: int) -> dict[str, Any]:
    """`benchmarks.treegen.generated_tree`, with no question whose answer changes nothing."""
    data = _generated_tree(size)
    for node in data["nodes"]:
        options = node.get("options", ())
        if node["kind"] == "question" and len({o["next"] for o in options}) == 1:
            node["fact"] = "status"
            data["facts"].setdefault("status", STATUS)
    return data
