"""`okpay-triage import`: a Mermaid flowchart becomes a tree skeleton that loads and passes
`validate` with warnings only; a chart it cannot read gets one positioned line per problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okpay_triage import bundled_tree_ids, load_tree
from okpay_triage.authoring.chart import label_text, parse_chart
from okpay_triage.authoring.diagram import to_mermaid
from okpay_triage.authoring.mermaid import ImportResult, import_mermaid
from okpay_triage.cli import cli
from okpay_triage.errors import Problem, TreeError
from okpay_triage.tree.content import TRANSLATE_MARK
from okpay_triage.tree.load import LoadResult, parse_tree
from okpay_triage.tree.model import Outcome, Question, Tree

CHARTS = Path(__file__).parent / "data" / "charts"
GOOD = sorted(CHARTS.glob("*.mmd"))
BAD = sorted((CHARTS / "bad").glob("*.mmd"))


def imported(path: Path, **options: object) -> tuple[ImportResult, Tree]:
    """The chart at `path` imported, and the tree its YAML loads as (with no error)."""
    result = import_mermaid(path.read_text(encoding="utf-8"), name=path.name, **options)  # type: ignore[arg-type]
    loaded = parse_tree(result.yaml, "imported.yaml")
    assert loaded.errors == [], "\n".join(map(str, loaded.errors))
    assert loaded.tree is not None
    return result, loaded.tree


def by_prompt(tree: Tree, prompt: str, lang: str = "en") -> list[Question]:
    return [n for n in tree.nodes if isinstance(n, Question) and n.prompt.get(lang) == prompt]  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- the fixtures


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_fixture_charts_are_realistic_in_size(path: Path) -> None:
    """Each fixture chart is 10 to 40 boxes, shaped like an author's troubleshooting chart."""
    chart = parse_chart(path.read_text(encoding="utf-8"), path.name)
    assert 10 <= len(chart.nodes) <= 40
    assert len(chart.edges) >= len(chart.nodes) - 1


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_every_chart_imports_to_a_tree_with_warnings_only(path: Path) -> None:
    """The YAML loads with the project's loader; every problem is a warning, and each
    untranslated half is one of them."""
    result, tree = imported(path)
    problems = parse_tree(result.yaml, "imported.yaml").problems
    assert problems
    assert {p.severity for p in problems} == {"warning"}
    marked = result.yaml.count(TRANSLATE_MARK)
    assert sum(p.code == "untranslated" for p in problems) == marked > 0
    assert all(w.severity == "warning" and w.line >= 1 for w in result.warnings)
    assert any(isinstance(n, Outcome) for n in tree.nodes)


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_validate_on_the_written_file_warns_and_passes(path: Path, tmp_path: Path) -> None:
    """`import -o OUT` then `validate OUT`: exit 0, warnings counted, no error."""
    out = tmp_path / "tree.yaml"
    done = CliRunner().invoke(cli, ["import", str(path), "-o", str(out)])
    assert done.exit_code == 0, done.output
    checked = CliRunner().invoke(cli, ["validate", str(out)])
    assert checked.exit_code == 0, checked.output
    assert re.search(r"0 error\(s\), [1-9]\d* warning\(s\)", checked.output)
    assert "untranslated (warning)" in checked.output


def test_chains_of_actions_merge_into_one_test_step() -> None:
    """Each chain of fixes ends in the same test page and the final check: the check is
    asked after every chain, each time with that chain's steps, numbered."""
    _, tree = imported(CHARTS / "printer-wont-print.mmd")
    assert tree.title.en == "Printer won't print"  # the front matter's title
    checks = by_prompt(tree, "Did the test page print?")
    assert len(checks) == 7  # one per way into the test step
    for check in checks:
        assert check.info[-1].en.endswith(". Print a test page")
        assert check.info[0].en.startswith("1. ")
        assert {o.id for o in check.options} == {"yes", "no"}
    jam = next(c for c in checks if "Open the paper tray" in c.info[0].en)
    assert [t.en for t in jam.info] == [
        "1. Open the paper tray",
        "2. Remove the jammed sheet gently",
        "3. Close every cover",
        "4. Print a test page",
    ]
    start = next(n for n in tree.nodes if n.id == tree.start)
    assert isinstance(start, Question)
    assert start.prompt.en == "Are the printer's lights on?"
    outcomes = {n.title.en: n for n in tree.nodes if isinstance(n, Outcome)}
    assert outcomes["Printing works again"].escalate == "no"
    assert outcomes["Contact IT support with the printer's model and error"].escalate == "yes"


