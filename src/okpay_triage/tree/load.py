"""Plain data to a checked `Tree`: where the schema's and the checks' problems are placed.

`tree.parse` turns bytes into plain data with positions; this module validates that data
against the format (`tree.model`), translates pydantic's errors into our `Problem`s with
file, line and column (here and nowhere else), runs the checks (`tree.checks`) and collects
every problem into one `TreeError`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okpay_triage.errors import Problem, TreeError, did_you_mean

from .bundled import bundled_id, bundled_path
from .fragments import check_fragment, expand_fragments, is_fragment_data
from .parse import MAX_DEPTH, DataPath, SourceMap, decode, depth_exceeds, parse_json, parse_yaml
from .parse import read_bytes as read_bytes

if TYPE_CHECKING:
    from pydantic import ValidationError

    from .model import Tree

DEFAULT_MAX_BYTES = 2 * 1024 * 1024


def _resolve(source: str | Path) -> Path:
    tree_id = bundled_id(source)
    return bundled_path(tree_id) if tree_id is not None else Path(source)


# --------------------------------------------------------------------------- schema


def _schema_problems(error: ValidationError, data: Any, smap: SourceMap) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        path = _data_path(item["loc"], data)
        kind = item["type"]
        last = path[-1] if path else ""
        where = _describe(path, data)
        if kind in UNKNOWN_KEY_TYPES:
            code, message = _unknown_key(path, data)
            file, line, column = smap.place(path, key=True)
        else:
            file, line, column = smap.place(path)
            if last in ("en", "zh") and kind in (
                "missing",
                "string_pattern_mismatch",
                "string_type",
            ):
                where = _describe(path[:-1], data)
                code, message = "missing-translation", f"{where}: no {last} text"
            elif kind == "missing":
                code, message = "missing-field", f"{where}: required key missing"
            elif (
                kind == "string_pattern_mismatch" and last in ("id", "start", "next", "fact")
            ) or (kind == "string_pattern_mismatch" and _is_id_slot(path)):
                code, message = "invalid-id", f"{where}: {_id_problem(_lookup(data, path))}"
            elif kind == "union_tag_not_found":
                code = "missing-field"
                message = f"{where}: required key 'kind' missing (question, input or outcome)"
            elif kind == "union_tag_invalid":
                file, line, column = smap.place((*path, "kind"))
                written = _lookup(data, (*path, "kind"))
                hint = did_you_mean(str(written), _KINDS) if isinstance(written, str) else ""
                code = "invalid-kind"
                message = f"{where}: kind must be question, input or outcome{hint}"
            elif kind == "too_short" and len(path) == 3 and path[2] == "options":
                found = _lookup(data, path)
                count = len(found) if isinstance(found, list) else 0
                if isinstance(found, list) and len(found) >= 2:
                    continue  # long enough as written: its entries' own errors say what is wrong
                code = "too-few-options"
                message = (
                    f"{where}: a question needs at least two options, has "
                    f"{count or 'none'} (with one way on, use an input or an outcome instead)"
                )
            elif kind in _MAPPING_TYPES:
                code, message = "invalid-type", f"{where}: Input should be a mapping"
            elif kind == "too_short":
                raw = _lookup(data, path)
                if isinstance(raw, list) and len(raw) >= item["ctx"]["min_length"]:
                    continue  # long enough as written: its entries' own errors say what is wrong
                code, message = "invalid-value", f"{where}: {_too_short(item['ctx'])}"
            elif kind.endswith("_type") or kind in ("bool_parsing", "int_parsing"):
                wanted = (
                    item["msg"]
                    .replace("valid tuple", "list")
                    .replace("valid dictionary", "mapping")
                )
                code, message = "invalid-type", f"{where}: {wanted}"
            else:
                code, message = "invalid-value", f"{where}: {error_text(item)}"
        problems.append(Problem(code, message, file, line, column))
    return problems


#: Pydantic's errors for a key the format does not have, from models and dataclasses.
UNKNOWN_KEY_TYPES = ("extra_forbidden", "unexpected_keyword_argument")
#: Pydantic's errors for "not a mapping", from models, dataclasses and plain dicts.
_MAPPING_TYPES = ("dataclass_type", "model_type", "model_attributes_type", "dict_type")


def _too_short(ctx: dict[str, Any]) -> str:
    wanted, actual = ctx["min_length"], ctx.get("actual_length") or "none"
    return f"needs at least {wanted} {'entry' if wanted == 1 else 'entries'}, has {actual}"


def error_text(item: Any) -> str:
    """A pydantic error's message without the "Value error, " that pydantic puts before the
    text our own validators raise."""
    message = str(item["msg"])
    return message.removeprefix("Value error, ") if item["type"] == "value_error" else message


_KINDS = ("question", "input", "outcome")


def _id_problem(value: Any) -> str:
    """Why `value` is not an id, and the rule (the pattern is `types.ID_PATTERN`)."""
    rule = (
        "an id starts with a lowercase ASCII letter, then lowercase letters and digits, "
        "joined by single - or _ (e.g. q2, o_refund, step-2b)"
    )
    if isinstance(value, str) and value[:1].isdigit():
        why = "it starts with a digit"
    elif isinstance(value, str) and value.isascii() and value.lower() != value:
        why = "it has capital letters"
    elif isinstance(value, str) and not value.isascii():
        why = "it has characters that are not ASCII, which can look like others or be invisible"
    elif isinstance(value, str) and (" " in value or not value):
        why = "it is empty or has spaces"
    else:
        why = "it does not fit the rule"
    return f"{_shown(value)} is not a valid id: {why}; {rule}"


def _is_id_slot(path: DataPath) -> bool:
    return (len(path) >= 2 and path[-2] in ("requires", "choices")) or (
        len(path) == 2 and path[0] == "facts"
    )


def _shown(value: Any) -> str:
    # ascii() makes look-alike and invisible characters visible: 'o_d\u043ene'.
    return ascii(value) if isinstance(value, str) else "this value"


def _unknown_key(path: DataPath, data: Any) -> tuple[str, str]:
    key = str(path[-1]) if path else ""
    parent = _lookup(data, path[:-1])
    where = _describe(path[:-1], data)
    if key == "options" and isinstance(parent, dict) and parent.get("kind") == "outcome":
        return "outcome-with-options", f"{where}: an outcome is a leaf and has no options"
    here = _keys_here(path[:-1], parent)
    if here == ("en", "zh") and isinstance(parent, dict) and parent.get(key) in ("", None):
        # `{en: It works, it just fails, zh: ...}`: YAML ends the text at the comma and
        # reads the rest as a key with no value.
        return "unknown-field", (
            f"{where}: '{key}' is read as a key: this text has a ': ' or ',' that YAML reads "
            "as structure; put the whole text in quotes"
        )
    if key in _all_keys():  # a real key, in the wrong place
        owner = parent.get("kind") if isinstance(parent, dict) else None
        hint = f" ({owner} nodes have no '{key}')" if isinstance(owner, str) else ""
        if not hint and here:
            hint = f" (here: {', '.join(here)})"
    else:
        # Only keys that are valid in this place are offered: 'en' is no guess for 'when'.
        hint = did_you_mean(key, here)
    return "unknown-field", f"{where}: unknown key '{key}'{hint}"


def _record_keys(record: Any) -> tuple[str, ...]:
    return tuple(field.name for field in fields(record))


def _keys_here(path: DataPath, parent: Any) -> tuple[str, ...]:
    """The keys the format allows in the mapping at `path` (empty when unknown)."""
    from .model import Fact, Input, Option, Outcome, Question, Tree

    last = path[-1] if path else None
    if not path:
        return tuple(Tree.model_fields)
    if len(path) == 2 and path[0] == "facts":
        return tuple(Fact.model_fields)
    if len(path) == 2 and path[0] == "nodes":
        kinds = {"question": Question, "input": Input, "outcome": Outcome}
        kind = parent.get("kind") if isinstance(parent, dict) else None
        if isinstance(kind, str) and kind in kinds:
            return _record_keys(kinds[kind])
        return tuple(dict.fromkeys(k for record in kinds.values() for k in _record_keys(record)))
    if len(path) == 4 and path[0] == "nodes" and path[2] == "options":
        return _record_keys(Option)
    if last in ("synonyms", "keywords") or isinstance(last, (str, int)):
        return ("en", "zh")  # a text, or words in both languages
    return ()


@lru_cache(maxsize=1)
def _all_keys() -> frozenset[str]:
    from .model import Fact, Input, Option, Outcome, Question, Tree, Words

    records: tuple[Any, ...] = (Input, Option, Outcome, Question, Words)  # dataclasses
    return frozenset(
        {"en", "zh", *Fact.model_fields, *Tree.model_fields}
        | {name for record in records for name in _record_keys(record)}
    )


def _data_path(loc: tuple[str | int, ...], data: Any) -> DataPath:
    """Pydantic's error location, less the union tags it inserts, as a path into the data."""
    path: list[str | int] = []
    node: Any = data
    for part in loc:
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_list or (isinstance(node, dict) and part in node):
            node = node[part]
        elif isinstance(node, dict) and node.get("kind") == part:
            continue  # the discriminated union's tag
        else:
            node = None
        path.append(part)
    return tuple(path)


