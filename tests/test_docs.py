"""The docs stay true to the code: the tree catalogue is current, diagrams are well formed."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from okpay_triage import bundled_tree_ids, load_tree
from okpay_triage.authoring.diagram import to_dot, to_mermaid
from okpay_triage.tree.plan import compile_tree

ROOT = Path(__file__).resolve().parents[1]


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_tree_catalogue_is_current() -> None:
    """docs/trees.md is exactly what scripts/tree_catalogue.py generates from the trees."""
    catalogue = _script("tree_catalogue").catalogue()
    assert (ROOT / "docs" / "trees.md").read_text(encoding="utf-8") == catalogue


@pytest.mark.parametrize("tree_id", bundled_tree_ids())
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_mermaid_has_every_node_and_edge(tree_id: str, lang: str) -> None:
    """Each node is declared once and each transition drawn, with quoted labels."""
    plan = compile_tree(load_tree(tree_id))
    text = to_mermaid(plan, lang)
    assert text.startswith("flowchart TD\n")
    declared = re.findall(r"^  (n_\w+)[\[(]", text, flags=re.MULTILINE)
    assert sorted(declared) == sorted(f"n_{s.replace('-', '_')}" for s in plan.steps)
    edges = re.findall(r"^  n_\w+ -->", text, flags=re.MULTILINE)
    assert len(edges) == sum(len(s.nexts) for s in plan.steps.values())
    for line in text.splitlines()[1:]:
        assert line.count('"') % 2 == 0, line


def test_diagram_labels_cannot_break_out() -> None:
    """Quotes, brackets and angle brackets in tree text are escaped in both syntaxes."""
    from okpay_triage.tree.load import parse_tree

    source = (ROOT / "tests" / "data" / "good" / "mini.yaml").read_text(encoding="utf-8")
    hostile = source.replace('"Did it work?"', '"Did \\"it\\"] work? <b>#x; -->"')
    tree = parse_tree(hostile).tree
    assert tree is not None
    mermaid = to_mermaid(tree)
    assert "#quot;it#quot;" in mermaid
    assert "<b>" not in mermaid
    dot = to_dot(tree)
    assert '\\"it\\"' in dot
    assert dot.rstrip().endswith("}")


def _readme_blocks(language: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def test_readme_python_runs() -> None:
    """The README's Python snippet runs as written."""
    (snippet,) = _readme_blocks("python")
    exec(compile(snippet, "README.md", "exec"), {})


def test_readme_transcript_is_what_the_tool_prints() -> None:
    """The README's session shows the tool's real first question and real result."""
    from click.testing import CliRunner

    from okpay_triage.cli import KEYS_HINT, cli

    transcript = _readme_blocks("text")[0]
    keys, first = transcript.split("\n> ")[0].split("\n", 2)[1:]  # after the `$` line
    assert keys == KEYS_HINT[0]
    pending = CliRunner().invoke(cli, ["run", "login-failure"])
    assert pending.exit_code == 3
    assert first in pending.stdout
    answers = ["3", "security", "yes", "no", "carol@example.com", "2026-11-19 10:00"]
    answers += ["Account locked for your safety", "skip"]
    done = CliRunner().invoke(cli, ["run", "login-failure", *(f"--answer={a}" for a in answers)])
    assert done.exit_code == 0
    result = transcript.split("...\n\n", 1)[1]
    assert result.strip() in done.stdout


def test_zh_punctuation_script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The fixer makes CJK-adjacent punctuation full-width in zh values only, keeps times
    and addresses, and answers --help and a missing file without a traceback."""
    fixer = _script("zh_punctuation")
    tree = tmp_path / "t.yaml"
    tree.write_text(
        'prompt: {en: "Done? (yes)", zh: "好了吗?(是的)"}\n'
        "hint: {en: 'At 14:30', zh: 14:30 发送到 name@example.com,请查收}\n",
        encoding="utf-8",
    )
    assert fixer.main([str(tree)]) == 0
    assert tree.read_text(encoding="utf-8") == (
        'prompt: {en: "Done? (yes)", zh: "好了吗？（是的）"}\n'
        "hint: {en: 'At 14:30', zh: 14:30 发送到 name@example.com，请查收}\n"
    )
    assert fixer.main([str(tmp_path / "missing.yaml")]) == 1
    with pytest.raises(SystemExit) as stop:
        fixer.main(["--help"])
    assert stop.value.code == 0
    assert "full-width" in capsys.readouterr().out
