"""Real sessions of the bundled trees, as a chat backend sees them, for the request figures.

Every walk from a bundled tree's start to each of its outcomes is taken: each option of
every question, and at an optional input both a typed value and a skip. Walks alternate
between English and Chinese; a question is answered by its option id, its number or its
label in the session language, in turn, as buttons, terminals and free text do; an input
gets a realistic value of its fact's type in one of the forms people type (`typed_value`).

Each value is made for its walk and its round (`seed`), as every conversation brings its
own: the engine's checks of restored values are cached per value, and values repeated
across conversations would find every check cached and flatter the figures. Within a
conversation the same values come back on every request, and are meant to hit the cache.

Each step of each walk is one stateless request, `Request`: the session JSON the client
sends (`saved`) and what the user typed (`typed`), with the tree found from the JSON.
Its floor holds the same information as plain data: the saved JSON plus the current node
(`plain`), stepped through a dict of node -> answer -> next.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import NamedTuple

from okpay_triage import Session, bundled_tree_ids
from okpay_triage.tree.cache import compiled_bundled
from okpay_triage.tree.plan import CompiledTree, FactSpec

#: One move of a walk: an option index at a question; at an input, "value" or "skip".
Move = int | str


class Request(NamedTuple):
    """One stateless request: restore `saved`, answer `typed`, save again."""

    tree: str
    saved: str  # the session JSON the client sends back
    typed: str  # what the user typed
    kind: str  # "question" or "input"
    fact_type: str | None  # the fact type of an input (None when skipped, or a question)
    kept: str | None  # the value the engine kept for an input
    plain: str  # the floor's state: the same JSON, plus the current node
    node: str  # the current node
    key: str  # the floor's lookup key at `node`: the option id, or "" for an input


def walks(plan: CompiledTree) -> Iterator[list[tuple[str, Move]]]:
    """Every walk from the start to an outcome, depth first, in a fixed order."""
    stack: list[tuple[str, list[tuple[str, Move]]]] = [(plan.start, [])]
    while stack:
        node, path = stack.pop()
        spec = plan.steps[node]
        if spec.outcome is not None:
            yield path
            continue
        branches: list[tuple[Move, str]]
        if spec.kind == "route":
            # A route asks nothing: each branch is followed without a move, and the walks
            # the engine does not take are left out where they are replayed (`requests`).
            stack.extend((nxt, path) for nxt in reversed(spec.nexts))
            continue
        if spec.kind == "question":
            branches = [(i, n) for i, n in enumerate(spec.nexts)]
        else:
            moves: list[Move] = ["value", "skip"] if spec.optional else ["value"]
            branches = [(m, spec.nexts[0]) for m in moves]
        for move, nxt in reversed(branches):
            stack.append((nxt, [*path, (node, move)]))


def typed_value(spec: FactSpec, seed: int) -> str:
    """A realistic value of `spec`'s type, in one of the forms people type, varied by `seed`."""
    n = seed
    form = n % 4
    if spec.type == "transaction_id":
        return [
            f"TX2026112{n % 10}{n % 9973:06d}",
            f"TX20261120ABCD{n % 997:03d}",
            f"tx-{n % 8999 + 1000}-ab{n % 89 + 10}",
            f"OKP{n * 7919 % 10**9:09d}",
        ][form]
    if spec.type == "order_number":
        return [f"ORD-{88_000_000 + n % 10**6}", f"OD2026112{n % 10}A{n % 97}"][form % 2]
    if spec.type == "money":
        currency = spec.currencies[0] if spec.currencies else "CNY"
        whole, cents = 10 + n % 4990, n % 100
        return [
            f"{whole}.{cents:02d} {currency}",
            f"¥{whole:,}" if currency == "CNY" else f"{currency} {whole:,}",
            f"{whole}元" if currency == "CNY" else f"{whole}.{cents:02d}{currency.lower()}",
            f"{currency} {whole}.{cents:02d}",
        ][form]
    if spec.type == "datetime":
        day, hour, minute = 1 + n % 19, n % 24, n % 60
        if spec.not_before:  # after every other time, whatever its zone (days 1-19)
            day = 21 + n % 8
        return [
            f"2026-11-{day:02d} {hour:02d}:{minute:02d} +08:00",
            f"2026-11-{day:02d} {hour}:{minute:02d}",
            f"2026年11月{day}日 {hour}点{minute:02d}",
            f"2026/11/{day} {hour:02d}:{minute:02d} UTC",
        ][form]
    if spec.type == "email":
        return [
            f"li.na{n}@example.com",
            f"zhang.wei+okpay{n}@example.cn",
            f"Wang_Fang{n}@Mail.Example.com",
            f"user{n}@example.org",
        ][form]
    if spec.type == "account":  # a registered mobile, or an email, as people type them
        rest = n * 7919 % 10**8
        return [
            f"138 {rest // 10**4:04d} {rest % 10**4:04d}",
            f"li.na{n}@example.com",
            f"+86 139{rest:08d}",
            f"Wang_Fang{n}@Mail.Example.com",
        ][form]
    if spec.type == "phone":
        rest = n * 7919 % 10**8
        return [
            f"138 {rest // 10**4:04d} {rest % 10**4:04d}",
            f"+86 139{rest:08d}",
            f"150-{rest // 10**4:04d}-{rest % 10**4:04d}",
            f"186{rest:08d}",
        ][form]
    if spec.type == "choice" and spec.choices:
        return spec.choices[n % len(spec.choices)]
    return _text(spec, n)


