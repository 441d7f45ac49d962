"""Shared fragments: steps and facts several trees use, written once and used by name.

A fragment file (``fragments/<name>.yaml`` beside the tree, or among the bundled fragments)
holds ``facts:`` and ``nodes:`` in the tree format. A tree uses it in two ways:

- in ``nodes:``, an entry ``{use: NAME, next: TARGET}`` puts the fragment's nodes in its
  place; every ``next: $next`` in them becomes ``TARGET``, and the fragment's facts are
  added after the tree's own (a fact the tree already declares the same way is kept where
  it is; one it declares differently is an error);
- in ``facts:``, an entry ``KEY: {use: NAME}`` takes fact ``KEY`` from the fragment, in
  that place (so a tree's facts keep their order, and its content hash).

Expansion works on the plain data, before the schema: the tree that comes out is an ordinary
`Tree`, and its content hash is that of the same nodes written inline. Fragment files are
read like trees (capped, strict UTF-8, no tags, anchors, aliases or duplicate keys), and the
source map remembers which file each expanded value came from, so a problem inside a
fragment is reported at that fragment's line. A missing fragment, a wrong ``use:`` and a
fragment that uses itself are reported at the ``use:`` that names them.

This module is over 400 lines: expanding a ``use:`` and moving every position of what it
brings in to its new place (with its file) are one walk, and the checks of a ``use:`` need
that walk's state; split, each half would reach into the other's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from okpay_triage.errors import Problem, TreeError, did_you_mean

from .bundled import FRAGMENT_SUFFIXES as _SUFFIXES
from .bundled import ID_RE, bundled_fragment_dir, fragment_files
from .parse import DataPath, SourceMap, decode, parse_json, parse_yaml, read_bytes

#: The value of a ``next`` in a fragment that the ``use:`` fills in.
NEXT_PARAMETER = "$next"
_USE_KEYS = ("use", "next")
_FRAGMENT_KEYS = ("facts", "nodes")


def uses_fragments(data: Any) -> bool:
    """Whether plain tree data has a ``use:`` in its nodes or facts (cheap: no copying)."""
    if not isinstance(data, dict):
        return False
    nodes, facts = data.get("nodes"), data.get("facts")
    if isinstance(nodes, list) and any(isinstance(n, dict) and "use" in n for n in nodes):
        return True
    return isinstance(facts, dict) and any(
        isinstance(f, dict) and "use" in f for f in facts.values()
    )


@dataclass
class _Fragment:
    name: str
    file: str
    facts: dict[str, Any]
    nodes: list[Any]
    smap: SourceMap  # of the expanded fragment: paths ("facts", k, ...) and ("nodes", i, ...)


@dataclass
class _Builder:
    """Expanded values and where each was written, under their new paths."""

    file: str
    values: dict[DataPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[DataPath, tuple[int, int]] = field(default_factory=dict)
    files: dict[DataPath, str] = field(default_factory=dict)

    def drop(self, old: DataPath, index: _Index) -> None:
        """Forget the positions under `old` (a node that moves, or a `use:` replaced)."""
        smap = index.smap
        for _, (where, path) in index.under(old):
            # Only what is still the old node's: a node moved here since is kept.
            same = getattr(self, where).get(path) == getattr(smap, where)[path]
            if same and self.files.get(path, self.file) == smap.files.get(path, smap.file):
                getattr(self, where).pop(path, None)
                self.files.pop(path, None)

    def copy(self, smap: SourceMap, old: DataPath, new: DataPath, index: _Index) -> None:
        """Every position under `old` in `smap`, moved to `new`, remembering its file."""
        for suffix, (where, path) in index.under(old):
            target = (*new, *suffix)
            getattr(self, where)[target] = getattr(smap, where)[path]
            file = smap.file_of(path)
            if file != self.file:
                self.files[target] = file
            else:
                self.files.pop(target, None)


class _Index:
    """A source map's paths grouped by their first two parts (``("nodes", 3)``), so a node's
    positions are found without scanning the whole map for every node."""

    def __init__(self, smap: SourceMap, from_node: int | None = None) -> None:
        """Every path of `smap`; with `from_node`, only those of nodes from that index on."""
        self.smap = smap
        self.groups: dict[DataPath, list[tuple[DataPath, tuple[str, DataPath]]]] = {}
        for where in ("values", "keys"):
            for path in getattr(smap, where):
                if from_node is not None and not (
                    len(path) > 1
                    and path[0] == "nodes"
                    and type(path[1]) is int
                    and path[1] >= from_node
                ):
                    continue
                self.groups.setdefault(path[:2], []).append((path[2:], (where, path)))

    def under(self, prefix: DataPath) -> list[tuple[DataPath, tuple[str, DataPath]]]:
        return self.groups.get(prefix, [])


class _Expander:
    def __init__(self, folders: tuple[Path, ...], max_bytes: int) -> None:
        self.folders = folders
        self.max_bytes = max_bytes
        self.loaded: dict[str, _Fragment | None] = {}
        #: False once a `use:` could not be expanded: what came out is not the whole tree.
        self.complete = True
        self.problems: list[Problem] = []

    # ----------------------------------------------------------------- finding files

    def find(self, name: str) -> Path | None:
        for folder in self.folders:
            for suffix in _SUFFIXES:
                path = folder / f"{name}{suffix}"
                if path.is_file():
                    return path
        return None

    def known(self) -> list[str]:
        return sorted({p.stem for folder in self.folders for p in fragment_files(folder)})

    def fragment(self, name: str, at: Problem, chain: tuple[str, ...]) -> _Fragment | None:
        """Fragment `name`, read and expanded once; `at` is the problem's place and code."""
        if name in chain:
            loop = " -> ".join((*chain[chain.index(name) :], name))
            message = f"fragment '{name}' uses itself: {loop}"
            self.problems.append(at._replace(code="fragment-cycle", message=message))
            return None
        if name in self.loaded:
            return self.loaded[name]
        self.loaded[name] = None
        path = self.find(name)
        if path is None:
            where = " and ".join(str(f) for f in self.folders)
            known = self.known()
            hint = did_you_mean(name, known) or (f" (there: {', '.join(known)})" if known else "")
            message = f"no fragment '{name}' in {where}{hint}"
            self.problems.append(at._replace(code="unknown-fragment", message=message))
            return None
        found = self.read(name, path, chain)
        self.loaded[name] = found
        return found

    def read(self, name: str, path: Path, chain: tuple[str, ...]) -> _Fragment | None:
        file = str(path)
        try:
            text = decode(read_bytes(path, self.max_bytes), file)
        except TreeError as error:
            self.problems += error.problems
            return None
        data, smap, problems = (parse_json if path.suffix == ".json" else parse_yaml)(text, file)
        if problems:
            self.problems += problems
            return None
        return self.build(name, data, smap, chain)

    def build(
        self, name: str, data: Any, smap: SourceMap, chain: tuple[str, ...]
    ) -> _Fragment | None:
        """The fragment of plain data read from its file, its own ``use:``s expanded."""
        file = smap.file
        smap.locate(())  # a JSON source map is built on the first look-up
        if not isinstance(data, dict):
            message = "a fragment file is a mapping with facts: and nodes:"
            self.problems.append(Problem("not-a-mapping", message, file, 1, 1))
            return None
        bad = [key for key in data if key not in _FRAGMENT_KEYS]
        for key in bad:
            line, column = smap.locate((key,), key=True)
            message = f"fragment: unknown key '{key}'{did_you_mean(str(key), _FRAGMENT_KEYS)}"
            hint = (
                ""
                if key not in ("id", "start")
                else " (a fragment is not a tree: only facts and nodes)"
            )
            self.problems.append(Problem("unknown-field", message + hint, file, line, column))
        facts, nodes = data.get("facts", {}), data.get("nodes", [])
        for key, wanted, kind in (("facts", dict, "mapping"), ("nodes", list, "list")):
            if not isinstance(data.get(key, wanted()), wanted):
                line, column = smap.locate((key,))
                message = f"fragment {key}: Input should be a {kind}"
                self.problems.append(Problem("invalid-type", message, file, line, column))
                bad.append(key)
        if bad:
            return None
        if not facts and not nodes:
            message = "the fragment declares no facts and no nodes"
            self.problems.append(Problem("empty-fragment", message, file, 1, 1))
            return None
        expanded, esmap = self.expand({"facts": facts, "nodes": nodes}, smap, (*chain, name))
        if not self.complete:  # already reported: a fragment it uses is missing or loops
            return None
        return _Fragment(name, file, expanded["facts"], expanded["nodes"], esmap)

    # ----------------------------------------------------------------- expanding

    def expand(
        self, data: dict[str, Any], smap: SourceMap, chain: tuple[str, ...]
    ) -> tuple[dict[str, Any], SourceMap]:
        """`data` with its ``use:``s replaced, and its source map under the new paths.

        Positions stay where they are up to the first node ``use:`` (a tree that only takes
        facts from fragments costs a copy of its source map); the nodes from there on are
        moved to their new indexes."""
        out = _Builder(smap.file, dict(smap.values), dict(smap.keys), dict(smap.files))
        result = dict(data)
        facts = data.get("facts")
        new_facts: dict[str, Any] = {}
        if isinstance(facts, dict):
            for key, fact in facts.items():
                new_facts[key] = self.fact(key, fact, smap, out, chain)
            result["facts"] = new_facts
        nodes = data.get("nodes")
        added: dict[str, tuple[_Fragment, DataPath]] = {}
        first = _first_use(nodes)
        if isinstance(nodes, list) and first is not None:
            index = _Index(smap, from_node=first)
            new_nodes: list[Any] = nodes[:first]
            for i, node in enumerate(nodes[first:], first):
                if isinstance(node, dict) and "use" in node:
                    out.drop(("nodes", i), index)
                    self.use(node, i, smap, out, new_nodes, added, chain)
                elif len(new_nodes) != i:  # moved by a use before it that is not one node
                    out.drop(("nodes", i), index)
                    out.copy(smap, ("nodes", i), ("nodes", len(new_nodes)), index)
                    new_nodes.append(node)
                else:  # in its place: its positions are already in `out`
                    new_nodes.append(node)
            result["nodes"] = new_nodes
            if added and (facts is None or isinstance(facts, dict)):
                self.merge_facts(new_facts, added, smap, out)
                result["facts"] = new_facts
        merged = SourceMap(smap.file, out.values, out.keys, out.files)
        return result, merged

    def fact(
        self, key: str, fact: Any, smap: SourceMap, out: _Builder, chain: tuple[str, ...]
    ) -> Any:
        path: DataPath = ("facts", key)
        if not (isinstance(fact, dict) and "use" in fact):
            return fact
        for name in (k for k in fact if k != "use"):
            line, column = smap.locate((*path, name), key=True)
            message = f"fact '{key}': a fact taken from a fragment has only 'use', not '{name}'"
            self.problems.append(
                Problem("unknown-field", message, smap.file_of(path), line, column)
            )
        fragment = self.named(fact["use"], (*path, "use"), smap, chain)
        if fragment is None:
            return fact
        if key not in fragment.facts:
            line, column = smap.locate((*path, "use"))
            known = ", ".join(fragment.facts) or "none"
            message = f"fragment '{fragment.name}' declares no fact '{key}' (it declares: {known})"
            self.problems.append(Problem("unknown-fact", message, smap.file_of(path), line, column))
            return fact
        source = ("facts", key)
        fragment_index = _Index(fragment.smap)
        for suffix, (where, found) in fragment_index.under(source):
            if suffix:
                target = (*path, *suffix)
                getattr(out, where)[target] = getattr(fragment.smap, where)[found]
                file = fragment.smap.file_of(found)
                if file != out.file:
                    out.files[target] = file
        return fragment.facts[key]

    def named(
        self, name: Any, path: DataPath, smap: SourceMap, chain: tuple[str, ...]
    ) -> _Fragment | None:
        line, column = smap.locate(path)
        at = Problem("invalid-id", "", smap.file_of(path), line, column)
        if not isinstance(name, str) or not ID_RE.match(name):
            shown = ascii(name) if isinstance(name, str) else "this value"
            message = f"use: {shown} is not a fragment name (an id, e.g. account)"
            self.problems.append(at._replace(message=message))
            self.complete = False
            return None
        found = self.fragment(name, at, chain)
        self.complete = self.complete and found is not None
        return found

    def use(
        self,
        node: dict[str, Any],
        i: int,
        smap: SourceMap,
        out: _Builder,
        new_nodes: list[Any],
        added: dict[str, tuple[_Fragment, DataPath]],
        chain: tuple[str, ...],
    ) -> None:
        path: DataPath = ("nodes", i)
        file = smap.file_of(path)
        for key in node:
            if key not in _USE_KEYS:
                line, column = smap.locate((*path, key), key=True)
                hint = did_you_mean(str(key), _USE_KEYS) or " (here: use, next)"
                message = f"nodes[{i}]: unknown key '{key}' beside use{hint}"
                self.problems.append(Problem("unknown-field", message, file, line, column))
        fragment = self.named(node["use"], (*path, "use"), smap, chain)
        if fragment is None:
            return
        target = node.get("next")
        uses_next = any(_has_next_parameter(n) for n in fragment.nodes)
        line, column = smap.locate((*path, "next") if "next" in node else (*path, "use"))
        if not fragment.nodes:
            message = f"fragment '{fragment.name}' has no nodes; take its facts with {{use: ...}}"
            self.problems.append(Problem("fragment-without-nodes", message, file, line, column))
            self.complete = False
            return
        if uses_next and target is None:
            message = (
                f"fragment '{fragment.name}' leads on through 'next: $next': "
                "say where with next: beside use"
            )
            self.problems.append(Problem("missing-field", message, file, line, column))
            self.complete = False
            return
        if not uses_next and target is not None:  # the nodes still go in: theirs may be the typo
            message = f"fragment '{fragment.name}' has no 'next: $next' to fill in; remove next"
            self.problems.append(Problem("unknown-field", message, file, line, column))
        fragment_index = _Index(fragment.smap)
        next_position = smap.values.get((*path, "next"))
        for k, fragment_node in enumerate(fragment.nodes):
            new: DataPath = ("nodes", len(new_nodes))
            out.copy(fragment.smap, ("nodes", k), new, fragment_index)
            filled = _fill_next(fragment_node, target, new, out, next_position, file)
            new_nodes.append(filled)
        for key in fragment.facts:
            added.setdefault(key, (fragment, ("facts", key)))

    def merge_facts(
        self,
        facts: dict[str, Any],
        added: dict[str, tuple[_Fragment, DataPath]],
        smap: SourceMap,
        out: _Builder,
    ) -> None:
        for key, (fragment, path) in added.items():
            theirs = fragment.facts[key]
            if key not in facts:
                facts[key] = theirs
                index = _Index(fragment.smap)
                for suffix, (where, found) in index.under(path):
                    target = ("facts", key, *suffix)
                    getattr(out, where)[target] = getattr(fragment.smap, where)[found]
                    file = fragment.smap.file_of(found)
                    if file != out.file:
                        out.files[target] = file
                continue
            if facts[key] != theirs:
                line, column = SourceMap(smap.file, out.values, out.keys, out.files).locate(
                    ("facts", key), key=True
                )
                f_line, f_column = fragment.smap.locate(path, key=True)
                message = (
                    f"fact '{key}' is declared here and, differently, in fragment "
                    f"'{fragment.name}' at {fragment.smap.file_of(path)}:{f_line}:{f_column}; "
                    f"declare it once (or take it with {key}: {{use: {fragment.name}}})"
                )
                file = out.files.get(("facts", key), smap.file)
                self.problems.append(Problem("fact-clash", message, file, line, column))