def _lookup(data: Any, path: DataPath) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _describe(path: DataPath, data: Any) -> str:
    """A readable name for a place in the tree, e.g. ``node 'q1' options[0].label``."""
    if len(path) >= 2 and path[0] == "nodes" and isinstance(path[1], int):
        node = _lookup(data, path[:2])
        node_id = node.get("id") if isinstance(node, dict) else None
        head = f"node {_shown(node_id)}" if isinstance(node_id, str) else f"nodes[{path[1]}]"
        rest = path[2:]
    elif len(path) >= 2 and path[0] == "facts":
        head, rest = f"fact {_shown(path[1])}", path[2:]
    else:
        head, rest = "tree", path
    tail = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest).lstrip(".")
    return f"{head} {tail}" if tail else head


# --------------------------------------------------------------------------- public


@dataclass(frozen=True)
class LoadResult:
    """What reading a tree gave: the tree (None if it could not be built) and every problem."""

    tree: Tree | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def read_tree(source: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadResult:
    """Read and check a tree, returning every problem instead of raising on them."""
    try:
        path = _resolve(source)
        name = str(path)
        data = read_bytes(path, max_bytes)
        text = decode(data, name)
    except TreeError as error:
        return LoadResult(None, error.problems)
    json_format = path.suffix.lower() == ".json"
    return parse_tree(text, name, json_format=json_format, folder=path.parent, max_bytes=max_bytes)


def parse_tree(
    text: str,
    name: str = "<tree>",
    *,
    json_format: bool = False,
    folder: str | Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LoadResult:
    """Parse and check tree text already in memory (YAML, or JSON with `json_format`).

    A ``use:`` of a shared fragment is looked up in `folder`'s ``fragments/`` (the folder of
    the tree file; none for text from elsewhere), then among the bundled fragments; fragment
    files over `max_bytes` are refused."""
    with _no_gc_pauses():
        return _parse_and_check(
            text, name, json_format, None if folder is None else Path(folder), max_bytes
        )


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Building a large tree makes many objects and no cycles; the cyclic garbage collector
    would stop again and again to scan them, so it waits until the tree is built."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse_and_check(
    text: str, name: str, json_format: bool, folder: Path | None, max_bytes: int
) -> LoadResult:
    from pydantic import ValidationError

    from .checks import check_data, check_tree
    from .model import Tree

    parse = parse_json if json_format else parse_yaml
    data, smap, problems = parse(text, name)
    if problems:
        return LoadResult(None, problems)
    if is_fragment_data(data, name):
        return LoadResult(None, check_fragment(data, smap, folder, max_bytes, _schema_problems))
    if not isinstance(data, dict):
        return LoadResult(
            None,
            [
                Problem(
                    "not-a-mapping",
                    "a tree file must be a mapping of keys (id, version, title, start, nodes, ...)",
                    name,
                    1,
                    1,
                )
            ],
        )
    data, smap, early = expand_fragments(data, smap, folder, max_bytes)  # shared `use:`s
    if data is None:
        return LoadResult(None, early)
    try:
        tree = Tree.model_validate(data)
    except ValidationError as error:
        # The YAML parser stops deep nesting itself; JSON is only checked on failure, since a
        # valid tree is never deep and the walk would cost every load.
        if json_format and depth_exceeds(data, MAX_DEPTH):
            message = f"nested more than {MAX_DEPTH} levels deep"
            return LoadResult(None, [Problem("too-deep", message, name, 1, 1)])
        problems = early + _schema_problems(error, data, smap)
        broken = {_data_path(item["loc"], data) for item in error.errors(include_url=False)}
        problems += check_data(data, smap, broken)
        problems.sort(key=lambda p: (p.file != name, p.file, p.line, p.column))
        return LoadResult(None, problems)
    del data  # the plain data is no longer needed; free it before the checks allocate
    tree.set_source(smap)
    problems = early + check_tree(tree)
    if not problems:
        # A frozen tree with nothing to place now has nothing to place on any later check:
        # let the file's text (or its YAML positions) go, and keep only the file name.
        tree.set_source(SourceMap(name, {}, {}))
    return LoadResult(tree, problems)


def load_tree(source: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Tree:
    """Load a bundled tree by id (``"login-failure"``) or a YAML/JSON tree file by path.

    Args:
        source: a bundled tree id or a path.
        max_bytes: files larger than this are refused before parsing.

    Raises:
        TreeError: the file is missing, unreadable or not a valid tree; every problem is listed.
    """
    tree_id = bundled_id(source)
    if tree_id is not None:
        return _load_bundled(tree_id)
    return load_file(source, max_bytes)


@lru_cache(maxsize=32)
def _load_bundled(tree_id: str) -> Tree:
    # Bundled trees do not change while the package is installed, so one load per process.
    return load_file(bundled_path(tree_id))


def load_file(source: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Tree:
    """`read_tree`, raising `TreeError` on any error instead of returning it."""
    result = read_tree(source, max_bytes=max_bytes)
    if result.tree is None or result.errors:
        raise TreeError(result.problems)
    return result.tree
