"""Random *valid* trees, in the real file format: every one passes `check_tree` cleanly.

Trees are built from the leaves up, so they are acyclic and every node is reachable by
construction; which facts an outcome may require is computed over the graph, as the checker
does. `EN_WORDS` and `ZH_WORDS` (the keywords trees use) also season `hostile_text`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, get_args

from hypothesis import strategies as st

from okpay_triage.types import FactType

if TYPE_CHECKING:
    from okpay_triage.tree.model import Tree

# fmt: off
EN_WORDS = [
    "payment", "refund", "wallet", "login", "code", "account", "card", "transfer", "balance",
    "fee", "order", "app", "network", "screen", "error", "today", "merchant", "withdrawal",
]
ZH_WORDS = [
    "付款", "退款", "钱包", "登录", "验证", "账户", "银行卡", "转账", "余额", "手续费", "订单",
    "应用", "网络", "页面", "错误", "今天", "商户", "提现",
]
# fmt: on
_EN_PHRASE = st.sampled_from(
    [
        "The payment failed",
        "Check the wallet balance",
        "The refund was refused",
        "Log in again",
        "The code did not arrive",
        "Open the app",
        "The transfer is pending",
        "A fee was charged",
        "The order is missing",
        "The network is slow",
        "The screen shows an error",
        "Try again today",
        "The merchant did not reply",
        "The bank card was declined",
        "The withdrawal is late",
        "Keep the receipt",
    ]
)
_ZH_PHRASE = st.sampled_from(
    [
        "付款失败",
        "查看钱包余额",
        "退款被拒绝",
        "重新登录",
        "没有收到验证码",
        "打开应用",
        "转账处理中",
        "被收取了手续费",
        "订单不见了",
        "网络很慢",
        "页面显示错误",
        "今天再试一次",
        "商户没有回复",
        "银行卡被拒",
        "提现延迟到账",
        "保留付款凭证",
    ]
)
# (id, en label, zh label, en synonyms, zh synonyms): no word picks two of these options.
_OPTIONS: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("yes", "Yes", "是的", (), ()),
    ("no", "No", "没有", (), ()),
    ("unsure", "Not sure", "不确定", (), ()),
    ("card", "By bank card", "银行卡支付", ("card",), ("刷卡",)),
    ("balance", "From the wallet balance", "钱包余额", ("balance",), ("余额",)),
    ("sms", "By SMS", "短信", ("text message",), ("手机短信",)),
    ("mail", "By email", "电子邮件", ("email",), ("邮箱",)),
    ("app", "In the app", "在应用里", (), ("应用",)),
    ("web", "On the website", "在网站上", ("website",), ("网页",)),
    ("other", "Something else", "其他情况", ("other",), ("其他",)),
    ("today", "Today", "今天", (), ()),
    ("earlier", "Earlier than today", "更早", ("earlier",), ("之前",)),
)
_OPTION_ORDER = st.permutations(_OPTIONS)
_INPUT_TYPES = get_args(FactType)  # every fact type the format declares
_CHOICES = ("basic", "gold", "platinum", "business")
_CURRENCIES = ("CNY", "USD", "EUR", "HKD", "GBP")
_ZONES = ("Asia/Shanghai", "UTC", "Europe/London", "America/New_York")


def _text(draw: st.DrawFn, end: tuple[str, str] = ("", "")) -> dict[str, str]:
    """A bilingual text; the Chinese always holds Chinese and full-width punctuation only."""
    return {"en": draw(_EN_PHRASE) + end[0], "zh": draw(_ZH_PHRASE) + end[1]}


def _texts(draw: st.DrawFn, low: int, high: int, end: tuple[str, str]) -> list[dict[str, str]]:
    return [_text(draw, end) for _ in range(draw(st.integers(low, high)))]


_QUESTION = ("?", "？")
_SENTENCE = (".", "。")


def _fact(draw: st.DrawFn, fact_type: str) -> dict[str, Any]:
    fact: dict[str, Any] = {"type": fact_type, "label": _text(draw)}
    personal = fact_type in ("transaction_id", "order_number", "email", "phone", "text")
    if personal and draw(st.booleans()):
        fact["sensitive"] = True
    if (personal or fact_type == "account") and draw(st.integers(0, 3)) == 0:
        fact["keep"] = draw(st.sampled_from(["whole", "masked"]))
    if draw(st.integers(0, 2)) == 0:
        fact["hint"] = _text(draw)
    if fact_type == "money":
        currencies = draw(st.lists(st.sampled_from(_CURRENCIES), unique=True, max_size=3))
        if currencies:
            fact["currencies"] = currencies
        if draw(st.booleans()):
            fact["default_currency"] = draw(st.sampled_from(currencies or _CURRENCIES))
    elif fact_type == "datetime" and draw(st.booleans()):
        fact["assume_timezone"] = draw(st.sampled_from(_ZONES))
    elif fact_type == "text" and draw(st.booleans()):
        fact["max_length"] = draw(st.integers(20, 500))
    elif fact_type == "choice":
        fact["choices"] = draw(st.lists(st.sampled_from(_CHOICES), min_size=2, unique=True))
    return fact


@st.composite
def _tree_data(draw: st.DrawFn, max_nodes: int) -> dict[str, Any]:
    """Built from the leaves up, so the graph is acyclic and every node is reachable: each
    new step leads to at least one node that nothing leads to yet (an "orphan"), and the
    last step built, the start, leads to every orphan left."""
    outcome_count = draw(st.integers(2, max(2, min(8, max_nodes // 3))))
    budget = max(max_nodes, 3) - outcome_count  # questions and inputs
    wanted = draw(st.integers(1, budget))
    facts: dict[str, dict[str, Any]] = {}
    nodes: dict[str, dict[str, Any]] = {}
    for n in range(outcome_count):
        nodes[f"o{n + 1}"] = {"id": f"o{n + 1}", "kind": "outcome"}
    orphans = list(nodes)
    order: list[str] = []  # questions and inputs, from the leaves up
    while True:
        left = budget - len(order)
        need = 1 + max(0, -(-(len(orphans) - 4) // 3))  # steps to gather every orphan
        node_id = f"s{len(order) + 1}"
        if len(orphans) <= 4 and (left == 1 or len(order) + 1 >= wanted):
            targets = list(orphans)  # the start
        elif need >= left:
            targets = orphans[:4]  # merge as many orphans as one question can
        else:
            taken = draw(st.lists(st.sampled_from(orphans), min_size=1, max_size=3, unique=True))
            targets = taken[:1] if draw(st.booleans()) else taken
        others = [n for n in nodes if n not in targets]
        if len(targets) == 1 and others and draw(st.integers(0, 2)) == 0:
            targets += draw(st.lists(st.sampled_from(others), max_size=2, unique=True))
        if len(targets) == 1 and (not others or draw(st.integers(0, 3)) > 0):
            nodes[node_id] = _input(draw, node_id, targets[0], facts)
        else:
            nodes[node_id] = _question(draw, node_id, targets, facts)
        orphans = [n for n in orphans if n not in targets] + [node_id]
        order.append(node_id)
        if len(orphans) == 1:
            break
    while len(order) < budget and draw(st.integers(0, 3)) == 0:  # inputs before the first question
        node_id = f"s{len(order) + 1}"
        nodes[node_id] = _input(draw, node_id, order[-1], facts)
        order.append(node_id)
    start = order[-1]
    _outcomes(draw, nodes, order, facts)
    shuffled = list(nodes.values())
    draw(st.randoms(use_true_random=False)).shuffle(shuffled)  # the start need not be first
    tree: dict[str, Any] = {
        "id": draw(st.sampled_from(["my-tree", "custom-tree", "gen_tree", "t1"])),
        "version": draw(st.sampled_from(["1", "1.0", "2.3.1", "2026-11"])),
        "title": _text(draw),
        "start": start,
        "facts": facts,
        "nodes": shuffled,
    }
    if draw(st.booleans()):
        tree["description"] = _text(draw, _SENTENCE)
    if draw(st.booleans()):
        tree["keywords"] = {
            "en": draw(st.lists(st.sampled_from(EN_WORDS), max_size=3, unique=True)),
            "zh": draw(st.lists(st.sampled_from(ZH_WORDS), max_size=3, unique=True)),
        }
    return tree


def _input(
    draw: st.DrawFn, node_id: str, target: str, facts: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    reusable = [k for k in facts if not k.startswith("c_")]  # not the questions' facts
    if reusable and draw(st.integers(0, 3)) == 0:
        fact_id = draw(st.sampled_from(reusable))  # the same fact, asked on another branch
    else:
        fact_id = f"f{len(facts) + 1}"
        facts[fact_id] = _fact(draw, draw(st.sampled_from(_INPUT_TYPES)))
    node: dict[str, Any] = {
        "id": node_id,
        "kind": "input",
        "fact": fact_id,
        "prompt": _text(draw, _QUESTION),
        "next": target,
    }
    if draw(st.integers(0, 2)) == 0:
        node["optional"] = True
    if draw(st.integers(0, 3)) == 0:
        node["help"] = _text(draw, _SENTENCE)
    return node


def _question(
    draw: st.DrawFn, node_id: str, targets: list[str], facts: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    if len(targets) == 1:  # a question needs two ways on; both may lead to the same step
        targets = targets * 2
    picked = draw(_OPTION_ORDER)[: len(targets)]
    options = []
    for (option_id, en, zh, en_words, zh_words), target in zip(picked, targets, strict=True):
        option: dict[str, Any] = {"id": option_id, "label": {"en": en, "zh": zh}, "next": target}
        has_synonyms = bool(en_words or zh_words)
        if has_synonyms and draw(st.booleans()):
            option["synonyms"] = {"en": list(en_words), "zh": list(zh_words)}
        options.append(option)
    node: dict[str, Any] = {
        "id": node_id,
        "kind": "question",
        "prompt": _text(draw, _QUESTION),
        "options": options,
    }
    # Bound to a choice fact a caller may already know; always when every option leads to
    # the same step, where only the fact makes the answer count (answer-changes-nothing).
    if len(set(targets)) == 1 or draw(st.integers(0, 2)) == 0:
        fact_id = f"c_{node_id}"
        facts[fact_id] = {"type": "choice", "label": _text(draw)}
        node["fact"] = fact_id
    if draw(st.integers(0, 3)) == 0:
        node["info"] = _texts(draw, 1, 3, _SENTENCE)
    if draw(st.integers(0, 3)) == 0:
        node["help"] = _text(draw, _SENTENCE)
    return node


def _outcomes(
    draw: st.DrawFn,
    nodes: dict[str, dict[str, Any]],
    order: list[str],
    facts: dict[str, dict[str, Any]],
) -> None:
    """Fill in the outcomes; an escalating one requires only facts collected on every path
    into it (computed over the graph, as the checker does), or supplied by the caller."""
    given: set[str] = set()
    if draw(st.integers(0, 3)) == 0:
        facts["caller_tier"] = {
            "type": "choice",
            "label": _text(draw),
            "choices": list(_CHOICES[:2]),
            "from_caller": True,
        }
        given.add("caller_tier")
    available: dict[str, set[str]] = {}
    for node_id in reversed(order):  # from the start down: every predecessor comes first
        node = nodes[node_id]
        here = available.setdefault(node_id, set(given))
        passed = here | ({node["fact"]} if node.get("fact") else set())
        nexts = {o["next"] for o in node["options"]} if "options" in node else {node["next"]}
        for target in nexts:
            available[target] = available[target] & passed if target in available else passed
    used = False
    accounts = {k for k, fact in facts.items() if fact["type"] == "account"}
    for node in nodes.values():
        if node["kind"] != "outcome":
            continue
        escalate = draw(st.sampled_from(["no", "if-unresolved", "yes", "urgent"]))
        node.update(
            title=_text(draw),
            cause=_text(draw, _SENTENCE),
            steps=_texts(draw, 1, 3, _SENTENCE),
            escalate=escalate,
            severity=draw(st.sampled_from(["low", "medium", "high", "critical"])),
        )
        if escalate == "no":
            continue
        known = sorted(available[node["id"]])
        requires = draw(st.lists(st.sampled_from(known), unique=True)) if known else []
        if "caller_tier" in known and not used:
            requires = sorted({*requires, "caller_tier"})
        used = used or "caller_tier" in requires
        if accounts and not accounts & set(requires):  # support needs the account
            on_path = sorted(accounts & set(known))
            if not on_path:  # not asked on every path into it: the caller knows it
                facts["caller_account"] = {
                    "type": "account",
                    "label": _text(draw),
                    "from_caller": True,
                }
            requires = sorted({*requires, on_path[0] if on_path else "caller_account"})
        if requires:
            node["requires"] = requires
        if draw(st.booleans()):
            node["attachments"] = _texts(draw, 1, 2, ("", ""))
    if given and not used:
        del facts["caller_tier"]  # declared but unused would be a warning


def tree_data(*, max_nodes: int = 25) -> st.SearchStrategy[dict[str, Any]]:
    """Random valid trees as the plain data of a tree file (dump it as YAML or JSON).

    Trees have at most `max_nodes` nodes (at least 3): questions (some bound to a choice
    fact), inputs of every fact type (some optional, some re-asking a fact on another
    branch; personal facts sometimes saying how they are kept), outcomes of every
    escalation and severity whose `requires` are collected on every path into them,
    sometimes a fact supplied by the caller (an account identifier, when a tree asks for
    one on some paths only: escalating outcomes require one), and texts in English and
    Chinese. Every tree passes `check_tree` with no problems at all.
    """
    return _tree_data(max_nodes)


def _load(data: dict[str, Any]) -> Tree:
    from okpay_triage.tree.load import parse_tree

    result = parse_tree(json.dumps(data, ensure_ascii=False), "<generated>", json_format=True)
    if result.tree is None or result.problems:  # a bug in this module, not in the caller's
        raise AssertionError(f"generated an invalid tree:\n{result.problems}\n{data}")
    return result.tree


def trees(*, max_nodes: int = 25) -> st.SearchStrategy[Tree]:
    """Random valid trees, loaded (see `tree_data` for what they hold)."""
    return tree_data(max_nodes=max_nodes).map(_load)
