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
    declared = re.findall(r"^  (n_\w+)[\[({]", text, flags=re.MULTILINE)  # { is a route
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


# docs/testing.md: its code runs as written, and it shows every strategy's real signature.

GUIDE = ROOT / "docs" / "testing.md"
CUSTOM_TREE = ROOT / "examples" / "custom-tree.yaml"
# A few walks each: these prove the guide's code runs, the strategies are tested elsewhere.
FEW = {"max_examples": 12, "deadline": None, "database": None}


def _guide_python() -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


class _Written(str):
    """An annotation as written in the source (the module postpones annotations)."""

    def __repr__(self) -> str:
        return str(self)


def _signature(name: str) -> str:
    """The `def`/`class` line of a public name of `okpay_triage.testing`, as inspect sees it."""
    import inspect
    from typing import ForwardRef

    import okpay_triage.testing

    obj = getattr(okpay_triage.testing, name)

    def written(annotation: object) -> object:
        if isinstance(annotation, ForwardRef):
            return _Written(annotation.__forward_arg__)
        return _Written(annotation) if isinstance(annotation, str) else annotation

    signature = inspect.signature(obj)
    signature = signature.replace(
        parameters=[
            p.replace(annotation=written(p.annotation)) for p in signature.parameters.values()
        ],
        return_annotation=written(signature.return_annotation),
    )
    return f"{'class' if inspect.isclass(obj) else 'def'} {name}{signature}"


def _one_line(code: str) -> str:
    """Code with its line breaks and indentation gone, as `inspect` writes a signature."""
    flat = re.sub(r"\s+", " ", code).strip()
    return re.sub(r",? ?\)", ")", flat.replace("( ", "("))


def _run_guide_test(source: str, where: str) -> None:
    """Run `source` and then every `test_` function it defines, each for a few examples."""
    from hypothesis import settings

    namespace: dict[str, object] = {}
    exec(compile(source, where, "exec"), namespace)
    tests = [fn for name, fn in namespace.items() if name.startswith("test_") and callable(fn)]
    assert tests
    for test in tests:
        settings(**FEW)(test)()  # type: ignore[arg-type]


def _ten_lines(tree: str, facts: dict[str, str]) -> str:
    (block,) = [b for b in _guide_python() if "FACTS = {}" in b]
    assert 'load_tree("my-tree.yaml")' in block
    return block.replace('load_tree("my-tree.yaml")', f"load_tree({tree!r})").replace(
        "FACTS = {}", f"FACTS = {facts!r}"
    )


@pytest.mark.parametrize("tree_id", bundled_tree_ids())
def test_guide_property_test_passes_for_bundled_trees(tree_id: str) -> None:
    """The guide's ten-line test passes for every bundled tree, with no facts up front and
    with a fact the caller supplies (the steps it answers are then not asked)."""
    from hypothesis import find, settings

    from okpay_triage.testing import context_facts

    _run_guide_test(_ten_lines(tree_id, {}), "docs/testing.md")
    given = find(context_facts(load_tree(tree_id)), bool, settings=settings(database=None))
    _run_guide_test(_ten_lines(tree_id, given), "docs/testing.md")


def test_guide_property_test_passes_for_a_tree_with_a_caller_fact(tmp_path: Path) -> None:
    """With a `from_caller` fact an outcome requires, the walks pass only when the caller's
    facts go to both `answer_paths` and `Session.start`, as the guide writes them."""
    source = CUSTOM_TREE.read_text(encoding="utf-8")
    source = source.replace(
        "\nfacts:\n",
        "\nfacts:\n  customer_tier:\n    type: choice\n    choices: [basic, gold]\n"
        "    from_caller: true\n    label: {en: Tier, zh: 等级}\n",
        1,
    ).replace("requires: [transaction_id, amount, occurred_at]", "requires: [customer_tier]")
    tree = tmp_path / "caller-tree.yaml"
    tree.write_text(source, encoding="utf-8")
    assert load_tree(tree).facts["customer_tier"].from_caller
    facts = {"customer_tier": "gold", "pay_method": "card"}
    _run_guide_test(_ten_lines(str(tree), facts), "docs/testing.md")
    # Without the caller's tier, some walk that skips nothing ends at a refund lacking it.
    from hypothesis import Phase, find, settings

    from okpay_triage import Session
    from okpay_triage.testing import answer_paths

    loaded, known = load_tree(tree), {"pay_method": "card"}

    def lacks_tier(answers: list[str]) -> bool:
        session = Session.start(loaded, facts=known)
        for answer in answers:
            session = session.answer(answer)
        return "skip" not in answers and "customer_tier" in session.missing_facts

    search = settings(database=None, max_examples=2000, phases=[Phase.generate])
    find(answer_paths(loaded, facts=known), lacks_tier, settings=search)


def test_guide_examples_run() -> None:
    """Every Python example in docs/testing.md runs, in order, on examples/custom-tree.yaml,
    and the tests it defines pass (signature blocks are shown, not run)."""
    import okpay_triage.testing

    signatures = {_one_line(_signature(name)) for name in okpay_triage.testing.__all__}
    blocks = [b for b in _guide_python() if _one_line(b) not in signatures]
    source = "\n".join(blocks).replace('"my-tree.yaml"', repr(str(CUSTOM_TREE)))
    _run_guide_test(source, "docs/testing.md")


def test_guide_shows_every_signature() -> None:
    """Each public name of `okpay_triage.testing` has its current signature in a code block
    of docs/testing.md, readable without the docs site."""
    import okpay_triage.testing

    shown = {_one_line(block) for block in _guide_python()}
    for name in okpay_triage.testing.__all__:
        assert _one_line(_signature(name)) in shown, _signature(name)