def test_styling_lines_are_ignored_and_emoji_kept() -> None:
    """`graph TB` with classDef, class, style and linkStyle lines: only boxes and links are
    read; emoji stay in the texts; the rounded first box is the title."""
    result, tree = imported(CHARTS / "wifi-down.mmd")
    assert result.lang == "en"
    assert tree.title.en == "📶 Wi-Fi is down"
    assert by_prompt(tree, "🔌 Is the router's light on?")
    texts = result.yaml
    assert "classDef" not in texts
    assert "fill:" not in texts
    device = by_prompt(tree, "💻 Which device is it?")[0]
    assert [o.label.en for o in device.options] == ["Laptop", "Phone", "Smart TV"]
    assert [o.id for o in device.options] == ["laptop", "phone", "smart_tv"]


def test_a_chinese_chart_goes_into_zh_and_marks_en() -> None:
    """Chinese texts are the zh half, and the en half is marked; entities are decoded."""
    result, tree = imported(CHARTS / "payment-failed-zh.mmd")
    assert result.lang == "zh"
    assert tree.title == ("TODO translate: 付款失败", "付款失败")
    first = next(n for n in tree.nodes if n.id == tree.start)
    assert isinstance(first, Question)
    assert first.prompt.zh == "付款时提示什么？"
    assert first.prompt.en == TRANSLATE_MARK + "付款时提示什么？"
    assert [o.id for o in first.options] == [f"option_{k}" for k in range(1, 6)]
    assert '"交易存在风险"' in [o.label.zh for o in first.options]
    expired = by_prompt(tree, "银行卡是否已过期？", "zh")[0]
    assert [o.id for o in expired.options] == ["yes", "no"]
    support = [n for n in tree.nodes if isinstance(n, Outcome) and "客服" in n.title.zh]
    assert support
    assert all(o.escalate == "yes" for o in support)


def test_lang_option_overrides_the_detected_language() -> None:
    """--lang zh on an English chart puts its texts in the zh half."""
    result, tree = imported(CHARTS / "router-loop.mmd", lang="zh")
    assert result.lang == "zh"
    assert tree.title == (TRANSLATE_MARK + "No internet", "No internet")


def test_a_loop_is_reported_at_its_link_and_cut() -> None:
    """The link back is named with its line; it leads to a placeholder outcome, so the
    skeleton still loads, and nothing loops."""
    result, tree = imported(CHARTS / "router-loop.mmd")
    (cycle,) = [w for w in result.warnings if w.code == "cycle"]
    assert (cycle.line, cycle.column) == (8, 7)
    assert "F --> B" in cycle.message
    assert "B -> C -> D -> F -> B" in cycle.message
    assert "Retries: unroll the loop" in cycle.message
    twice = by_prompt(tree, "Have you restarted it twice?")[0]
    back = next(o for o in twice.options if o.id == "no")
    placeholder = next(n for n in tree.nodes if n.id == back.next)
    assert isinstance(placeholder, Outcome)
    assert placeholder.title.en == "Try again from: Restart the router"
    assert "loop" not in {p.code for p in parse_tree(result.yaml).problems}


