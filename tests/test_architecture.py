"""The package's structure: stages import only from earlier stages, no cycles, no private
reads across modules, and one table of bilingual words that is complete.

Imports are read from the source with `ast`, including those inside functions and under
``TYPE_CHECKING``: a cycle hidden in a function is still a cycle for a reader.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from okpay_triage.wording import WORDS

PACKAGE = Path(__file__).parents[1] / "src" / "okpay_triage"

#: The stages, in the order of the flow; each may import from the ones before it only.
#: Modules at the top of the package are shared foundations (below every stage), except
#: the few listed with the stage they belong to (config is the packet's deployment settings,
#: read with the tree's safe parser).
STAGES = [
    "foundation",
    "tree",
    "session",
    "packet",
    "cases",
    "authoring",
    "suggest",
    "testing",
    "cli",
]
TOP_LEVEL_STAGE = {
    "config": "packet",
    "suggest": "suggest",
    "__init__": "api",
    "__main__": "cli",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> set[str]:
    """Every okpay_triage module `name` imports, anywhere in its source."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("okpay_triage"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("okpay_triage"):
                continue
            for alias in node.names:  # `from pkg import module` imports the module
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in MODULES else target)
    found.discard(name)
    return {m for m in found if m in MODULES}


def stage_of(name: str) -> str:
    parts = name.split(".")
    if len(parts) == 1:
        return "api"
    # A top-level module, or a package of them (redaction/): a foundation unless listed.
    if parts[1] not in {
        "tree",
        "session",
        "packet",
        "cases",
        "authoring",
        "cli",
        "testing",
    }:
        return TOP_LEVEL_STAGE.get(parts[1], "foundation")
    return parts[1]


def test_no_import_cycles() -> None:
    """No module reaches itself through imports, not even through a function-level import."""
    graph = {name: imports_of(name) for name in MODULES if name != "okpay_triage"}
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_stages_import_only_earlier_stages() -> None:
    """tree < session < packet < authoring < suggest < testing < cli; foundations below all."""
    wrong = []
    for name in MODULES:
        stage = stage_of(name)
        if stage == "api":
            continue
        for target in imports_of(name):
            other = stage_of(target)
            if other == "api":
                if target == "okpay_triage" and stage != "foundation":
                    continue  # __version__, or the public names a user-facing layer re-uses
                wrong.append(f"{name} -> {target}")
            elif STAGES.index(other) > STAGES.index(stage):
                wrong.append(f"{name} ({stage}) -> {target} ({other})")
    assert wrong == []


def private_names_defined(tree: ast.Module) -> set[str]:
    """The private names a module defines: functions, classes, variables, attributes it
    assigns (``self._x = ...``), class fields and ``__slots__`` entries."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for part in ast.walk(target):
                    if isinstance(part, ast.Name):
                        names.add(part.id)
                    elif isinstance(part, ast.Attribute):
                        names.add(part.attr)
            if any(isinstance(t, ast.Name) and t.id == "__slots__" for t in targets):
                names |= {
                    c.value
                    for c in ast.walk(node)
                    if isinstance(c, ast.Constant) and isinstance(c.value, str)
                }
    return {n for n in names if isinstance(n, str) and n.startswith("_")}


#: Private-looking names that are public API of the standard library's named tuples.
NAMED_TUPLE_API = {"_replace", "_asdict", "_fields", "_make", "_field_defaults"}


def test_no_private_names_read_across_modules() -> None:
    """A private name (``_x``) is imported or read only in the module that defines it;
    a stage that needs something from another gets a public accessor."""
    wrong = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        own = private_names_defined(tree) | NAMED_TUPLE_API
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (
                node.level or (node.module or "").startswith("okpay_triage")
            ):
                wrong += [
                    f"{name} imports {a.name}"
                    for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
            elif (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and node.attr not in own
            ):
                wrong.append(f"{name}:{node.lineno} reads .{node.attr}")
    assert wrong == []


def test_modules_stay_small_or_say_why() -> None:
    """A module over 400 lines owns two things, unless its docstring says why it does not."""
    long = []
    for name, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 400:
            doc = ast.get_docstring(ast.parse(text)) or ""
            if "over 400 lines" not in doc:
                long.append(f"{name}: {text.count(chr(10))} lines")
    assert long == []


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


@pytest.mark.parametrize("key", sorted(WORDS))
def test_every_word_has_both_languages(key: str) -> None:
    """Each entry of the one bilingual table has English and Chinese, with the same
    placeholders, and the Chinese uses full-width punctuation after Chinese text."""
    en, zh = WORDS[key]
    assert en.strip()
    assert zh.strip()
    assert placeholders(en) == placeholders(zh)
    assert re.search(r"[\u3400-\u9fff][,;:?!]", zh) is None


def test_every_word_is_used() -> None:
    """Every key of the table is said somewhere in the package (no dead duplicates)."""
    texts = [p.read_text(encoding="utf-8") for p in MODULES.values()]
    table = (PACKAGE / "wording.py").read_text(encoding="utf-8")
    start = table.index("WORDS: dict")
    source = "\n".join(texts).replace(table[start : table.index("\n}\n", start)], "")
    prefixes = {m.group(1) for m in re.finditer(r"""f["']([a-z_.-]+\.)\{""", source)}
    unused = [
        key
        for key in WORDS
        if f'"{key}"' not in source
        and f"'{key}'" not in source
        and not any(key.startswith(p) for p in prefixes)
    ]
    assert unused == []
