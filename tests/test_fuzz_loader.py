"""Fuzzing the tree loader: whatever bytes a tree file holds, the loader reports problems
with their positions and never raises anything but `TreeError`, and never hangs.

Raw bytes and text, YAML- and JSON-shaped token soup, and structured mutations of valid trees
(dropped keys, wrong types, dangling references, cycles, duplicate ids, huge strings, deep
nesting) go through `parse_tree`, `read_tree` and `load_tree`. Each example must finish
within a ten-second Hypothesis deadline (generous: a hang never ends).
``OKPAY_LONG_FUZZ=1`` runs many more examples.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okpay_triage import Problem, TreeError, bundled_tree_ids, load_tree
from okpay_triage.testing import tree_data
from okpay_triage.tree.load import LoadResult, parse_tree, read_tree
from okpay_triage.tree.parse import MAX_DEPTH

LONG = os.environ.get("OKPAY_LONG_FUZZ") == "1"
FUZZ = settings(
    max_examples=3000 if LONG else 60,
    deadline=timedelta(seconds=10),  # a shared CI machine can pause a few seconds
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
Data = Any
# fmt: off
YAML_TOKENS = [
    "{", "}", "[", "]", ": ", ":", ", ", "- ", "-", "\n", "  ", "\t", "? ", "&a ", "*a",
    "!!str ", "!x ", "---\n", "...\n", "'", '"', "# c\n", "|\n", ">\n", "%YAML 1.1\n",
    "\ufeff", "\r\n", "\x85", "id", "nodes", "start", "kind", "question", "options", "next",
    "en", "zh", "yes", "1.10", "~", "\\", "\u202e", "\U0001f600", "键", "<<: ",
]
# fmt: on
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what YAML counts as one


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _assert_placed(problems: list[Problem], name: str, text: str | bytes) -> None:
    """Every problem names the file and a 1-based line and column inside it."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    lines = len(LINE_BREAK.findall(text)) + 1
    for problem in problems:
        assert problem.file == name, problem
        assert problem.line >= 1, f"no line: {problem}"
        assert problem.column >= 1, f"no column: {problem}"
        # The end of the file may be reported as the start of the line after the last.
        end = (lines + 1, 1)
        assert (problem.line, problem.column if problem.line > lines else 0) <= end, (
            f"line {problem.line} of a {lines}-line file: {problem}"
        )


def _read_file(path: Path, content: bytes) -> LoadResult:
    """Write `content` to `path`, then read it both ways: `read_tree` and `load_tree`."""
    path.write_bytes(content)
    result = read_tree(path)  # never raises
    _assert_placed(result.problems, str(path), content)
    if result.errors:
        with pytest.raises(TreeError) as refused:  # and nothing else
            load_tree(path)
        assert refused.value.problems == result.problems
    else:
        assert load_tree(path) == result.tree
    return result


class TestRawInput:
    """Arbitrary bytes and text."""

    @FUZZ
    @given(content=st.binary(max_size=3000), suffix=st.sampled_from([".yaml", ".json", ".yml"]))
    def test_random_bytes_in_a_file(self, folder: Path, content: bytes, suffix: str) -> None:
        """Random bytes are refused with placed problems; only TreeError is raised."""
        _read_file(folder / f"random{suffix}", content)

    @FUZZ
    @given(text=st.text(max_size=3000), json_format=st.booleans())
    def test_random_text_in_memory(self, text: str, json_format: bool) -> None:
        """`parse_tree` never raises, and places every problem."""
        result = parse_tree(text, "mem", json_format=json_format)
        _assert_placed(result.problems, "mem", text)

    @FUZZ
    @given(
        tokens=st.lists(
            st.sampled_from(YAML_TOKENS),
            max_size=60,
        ),
        suffix=st.sampled_from([".yaml", ".json"]),
    )
    def test_yaml_shaped_token_soup(self, folder: Path, tokens: list[str], suffix: str) -> None:
        """Text made of YAML's own punctuation reaches deep into the parser, safely."""
        _read_file(folder / f"soup{suffix}", "".join(tokens).encode("utf-8", "surrogatepass"))

    @FUZZ
    @given(
        value=st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(st.text(max_size=8), inner, max_size=4)
            ),
            max_leaves=30,
        )
    )
    def test_any_json_document(self, folder: Path, value: Data) -> None:
        """Any JSON document, nested or not, is refused cleanly as a tree."""
        _read_file(folder / "doc.json", json.dumps(value).encode())
        _read_file(folder / "doc.yaml", yaml.safe_dump(value).encode())


# --------------------------------------------------------------------------- mutations


def _paths(data: Data, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield here
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*here, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*here, index))


def _get(data: Data, path: tuple[Any, ...]) -> Data:
    for part in path:
        data = data[part]
    return data


def _nexts(data: Data) -> list[tuple[Any, ...]]:
    """Paths of every `next` reference."""
    return [p for p in _paths(data) if p and p[-1] == "next"]