def test_subgraphs_are_flattened() -> None:
    """Boxes inside subgraphs are read as if outside; `&`, `-.->`, `==>`, `;` and the
    parallelogram and subroutine shapes all count."""
    chart = parse_chart((CHARTS / "app-crash-subgraphs.mmd").read_text(encoding="utf-8"))
    assert {"l1", "p1", "p2", "p3", "o1", "check", "free", "reinstall"} <= set(chart.nodes)
    assert ("p2", "check") in {(e.source, e.target) for e in chart.edges}
    assert ("p3", "check") in {(e.source, e.target) for e in chart.edges}
    assert {e.label for e in chart.edges if e.source == "when"} == {
        "On opening",
        "While paying",
        "Something else",
    }
    _, tree = imported(CHARTS / "app-crash-subgraphs.mmd")
    when = by_prompt(tree, "When does it crash?")[0]
    assert len(when.options) == 3
    assert tree.title.en == "App keeps crashing"


# ---------------------------------------------------------------------------- broken charts


def expected(path: Path) -> tuple[int, int, str]:
    found = re.search(r"%% expect: (\d+):(\d+) ([\w-]+)", path.read_text(encoding="utf-8"))
    assert found, path
    return int(found.group(1)), int(found.group(2)), found.group(3)


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_a_broken_chart_is_refused_at_its_place(path: Path) -> None:
    """One problem, at the line and column the fixture names, with its code."""
    with pytest.raises(TreeError) as caught:
        import_mermaid(path.read_text(encoding="utf-8"), name=path.name)
    line, column, code = expected(path)
    first = caught.value.problems[0]
    assert (first.line, first.column, first.code) == (line, column, code)
    assert first.file == path.name


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_the_command_line_says_where_and_exits_1(path: Path, tmp_path: Path) -> None:
    """Exit 1, one `file:line:column: code: message` line, no traceback, nothing written."""
    out = tmp_path / "tree.yaml"
    done = CliRunner().invoke(cli, ["import", str(path), "-o", str(out)])
    assert done.exit_code == 1
    line, column, code = expected(path)
    assert done.output.startswith(f"{path}:{line}:{column}: {code}: ")
    assert "Traceback" not in done.output
    assert not out.exists()


def test_every_broken_line_is_reported_at_once() -> None:
    """Two unreadable lines give two problems, in order."""
    text = "flowchart TD\n  A[one --> B\n  C --> D\n  E -> F\n"
    with pytest.raises(TreeError) as caught:
        parse_chart(text, "two.mmd")
    assert [(p.line, p.code) for p in caught.value.problems] == [
        (2, "chart-syntax"),
        (4, "chart-syntax"),
    ]


# ---------------------------------------------------------------------------- the syntax


@pytest.mark.parametrize(
    ("written", "shape", "text"),
    [
        ("A[Restart it]", "[", "Restart it"),
        ("A(Restart it)", "(", "Restart it"),
        ("A{Is it on?}", "{", "Is it on?"),
        ("A([Start])", "([", "Start"),
        ("A[[Run the wizard]]", "[[", "Run the wizard"),
        ("A((Done))", "((", "Done"),
        ("A(((Done)))", "(((", "Done"),
        ("A>Flag it]", ">", "Flag it"),
        ("A{{Which one?}}", "{{", "Which one?"),
        ("A[(Database)]", "[(", "Database"),
        ("A[/Type the code/]", "[/", "Type the code"),
        ("A[\\Wait\\]", "[\\", "Wait"),
        ('A["Say #quot;hi#quot; (twice)"]', "[", 'Say "hi" (twice)'),
        ('A{"Is it [on]?"}', "{", "Is it [on]?"),
        ("A[Line one<br>line two]", "[", "Line one line two"),
        ("A[Line one<br/>two]:::warn", "[", "Line one two"),
        ("A[<b>Bold</b> &amp; #35;1]", "[", "Bold & #1"),
        ("A[支付失败 😢]", "[", "支付失败 😢"),
        ("开始[付款]", "[", "付款"),
    ],
)
def test_node_shapes(written: str, shape: str, text: str) -> None:
    """Each Mermaid node shape is read with its text, decoded."""
    chart = parse_chart(f"flowchart LR\n  {written} --> B\n")
    node = next(iter(chart.nodes.values()))
    assert (node.shape, node.text) == (shape, text)