def _text(spec: FactSpec, n: int) -> str:
    if "last4" in spec.id:
        return f"{n * 37 % 10000:04d}"
    if spec.id.startswith("recipient"):
        return [f"Zhang Wei {n % 9000 + 1000}", f"李娜 尾号{n % 9000 + 1000}"][n % 2]
    if spec.id == "device_browser":
        return ["iPhone 15, OKPAY app 4.2", "Windows laptop, Chrome 131", "华为 Mate 60，App"][
            n % 3
        ]
    if spec.id == "merchant":
        return ["Meituan", "京东商城", f"Coffee Corner #{n % 90}"][n % 3]
    if spec.id == "payment_reference":
        return [f"2026112022{n:012d}", f"Alipay ref {n * 31 % 10**8:08d}"][n % 2]
    said = [
        f"Transaction failed, error code E{5000 + n % 1000}. Please try again later.",
        f"支付失败，错误代码 {n % 900 + 100}，请稍后再试",
        f"It says 'network error' and the payment of {n % 500 + 1}.00 CNY still shows pending",
        f"我收到一条短信说账户异常，联系电话 138{n * 7919 % 10**8:08d}，我没有点链接",
    ]
    # What fits the field: a short field asks again for a longer answer.
    fits = [text for text in said if len(text) <= spec.max_length] or [f"E{n % 10000}"]
    return fits[n % len(fits)]


def _followed(plan: CompiledTree, walk: list[tuple[str, Move]]) -> bool:
    """Whether the engine takes `walk`: a route step goes one way only, by the facts."""
    if not any(step.kind == "route" for step in plan.steps.values()):
        return True
    session = Session.start(plan)
    for step_index, (node, move) in enumerate(walk):
        if session.finished or session.node.id != node:
            return False
        spec = plan.steps[node]
        if isinstance(move, int):
            session = session.answer(spec.options[move][0])
        elif move == "skip":
            session = session.answer("skip")
        else:
            assert spec.fact is not None
            session = session.answer(typed_value(plan.facts[spec.fact], step_index))
    return session.finished


def requests(every: int = 1, seed: int = 0) -> list[Request]:
    """The requests of every `every`-th walk of every bundled tree, with values of `seed`."""
    out: list[Request] = []
    number = 0
    for tree_id in bundled_tree_ids():
        plan = compiled_bundled(tree_id)
        taken: set[tuple[tuple[str, Move], ...]] = set()
        feasible = []
        for walk in walks(plan):
            # Only the walks the engine takes through route steps, each once.
            if tuple(walk) not in taken and _followed(plan, walk):
                taken.add(tuple(walk))
                feasible.append(walk)
        for walk_index, walk in enumerate(feasible):
            if walk_index % every:
                continue
            number += 1
            lang = "zh" if number % 2 else "en"
            session = Session.start(plan, lang=lang)
            for step_index, (node, move) in enumerate(walk):
                spec = plan.steps[node]
                kept: str | None = None
                fact_type: str | None = None
                if isinstance(move, int):
                    oid, label = spec.options[move]
                    typed = [oid, str(move + 1), label[lang == "zh"]][(number + step_index) % 3]
                    key = oid
                elif move == "skip":
                    typed, key = ["skip", "跳过", "-"][number % 3], ""
                else:
                    assert spec.fact is not None
                    fact = plan.facts[spec.fact]
                    typed = typed_value(fact, 7 * number + 31 * step_index + 1009 * seed)
                    fact_type, key = fact.type, ""
                saved = session.to_json()
                moved = session.answer(typed)
                if fact_type is not None:
                    kept = moved.facts[fact.id]
                plain = json.dumps({**json.loads(saved), "node": node}, ensure_ascii=False)
                out.append(
                    Request(tree_id, saved, typed, spec.kind, fact_type, kept, plain, node, key)
                )
                session = moved
            assert session.finished
    return out


def floor_tables() -> dict[str, dict[str, dict[str, str]]]:
    """Per bundled tree, node -> answer -> next node: option ids, and "" for an input."""
    tables = {}
    for tree_id in bundled_tree_ids():
        plan = compiled_bundled(tree_id)
        tables[tree_id] = {
            s.id: (
                dict(zip((o for o, _ in s.options), s.nexts, strict=True))
                if s.kind == "question"
                else {"": s.nexts[0]}
                if s.nexts
                else {}
            )
            for s in plan.steps.values()
        }
    return tables
