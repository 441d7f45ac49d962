"""Route steps: which branch a fact already known takes, by thresholds from configuration.

A route asks nothing. The engine passes it as soon as it is reached, taking the first branch
whose condition holds of the route's fact, else its default, and records the branch it took
(source ``"route"``) so that a saved session replays it as it was, whatever the thresholds
are when it resumes.

Thresholds are deployment settings, never numbers in a tree: a tree names them
(``{above: large_amount}``) and `Config.thresholds` gives them (``large_amount: 5000 CNY``,
``refund_window: P30D``). `parse_threshold` reads one; `take_route` compares.

The comparisons are strict: an amount equal to a threshold is neither above nor below it, a
time exactly an age old neither older nor newer than it. An amount in a currency the
threshold gives no amount for is neither above nor below it either (nothing converts
currencies), and an unknown fact (a skipped input) meets no condition but the default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, NamedTuple

from okpay_triage.errors import ConfigError, Problem
from okpay_triage.tree.plan import CompiledTree, StepSpec

if TYPE_CHECKING:
    from okpay_triage.tree.model import Tree
    from okpay_triage.tree.parse import DataPath, SourceMap

__all__ = [
    "MoneyThreshold",
    "Threshold",
    "parse_threshold",
    "take_route",
    "threshold_kind",
    "threshold_problems",
    "threshold_text",
]


class MoneyThreshold(NamedTuple):
    """An amount per currency (``{"CNY": Decimal("5000")}``): one threshold of money."""

    amounts: Mapping[str, Decimal]

    def __str__(self) -> str:
        return ", ".join(f"{amount} {code}" for code, amount in self.amounts.items())


#: A threshold as configured: money, or an age (a `timedelta`).
Threshold = MoneyThreshold | timedelta

_MONEY = re.compile(r"^\s*(\d{1,15}(?:\.\d{1,4})?)\s*([A-Z]{3})\s*$")
_AGE = re.compile(
    r"^P(?:(?P<w>\d{1,4})W)?(?:(?P<d>\d{1,5})D)?"
    r"(?:T(?:(?P<h>\d{1,6})H)?(?:(?P<m>\d{1,7})M)?(?:(?P<s>\d{1,9})S)?)?$"
)


def parse_threshold(value: object) -> Threshold:
    """A threshold as written in configuration: an amount and its ISO 4217 code
    (``5000 CNY``), a list of such amounts in different currencies, or an ISO 8601
    duration of weeks, days, hours, minutes, seconds (``P30D``, ``PT48H``).

    Raises:
        ValueError: the value is none of those.
    """
    if isinstance(value, (timedelta, MoneyThreshold)):
        return value
    if isinstance(value, (list, tuple)):
        amounts: dict[str, Decimal] = {}
        for item in value:
            code, amount = _money(item)
            if code in amounts:
                raise ValueError(f"the currency {code} is given twice")
            amounts[code] = amount
        if not amounts:
            raise ValueError("a money threshold needs at least one amount")
        return MoneyThreshold(amounts)
    if isinstance(value, str) and value.strip().startswith("P"):
        match = _AGE.fullmatch(value.strip())
        if match is None or not any(match.groupdict().values()):
            raise ValueError(f"{value!r} is not an ISO 8601 duration such as P30D or PT48H")
        parts = {k: int(v) for k, v in match.groupdict().items() if v}
        return timedelta(
            weeks=parts.get("w", 0),
            days=parts.get("d", 0),
            hours=parts.get("h", 0),
            minutes=parts.get("m", 0),
            seconds=parts.get("s", 0),
        )
    code, amount = _money(value)
    return MoneyThreshold({code: amount})


def _money(value: object) -> tuple[str, Decimal]:
    match = _MONEY.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(
            f"{str(value)[:40]!r} is not a threshold: write an amount and its currency "
            "(5000 CNY) or a duration (P30D)"
        )
    try:
        return match[2], Decimal(match[1])
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain numbers
        raise ValueError(f"{value!r} is not an amount") from None


def threshold_text(threshold: Threshold) -> str | list[str]:
    """A threshold as configuration writes it: ``5000 CNY``, a list of such amounts, or an
    ISO 8601 duration (``P30D``, ``PT5400S``); `parse_threshold` reads it back."""
    if isinstance(threshold, timedelta):
        days, seconds = threshold.days, threshold.seconds
        return f"P{days}D" if not seconds else f"P{days}DT{seconds}S"
    written = [f"{amount} {code}" for code, amount in threshold.amounts.items()]
    return written[0] if len(written) == 1 else written


def threshold_kind(threshold: Threshold) -> str:
    """The fact type a threshold compares with: ``money`` or ``datetime``."""
    return "datetime" if isinstance(threshold, timedelta) else "money"


def take_route(
    plan: CompiledTree, spec: StepSpec, value: str | None, now: datetime | None = None
) -> int:
    """The index of the branch route `spec` takes with its fact's kept `value` (None: not
    known): the first whose condition holds, else the default (the last).

    Raises:
        ConfigError: a condition names a threshold `plan.thresholds` does not set, or one
            of the wrong kind (an age where an amount is compared).
    """
    for index, (op, args) in enumerate(spec.conditions):
        if op == "default":
            return index
        if value is None:
            continue
        if op == "known" or (op == "in" and value in args):
            return index
        if op != "in" and _holds(plan, spec, op, args[0], value, now):
            return index
    return len(spec.conditions) - 1  # pragma: no cover - a compiled route ends in default


def _holds(
    plan: CompiledTree, spec: StepSpec, op: str, name: str, value: str, now: datetime | None
) -> bool:
    threshold: Threshold | None = plan.thresholds.get(name)
    wanted = "datetime" if op in ("older_than", "newer_than") else "money"
    if threshold is None or threshold_kind(threshold) != wanted:
        problem = "does not set" if threshold is None else f"sets not as {wanted} for"
        raise ConfigError(
            [
                Problem(
                    "threshold-missing" if threshold is None else "threshold-type",
                    f"route '{spec.id}' of tree '{plan.id}' compares with threshold "
                    f"'{name}', which the configuration {problem}; add it under thresholds "
                    "(an amount such as 5000 CNY, or a duration such as P30D)",
                    "<configuration>",
                )
            ]
        )
    if isinstance(threshold, timedelta):
        moment = datetime.fromisoformat(value)
        age = (now or datetime.now(UTC)) - moment
        return age > threshold if op == "older_than" else age < threshold
    number, _, code = value.removeprefix("~").partition(" ")  # about an amount: as said
    limit = threshold.amounts.get(code)
    if limit is None:
        return False
    amount = Decimal(number)
    return amount > limit if op == "above" else amount < limit


def threshold_problems(tree: Tree, thresholds: Mapping[str, Threshold]) -> list[Problem]:
    """What is wrong with `thresholds` for the route steps of `tree`, at the place each
    route names a threshold: one that is not set, or set as the wrong kind, is an error
    (a session reaching it would stop); a money threshold without an amount in a currency
    the fact accepts is a warning (such an amount is neither above nor below it)."""
    from okpay_triage.tree.model import CONDITION_TYPES, Route

    found: list[tuple[str, str, DataPath, bool]] = []
    for i, node in enumerate(tree.nodes):
        if not isinstance(node, Route):
            continue
        fact = tree.facts.get(node.fact)
        for j, branch in enumerate(node.routes):
            if branch.when == "known":
                continue
            [(op, name)] = branch.when.items()
            if op == "in" or not isinstance(name, str):
                continue
            where: DataPath = ("nodes", i, "routes", j, "when", op)
            threshold, wanted = thresholds.get(name), CONDITION_TYPES[op]
            if threshold is None:
                found.append(
                    (
                        "threshold-missing",
                        f"route '{node.id}' compares with "
                        f"threshold '{name}', which the configuration does not set",
                        where,
                        True,
                    )
                )
            elif threshold_kind(threshold) != wanted:
                found.append(
                    (
                        "threshold-type",
                        f"route '{node.id}' compares {wanted} with "
                        f"threshold '{name}', which the configuration sets as "
                        f"{threshold_kind(threshold)}",
                        where,
                        True,
                    )
                )
            elif isinstance(threshold, MoneyThreshold) and fact is not None:
                lacking = [c for c in fact.currencies if c not in threshold.amounts]
                if lacking or not fact.currencies:
                    which = (
                        ", ".join(lacking) if lacking else "any but " + ", ".join(threshold.amounts)
                    )
                    found.append(
                        (
                            "threshold-currency",
                            f"route '{node.id}': threshold "
                            f"'{name}' gives no amount in {which}, which fact '{node.fact}' "
                            "accepts; such an amount is neither above nor below it",
                            where,
                            False,
                        )
                    )
    smap = _positions(tree) if found else None
    problems = []
    for code, message, where, error in found:
        line, column = smap.locate(where) if smap is not None else (0, 0)
        file = smap.file if smap is not None else f"<{tree.id}>"
        problems.append(Problem(code, message, file, line, column, "error" if error else "warning"))
    return problems


def _positions(tree: Tree) -> SourceMap | None:
    """Where the tree's keys and values were written. A tree that loaded without a problem
    let its positions go, so its file is read again for them (only when one is needed)."""
    from pathlib import Path

    from okpay_triage.errors import TreeError
    from okpay_triage.tree.load import DEFAULT_MAX_BYTES
    from okpay_triage.tree.parse import decode, parse_yaml, read_bytes

    smap = tree.source
    if smap is None or smap.values or not Path(smap.file).is_file():
        return smap
    try:
        text = decode(read_bytes(Path(smap.file), DEFAULT_MAX_BYTES), smap.file)
    except TreeError:  # changed since it was loaded: the file name alone will do
        return smap
    return parse_yaml(text, smap.file)[1]