@pytest.mark.parametrize(
    ("link", "label"),
    [
        ("-->", ""),
        ("---", ""),
        ("-.->", ""),
        ("==>", ""),
        ("--->", ""),
        ("<-->", ""),
        ("-->|Yes|", "Yes"),
        ('-->|"It\'s on"|', "It's on"),
        ("-- Yes -->", "Yes"),
        ("--Yes-->", "Yes"),
        ("== Yes ==>", "Yes"),
        ("-. maybe .->", "maybe"),
        ("-.->|maybe|", "maybe"),
        ("---|plain|", "plain"),
        ("-->| 是 |", "是"),
    ],
)
def test_link_forms(link: str, label: str) -> None:
    """Every link form gives one edge A -> B with its text."""
    chart = parse_chart(f"graph TD\n  A[a] {link} B[b]\n")
    assert [(e.source, e.target, e.label) for e in chart.edges] == [("A", "B", label)]


@pytest.mark.parametrize("direction", ["", " TD", " TB", " BT", " LR", " RL", " td"])
def test_every_direction(direction: str) -> None:
    for keyword in ("graph", "flowchart"):
        chart = parse_chart(f"{keyword}{direction}\nA --> B\n")
        assert list(chart.nodes) == ["A", "B"]


def test_chains_ampersands_and_one_line_charts() -> None:
    """`A --> B --> C`, `A & B --> C & D`, `graph TD; A-->B; B-->C` and invisible `~~~`."""
    chart = parse_chart("graph TD; A-->B-->C; X & Y --> P & Q\n  C ~~~ X\n")
    assert [(e.source, e.target) for e in chart.edges] == [
        ("A", "B"),
        ("B", "C"),
        ("X", "P"),
        ("X", "Q"),
        ("Y", "P"),
        ("Y", "Q"),
    ]


def test_a_box_written_after_its_first_use_keeps_its_text() -> None:
    chart = parse_chart("flowchart TD\n  A --> B\n  B{Is it on?}\n  B -->|x| A2\n")
    assert chart.nodes["B"].text == "Is it on?"
    assert chart.nodes["A"].text == "A"  # no text: its id


def test_label_text_decodes_mermaid_and_html() -> None:
    assert label_text("#quot;a#quot; #lt;b#gt; #9829; &amp;") == '"a" <b> ♥ &'
    assert label_text("`**markdown**`") == "**markdown**"
    assert label_text("fa:fa-print Print   it") == "Print it"


# ---------------------------------------------------------------------------- the mapping


def test_ids_are_made_from_texts_and_unique() -> None:
    """q_/o_ plus the text's ASCII words; a Chinese text falls back to the box's id."""
    text = (
        "flowchart TD\n"
        "  A{Is it on?} -->|Yes| B[Done]\n"
        "  A -->|No| C{Is it on?}\n"
        "  C -->|1| D[Done]\n"
        "  C -->|2| E[成功]\n"
    )
    result = import_mermaid(text)
    tree = parse_tree(result.yaml).tree
    assert tree is not None
    ids = [n.id for n in tree.nodes]
    assert ids == ["q_is_it_on", "o_done", "q_is_it_on_2", "o_done_2", "o_e"]
    second = tree.nodes[2]
    assert isinstance(second, Question)
    # A number would choose an option by position: the label says "Option 1".
    assert [o.label.en for o in second.options] == ["Option 1", "Option 2"]


def test_unlabelled_and_duplicate_links_are_named_and_warned() -> None:
    text = "flowchart TD\n  A{Which?} --> B[Reset it] & C[Replace it]\n  A -->|Reset it| D[x]\n"
    result = import_mermaid(text)
    codes = [w.code for w in result.warnings]
    assert codes.count("unlabelled-link") == 2
    assert "duplicate-label" in codes
    loaded = parse_tree(result.yaml)
    assert loaded.errors == []


