"""Drawing trees, and drafts: a tree with errors is drawn anyway, its problem nodes marked.

`okpay-triage render` of a tree file that fails validation draws the best-effort graph of
its plain data (`authoring.draft`), highlights the nodes where an error is placed, prints
the problems to standard error and exits 0; a file with nothing to draw exits 1.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okpay_triage.authoring.diagram import FONT, to_dot, to_mermaid
from okpay_triage.authoring.draft import parse_draft, read_draft
from okpay_triage.cli import cli
from okpay_triage.testing import tree_data
from okpay_triage.tree.bundled import bundled_tree_ids
from okpay_triage.tree.load import load_tree

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"


def _marked(draft_text: str) -> list[str]:
    """The Mermaid names in the `class ... problem` line (none when there is none)."""
    found = re.findall(r"^  class (\S+) problem$", draft_text, flags=re.MULTILINE)
    return found[0].split(",") if found else []


@pytest.mark.parametrize("tree_id", bundled_tree_ids())
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_valid_tree_is_drawn_the_same_as_a_draft(tree_id: str, lang: str) -> None:
    """A valid tree read as a draft has no problem marked and draws byte for byte as the
    tree does, in both syntaxes."""
    tree = load_tree(tree_id)
    assert tree.source is not None
    draft = read_draft(tree.source.file)
    assert not draft.errors
    assert not any(step.problem for step in draft.steps)
    assert to_mermaid(draft, lang) == to_mermaid(tree, lang)
    assert to_dot(draft, lang) == to_dot(tree, lang)
    assert "class " not in to_mermaid(draft, lang)
    assert "legend" not in to_dot(draft, lang)


# fixture -> the nodes marked as problems when it is drawn as a draft
MARKED = {
    "cycle.yaml": ["i_email", "o_help"],  # the `next` that closes the loop; the cut-off outcome
    "dangling-next.yaml": ["i_email", "o_hepl", "o_help"],  # a placeholder for the typo
    "duplicate-node.yaml": ["i_email", "o_done", "o_help"],  # a placeholder for o_help
    "missing-options.yaml": ["q1", "i_email", "i_again", "o_hepl"],
    "bad-kind.yaml": ["i_email"],
    "tangled-loops.yaml": ["q2", "i_email"],
}


@pytest.mark.parametrize("name", sorted(MARKED))
def test_a_draft_marks_the_nodes_with_problems(name: str) -> None:
    draft = read_draft(BAD / name)
    assert draft.errors
    marked = [step.id for step in draft.steps if step.problem]
    assert sorted(marked) == sorted(MARKED[name])
    assert sorted(_marked(to_mermaid(draft))) == sorted(f"n_{m}" for m in MARKED[name])


def test_a_reference_to_no_node_is_drawn_to_a_placeholder() -> None:
    draft = read_draft(BAD / "dangling-next.yaml")
    placeholder = draft.steps[-1]
    assert (placeholder.id, placeholder.kind, placeholder.problem) == ("o_hepl", "missing", True)
    mermaid = to_mermaid(draft)
    assert "  n_i_email --> n_o_hepl\n" in mermaid
    assert "n_o_hepl[\"'o_hepl': no such node\"]" in mermaid
    assert '"o_hepl" [label="“o_hepl”：没有这个节点"' in to_dot(draft, "zh")


def test_a_one_line_json_draft_marks_only_the_node_with_the_error() -> None:
    """Nodes are told apart by column as well as line: in a minified file, the step with
    the reference and the outcome it no longer reaches are marked, the others are not."""
    data = yaml.safe_load((DATA / "good" / "mini.yaml").read_text(encoding="utf-8"))
    data["nodes"][1]["next"] = "nowhere"
    draft = parse_draft(json.dumps(data, ensure_ascii=False), "t.json", json_format=True)
    assert [s.id for s in draft.steps if s.problem] == ["i_email", "o_help", "nowhere"]


def test_the_dot_of_a_draft_has_a_legend_and_marks_outcomes_in_their_colour() -> None:
    dot = to_dot(read_draft(BAD / "cycle.yaml"), "en")
    assert "subgraph cluster_legend {" in dot
    assert "a problem here: okpay-triage validate names it" in dot
    (help_line,) = [line for line in dot.splitlines() if line.startswith('  "o_help" [')]
    assert 'style="rounded,filled,dashed,bold"' in help_line
    assert 'color="#b00020", penwidth=3' in help_line


def test_dot_edge_labels_use_the_nodes_cjk_font() -> None:
    """Edge labels are option labels, often Chinese: the same CJK font as the nodes."""
    dot = to_dot(load_tree("login-failure"), "zh")
    assert f"  node [fontname={json.dumps(FONT)}, fontsize=11];" in dot
    assert f"  edge [fontname={json.dumps(FONT)}, fontsize=10];" in dot


def test_a_draft_with_unreadable_nodes_is_still_drawn() -> None:
    """Nodes without an id, kind or mapping become steps named by position."""
    text = (DATA / "good" / "mini.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["nodes"] += ["just text", {"kind": "question", "prompt": {"en": "Id?"}}]
    draft = parse_draft(json.dumps(data), "t.json", json_format=True)
    names = [(s.id, s.kind, s.problem) for s in draft.steps][-2:]
    assert names == [("nodes[4]", "unknown", True), ("nodes[5]", "question", True)]
    mermaid = to_mermaid(draft)
    assert 'n_nodes_4_["just text"]' not in mermaid  # a bare string is no prompt
    assert 'n_nodes_5_["Id?"]' in mermaid


def test_mermaid_names_stay_distinct_when_ids_differ_only_by_dash() -> None:
    text = (DATA / "good" / "mini.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["nodes"] += [{**data["nodes"][2], "id": "o-x"}, {**data["nodes"][2], "id": "o_x"}]
    mermaid = to_mermaid(parse_draft(json.dumps(data), "t.json", json_format=True))
    assert "  n_o_x([" in mermaid
    assert "  n_o_x_2([" in mermaid


LOOSE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@LOOSE
@given(tree_data(max_nodes=12), st.data())
def test_every_draft_draws_every_node_and_edge(data: dict[str, Any], draw: st.DataObject) -> None:
    """A valid tree broken at random (a `next` pointed anywhere, a node's key removed) is
    drawn with a node per id and an edge per readable `next`, quotes balanced."""
    data = copy.deepcopy(data)
    node = draw.draw(st.sampled_from(data["nodes"]))
    if draw.draw(st.booleans()):
        node.pop(draw.draw(st.sampled_from(sorted(node))))
    else:
        holders = [o for n in data["nodes"] for o in n.get("options", [])]
        holders += [n for n in data["nodes"] if n.get("kind") == "input"]
        draw.draw(st.sampled_from(holders))["next"] = draw.draw(st.text(min_size=1, max_size=8))
    draft = parse_draft(json.dumps(data, ensure_ascii=False), "t.json", json_format=True)
    mermaid = to_mermaid(draft)
    declared = re.findall(r"^  (n_\w+)[\[(]", mermaid, flags=re.MULTILINE)
    assert len(declared) == len(set(declared)) == len(draft.steps)
    edges = re.findall(r"^  n_\w+ -->", mermaid, flags=re.MULTILINE)
    assert len(edges) == sum(len(s.edges) for s in draft.steps)
    for line in mermaid.splitlines():
        assert line.count('"') % 2 == 0, line
    assert to_dot(draft).rstrip().endswith("}")


def _render(*args: str) -> Any:
    return CliRunner().invoke(cli, ["render", *args])


def test_render_draws_a_draft_and_exits_0() -> None:
    """A tree with errors: the diagram on stdout, the problems and one summary on stderr."""
    result = _render(str(BAD / "cycle.yaml"))
    assert result.exit_code == 0
    assert result.stdout.startswith("flowchart TD\n")
    assert _marked(result.stdout) == ["n_i_email", "n_o_help"]
    lines = result.stderr.splitlines()
    assert [line.split(": ")[1] for line in lines[:-1]] == ["cycle", "unreachable"]
    assert lines[-1].startswith("drawn as a draft: 2 error(s); 2 node(s) with problems")


def test_render_of_a_file_with_nothing_to_draw_exits_1() -> None:
    result = _render(str(BAD / "syntax.yaml"), "--format", "dot")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert ": yaml-syntax: " in result.stderr


def test_render_of_a_valid_file_says_nothing_else() -> None:
    result = _render(str(DATA / "good" / "mini.yaml"))
    assert result.exit_code == 0
    assert result.stderr == ""
    assert _marked(result.stdout) == []


def test_the_draft_example_in_the_cli_docs_is_what_render_prints(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = (DATA.parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    (block,) = re.findall(
        r"^\$ okpay-triage render (\S+) > draft.mmd\n(.*?)^```", text, re.M | re.S
    )
    monkeypatch.chdir(DATA.parent.parent)
    result = _render(block[0])
    assert result.exit_code == 0
    assert result.stderr == block[1]
