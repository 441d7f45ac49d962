"""A deterministic generator of large valid trees in the real format, for size tests.

The trees are shaped like the bundled ones, so that a ratio measured on them says something
about real trees: about a quarter questions (three options, with synonyms and help), a third
inputs (typed facts, some optional) and the rest outcomes (cause, three steps, required facts,
attachments), with sentences of the length the bundled trees use, about 800 bytes of JSON
per node in all.

Nodes are added breadth first, each one filling the oldest open `next` of an earlier node, so
every node is reachable and every edge points forward (no cycles); the open ends left at the
end lead to one closing outcome. The first node collects the email that every escalating
outcome requires, so the required-facts rule holds on every path.
"""

from __future__ import annotations

from collections import deque
from typing import Any

#: The kinds of nodes in order, repeated: 2 questions, 3 inputs, 3 outcomes in every 8.
_PATTERN = ("question", "input", "outcome", "input", "question", "input", "outcome", "outcome")

#: Input facts in turn: (fact id, whether the input may be skipped).
_INPUTS = (("amount", False), ("transaction_id", True), ("occurred_at", False), ("note", True))


#: Declared facts; a tree declares those its nodes use.
_FACTS: dict[str, Any] = {
    "account_email": {
        "type": "email",
        "label": {"en": "Account email", "zh": "账户邮箱"},
        "sensitive": True,
    },
    "amount": {"type": "money", "label": {"en": "Amount", "zh": "金额"}},
    "transaction_id": {
        "type": "transaction_id",
        "label": {"en": "Transaction ID", "zh": "交易编号"},
    },
    "occurred_at": {"type": "datetime", "label": {"en": "When", "zh": "发生时间"}},
    "note": {"type": "text", "label": {"en": "Anything else", "zh": "其他说明"}},
    "status": {
        "type": "choice",
        "label": {"en": "Status shown", "zh": "显示的状态"},
        "choices": ["done", "pending", "failed"],
    },
}


def _text(en: str, zh: str, n: int) -> dict[str, str]:
    return {"en": f"{en} (case {n})", "zh": f"{zh}（第 {n} 例）"}


def _question(node_id: str, n: int, nexts: list[str]) -> dict[str, Any]:
    question: dict[str, Any] = {
        "id": node_id,
        "kind": "question",
        "prompt": _text(
            "When you open the transaction history in the app, what does this payment show?",
            "打开应用里的交易记录，这笔付款显示的是什么状态？",
            n,
        ),
        "help": _text(
            "Pick what the screen shows now; if it changed, pick the latest status.",
            "请按屏幕现在显示的状态选择；如果状态变过，请选最新的。",
            n,
        ),
        "options": [
            {
                "id": "done",
                "label": _text("It says completed or successful", "显示已完成或成功", n),
                "synonyms": {"en": [f"completed {n}", f"success {n}"], "zh": [f"完成了{n}"]},
                "next": nexts[0],
            },
            {
                "id": "pending",
                "label": _text("It is still processing", "还在处理中", n),
                "synonyms": {"en": [f"processing {n}"], "zh": [f"处理中{n}"]},
                "next": nexts[1],
            },
            {
                "id": "failed",
                "label": _text("It failed or was returned", "失败或被退回", n),
                "synonyms": {"en": [f"returned {n}"], "zh": [f"退回{n}"]},
                "next": nexts[2],
            },
        ],
    }
    if n % 3 == 0:
        question["fact"] = "status"
    return question


def _input(node_id: str, n: int, next_id: str, turn: int) -> dict[str, Any]:
    fact, optional = _INPUTS[turn % len(_INPUTS)]
    return {
        "id": node_id,
        "kind": "input",
        "fact": fact,
        "optional": optional,
        "prompt": _text(
            "Please enter this detail exactly as the app or your bank statement shows it, "
            "so support can find the payment.",
            "请按应用或银行账单上的显示原样填写这项信息，方便客服查到这笔付款。",
            n,
        ),
        "next": next_id,
    }


def _outcome(node_id: str, n: int) -> dict[str, Any]:
    escalate = ("no", "if-unresolved", "yes", "urgent")[n % 4]
    return {
        "id": node_id,
        "kind": "outcome",
        "title": _text("Payment held for a routine check", "付款正在例行审核", n),
        "cause": _text(
            "The payment was stopped for a routine review; this usually clears by itself, "
            "but a missing detail on the account can keep it waiting.",
            "这笔付款进入了例行审核，通常会自动完成；如果账户信息不全，可能会一直等待。",
            n,
        ),
        "steps": [
            _text(
                "Check that your name and phone number in the app are up to date.",
                "确认应用里的姓名和手机号是最新的。",
                n,
            ),
            _text(
                "Wait one working day, then look at the transaction history again.",
                "等待一个工作日后，再查看交易记录。",
                n,
            ),
            _text(
                "If nothing has changed, contact support with the details below.",
                "如果仍无变化，请带上以下信息联系客服。",
                n,
            ),
        ],
        "escalate": escalate,
        "severity": ("low", "medium", "high", "critical")[n % 4],
        "requires": [] if escalate == "no" else ["account_email"],
        "attachments": []
        if escalate == "no"
        else [_text("A screenshot of the transaction details", "交易详情的截图", n)],
    }


def generated_tree(size: int) -> dict[str, Any]:
    """A valid tree (as plain data) with `size` nodes (at least 4)."""
    size = max(size, 4)
    nodes: list[dict[str, Any]] = []
    open_ends: deque[tuple[dict[str, Any], str]] = deque()  # (node or option, its next)

    def add(node: dict[str, Any]) -> None:
        if open_ends:
            holder, _ = open_ends.popleft()
            holder["next"] = node["id"]
        nodes.append(node)
        if node["kind"] == "question":
            open_ends.extend((option, "next") for option in node["options"])
        elif node["kind"] == "input":
            open_ends.append((node, "next"))

    first = _input("n0", 0, "", 0)
    first["fact"], first["optional"] = "account_email", False
    add(first)
    inputs = 0
    for n in range(1, size - 1):
        kind = _PATTERN[(n - 1) % len(_PATTERN)]
        node_id = f"n{n}"
        if kind == "question":
            add(_question(node_id, n, ["", "", ""]))
        elif kind == "input":
            add(_input(node_id, n, "", inputs))
            inputs += 1
        else:
            add(_outcome(node_id, n))
    last = _outcome("end", size)
    add(last)
    for holder, _ in open_ends:  # everything still open leads to the closing outcome
        holder["next"] = "end"
    for node in nodes:  # a closing question whose every answer leads to "end" keeps its
        options = node.get("options", ())  # answer as the status fact, so it still matters
        if options and "fact" not in node and {o["next"] for o in options} == {"end"}:
            node["fact"] = "status"
    used = {node.get("fact") for node in nodes} | {"account_email"}
    return {
        "id": f"generated-{size}",
        "version": "1",
        "title": _text("Generated payment tree", "生成的付款诊断树", size),
        "keywords": {"en": ["generated", "payment"], "zh": ["生成", "付款"]},
        "start": "n0",
        "facts": {key: fact for key, fact in _FACTS.items() if key in used},
        "nodes": nodes,
    }