def test_a_decision_with_one_way_out_is_a_step() -> None:
    result = import_mermaid("flowchart TD\n  A{Check it} --> B[Done]\n")
    assert [w.code for w in result.warnings if w.code == "one-way-decision"]
    tree = parse_tree(result.yaml).tree
    assert tree is not None
    (outcome,) = tree.nodes
    assert isinstance(outcome, Outcome)
    assert outcome.steps[0].en == "Check it"


def test_boxes_not_reached_from_the_start_are_left_out_and_named() -> None:
    text = "flowchart TD\n  A{On?} -->|Yes| B[ok]\n  A -->|No| C[off]\n  X[lonely] --> Y[too]\n"
    result = import_mermaid(text)
    (unreached,) = [w for w in result.warnings if w.code == "unreachable"]
    assert (unreached.line, "'X' and 1 box(es)") == (4, "'X' and 1 box(es)")
    assert "lonely" not in result.yaml


def test_an_imported_tree_can_be_walked() -> None:
    """The skeleton runs as it is: answers lead to the outcome the chart draws."""
    from okpay_triage import Session

    _, tree = imported(CHARTS / "printer-wont-print.mmd")
    session = Session.start(tree)
    for answer in ("yes", "Paper jam", "yes"):
        session = session.answer(answer)
    assert session.outcome is not None
    assert session.outcome.title == "Printing works again"


def test_untranslated_marker_is_a_warning_not_an_error() -> None:
    """The content check warns at each half that still says 'TODO translate:'."""
    source = (Path(__file__).parent / "data" / "good" / "mini.yaml").read_text(encoding="utf-8")
    marked = source.replace('zh: "', f'zh: "{TRANSLATE_MARK}', 1)
    loaded: LoadResult = parse_tree(marked, "mini.yaml")
    assert loaded.errors == []
    assert [p.code for p in loaded.problems] == ["untranslated"]
    assert loaded.problems[0].severity == "warning"


@pytest.mark.parametrize("tree_id", bundled_tree_ids())
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_drawn_tree_imports_back(tree_id: str, lang: str) -> None:
    """What `render` draws (truncated labels, parallelograms, classes) imports to a tree
    that loads without error, in the language it was drawn in."""
    result = import_mermaid(to_mermaid(load_tree(tree_id), lang), name=f"{tree_id}.mmd")
    assert result.lang == lang
    assert parse_tree(result.yaml).errors == []


# ---------------------------------------------------------------------------- command line


def test_cli_writes_to_stdout_and_warns_on_stderr(tmp_path: Path) -> None:
    done = CliRunner().invoke(cli, ["import", str(CHARTS / "router-loop.mmd")])
    assert done.exit_code == 0
    assert done.stdout.startswith("# A tree skeleton imported from")
    assert "cycle (warning)" in done.stderr
    assert "cycle" not in done.stdout.split("\n", 4)[-1]  # no warning in the YAML


def test_cli_never_overwrites_a_file_that_holds_something(tmp_path: Path) -> None:
    out = tmp_path / "tree.yaml"
    out.write_text("id: mine\n", encoding="utf-8")
    done = CliRunner().invoke(cli, ["import", str(CHARTS / "wifi-down.mmd"), "-o", str(out)])
    assert done.exit_code == 1
    assert "will not overwrite" in done.stderr
    assert out.read_text(encoding="utf-8") == "id: mine\n"
    out.write_text("", encoding="utf-8")  # an empty file is fine
    done = CliRunner().invoke(cli, ["import", str(CHARTS / "wifi-down.mmd"), "-o", str(out)])
    assert done.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# A tree skeleton")


def test_cli_lang_option(tmp_path: Path) -> None:
    done = CliRunner().invoke(cli, ["import", str(CHARTS / "wifi-down.mmd"), "--lang", "zh"])
    assert done.exit_code == 0
    assert 'en: "TODO translate: 📶 Wi-Fi is down", zh: "📶 Wi-Fi is down"' in done.stdout