def _first_use(nodes: Any) -> int | None:
    """The index of the first ``use:`` among `nodes`, None if there is none."""
    if isinstance(nodes, list):
        for i, node in enumerate(nodes):
            if isinstance(node, dict) and "use" in node:
                return i
    return None


def _has_next_parameter(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    if node.get("next") == NEXT_PARAMETER:
        return True
    options = node.get("options")
    return isinstance(options, list) and any(
        isinstance(o, dict) and o.get("next") == NEXT_PARAMETER for o in options
    )


def _fill_next(
    node: Any,
    target: Any,
    path: DataPath,
    out: _Builder,
    position: tuple[int, int] | None,
    file: str,
) -> Any:
    """`node` with each ``next: $next`` replaced by `target`, placed at the ``use:``'s next."""
    if target is None or not _has_next_parameter(node):
        return node
    filled = dict(node)
    places: list[DataPath] = []
    if filled.get("next") == NEXT_PARAMETER:
        filled["next"] = target
        places.append((*path, "next"))
    options = filled.get("options")
    if isinstance(options, list):
        new_options = []
        for j, option in enumerate(options):
            if isinstance(option, dict) and option.get("next") == NEXT_PARAMETER:
                option = {**option, "next": target}
                places.append((*path, "options", j, "next"))
            new_options.append(option)
        filled["options"] = new_options
    for place in places:
        if position is not None:
            out.values[place] = position
            if file != out.file:
                out.files[place] = file
            else:
                out.files.pop(place, None)
    return filled


def expand_fragments(
    data: dict[str, Any], smap: SourceMap, folder: Path | None, max_bytes: int
) -> tuple[dict[str, Any] | None, SourceMap, list[Problem]]:
    """Tree data with every ``use:`` replaced by its fragment, the source map of the result
    (each value placed in the file it came from), and the problems found on the way; the
    data is None when a ``use:`` could not be expanded. Data without a ``use:`` is returned
    as it is, at no cost.

    Fragments are looked for in ``folder/fragments`` (the tree file's folder), then among the
    bundled fragments.
    """
    if not uses_fragments(data):
        return data, smap, []
    folders = [bundled_fragment_dir()]
    if folder is not None and (folder / "fragments").resolve() != folders[0].resolve():
        folders.insert(0, folder / "fragments")
    expander = _Expander(tuple(folders), max_bytes)
    smap.locate(())  # a JSON source map is built on the first look-up
    result, merged = expander.expand(data, smap, ())
    problems = sorted(expander.problems, key=lambda p: (p.file != smap.file, p.file, p.line))
    return (result if expander.complete else None), merged, problems


def is_fragment_data(data: Any, name: str) -> bool:
    """Whether plain data read from file `name` is a fragment rather than a tree: a file in
    a ``fragments`` folder holding a mapping of only ``facts:`` and ``nodes:`` (a tree has an
    id, a start and a title besides; elsewhere, such a file is a tree missing them)."""
    if not (isinstance(data, dict) and data and all(k in _FRAGMENT_KEYS for k in data)):
        return False
    return Path(name).parent.name == "fragments"


@lru_cache(maxsize=1)
def _fragment_shape() -> Any:
    """A validator of a fragment's facts and nodes, in the tree format (`tree.model`)."""
    from pydantic import ConfigDict, TypeAdapter
    from typing_extensions import TypedDict

    from .model import Fact, Id, Node

    class Fragment(TypedDict, total=False):
        __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]
        facts: dict[Id, Fact]
        nodes: tuple[Node, ...]

    return TypeAdapter(Fragment)