def _deep(levels: int) -> Data:
    value: Data = "bottom"
    for _ in range(levels):
        value = [value]
    return value


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Data]:
    """A valid tree with one thing broken, and the name of what was broken."""
    data = copy.deepcopy(draw(tree_data(max_nodes=12)))
    kind = draw(
        st.sampled_from(
            [
                "drop-key",
                "wrong-type",
                "dangling-next",
                "cycle",
                "duplicate-id",
                "huge-string",
                "deep-nesting",
                "unknown-key",
                "drop-translation",
            ]
        )
    )
    paths = [p for p in _paths(data) if p]
    if kind == "drop-key":
        path = draw(st.sampled_from([p for p in paths if isinstance(p[-1], str)]))
        del _get(data, path[:-1])[path[-1]]
    elif kind == "wrong-type":
        path = draw(st.sampled_from(paths))
        _get(data, path[:-1])[path[-1]] = draw(
            st.sampled_from([None, 7, 1.5, True, [], {}, ["x"], {"x": "y"}])
        )
    elif kind == "dangling-next":
        path = draw(st.sampled_from(_nexts(data)))
        _get(data, path[:-1])["next"] = draw(st.sampled_from(["nowhere", "o-99", "s_0"]))
    elif kind == "cycle":  # every step is reachable from the start, so this makes a loop
        path = draw(st.sampled_from(_nexts(data)))
        _get(data, path[:-1])["next"] = data["start"]
    elif kind == "duplicate-id":
        first, second = draw(st.permutations(range(len(data["nodes"]))))[:2]
        data["nodes"][second]["id"] = data["nodes"][first]["id"]
    elif kind == "huge-string":
        path = draw(st.sampled_from([p for p in paths if isinstance(_get(data, p), str)]))
        _get(data, path[:-1])[path[-1]] = draw(st.sampled_from(["x", "长", "\u200b"])) * draw(
            st.integers(4001, 200_000)
        )
    elif kind == "deep-nesting":
        path = draw(st.sampled_from(paths))
        levels = draw(st.integers(30, 200))
        _get(data, path[:-1])[path[-1]] = _deep(levels)
        if levels <= MAX_DEPTH:
            kind = "wrong-type"  # deep, but within the limit: some other error
    elif kind == "unknown-key":  # not under `facts`, where any key is a fact id
        mappings = [p for p in _paths(data) if isinstance(_get(data, p), dict)]
        path = draw(st.sampled_from([p for p in mappings if p[-1:] != ("facts",)]))
        _get(data, path)[draw(st.sampled_from(["nxet", "Id", "optinos", "zh-tw"]))] = "x"
    else:  # a text, not the optional word lists that also have en and zh
        texts = [p for p in paths if p[-1] in ("en", "zh") and isinstance(_get(data, p), str)]
        path = draw(st.sampled_from(texts))
        del _get(data, path[:-1])[path[-1]]
    return kind, data


# The code each mutation must produce (among possibly others); None: any error at all.
EXPECTED: dict[str, set[str] | None] = {
    "drop-key": None,  # some keys are optional: dropping them may leave a valid tree
    "wrong-type": None,
    "dangling-next": {"unknown-node"},
    "cycle": {"cycle"},
    "duplicate-id": {"duplicate-node"},
    "huge-string": None,  # too long for any field, but a huge id or kind has its own code
    "deep-nesting": {"too-deep"},
    "unknown-key": {"unknown-field", "outcome-with-options"},
    "drop-translation": {"missing-translation"},
}
MAY_STAY_VALID = {"drop-key", "wrong-type"}


class TestMutatedTrees:
    """Valid generated trees, each broken in one way, written as YAML or as JSON."""

    @FUZZ
    @given(case=mutated(), as_json=st.booleans())
    def test_one_thing_broken(self, folder: Path, case: tuple[str, Data], as_json: bool) -> None:
        """The break is reported, with its code, at a place in the file."""
        kind, data = case
        if as_json:
            path, text = folder / "tree.json", json.dumps(data, ensure_ascii=False, indent=1)
        else:
            path, text = folder / "tree.yaml", yaml.safe_dump(data, allow_unicode=True)
        result = _read_file(path, text.encode("utf-8"))
        if kind not in MAY_STAY_VALID:
            assert result.errors, f"{kind} was not noticed"
        expected = EXPECTED[kind]
        if expected is not None:
            assert expected & {p.code for p in result.errors}, (kind, result.errors)


TREES = Path(__file__).resolve().parents[1] / "trees"
BUNDLED = {tree_id: TREES / f"{tree_id}.yaml" for tree_id in bundled_tree_ids()}


class TestEditedBundledTrees:
    """The shipped trees, edited line by line as a careless author might."""

    @FUZZ
    @given(
        tree_id=st.sampled_from(sorted(BUNDLED)),
        edits=st.lists(
            st.tuples(
                st.sampled_from(["delete", "duplicate", "indent", "dedent", "insert"]),
                st.integers(0, 10_000),
                st.sampled_from(["\t", "- ", ": ", "&x ", "*x", "!!str ", "{", "'", "next: q1"]),
            ),
            min_size=1,
            max_size=4,
        ),
    )
    def test_line_edits(
        self, folder: Path, tree_id: str, edits: list[tuple[str, int, str]]
    ) -> None:
        """Deleted, repeated, re-indented or corrupted lines give placed problems."""
        lines = BUNDLED[tree_id].read_text(encoding="utf-8").splitlines(keepends=True)
        for action, where, token in edits:
            at = where % len(lines)
            if action == "delete":
                del lines[at]
            elif action == "duplicate":
                lines.insert(at, lines[at])
            elif action == "indent":
                lines[at] = "  " + lines[at]
            elif action == "dedent":
                lines[at] = lines[at].removeprefix("  ")
            else:
                column = where % (len(lines[at]) or 1)
                lines[at] = lines[at][:column] + token + lines[at][column:]
        _read_file(folder / f"{tree_id}.yaml", "".join(lines).encode("utf-8"))


class TestPurePythonParser:
    """PyYAML without libyaml: the loader falls back to the pure-Python parser."""

    def test_control_character_is_a_syntax_problem(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A control character is a placed `yaml-syntax` problem with either parser."""
        monkeypatch.setattr("okpay_triage.tree.parse.YAML_LOADER", yaml.SafeLoader)
        result = parse_tree("id: a\x18", "t.yaml")
        assert [(p.code, p.line) for p in result.problems] == [("yaml-syntax", 1)]