def test_cli_refuses_unreadable_files(tmp_path: Path) -> None:
    """A device, a missing file, bytes that are not UTF-8: one line, exit 1."""
    runner = CliRunner()
    done = runner.invoke(cli, ["import", "/dev/zero"])
    assert done.exit_code == 1
    assert "not a regular file" in done.stderr
    done = runner.invoke(cli, ["import", str(tmp_path / "missing.mmd")])
    assert done.exit_code == 1
    bad = tmp_path / "latin1.mmd"
    bad.write_bytes(b"flowchart TD\n  A[caf\xe9] --> B\n")
    done = runner.invoke(cli, ["import", str(bad)])
    assert done.exit_code == 1
    assert done.stderr.startswith(f"{bad}:2:")
    assert "Traceback" not in done.output


# ---------------------------------------------------------------------------- any chart

_WORDS = st.text(
    alphabet=st.sampled_from(list("abcxyz ABC019?!,.'-_&:;#/()[]{}<>|支付失败😀é")),
    min_size=0,
    max_size=20,
)
_SHAPES = [("[", "]"), ("(", ")"), ("{", "}"), ("([", "])"), ("[[", "]]"), ("((", "))")]
_SHAPES += [(">", "]"), ("{{", "}}"), ("[/", "/]")]
_LINKS = ["-->", "---", "-.->", "==>"]


@st.composite
def charts(draw: st.DrawFn, *, loops: bool = False) -> str:
    """A flowchart's text from a random graph: acyclic unless `loops`, any shape, quoted
    texts of awkward characters, labelled or bare links of every form."""
    count = draw(st.integers(1, 25))
    lines = [draw(st.sampled_from(["flowchart TD", "graph TB", "flowchart LR", "graph"]))]
    for k in range(count):
        opener, closer = draw(st.sampled_from(_SHAPES))
        text = draw(_WORDS).replace('"', "")
        lines.append(f'  n{k}{opener}"{text}"{closer}')
    for k in range(count):
        targets = range(count) if loops else range(k + 1, count)
        chosen = draw(st.lists(st.sampled_from(targets), max_size=4)) if targets else []
        for target in chosen:
            link = draw(st.sampled_from(_LINKS))
            label = draw(_WORDS).replace('"', "").replace("|", "")
            text = f'|"{label}"|' if draw(st.booleans()) else ""
            lines.append(f"  n{k} {link}{text} n{target}")
    if draw(st.booleans()):
        lines.append("  classDef hot fill:#f00")
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(charts())
def test_any_acyclic_chart_imports_to_a_tree_that_loads(text: str) -> None:
    """No crash, and the YAML loads with no error."""
    result = import_mermaid(text, name="random.mmd")
    loaded = parse_tree(result.yaml, "random.yaml")
    assert loaded.errors == [], "\n".join(map(str, loaded.errors))
    assert "cycle" not in {w.code for w in result.warnings}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(charts(loops=True))
def test_any_chart_with_loops_is_cut_and_loads(text: str) -> None:
    """Loops (self-links too) are reported, never a crash; the tree loads without a loop."""
    result = import_mermaid(text, name="random.mmd")
    loaded = parse_tree(result.yaml, "random.yaml")
    assert loaded.errors == [], "\n".join(map(str, loaded.errors))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200).map(lambda t: "flowchart TD\n" + t))
def test_any_text_is_read_or_refused_plainly(text: str) -> None:
    """Arbitrary text after the header: a tree or a TreeError, nothing else."""
    problems: list[Problem] = []
    try:
        result = import_mermaid(text)
    except TreeError as error:
        problems = error.problems
    else:
        assert parse_tree(result.yaml).errors == []
    assert all(p.line >= 1 and p.column >= 1 and "\n" not in p.message for p in problems)


# ---------------------------------------------------------------------------- the docs


def _doc_section() -> str:
    text = (Path(__file__).parents[1] / "docs" / "authoring.md").read_text(encoding="utf-8")
    start = text.index("### Importing a Mermaid flowchart")
    return text[start : text.index("\n## ", start)]