def check_fragment(
    data: dict[str, Any],
    smap: SourceMap,
    folder: Path | None,
    max_bytes: int,
    schema_problems: Callable[[Any, Any, SourceMap], list[Problem]],
) -> list[Problem]:
    """A fragment file checked on its own: its shape, its own ``use:``s (looked up in
    `folder`, the fragment's, then among the bundled fragments) and its facts' and nodes'
    format, pydantic's errors placed by `schema_problems` (the loader's). Where its steps
    lead is checked in each tree that uses it; a well-formed fragment gives one warning that
    says so, since it is not a tree."""
    from pydantic import ValidationError

    folders = [bundled_fragment_dir()]
    if folder is not None and folder.resolve() != folders[0].resolve():
        folders.insert(0, folder)
    expander = _Expander(tuple(folders), max_bytes)
    found = expander.build(Path(smap.file).stem, data, smap, ())
    if found is None or expander.problems:
        return expander.problems
    out = _Builder(found.file)
    nodes = [
        _fill_next(node, PLACEHOLDER, ("nodes", i), out, None, found.file)
        for i, node in enumerate(found.nodes)
    ]
    expanded = {"facts": found.facts, "nodes": nodes}
    try:
        _fragment_shape().validate_python(expanded)
    except ValidationError as error:
        problems = schema_problems(error, expanded, found.smap)
        return sorted(problems, key=lambda p: (p.file, p.line, p.column))
    message = (
        f"a shared fragment, not a tree: its {len(found.facts)} fact(s) and {len(nodes)} "
        "node(s) are well formed; where its steps lead is checked in each tree that uses it"
    )
    return [Problem("fragment-file", message, smap.file, 1, 1, "warning")]


