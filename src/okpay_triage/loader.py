"""Bytes to a checked `Tree`: the one place where tree files, YAML and pydantic errors meet.

Tree files are untrusted. They are read with limits (size, nesting depth), decoded as strict
UTF-8, and parsed from the YAML *event* stream rather than with a YAML loader, so that tags,
anchors and aliases are refused before anything is built, duplicate keys are caught (PyYAML
keeps the last one silently), and every scalar stays the exact string written (``NO``,
``0123`` and ``1.10`` are not turned into False, 83 and 1.1). JSON files take a fast path
through `json.loads`; their positions are computed only when there is a problem to report.

Every problem, from the parser, the schema or the graph checks, leaves this module as a
`Problem` with file, line and column, collected into one `TreeError`.
"""

from __future__ import annotations

import difflib
import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .bundled import ID_RE as _ID_RE
from .bundled import bundled_tree_dir
from .bundled import bundled_tree_ids as bundled_tree_ids
from .errors import Problem, TreeError

if TYPE_CHECKING:
    from pydantic import ValidationError

    from .model import Tree

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40

_Path = tuple[str | int, ...]
_Pos = tuple[int, int]
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class SourceMap:
    """Where each key and value of a tree file was written (1-based line and column)."""

    file: str
    values: dict[_Path, _Pos]
    keys: dict[_Path, _Pos]

    def locate(self, path: _Path, *, key: bool = False) -> _Pos:
        """The position of the value (or key) at `path`, else of its nearest ancestor."""
        if key and path in self.keys:
            return self.keys[path]
        while True:
            if path in self.values:
                return self.values[path]
            if path in self.keys:
                return self.keys[path]
            if not path:
                return (1, 1)
            path = path[:-1]


class _LazySourceMap(SourceMap):
    """A source map for JSON, built from the text only when a problem needs a position."""

    def __init__(self, file: str, text: str) -> None:
        super().__init__(file, {}, {})
        self._text: str | None = text

    def locate(self, path: _Path, *, key: bool = False) -> _Pos:
        if self._text is not None:
            text, self._text = self._text, None
            _, built, _ = _parse_yaml(text, self.file)
            self.values, self.keys = built.values, built.keys
        return super().locate(path, key=key)


class _Stop(Exception):
    """Parsing cannot go on; the problem is already recorded."""


# --------------------------------------------------------------------------- reading


def _resolve(source: str | Path) -> Path:
    if isinstance(source, str) and _ID_RE.match(source) and not Path(source).exists():
        path = bundled_tree_dir() / f"{source}.yaml"
        if not path.is_file():
            known = ", ".join(bundled_tree_ids()) or "none"
            raise TreeError(
                [
                    Problem(
                        "unknown-tree",
                        f"no bundled tree '{source}' (bundled: {known})",
                        source,
                        1,
                        1,
                    )
                ]
            )
        return path
    return Path(source)


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    name = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise TreeError(
                [
                    Problem(
                        "file-too-large",
                        f"{size:,} bytes is over the limit of {max_bytes:,}",
                        name,
                        1,
                        1,
                    )
                ]
            )
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise TreeError(
            [Problem("unreadable-file", f"cannot read the file: {reason}", name, 1, 1)]
        ) from None
    if len(data) > max_bytes:  # the file grew while we read it
        raise TreeError(
            [Problem("file-too-large", f"over the limit of {max_bytes:,} bytes", name, 1, 1)]
        )
    return data


