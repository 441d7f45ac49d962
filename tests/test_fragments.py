"""Shared fragments: used by name, expanded to the same tree as written inline, every problem
placed in the file it is in, and the compiled cache rebuilt when a fragment changes."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from okpay_triage import bundled_tree_ids, load_tree
from okpay_triage.cli import cli as main
from okpay_triage.errors import TreeError
from okpay_triage.tree import bundled, load
from okpay_triage.tree.bundled import bundled_fragment_dir, bundled_path
from okpay_triage.tree.cache import compiled_bundled
from okpay_triage.tree.load import parse_tree, read_tree
from okpay_triage.tree.parse import parse_yaml
from okpay_triage.tree.plan import content_hash

DATA = Path(__file__).parent / "data"
HERE = DATA / "fragments"
FRAGMENTS = HERE / "fragments"


def _line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line of `path` holding `text`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


# --------------------------------------------------------------------------- a good use


def test_a_used_fragment_gives_the_tree_written_inline() -> None:
    """mini.yaml with its input step (and its fact) taken from a fragment is the same tree,
    with the same content hash: saved sessions resume across the change."""
    used = load_tree(HERE / "uses-good.yaml")
    inline = load_tree(DATA / "good" / "mini.yaml")
    assert used == inline
    assert content_hash(used) == content_hash(inline)


def test_text_in_memory_finds_fragments_in_the_folder_given() -> None:
    """`parse_tree` looks for fragments in `folder`/fragments; without a folder, only among
    the bundled ones, so the same text is refused at its use."""
    text = (HERE / "uses-good.yaml").read_text(encoding="utf-8")
    assert parse_tree(text, "t.yaml", folder=HERE).tree == load_tree(HERE / "uses-good.yaml")
    problems = parse_tree(text, "t.yaml").problems
    assert [(p.code, p.file) for p in problems] == [("unknown-fragment", "t.yaml")]


# --------------------------------------------------------------------------- failure modes

#: Each tree using a fragment wrongly: the code, the file the problem is in and a text on
#: the line it is placed at.
FAILURES = {
    "uses-missing.yaml": ("unknown-fragment", "uses-missing.yaml", "use: ask-emial"),
    "uses-cycle.yaml": ("fragment-cycle", "fragments/loop-b.yaml", "use: loop-a"),
    "uses-tag.yaml": ("tag-forbidden", "fragments/tagged.yaml", "!!python/name"),
    "uses-anchor.yaml": ("anchor-forbidden", "fragments/anchored.yaml", "&step"),
    "uses-broken.yaml": ("unknown-field", "fragments/broken.yaml", "nxet: $next"),
    "uses-fact-clash.yaml": ("fact-clash", "uses-fact-clash.yaml", "email: {type: email"),
    "uses-id-clash.yaml": ("duplicate-node", "uses-id-clash.yaml", "- id: o_done"),
    "uses-no-next.yaml": ("missing-field", "uses-no-next.yaml", "use: ask-email"),
    "uses-dangling.yaml": ("unknown-node", "uses-dangling.yaml", "next: o_hlep"),
    "uses-moved.yaml": ("unknown-fact", "uses-moved.yaml", "requires: [email, emial]"),
}


def test_every_fixture_is_listed() -> None:
    assert {p.name for p in HERE.glob("uses-*.yaml")} == {*FAILURES, "uses-good.yaml"}


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_a_wrong_use_is_placed_in_its_file(name: str) -> None:
    """The problem names the file it is in (the fragment's, for a problem inside one), at
    the line that holds it; nothing raises but `TreeError`."""
    code, in_file, on_line = FAILURES[name]
    with pytest.raises(TreeError) as caught:
        load_tree(HERE / name)
    where = HERE / in_file
    found = [p for p in caught.value.problems if (p.code, p.file) == (code, str(where))]
    assert found, [str(p) for p in caught.value.problems]
    problem = found[0]
    assert problem.line == _line_of(where, on_line)
    assert problem.column >= 1
    assert f"{where}:{problem.line}:{problem.column}: {code}:" in str(caught.value)


def test_a_cycle_names_the_fragments_in_order() -> None:
    problems = read_tree(HERE / "uses-cycle.yaml").problems
    assert [p.message for p in problems] == [
        "fragment 'loop-a' uses itself: loop-a -> loop-b -> loop-a"
    ]


def test_a_fact_clash_names_both_places() -> None:
    (problem,) = read_tree(HERE / "uses-fact-clash.yaml").problems
    other = FRAGMENTS / "other-email.yaml"
    assert f"{other}:{_line_of(other, 'email: {type: text')}:3" in problem.message


def test_an_id_clash_names_the_fragments_file() -> None:
    problems = read_tree(HERE / "uses-id-clash.yaml").problems
    (clash,) = [p for p in problems if p.code == "duplicate-node"]
    done = FRAGMENTS / "done.yaml"
    assert f"first at {done}, line {_line_of(done, '- id: o_done')}" in clash.message


def test_a_missing_fragment_suggests_the_close_name() -> None:
    (problem,) = read_tree(HERE / "uses-missing.yaml").problems
    assert "did you mean 'ask-email'?" in problem.message
    assert str(FRAGMENTS) in problem.message


def test_a_fragment_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    """Fragment files are read with the tree's cap."""
    tree = tmp_path / "tree.yaml"
    shutil.copy(HERE / "uses-good.yaml", tree)
    (tmp_path / "fragments").mkdir()
    fragment = tmp_path / "fragments" / "ask-email.yaml"
    padding = "# padding\n" * 1000
    fragment.write_text(padding + (FRAGMENTS / "ask-email.yaml").read_text("utf-8"), "utf-8")
    problems = read_tree(tree, max_bytes=tree.stat().st_size).problems
    assert [(p.code, p.file) for p in problems] == [("file-too-large", str(fragment))]
    assert read_tree(tree, max_bytes=fragment.stat().st_size).tree == load_tree(tree)


USE_ENTRY = st.fixed_dictionaries(
    {"use": st.one_of(st.text(max_size=12), st.integers(), st.none(), st.lists(st.text()))},
    optional={"next": st.one_of(st.text(max_size=12), st.integers()), "nxet": st.text()},
)


@settings(max_examples=60, deadline=None)
@given(entry=USE_ENTRY)
def test_any_use_entry_gives_problems_not_a_crash(entry: dict[str, Any]) -> None:
    """Whatever a `use:` entry holds, reading the tree gives placed problems or a tree."""
    mini = parse_yaml((DATA / "good" / "mini.yaml").read_text(encoding="utf-8"), "m")[0]
    mini["nodes"].insert(1, entry)
    result = parse_tree(json.dumps(mini), "t.json", json_format=True, folder=HERE)
    for problem in result.problems:
        assert problem.line >= 1
        assert problem.column >= 1
    assert result.tree is None or not result.errors


# --------------------------------------------------------------------------- a fragment alone


def test_a_fragment_file_validates_on_its_own() -> None:
    """`validate` of a fragment checks its format and says it is a fragment, exit 0; a
    broken one gives its problems at its lines, exit 1."""
    runner = CliRunner()
    good = runner.invoke(main, ["validate", str(FRAGMENTS / "ask-email.yaml")])
    assert good.exit_code == 0, good.output
    assert "fragment-file (warning): a shared fragment, not a tree" in good.output
    broken = FRAGMENTS / "broken.yaml"
    bad = runner.invoke(main, ["validate", str(broken)])
    assert bad.exit_code == 1
    line = _line_of(broken, "nxet:")
    assert f"{broken}:{line}:5: unknown-field: node 'i_email': unknown key 'nxet'" in bad.output


def test_a_fragment_outside_a_fragments_folder_is_a_tree_missing_its_keys(
    tmp_path: Path,
) -> None:
    """Only a file in a `fragments` folder is taken for a fragment: elsewhere, a file of
    nodes alone is not waved through as one."""
    stray = tmp_path / "ask-email.yaml"
    shutil.copy(FRAGMENTS / "ask-email.yaml", stray)
    codes = {p.code for p in read_tree(stray).problems}
    assert "missing-field" in codes
    assert "fragment-file" not in codes


@pytest.mark.parametrize("path", sorted(bundled_fragment_dir().glob("*.yaml")), ids=str)
def test_bundled_fragments_are_well_formed(path: Path) -> None:
    assert [p.code for p in read_tree(path).problems] == ["fragment-file"]


def test_cli_commands_work_on_a_tree_with_fragments() -> None:
    runner = CliRunner()
    tree = str(HERE / "uses-good.yaml")
    for command in (["validate", tree], ["render", tree], ["stats", tree]):
        result = runner.invoke(main, command)
        assert result.exit_code == 0, (command, result.output)
    drawn = runner.invoke(main, ["render", tree]).output
    assert "draft" not in drawn
    assert 'n_i_email[/"Your email?"/]' in drawn


def test_a_broken_tree_with_fragments_is_drawn_expanded() -> None:
    """`render` of a tree that fails validation draws its draft with the fragments' steps in
    place, and marks only the step whose error is placed in it."""
    from okpay_triage.authoring.draft import read_draft

    draft = read_draft(HERE / "uses-dangling.yaml")
    steps = {step.id: step for step in draft.steps}
    assert steps["i_email"].kind == "input"
    assert steps["i_email"].problem
    assert not steps["q1"].problem


# --------------------------------------------------------------------------- bundled trees


def _inline(data: Any) -> Any:
    """Tree data with its uses replaced by hand from the fragments' plain data: a second,
    simpler expansion to compare the loader's against."""

    def fragment(name: str) -> dict[str, Any]:
        path = bundled_fragment_dir() / f"{name}.yaml"
        return parse_yaml(path.read_text(encoding="utf-8"), str(path))[0]  # type: ignore[no-any-return]

    facts = {
        key: fragment(fact["use"])["facts"][key] if "use" in fact else fact
        for key, fact in data["facts"].items()
    }
    nodes: list[Any] = []
    for node in data["nodes"]:
        if "use" not in node:
            nodes.append(node)
            continue
        text = json.dumps(fragment(node["use"])["nodes"])
        nodes += json.loads(text.replace('"$next"', json.dumps(node.get("next"))))
        for key, fact in fragment(node["use"]).get("facts", {}).items():
            facts.setdefault(key, fact)
    return {**data, "facts": facts, "nodes": nodes}


@pytest.mark.parametrize("tree_id", bundled_tree_ids())
def test_bundled_trees_hash_as_written_inline(tree_id: str) -> None:
    """Each bundled tree that uses fragments has the content hash of the same tree with the
    fragments written out in place, so converting it changed no saved session's tree."""
    path = bundled_path(tree_id)
    data = parse_yaml(path.read_text(encoding="utf-8"), str(path))[0]
    inline = parse_tree(json.dumps(_inline(data)), "inline.json", json_format=True)
    assert inline.tree is not None
    assert not inline.errors
    assert content_hash(inline.tree) == content_hash(load_tree(tree_id))


def test_every_bundled_fragment_is_used() -> None:
    text = "".join(bundled_path(t).read_text(encoding="utf-8") for t in bundled_tree_ids())
    for path in bundled_fragment_dir().glob("*.yaml"):
        assert f"use: {path.stem}" in text, path.stem


# --------------------------------------------------------------------------- the cache


@pytest.fixture
def own_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the bundled trees and fragments, standing in for the installed ones, and
    an empty cache folder."""
    trees = tmp_path / "trees"
    shutil.copytree(bundled.bundled_tree_dir(), trees)
    monkeypatch.setattr(bundled, "bundled_tree_dir", lambda: trees)
    monkeypatch.setenv("OKPAY_TRIAGE_CACHE", str(tmp_path / "cache"))
    clear = (compiled_bundled.cache_clear, load._load_bundled.cache_clear)
    for each in clear:
        each()
    yield trees
    for each in clear:
        each()


def test_the_cache_is_rebuilt_when_a_fragment_changes(own_bundle: Path) -> None:
    """A bundled tree compiled and cached, then a fragment it uses edited: the next start
    (a new process: the in-process caches cleared) compiles the tree again with the new
    text, under a new cache entry, rather than serving the stale one."""
    before = compiled_bundled("login-failure")
    cache = Path(str(own_bundle.parent / "cache"))
    first = {p.name for p in cache.glob("login-failure-*.json")}
    assert len(first) == 1
    fragment = own_bundle / "fragments" / "lock-message.yaml"
    text = fragment.read_text(encoding="utf-8")
    fragment.write_text(text.replace("What does the lock message say?", "Lock text?"), "utf-8")
    compiled_bundled.cache_clear()
    load._load_bundled.cache_clear()
    after = compiled_bundled("login-failure")
    assert after.steps["i_lock_error"].prompt[0].startswith("Lock text?")
    assert before.steps["i_lock_error"].prompt[0].startswith("What does the lock message say?")
    assert after.hash != before.hash
    assert len({p.name for p in cache.glob("login-failure-*.json")} - first) == 1


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_any_run_of_nodes_moved_into_a_fragment_is_the_same_tree(data: st.DataObject) -> None:
    """A run of a bundled tree's nodes and one of its facts moved into a fragment, used in
    their place, give the same tree (the same content hash)."""
    path = bundled_path("fee-dispute")
    tree = parse_yaml(path.read_text(encoding="utf-8"), str(path))[0]
    nodes = tree["nodes"]
    start = data.draw(st.integers(0, len(nodes) - 1), label="start")
    end = data.draw(st.integers(start + 1, min(len(nodes), start + 6)), label="end")
    fact = data.draw(st.sampled_from(sorted(tree["facts"])), label="fact")
    fragment = {"facts": {fact: tree["facts"][fact]}, "nodes": nodes[start:end]}
    used = {
        **tree,
        "facts": {k: ({"use": "moved"} if k == fact else v) for k, v in tree["facts"].items()},
        "nodes": [*nodes[:start], {"use": "moved"}, *nodes[end:]],
    }
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "fragments").mkdir()
        (Path(folder) / "fragments" / "moved.json").write_text(json.dumps(fragment), "utf-8")
        (Path(folder) / "tree.json").write_text(json.dumps(used, indent=1), "utf-8")
        result = read_tree(Path(folder) / "tree.json")
    assert result.tree is not None
    assert content_hash(result.tree) == content_hash(load_tree("fee-dispute"))


def test_the_schema_lets_a_tree_use_fragments() -> None:
    """`okpay-triage schema` (for editors) accepts `{use: ...}` facts and `- use:` nodes
    beside the ordinary ones."""
    document = json.loads(CliRunner().invoke(main, ["schema"]).output)
    (fact,) = document["properties"]["facts"]["patternProperties"].values()
    assert {"$ref": "#/$defs/FactUse"} in fact["anyOf"]
    assert {"$ref": "#/$defs/Fact"} in fact["anyOf"]
    items = document["properties"]["nodes"]["items"]["anyOf"]
    assert {"$ref": "#/$defs/NodeUse"} in items
    assert document["$defs"]["NodeUse"]["required"] == ["use"]
    assert set(document["$defs"]["NodeUse"]["properties"]) == {"use", "next"}
