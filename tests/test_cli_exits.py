"""Exit codes come from one map: each error carries its code, and only `cli.exits` exits."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest

from okpay_triage.cli.exits import (
    AnswersRanOut,
    BadUsage,
    Failed,
    Interrupted,
    Quit,
    exit_code,
)
from okpay_triage.errors import (
    AnswerError,
    ConfigError,
    PacketError,
    Problem,
    SessionError,
    TreeError,
)

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "src" / "okpay_triage"
MAP = PACKAGE / "cli" / "exits.py"

#: Every way a command stops, with the code docs/cli.md documents for it.
DOCUMENTED = [
    (Quit(), 0),
    (TreeError([Problem("bad", "broken")]), 1),
    (SessionError("changed", code="tree-changed"), 1),
    (ConfigError([Problem("bad", "broken")]), 1),
    (PacketError("unfinished"), 1),
    (Failed("cannot write"), 1),
    (AnswerError("no such option"), 2),
    (BadUsage("not a list"), 2),
    (AnswersRanOut(), 3),
    (Interrupted(), 130),
    (KeyboardInterrupt(), 130),
    (EOFError(), 130),
    (click.exceptions.Abort(), 130),
]


@pytest.mark.parametrize(("error", "code"), DOCUMENTED, ids=lambda v: type(v).__name__)
def test_each_stop_has_its_documented_code(error: BaseException, code: int) -> None:
    """The map gives each error, and each of the command line's own stops, its code."""
    assert exit_code(error) == code


def test_the_documented_table_lists_exactly_the_mapped_codes() -> None:
    """docs/cli.md's exit-code table has one row per code the map can give."""
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    table = text.split("## Exit codes", 1)[1].split("\n\n", 2)[1]
    rows = {int(m.group(1)) for m in re.finditer(r"^\| (\d+) \|", table, flags=re.MULTILINE)}
    assert rows == {code for _, code in DOCUMENTED}


def _exits(path: Path) -> list[str]:
    """Where `path` makes an exit: calls of `Exit`, `sys.exit`, `exit`, `ctx.exit`, or a
    code given as `exit_code`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in {"Exit", "exit", "_exit"}:
                found.append(f"{path.name}:{node.lineno} calls {name}")
            found += [
                f"{path.name}:{node.lineno} passes exit_code"
                for keyword in node.keywords
                if keyword.arg == "exit_code"
            ]
    return found


def test_only_the_map_exits() -> None:
    """No module but `cli.exits` constructs an exit: the library never exits, and every
    other part of the command line raises instead."""
    others = [p for p in sorted(PACKAGE.rglob("*.py")) if p != MAP]
    assert [found for path in others for found in _exits(path)] == []
    assert _exits(MAP)  # the scan does see an exit where there is one


def _codes(path: Path) -> list[str]:
    """Where `path` gives `exit_code` a value."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        else:
            continue
        if "exit_code" in {getattr(t, "attr", getattr(t, "id", "")) for t in targets}:
            found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return found


def test_only_errors_and_the_map_define_codes() -> None:
    """`exit_code` is given a value only on the error classes and in the map."""
    owners = {PACKAGE / "errors.py", MAP}
    others = [p for p in sorted(PACKAGE.rglob("*.py")) if p not in owners]
    assert [found for path in others for found in _codes(path)] == []
    assert all(_codes(path) for path in owners)
