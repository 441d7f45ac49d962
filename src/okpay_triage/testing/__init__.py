"""Hypothesis strategies for property-testing trees: ours, and tree authors' own.

    from hypothesis import given
    from okpay_triage import Session, load_tree
    from okpay_triage.testing import answer_paths

    TREE = load_tree("my-tree.yaml")

    @given(answer_paths(TREE))
    def test_every_walk_ends(answers):
        session = Session.start(TREE)
        for answer in answers:
            session = session.answer(answer)
        assert session.finished

Besides walks of a given tree, this module generates whole random *valid* trees in the real
file format (`tree_data`, `trees`), sessions stopped anywhere in a walk (`sessions`), the facts
an embedding application might pass up front (`context_facts`), and the hostile and
personal text users type (`hostile_text`, `sensitive_text`). Every strategy is bounded, so
examples stay small and fast. See docs/testing.md.

Needs the `hypothesis` package (``pip install "okpay-triage[test]"``).
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, NamedTuple, get_args

from hypothesis import strategies as st

from okpay_triage.errors import AnswerError
from okpay_triage.session.engine import Session
from okpay_triage.tree.plan import COMMON_WORDS, CompiledTree, FactSpec, StepSpec, compile_tree
from okpay_triage.types import FactType

if TYPE_CHECKING:
    from okpay_triage.tree.model import Tree

__all__ = [
    "SensitiveText",
    "answer_paths",
    "answers_for",
    "context_facts",
    "fact_values",
    "hostile_text",
    "sensitive_text",
    "sessions",
    "tree_data",
    "trees",
]

_LETTERS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
_WORDS = st.sampled_from(
    [
        "login",
        "failed",
        "付款",
        "提现",
        "screen",
        "页面",
        "app",
        "error",
        "错误",
        "again",
        "今天",
        "wallet",
        "钱包",
        "shows",
        "显示",
    ]
)
# Far enough in the past that no clock, in any zone, calls it the future.
_LATEST = min(datetime(2026, 6, 30), datetime.now() - timedelta(days=2))


# --------------------------------------------------------------------------- answers


def _plan(tree: Tree | CompiledTree) -> CompiledTree:
    return tree if isinstance(tree, CompiledTree) else compile_tree(tree)


def fact_values(spec: FactSpec) -> st.SearchStrategy[str]:
    """Valid text for a fact, in the forms people type (for input steps and context facts)."""
    if spec.type in ("transaction_id", "order_number"):
        prefix = "TX" if spec.type == "transaction_id" else "OD"
        return (
            st.text(_LETTERS + "0123456789", min_size=6, max_size=24)
            .map(lambda s: prefix + s)
            .filter(_no_secret)  # "TX9cvv123" reads as a card security code
        )
    if spec.type == "money":
        currencies = spec.currencies or ("CNY", "USD")
        amounts = st.decimals(min_value="0.01", max_value="99999", places=2)
        return st.builds(_money_text, amounts, st.sampled_from(currencies), st.booleans())
    if spec.type == "datetime":
        moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=_LATEST)
        return st.builds(_datetime_text, moments, st.integers(-12, 14))
    if spec.type == "email":
        return st.builds(
            lambda user, host: f"{user}@{host}.example.com",
            st.text("abcdefghijklmnop", min_size=1, max_size=12),
            st.text("abcdefghijklmnop", min_size=1, max_size=8),
        )
    if spec.type == "phone":
        return st.builds(
            lambda prefix, rest: f"{prefix}{rest:08d}",
            st.sampled_from(["138", "139", "150", "186", "+86 137"]),
            st.integers(0, 99_999_999),
        )
    if spec.type == "choice" and spec.choices:
        return st.sampled_from(spec.choices)
    return st.lists(_WORDS, min_size=1, max_size=8).map(" ".join)


def _no_secret(text: str) -> bool:
    from okpay_triage.redaction import scan

    return not scan(text).secrets


def _money_text(amount: object, currency: str, symbol_first: bool) -> str:
    return f"{currency} {amount}" if symbol_first else f"{amount} {currency}"


def _datetime_text(moment: datetime, hours: int) -> str:
    zone = timezone(timedelta(hours=hours))
    return moment.replace(tzinfo=zone).strftime("%Y-%m-%d %H:%M %z")


def answers_for(step: StepSpec, plan: CompiledTree, index: int) -> st.SearchStrategy[str]:
    """Every accepted way to choose option `index` of question `step`."""
    words = [word for word, i in step.lookup.items() if i == index]
    option_id = step.options[index][0]
    words += [w for w in COMMON_WORDS.get(option_id, ()) if step.lookup.get(w) == index]
    return st.sampled_from([str(index + 1), option_id, *step.options[index][1], *words])


def _step_answer(draw: st.DrawFn, plan: CompiledTree, node: StepSpec) -> tuple[str, str]:
    """A valid answer to `node`, and the id of the step it leads to."""
    if node.kind == "question":
        index = draw(st.integers(0, len(node.options) - 1))
        return draw(answers_for(node, plan, index)), node.nexts[index]
    assert node.fact is not None
    if node.optional and draw(st.booleans()):
        return "skip", node.nexts[0]
    return draw(fact_values(plan.facts[node.fact])), node.nexts[0]


@st.composite
def _walk(draw: st.DrawFn, plan: CompiledTree) -> list[str]:
    answers: list[str] = []
    node = plan.steps[plan.start]
    while node.outcome is None:
        answer, target = _step_answer(draw, plan, node)
        answers.append(answer)
        node = plan.steps[target]
    return answers


def answer_paths(tree: Tree | CompiledTree) -> st.SearchStrategy[list[str]]:
    """Lists of answers that take a new session of `tree` (no facts given) to an outcome.

    Questions are answered by option id, number, label or synonym in either language, chosen
    at random; input steps get valid values of their fact's type (optional ones are sometimes
    skipped).
    """
    return _walk(_plan(tree))


@st.composite
def _context(draw: st.DrawFn, plan: CompiledTree) -> dict[str, str]:
    facts: dict[str, str] = {}
    for fact_id in draw(st.lists(st.sampled_from(sorted(plan.facts)), unique=True)):
        bound = [s for s in plan.steps.values() if s.kind == "question" and s.fact == fact_id]
        if bound:  # a bound choice names an option of its question (numbers do not count)
            step = draw(st.sampled_from(bound))
            index = draw(st.integers(0, len(step.options) - 1))
            names = [w for w, i in sorted(step.lookup.items()) if i == index]
            facts[fact_id] = draw(st.sampled_from([step.options[index][0], *names]))
        else:
            facts[fact_id] = draw(fact_values(plan.facts[fact_id]))
    return facts


def context_facts(tree: Tree | CompiledTree) -> st.SearchStrategy[dict[str, str]]:
    """Facts a caller may pass to `Session.start(tree, facts=...)`: a random subset of the
    declared facts, each with a valid value (a bound choice names one of its options)."""
    plan = _plan(tree)
    if not plan.facts:
        return st.just({})
    return _context(plan)


@st.composite
def _session(draw: st.DrawFn, plan: CompiledTree, lang: str | None, with_facts: bool) -> Session:
    language = lang or draw(st.sampled_from(["en", "zh"]))
    facts = draw(context_facts(plan)) if with_facts and draw(st.booleans()) else {}
    session = Session.start(plan, lang=language, facts=facts)
    for _ in range(draw(st.integers(0, plan.steps[plan.start].remaining + 1))):
        if session.finished:
            break
        answer, _target = _step_answer(draw, plan, plan.steps[session.node.id])
        session = session.answer(answer)
    if session.depth and draw(st.integers(0, 3)) == 0:
        with contextlib.suppress(AnswerError):  # only answers from context: nothing to undo
            session = session.back()
    return session


def sessions(
    tree: Tree | CompiledTree, *, lang: str | None = None, facts: bool = True
) -> st.SearchStrategy[Session]:
    """Sessions of `tree` stopped at a random point of a walk, finished or not.

    Each starts in `lang` (default: English or Chinese at random), sometimes with facts up
    front (unless `facts` is false), answers a random number of steps validly, and now and
    then goes back one answer.
    """
    return _session(_plan(tree), lang, facts)


# --------------------------------------------------------------------------- trees

# fmt: off
_EN_WORDS = [
    "payment", "refund", "wallet", "login", "code", "account", "card", "transfer", "balance",
    "fee", "order", "app", "network", "screen", "error", "today", "merchant", "withdrawal",
]
_ZH_WORDS = [
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
            "en": draw(st.lists(st.sampled_from(_EN_WORDS), max_size=3, unique=True)),
            "zh": draw(st.lists(st.sampled_from(_ZH_WORDS), max_size=3, unique=True)),
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
    if draw(st.integers(0, 2)) == 0:  # bound to a choice fact a caller may already know
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
    branch), outcomes of every escalation and severity whose `requires` are collected on
    every path into them, sometimes a fact supplied by the caller, and texts in English and
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


# --------------------------------------------------------------------------- hostile text

_HOSTILE_PIECES = (
    # terminal escapes: colour, clear screen, window title (OSC), hyperlink, C1 CSI, bell
    "\x1b[31m",
    "\x1b[2J\x1b[H",
    "\x1b]0;pwned\x07",
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "\x9b6n",
    "\x07\x08\x7f",
    # Rich / console markup
    "[bold]",
    "[/]",
    "[link=https://evil.example]x[/link]",
    "[red on white]",
    # bidi overrides and invisible characters
    "\u202egnp.exe",
    "\u2066\u2067\u2069",
    "\u200b",
    "\u200d\u2060\ufeff\u00ad",
    # NUL and lone surrogates
    "\x00",
    "\ud800",
    "\udfff",
    # header injection
    "\r\nBcc: attacker@example.com",
    "\nSubject: hello",
    "退款\r\nBcc: x@example.com",
    "\r\n\r\n<html>",
    # Markdown and HTML
    "```",
    "~~~\n",
    "\n# Heading\n",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "| a | b |\n|---|---|",
    "\n---\n",
    "<!--",
    "*__`",
    # full-width digits, RTL and combining text, emoji
    "１２３４５６",
    "１３８ １２３４ ５６７８",
    "مرحبا",
    "e\u0301\u0301\u0301",
    "😀👍🏽",
    # secrets and personal data
    "密码 abc123",
    "CVV 123",
    "验证码 483920",
    "PIN 1234",
    "my password is hunter2!",
    "%B4111111111111111^DOE/JOHN^2512101?",
    "4111 1111 1111 1111",
    "6222 0212 3456 7890 126",
    "11010519491231002x",
    "+86 138 1234 5678",
    "alice+tag@例子.中国",
)


def hostile_text(*, max_size: int = 6) -> st.SearchStrategy[str]:
    """Text an attacker or a careless user might type: up to `max_size` pieces of terminal
    escapes (ANSI, OSC), Rich markup, bidi overrides, zero-width characters, NUL, lone
    surrogates, CR/LF with header lines, Markdown fences and HTML, full-width digits,
    secrets ("密码 abc123", "CVV 123"), card, ID and phone numbers, and now and then a very
    long string, mixed with arbitrary text."""
    hostile = st.sampled_from(_HOSTILE_PIECES)
    piece = st.one_of(
        hostile,
        hostile,  # twice: mostly hostile pieces, with some arbitrary text between them
        st.text(max_size=20),
        st.sampled_from(_EN_WORDS + _ZH_WORDS),
    )
    long = st.tuples(st.sampled_from(["长", "x", "1", "\u200b"]), st.integers(2_001, 70_000))
    return st.one_of(
        st.lists(piece, min_size=1, max_size=max_size).map("".join),
        long.map(lambda pair: pair[0] * pair[1]),
    )


class SensitiveText(NamedTuple):
    """Text that holds personal data or a secret, and the strings that must never be kept.

    `needles` are the forms that must not appear in anything stored or shown: the typed
    number, its digits (for cards and ID numbers, all but the last four), the full email
    address, the secret's value.
    """

    text: str
    kind: str
    needles: tuple[str, ...]


def _luhn_complete(body: str) -> str:
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char) * (2 if position % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return body + str(-total % 10)


def _id_check(body: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _grouped(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, at = [], 0
    for size in sizes:
        parts.append(digits[at : at + size])
        at += size
    if at < len(digits):
        parts.append(digits[at:])
    return sep.join(p for p in parts if p)


@st.composite
def _card(draw: st.DrawFn) -> SensitiveText:
    prefix, length = draw(st.sampled_from([("4", 16), ("51", 16), ("62", 16), ("62", 19)]))
    size = length - len(prefix) - 1
    digits = _luhn_complete(prefix + draw(st.text("0123456789", min_size=size, max_size=size)))
    style = draw(st.sampled_from(["plain", "space", "dash", "full"]))
    typed = {
        "plain": digits,
        "space": _grouped(digits, (4, 4, 4, 4), " "),
        "dash": _grouped(digits, (4, 4, 4, 4), "-"),
        "full": _grouped(digits, (4, 4, 4, 4), " ").translate(_FULL_WIDTH),
    }[style]
    return SensitiveText(typed, "card", (typed, digits[:-4]))


@st.composite
def _resident_id(draw: st.DrawFn) -> SensitiveText:
    area = draw(st.sampled_from(["110105", "310104", "440305", "620102"]))
    born = draw(st.dates(min_value=datetime(1950, 1, 1).date(), max_value=_LATEST.date()))
    body = area + born.strftime("%Y%m%d") + f"{draw(st.integers(0, 999)):03d}"
    check = _id_check(body) if draw(st.booleans()) else draw(st.sampled_from("0123456789X"))
    typed = body + (check.lower() if check == "X" and draw(st.booleans()) else check)
    return SensitiveText(typed, "resident_id", (typed, body[:-3]))


@st.composite
def _phone(draw: st.DrawFn) -> SensitiveText:
    number = "1" + draw(st.sampled_from("3456789")) + f"{draw(st.integers(0, 10**9 - 1)):09d}"
    style = draw(st.sampled_from(["plain", "plus", "86", "space", "dash"]))
    typed = {
        "plain": number,
        "plus": "+86 " + _grouped(number, (3, 4, 4), " "),
        "86": "86" + number,
        "space": _grouped(number, (3, 4, 4), " "),
        "dash": _grouped(number, (3, 4, 4), "-"),
    }[style]
    return SensitiveText(typed, "phone", (typed, number))


@st.composite
def _email(draw: st.DrawFn) -> SensitiveText:
    local = draw(st.text("abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10))
    tag = draw(st.sampled_from(["", "+tag", ".smith", "_01"]))
    domain = draw(st.sampled_from(["example.com", "mail.example.org", "例子.中国", "bücher.de"]))
    typed = f"{local}{tag}@{domain}"
    return SensitiveText(typed, "email", (typed, f"{local}{tag}@"))


_SECRET_FORMS = (
    ("password", "密码 {}", "alnum"),
    ("password", "密码是{}", "alnum"),
    ("password", "password: {}", "alnum"),
    ("password", "my password is {}", "alnum"),
    ("cvv", "CVV {}", "3"),
    ("cvv", "安全码 {}", "3"),
    ("verification_code", "验证码 {}", "6"),
    ("verification_code", "OTP: {}", "6"),
    ("pin", "PIN {}", "6"),
    ("pin", "pin code: {}", "4"),
)


@st.composite
def _secret(draw: st.DrawFn) -> SensitiveText:
    kind, form, shape = draw(st.sampled_from(_SECRET_FORMS))
    if shape == "alnum":
        value = draw(st.text("abcdefghkmnpqrstuvwxyz", min_size=3, max_size=6)) + str(
            draw(st.integers(100, 99_999))
        )
    else:
        value = f"{draw(st.integers(0, 10 ** int(shape) - 1)):0{shape}d}"
    typed = form.format(value)
    needles = (typed, value) if len(value) >= 6 else (typed,)
    return SensitiveText(typed, kind, needles)


def sensitive_text() -> st.SearchStrategy[SensitiveText]:
    """Personal data or a secret, typed the ways people type it, alone or in a sentence:
    Luhn-valid card numbers (UnionPay ``62`` too; spaces, dashes, full-width digits),
    18-digit resident ID numbers (``x`` too, checksum valid or not), mainland mobile numbers
    (``+86``, ``86``, grouped), emails (``+tags``, IDN domains), and a password, CVV, PIN or
    verification code after its keyword."""
    item = st.one_of(_card(), _resident_id(), _phone(), _email(), _secret())
    frame = st.sampled_from(["{}", "my number is {} thanks", "信息：{}。", "see {}", "{} 谢谢"])
    return st.builds(lambda found, f: found._replace(text=f.format(found.text)), item, frame)