#: What ``$next`` stands for while a fragment is checked on its own.
PLACEHOLDER = "next"


def schema_with_uses(document: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of the tree format (`Tree.model_json_schema()`) widened to the
    ``use:`` entries a tree may hold in its facts and nodes, so that an editor checking a
    tree that uses fragments does not flag them."""
    from okpay_triage.types import ID_PATTERN

    name = {"type": "string", "pattern": ID_PATTERN, "description": "A fragment's name."}
    defs = document.setdefault("$defs", {})
    defs["FactUse"] = {
        "type": "object",
        "description": "This fact as declared in the named shared fragment.",
        "properties": {"use": name},
        "required": ["use"],
        "additionalProperties": False,
    }
    defs["NodeUse"] = {
        "type": "object",
        "description": "The named shared fragment's nodes, in this place; `next` is where "
        "its `next: $next` lead.",
        "properties": {"use": name, "next": {"type": "string", "pattern": ID_PATTERN}},
        "required": ["use"],
        "additionalProperties": False,
    }
    facts = document["properties"]["facts"]
    for pattern, fact in facts["patternProperties"].items():
        facts["patternProperties"][pattern] = {"anyOf": [fact, {"$ref": "#/$defs/FactUse"}]}
    nodes = document["properties"]["nodes"]
    nodes["items"] = {"anyOf": [nodes["items"], {"$ref": "#/$defs/NodeUse"}]}
    return document
