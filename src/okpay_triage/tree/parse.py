"""Bytes to plain data with positions: the safe reading of every untrusted file.

Tree and configuration files are untrusted. They are read with limits (size, nesting depth),
decoded as strict UTF-8, and parsed from the YAML *event* stream rather than with a YAML
loader, so that tags, anchors and aliases are refused before anything is built, duplicate keys
are caught (PyYAML keeps the last one silently), and every scalar stays the exact string
written (``NO``, ``0123`` and ``1.10`` are not turned into False, 83 and 1.1). JSON files take
a fast path through `json.loads`; their positions are computed only when there is a problem
to report. Every problem leaves this module as a `Problem` with file, line and column.

Nothing here knows what a tree is: `tree.load` turns the data into a `Tree`, and `config`
reads configuration files with the same functions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from okpay_triage.errors import Problem, TreeError
from okpay_triage.files import FileRefused, read_capped

from .yaml_errors import syntax_problem

MAX_DEPTH = 40

DataPath = tuple[str | int, ...]
_Pos = tuple[int, int]
YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class SourceMap:
    """Where each key and value of a tree file was written (1-based line and column).

    `files` names another file for the paths written there: a tree that uses shared
    fragments (`tree.fragments`) holds values written in the fragments' files.
    """

    file: str
    values: dict[DataPath, _Pos]
    keys: dict[DataPath, _Pos]
    files: dict[DataPath, str] = field(default_factory=dict)

    def locate(self, path: DataPath, *, key: bool = False) -> _Pos:
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

    def file_of(self, path: DataPath, *, key: bool = False) -> str:
        """The file the value (or key) at `path` was written in: the one `locate` places."""
        if not self.files:
            return self.file
        if key and path in self.keys:
            return self.files.get(path, self.file)
        while path and path not in self.values and path not in self.keys:
            path = path[:-1]
        return self.files.get(path, self.file)

    def place(self, path: DataPath, *, key: bool = False) -> tuple[str, int, int]:
        """The file, line and column of the value (or key) at `path`."""
        line, column = self.locate(path, key=key)
        return self.file_of(path, key=key), line, column


class _LazySourceMap(SourceMap):
    """A source map for JSON, built from the text only when a problem needs a position."""

    def __init__(self, file: str, text: str) -> None:
        super().__init__(file, {}, {})
        self._text: str | None = text

    def locate(self, path: DataPath, *, key: bool = False) -> _Pos:
        if self._text is not None:
            text, self._text = self._text, None
            _, built, _ = parse_yaml(text, self.file)
            self.values, self.keys = built.values, built.keys
        return super().locate(path, key=key)


class _Stop(Exception):
    """Parsing cannot go on; the problem is already recorded."""


# --------------------------------------------------------------------------- reading


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The bytes of `path`, refused (`TreeError`) over `max_bytes`, when unreadable, or when it
    is not a regular file (a FIFO or ``/dev/zero`` is refused at once, never read)."""
    try:
        return read_capped(path, max_bytes)
    except FileRefused as refused:
        code = "file-too-large" if refused.too_large else "unreadable-file"
        message = refused.reason if refused.too_large else f"cannot read the file: {refused.reason}"
        raise TreeError([Problem(code, message, str(path), 1, 1)]) from None


def _position_of_byte(data: bytes, offset: int) -> _Pos:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def decode(data: bytes, name: str) -> str:
    """`data` as strict UTF-8 text (a BOM dropped); UTF-16, NUL bytes and bad bytes refused."""
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


def parse_yaml(text: str, name: str) -> tuple[Any, SourceMap, list[Problem]]:
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
        loader = YAML_LOADER(text)  # the pure-Python reader may already refuse the text here
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
        problems.append(syntax_problem(error, text, name, MAX_DEPTH))
        root = None
    finally:
        if loader is not None:
            loader.dispose()
    if documents == 0 and not problems:
        problems.append(Problem("empty-file", "the file holds no tree", name, 1, 1))
    return root, smap, problems


def _child_path(stack: list[list[Any]]) -> DataPath:
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


# --------------------------------------------------------------------------- JSON


class _DuplicateKey(Exception):
    pass


#: The most digits a number in a tree or configuration file may have. Python refuses to
#: convert integers over 4,300 digits with a bare ValueError; no setting needs a tenth of that.
MAX_DIGITS = 64


class _LongNumber(Exception):
    def __init__(self, digits: str) -> None:
        self.digits = digits


def _int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise _LongNumber(digits)
    return int(digits)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _DuplicateKey
    return result


def parse_json(text: str, name: str) -> tuple[Any, SourceMap, list[Problem]]:
    """Plain data from JSON text; duplicate keys go through `parse_yaml`, which places them."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_int=_int)
    except _LongNumber as error:
        offset = max(text.find(error.digits), 0)
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        message = (
            f"a number of {len(error.digits.lstrip('-')):,} digits is too long "
            f"(at most {MAX_DIGITS})"
        )
        return (
            None,
            SourceMap(name, {}, {}),
            [Problem("number-too-long", message, name, line, column)],
        )
    except _DuplicateKey:
        return parse_yaml(text, name)  # the event parser names both places
    except RecursionError:
        return None, SourceMap(name, {}, {}), [Problem("too-deep", "nested too deep", name, 1, 1)]
    except json.JSONDecodeError as error:
        problem = Problem(
            "json-syntax", f"JSON syntax error: {error.msg}", name, error.lineno, error.colno
        )
        return None, SourceMap(name, {}, {}), [problem]
    return data, _LazySourceMap(name, text), []


def depth_exceeds(data: Any, limit: int) -> bool:
    """Whether containers in `data` nest deeper than `limit` levels."""
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