def _position_of_byte(data: bytes, offset: int) -> _Pos:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TreeError(
            [Problem("bad-encoding", "the file is UTF-16; save it as UTF-8", name, 1, 1)]
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _position_of_byte(data, nul)
        message = "NUL byte in the file (is it UTF-16 or binary? save it as UTF-8 text)"
        raise TreeError([Problem("bad-encoding", message, name, line, column)])
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line, column = _position_of_byte(data, error.start)
        message = f"not valid UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8"
        raise TreeError([Problem("bad-encoding", message, name, line, column)]) from None


# --------------------------------------------------------------------------- YAML events


def _parse_yaml(text: str, name: str) -> tuple[Any, SourceMap, list[Problem]]:
    """Build plain data from the YAML event stream, refusing what a tree never needs."""
    problems: list[Problem] = []
    smap = SourceMap(name, {}, {})

    def fail(code: str, message: str, mark: Any) -> _Stop:
        problems.append(Problem(code, message, name, mark.line + 1, mark.column + 1))
        return _Stop()

    # Each frame: [container, path, pending key (mappings), key positions seen (mappings)]
    stack: list[list[Any]] = []
    root: Any = None
    documents = 0
    loader: Any = None
    try:
        loader = _YAML_LOADER(text)  # the pure-Python reader may already refuse the text here
        while True:
            event: Any = loader.get_event()  # the stubs type events loosely
            if isinstance(event, yaml.StreamEndEvent):
                break
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise fail(
                        "multiple-documents",
                        "a tree file holds one YAML document only",
                        event.start_mark,
                    )
                continue
            if isinstance(event, yaml.AliasEvent):
                raise fail(
                    "alias-forbidden",
                    "aliases (*name) are not allowed in tree files",
                    event.start_mark,
                )
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                value = stack.pop()[0]
                if not stack:
                    root = value
                else:
                    _add(stack[-1], value, event, problems, name, smap)
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            if event.anchor is not None:
                raise fail(
                    "anchor-forbidden",
                    f"anchors (&{event.anchor}) are not allowed in tree files",
                    event.start_mark,
                )
            tag = getattr(event, "tag", None)
            if tag is not None:
                raise fail(
                    "tag-forbidden",
                    f"explicit tags ({tag}) are not allowed in tree files",
                    event.start_mark,
                )
            if isinstance(event, yaml.ScalarEvent):
                if not stack:
                    root = event.value
                else:
                    _add(stack[-1], event.value, event, problems, name, smap)
                continue
            # A mapping or sequence starts.
            if len(stack) >= MAX_DEPTH:
                raise fail(
                    "too-deep", f"nested more than {MAX_DEPTH} levels deep", event.start_mark
                )
            if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
                raise fail("complex-key", "mapping keys must be plain strings", event.start_mark)
            path = _child_path(stack)
            mark: Any = event.start_mark
            smap.values[path] = (mark.line + 1, mark.column + 1)
            container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            stack.append([container, path, None, {}])
    except _Stop:
        root = None
    except yaml.YAMLError as error:
        problems.append(_syntax_problem(error, text, name))
        root = None
    finally:
        if loader is not None:
            loader.dispose()
    if documents == 0 and not problems:
        problems.append(Problem("empty-file", "the file holds no tree", name, 1, 1))
    return root, smap, problems


def _child_path(stack: list[list[Any]]) -> _Path:
    if not stack:
        return ()
    container, path, pending, _ = stack[-1]
    return (*path, pending) if isinstance(container, dict) else (*path, len(container))


def _add(
    frame: list[Any], value: Any, event: Any, problems: list[Problem], name: str, smap: SourceMap
) -> None:
    container, path, pending, seen = frame
    position = (event.start_mark.line + 1, event.start_mark.column + 1)
    if isinstance(container, list):
        if isinstance(event, yaml.ScalarEvent):
            smap.values[(*path, len(container))] = position
        container.append(value)
        return
    if pending is None:  # this scalar is a key
        if value in seen:
            first = seen[value]
            problems.append(
                Problem(
                    "duplicate-key",
                    f"key '{value}' appears twice in one mapping (first at line {first[0]}, "
                    f"column {first[1]}); only one is allowed",
                    name,
                    *position,
                )
            )
        else:
            seen[value] = position
            smap.keys[(*path, value)] = position
        frame[2] = value
        return
    if isinstance(event, yaml.ScalarEvent):
        smap.values.setdefault((*path, pending), position)
    container.setdefault(pending, value)
    frame[2] = None


def _syntax_problem(error: yaml.YAMLError, text: str, name: str) -> Problem:
    mark = getattr(error, "problem_mark", None)
    if mark is not None:
        line, column = mark.line, mark.column
    else:  # a reader error carries a character offset instead
        offset = int(getattr(error, "position", 0) or 0)
        line = text.count("\n", 0, offset)
        column = offset - (text.rfind("\n", 0, offset) + 1)
    rows = text.splitlines()
    if line < len(rows) and rows[line][column : column + 1] == "\t":
        return Problem(
            "tab-indent", "tabs cannot indent YAML; use spaces", name, line + 1, column + 1
        )
    detail = getattr(error, "problem", None) or str(error).splitlines()[0]
    if "nesting depth" in detail:
        # libyaml (PyYAML 6.0.4 and later) reads far ahead in flow collections and stops at
        # its own limit of 1,000 levels before our limit can be seen in the events.
        message = f"nested more than {MAX_DEPTH} levels deep"
        return Problem("too-deep", message, name, line + 1, column + 1)
    return Problem("yaml-syntax", f"YAML syntax error: {detail}", name, line + 1, column + 1)


# --------------------------------------------------------------------------- JSON


class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _DuplicateKey
    return result


def _parse_json(text: str, name: str) -> tuple[Any, SourceMap, list[Problem]]:
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except _DuplicateKey:
        return _parse_yaml(text, name)  # the event parser names both places
    except RecursionError:
        return None, SourceMap(name, {}, {}), [Problem("too-deep", "nested too deep", name, 1, 1)]
    except json.JSONDecodeError as error:
        problem = Problem(
            "json-syntax", f"JSON syntax error: {error.msg}", name, error.lineno, error.colno
        )
        return None, SourceMap(name, {}, {}), [problem]
    return data, _LazySourceMap(name, text), []


def _depth_exceeds(data: Any, limit: int) -> bool:
    level = [data]
    for _ in range(limit + 1):
        level = (
            [
                child
                for item in level
                for child in (item.values() if isinstance(item, dict) else item)
                if isinstance(child, (dict, list))
            ]
            if level
            else []
        )
        if not level:
            return False
    return True


# --------------------------------------------------------------------------- schema


def _schema_problems(error: ValidationError, data: Any, smap: SourceMap) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        path = _data_path(item["loc"], data)
        kind = item["type"]
        last = path[-1] if path else ""
        where = _describe(path, data)
        if kind in ("extra_forbidden", "unexpected_keyword_argument"):  # models, dataclasses
            code, message = _unknown_key(path, data)
            line, column = smap.locate(path, key=True)
        else:
            line, column = smap.locate(path)
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
                shown = _shown(item.get("input"))
                code = "invalid-id"
                message = (
                    f"{where}: {shown} is not a valid id (lowercase ASCII letters and "
                    "digits, joined by single - or _; no spaces or look-alike characters)"
                )
            elif kind in ("union_tag_invalid", "union_tag_not_found"):
                code, message = "invalid-kind", f"{where}: kind must be question, input or outcome"
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
        problems.append(Problem(code, message, smap.file, line, column))
    return problems


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


def _is_id_slot(path: _Path) -> bool:
    return (len(path) >= 2 and path[-2] in ("requires", "choices")) or (
        len(path) == 2 and path[0] == "facts"
    )


def _shown(value: Any) -> str:
    # ascii() makes look-alike and invisible characters visible: 'o_d\u043ene'.
    return ascii(value) if isinstance(value, str) else "this value"


def _unknown_key(path: _Path, data: Any) -> tuple[str, str]:
    key = str(path[-1]) if path else ""
    parent = _lookup(data, path[:-1])
    where = _describe(path[:-1], data)
    if key == "options" and isinstance(parent, dict) and parent.get("kind") == "outcome":
        return "outcome-with-options", f"{where}: an outcome is a leaf and has no options"
    from .model import Fact, Input, Option, Outcome, Question, Tree, Words

    records: tuple[Any, ...] = (Input, Option, Outcome, Question, Words)  # dataclasses
    candidates = {"en", "zh", *Fact.model_fields, *Tree.model_fields} | {
        field.name for record in records for field in fields(record)
    }
    guess = difflib.get_close_matches(key, sorted(candidates), n=1)
    if key in candidates:  # a real key, in the wrong place
        owner = parent.get("kind") if isinstance(parent, dict) else None
        hint = f" ({owner} nodes have no '{key}')" if isinstance(owner, str) else ""
    else:
        hint = f" (did you mean '{guess[0]}'?)" if guess else ""
    return "unknown-field", f"{where}: unknown key '{key}'{hint}"


def _data_path(loc: tuple[str | int, ...], data: Any) -> _Path:
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


def _lookup(data: Any, path: _Path) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _describe(path: _Path, data: Any) -> str:
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
        data = _read_bytes(path, max_bytes)
        text = _decode(data, name)
    except TreeError as error:
        return LoadResult(None, error.problems)
    return parse_tree(text, name, json_format=path.suffix.lower() == ".json")


def parse_tree(text: str, name: str = "<tree>", *, json_format: bool = False) -> LoadResult:
    """Parse and check tree text already in memory (YAML, or JSON with `json_format`)."""
    with _no_gc_pauses():
        return _parse_and_check(text, name, json_format)


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


def _parse_and_check(text: str, name: str, json_format: bool) -> LoadResult:
    from pydantic import ValidationError

    from .graph import check_tree
    from .model import Tree

    parse = _parse_json if json_format else _parse_yaml
    data, smap, problems = parse(text, name)
    if problems:
        return LoadResult(None, problems)
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
    try:
        tree = Tree.model_validate(data)
    except ValidationError as error:
        # The YAML parser stops deep nesting itself; JSON is only checked on failure, since a
        # valid tree is never deep and the walk would cost every load.
        if json_format and _depth_exceeds(data, MAX_DEPTH):
            message = f"nested more than {MAX_DEPTH} levels deep"
            return LoadResult(None, [Problem("too-deep", message, name, 1, 1)])
        return LoadResult(None, _schema_problems(error, data, smap))
    del data  # the plain data is no longer needed; free it before the checks allocate
    tree._source = smap
    problems = check_tree(tree)
    if not problems:
        # A frozen tree with nothing to place now has nothing to place on any later check:
        # let the file's text (or its YAML positions) go, and keep only the file name.
        tree._source = SourceMap(name, {}, {})
    return LoadResult(tree, problems)


def load_tree(source: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Tree:
    """Load a bundled tree by id (``"login-failure"``) or a YAML/JSON tree file by path.

    Args:
        source: a bundled tree id or a path.
        max_bytes: files larger than this are refused before parsing.

    Raises:
        TreeError: the file is missing, unreadable or not a valid tree; every problem is listed.
    """
    if isinstance(source, str) and _ID_RE.match(source) and not Path(source).exists():
        return _load_bundled(source)
    return _load(source, max_bytes)


@lru_cache(maxsize=32)
def _load_bundled(tree_id: str) -> Tree:
    # Bundled trees do not change while the package is installed, so one load per process.
    return _load(tree_id, DEFAULT_MAX_BYTES)


def _load(source: str | Path, max_bytes: int) -> Tree:
    result = read_tree(source, max_bytes=max_bytes)
    if result.tree is None or result.errors:
        raise TreeError(result.problems)
    return result.tree