def _blocks(section: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", section, flags=re.MULTILINE | re.DOTALL)


def test_the_documented_example_is_what_import_writes() -> None:
    """docs/authoring.md shows the YAML and the warnings the import gives for its chart."""
    section = _doc_section()
    (chart,) = _blocks(section, "mermaid")
    (yaml,) = _blocks(section, "yaml")
    result = import_mermaid(chart, name="declined.mmd")
    assert result.yaml == yaml
    (console, *_) = _blocks(section, "console")
    shown = console.splitlines()[1:]
    assert [str(w) for w in result.warnings] == shown[: len(result.warnings)]


def test_the_documented_error_is_what_import_says() -> None:
    """The error line in the docs is the one a link text left open on line 3 gives."""
    section = _doc_section()
    (chart,) = _blocks(section, "mermaid")
    (error,) = _blocks(section, "text")
    broken = chart.replace("|Insufficient balance|", "|Insufficient balance", 1)
    with pytest.raises(TreeError) as caught:
        import_mermaid(broken, name="declined.mmd")
    assert str(caught.value) == error.strip()


def test_a_chart_that_would_copy_its_chains_without_end_is_refused() -> None:
    """Many answers into one long chain would copy the chain into each: bounded, refused
    with one plain line instead of an enormous tree."""
    lines = ["flowchart TD"]
    lines += [f"  d{i}{{q {i}}} -->|a| c0\n  d{i} -->|b| d{i + 1}" for i in range(300)]
    lines += [f"  c{i}[step {i}] --> c{i + 1}" for i in range(300)]
    with pytest.raises(TreeError) as caught:
        import_mermaid("\n".join(lines))
    assert [p.code for p in caught.value.problems] == ["chart-too-tangled"]


def test_a_long_loop_is_named_by_its_ends() -> None:
    links = "\n".join(f"  n{i} --> n{i + 1}" for i in range(30))
    text = f"flowchart TD\n{links}\n  n30 --> n0\n"
    result = import_mermaid(text)
    (cycle,) = [w for w in result.warnings if w.code == "cycle"]
    assert "n0 -> n1 -> n2 -> ... -> n29 -> n30 -> n0" in cycle.message
    assert parse_tree(result.yaml).errors == []


def test_cli_refuses_a_chart_over_the_cap(tmp_path: Path) -> None:
    big = tmp_path / "big.mmd"
    big.write_text("flowchart TD\n" + "%% padding\n" * 100_000, encoding="utf-8")
    done = CliRunner().invoke(cli, ["import", str(big)])
    assert done.exit_code == 1
    assert "over the limit" in done.stderr


def test_the_reference_lists_every_code_the_import_reports() -> None:
    """Each problem code written in the importer's modules is named in docs/reference.md."""
    root = Path(__file__).parents[1]
    source = "".join(
        (root / "src" / "okpay_triage" / "authoring" / name).read_text(encoding="utf-8")
        for name in ("chart.py", "mermaid.py")
    )
    codes = set(re.findall(r'(?:_Syntax\(|warn\(|Problem\()\s*"([a-z-]+)"', source))
    codes |= set(re.findall(r'self\.problem\(\s*\w+,\s*[^,]+,\s*"([a-z-]+)"', source))
    codes |= set(re.findall(r'^\s+"([a-z]+(?:-[a-z]+)+)",$', source, flags=re.MULTILINE))
    assert {"cycle", "chart-syntax", "not-a-flowchart", "review-outcome"} <= codes
    reference = (root / "docs" / "reference.md").read_text(encoding="utf-8")
    assert sorted(c for c in codes if f"`{c}`" not in reference) == []


def test_long_link_texts_that_differ_only_at_the_end_stay_distinct() -> None:
    head = "x" * 300
    text = f"flowchart TD\n  A{{Which?}} -->|{head}1| B[b]\n  A -->|{head}2| C[c]\n"
    result = import_mermaid(text)
    assert parse_tree(result.yaml).errors == []
    assert "duplicate-label" in {w.code for w in result.warnings}
