"""The loader treats tree files as untrusted: every bad file is a `TreeError` with positions."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml
from benchmarks.treegen import generated_tree

from okpay_triage import Problem, TreeError, bundled_tree_ids, load_tree
from okpay_triage.tree.load import DEFAULT_MAX_BYTES, parse_tree, read_tree
from okpay_triage.tree.model import Question

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
EXPECTED: dict[str, str] = yaml.safe_load((BAD / "EXPECTED.yaml").read_text(encoding="utf-8"))


class TestBadFiles:
    """Each fixture in tests/data/bad is one failure mode (BAD_INPUTS.md items 1-16)."""

    def test_every_fixture_is_listed(self) -> None:
        """EXPECTED.yaml names every fixture file, and nothing else."""
        files = {p.name for p in BAD.iterdir() if p.name != "EXPECTED.yaml"}
        assert files == set(EXPECTED)

    @pytest.mark.parametrize("name", sorted(EXPECTED))
    def test_fixture_gives_its_error(self, name: str) -> None:
        """The file is refused with the expected code, a position, and no traceback."""
        path = BAD / name
        with pytest.raises(TreeError) as caught:
            load_tree(path)
        codes = [p.code for p in caught.value.problems]
        assert EXPECTED[name] in codes
        for problem in caught.value.problems:
            assert problem.file == str(path)
            assert problem.line >= 1
            assert problem.column >= 1
            assert f"{path}:{problem.line}:{problem.column}: {problem.code}:" in str(caught.value)

    def test_cycle_is_named(self) -> None:
        """A cycle error names the steps that loop."""
        problems = read_tree(BAD / "cycle.yaml").problems
        cycle = next(p for p in problems if p.code == "cycle")
        assert "q1" in cycle.message
        assert "i_email" in cycle.message

    def test_every_tangled_loop_is_named_at_its_next(self) -> None:
        """Three loops through one group of steps are three problems, each at the `next`
        that goes back, each suggesting the unrolled retry."""
        path = BAD / "tangled-loops.yaml"
        loops = [p for p in read_tree(path).problems if p.code == "cycle"]
        assert len(loops) == 3
        lines = path.read_text(encoding="utf-8").splitlines()
        for loop, back_to in zip(loops, ["q1", "q2", "q1"], strict=True):
            assert f"next: {back_to}" in lines[loop.line - 1][loop.column - 7 :]
            assert f"goes back to '{back_to}'" in loop.message
            assert f"'{back_to}_again'" in loop.message

    def test_cut_off_steps_are_grouped_behind_their_roots(self) -> None:
        """Two nodes with no way in are two problems; the steps only they lead to are listed
        behind each, not reported one by one."""
        found = [
            (p.line, p.message)
            for p in read_tree(BAD / "cut-off.yaml").problems
            if p.code == "unreachable"
        ]
        behind = "cannot be reached from the start 'q1'; cut off with it: 'i_email', 'o_help'"
        assert found == [
            (15, f"node 'q_lost' has no way in, so it {behind}"),
            (26, f"node 'i_again' has no way in, so it {behind}"),
        ]

    def test_an_answer_that_changes_nothing_is_a_warning(self) -> None:
        """A question whose options all lead to one step is warned about, by name; bound
        to a fact (its answer is kept), it is not."""
        source = (DATA / "good" / "mini.yaml").read_text(encoding="utf-8")
        same = source.replace("next: i_email", "next: o_done")
        found = [p for p in parse_tree(same, "same.yaml").problems if p.code != "unreachable"]
        assert [(p.code, p.severity) for p in found] == [("answer-changes-nothing", "warning")]
        assert "question 'q1': every option leads to 'o_done'" in found[0].message
        bound = same.replace(
            "    kind: question\n", "    kind: question\n    fact: worked\n"
        ).replace("facts:\n", "facts:\n  worked: {type: choice, label: {en: Worked, zh: 结果}}\n")
        assert [p.code for p in parse_tree(bound, "bound.yaml").problems] == ["unreachable"]

    def test_a_start_that_is_an_outcome_is_a_warning(self) -> None:
        """`start` naming an outcome is a warning at `start` (the rest is then cut off)."""
        source = (DATA / "good" / "mini.yaml").read_text(encoding="utf-8")
        found = parse_tree(source.replace("start: q1", "start: o_done"), "t.yaml").problems
        warning = next(p for p in found if p.code == "start-is-outcome")
        assert warning.severity == "warning"
        assert "outcome 'o_done'" in warning.message
        assert source.splitlines()[warning.line - 1].startswith("start:")

    def test_graph_checks_run_beside_shape_errors(self) -> None:
        """A question without options does not hide the dangling `next` and the loop
        elsewhere, and what its missing options would reach is not called unreachable."""
        found = [(p.code, p.line) for p in read_tree(BAD / "missing-options.yaml").problems]
        assert found == [("missing-field", 11), ("unknown-node", 18), ("cycle", 38)]

    def test_unreachable_beside_a_shape_error_whose_edges_are_readable(self) -> None:
        """A shape error that leaves every `next` readable (a bad option id) still lets an
        unreachable node be reported."""
        broken = MINI.replace('id: "yes"', 'id: "Yes"').replace("next: o_done", "next: o_help")
        assert [(p.code, p.line) for p in parse_tree(broken, "t.yaml").problems] == [
            ("invalid-id", 14),
            ("unreachable", 21),
        ]

    def test_a_reference_to_a_refused_id_is_not_a_second_error(self) -> None:
        """A node whose id is refused (a Cyrillic o) is reported once: the `next` that
        names it in ASCII is not also an unknown node."""
        assert [p.code for p in read_tree(BAD / "lookalike-id.yaml").problems] == ["invalid-id"]

    def test_a_key_the_kind_lacks_is_no_way_on(self) -> None:
        """A stray `next` on a question is an unknown key, not an edge: it makes no loop."""
        broken = MINI.replace("    kind: question\n", "    kind: question\n    next: q1\n")
        assert [p.code for p in parse_tree(broken, "t.yaml").problems] == ["unknown-field"]

    def test_unreachable_outcome_has_no_made_up_path(self) -> None:
        """An escalating outcome nothing leads to is unreachable, not missing its facts on
        a path that does not exist."""
        codes = [p.code for p in read_tree(BAD / "unreachable-escalating.yaml").problems]
        assert codes == ["unreachable"]

    def test_dangling_reference_points_at_the_reference(self) -> None:
        """An unknown `next` is reported at the line where it is written, with a suggestion."""
        problem = next(
            p for p in read_tree(BAD / "dangling-next.yaml").problems if p.code == "unknown-node"
        )
        line = (BAD / "dangling-next.yaml").read_text().splitlines()[problem.line - 1]
        assert "o_hepl" in line
        assert "did you mean 'o_help'" in problem.message

    def test_duplicate_key_names_both_places(self) -> None:
        """A duplicate key is reported at the second place, naming the first."""
        problem = read_tree(BAD / "duplicate-key.yaml").problems[0]
        assert problem.code == "duplicate-key"
        assert problem.line == 19
        assert "first at line 18" in problem.message

    def test_typo_key_is_pointed_at(self) -> None:
        """A misspelt key is an error at that key, with the likely intended key."""
        problem = next(
            p for p in read_tree(BAD / "typo-key.yaml").problems if p.code == "unknown-field"
        )
        assert "nxet" in problem.message
        assert "did you mean 'next'" in problem.message
        assert (
            (BAD / "typo-key.yaml")
            .read_text()
            .splitlines()[problem.line - 1]
            .strip()
            .startswith("nxet")
        )

    def test_required_fact_error_shows_the_path(self) -> None:
        """A required fact not collected on some path is reported with that path."""
        problem = next(
            p
            for p in read_tree(BAD / "required-fact-missing.yaml").problems
            if p.code == "required-fact-missing"
        )
        assert "q1 -> o_help" in problem.message

    def test_missing_translation_names_node_and_field(self) -> None:
        """A missing zh text names the node and the field."""
        problem = read_tree(BAD / "missing-zh.yaml").problems[0]
        assert problem.message == "node 'i_email' prompt: no zh text"

    def test_all_problems_reported_at_once(self) -> None:
        """Several graph problems in one file are all reported, in file order."""
        problems = read_tree(BAD / "dangling-next.yaml").problems
        assert [p.code for p in problems] == ["unknown-node", "unreachable"]
        assert [p.line for p in problems] == sorted(p.line for p in problems)

    def test_shape_errors_say_what_is_wrong_once(self, tmp_path: Path) -> None:
        """A wrong entry gets one plain message: no "too short" for a list that only has bad
        entries, no hint that names the very key, "mapping" whatever pydantic calls it."""
        path = tmp_path / "shapes.yaml"
        path.write_text(
            "id: t\nversion: '1'\ntitle: {en: T, zh: 标题}\nstart: q\nnodes:\n"
            "  - kind: question\n    id: q\n    prompt: {en: Q?, zh: 问？}\n"
            "    options:\n      - just text\n      - {id: a, label: {en: A, zh: 甲}, "
            "synonyms: [a], next: o}\n"
            "  - kind: outcome\n    id: o\n    title: {en: O, zh: 果}\n    cause: {en: C, zh: 因}\n"
            "    steps: []\n    escalate: 'no'\n    severity: low\n    optional: true\n",
            encoding="utf-8",
        )
        found = [(p.code, p.line, p.message) for p in read_tree(path).problems]
        assert found == [
            ("invalid-type", 10, "node 'q' options[0]: Input should be a mapping"),
            ("invalid-type", 11, "node 'q' options[1].synonyms: Input should be a mapping"),
            ("invalid-value", 16, "node 'o' steps: needs at least 1 entry, has none"),
            (
                "unknown-field",
                19,
                "node 'o': unknown key 'optional' (outcome nodes have no 'optional')",
            ),
        ]

    @pytest.mark.parametrize("suffix", [".yaml", ".json"])
    def test_checking_a_loaded_tree_again_gives_the_same_problems(
        self, tmp_path: Path, suffix: str
    ) -> None:
        """`check_tree` on a loaded tree places its problems as loading did, and a clean
        tree (which keeps no source text) stays clean."""
        from okpay_triage import check_tree

        data = generated_tree(40)
        data["nodes"][0]["prompt"]["zh"] = "打开应用,看到什么?"  # ASCII punctuation: a warning
        path = tmp_path / f"warned{suffix}"
        text = json.dumps(data, ensure_ascii=False, indent=2)
        path.write_text(text if suffix == ".json" else yaml.safe_dump(data), encoding="utf-8")
        result = read_tree(path)
        assert result.tree is not None
        assert [p.code for p in result.problems] == ["zh-punctuation"]
        assert result.problems[0].line > 1
        assert check_tree(result.tree) == result.problems
        data["nodes"][0]["prompt"]["zh"] = "打开应用，看到什么？"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tree = load_tree(path)
        assert check_tree(tree) == []


class TestLimits:
    """Hostile sizes and shapes are refused quickly, before they can cost anything."""

    def test_deep_nesting_is_too_deep(self, tmp_path: Path) -> None:
        """100,000 nested brackets: a clear error, not a RecursionError or a crash."""
        path = tmp_path / "deep.yaml"
        path.write_text("a: " + "[" * 100_000 + "]" * 100_000)
        with pytest.raises(TreeError) as caught:
            load_tree(path)
        assert caught.value.problems[0].code == "too-deep"

    def test_deep_json_is_too_deep(self, tmp_path: Path) -> None:
        """The JSON fast path has the same depth limit."""
        path = tmp_path / "deep.json"
        path.write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}")
        with pytest.raises(TreeError) as caught:
            load_tree(path)
        assert caught.value.problems[0].code == "too-deep"

    def test_large_file_is_refused_before_parsing(self, tmp_path: Path) -> None:
        """A file of several MB is refused by its size."""
        path = tmp_path / "big.yaml"
        path.write_bytes(b"# " + b"x" * (5 * 1024 * 1024))
        with pytest.raises(TreeError) as caught:
            load_tree(path)
        assert caught.value.problems[0].code == "file-too-large"

    def test_billion_laughs_stops_at_the_first_anchor(self) -> None:
        """The alias bomb is refused at its first anchor, never expanded."""
        started = time.process_time()
        problems = read_tree(BAD / "billion-laughs.yaml").problems
        assert problems[0].code == "anchor-forbidden"
        assert (problems[0].line, problems[0].column) == (1, 4)
        assert time.process_time() - started < 5  # generous: a real expansion never ends

    def test_missing_file(self, tmp_path: Path) -> None:
        """A path that does not exist is a TreeError naming it."""
        with pytest.raises(TreeError) as caught:
            load_tree(tmp_path / "nope.yaml")
        assert caught.value.problems[0].code == "unreadable-file"

    def test_unknown_bundled_id(self) -> None:
        """An id that is not bundled lists the bundled ones."""
        with pytest.raises(TreeError) as caught:
            load_tree("no-such-tree")
        assert caught.value.problems[0].code == "unknown-tree"
        assert "login-failure" in caught.value.problems[0].message

    def test_large_generated_tree_loads(self, tmp_path: Path) -> None:
        """A generated tree beyond the default size limit loads with a raised limit (speed is
        in benchmarks/; 100,000 nodes is BAD_INPUTS item 17 in test_bad_inputs.py)."""
        path = tmp_path / "large.json"
        path.write_text(json.dumps(generated_tree(10_000)), encoding="utf-8")
        tree = load_tree(path, max_bytes=200 * 1024 * 1024)
        assert len(tree.nodes) == 10_000
        assert path.stat().st_size > DEFAULT_MAX_BYTES  # needs the explicit limit above


class TestScalars:
    """Every scalar is the exact string written: no YAML 1.1 surprises."""

    def test_yaml11_lookalikes_stay_strings(self) -> None:
        """NO, yes, 0123, 1.10 and 12:30:00 keep their spelling."""
        tree = load_tree(DATA / "good" / "yaml11-scalars.yaml")
        assert tree.version == "1.10"
        assert tree.title.en == "NO"
        assert tree.title.zh == "yes"
        question = tree.nodes[0]
        assert isinstance(question, Question)
        assert question.prompt.en == "0123"
        assert question.prompt.zh == "12:30:00"
        labels = [o.label.en for o in question.options]
        assert labels == ["NO", "12:30:00"]

    def test_json_and_yaml_give_the_same_tree(self, tmp_path: Path) -> None:
        """A tree written as JSON loads to the same tree as its YAML form."""
        data = yaml.safe_load((DATA / "good" / "mini.yaml").read_text(encoding="utf-8"))
        path = tmp_path / "mini.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        assert load_tree(path) == load_tree(DATA / "good" / "mini.yaml")

    def test_json_errors_have_positions(self) -> None:
        """Schema errors in JSON are placed at their line and column."""
        text = (
            '{\n  "id": "x",\n  "version": "1",\n  "title": {"en": "X"},\n  "start": "a",\n'
            '  "nodes": []\n}'
        )
        problems = parse_tree(text, "t.json", json_format=True).problems
        translation = next(p for p in problems if p.code == "missing-translation")
        assert (translation.line, translation.column) == (4, 12)


class TestBundled:
    """The trees shipped with the package."""

    def test_bundled_ids_are_sorted_and_include_login_failure(self) -> None:
        """`bundled_tree_ids` lists the shipped trees in order."""
        ids = bundled_tree_ids()
        assert ids == sorted(ids)
        assert "login-failure" in ids

    @pytest.mark.parametrize("tree_id", bundled_tree_ids())
    def test_bundled_tree_is_clean(self, tree_id: str) -> None:
        """Every bundled tree loads with no errors and no warnings."""
        assert read_tree(tree_id).problems == []

    def test_bundled_tree_is_loaded_once(self) -> None:
        """Loading a bundled id twice returns the same (immutable) tree object."""
        assert load_tree("login-failure") is load_tree("login-failure")

    def test_problem_str_format(self) -> None:
        """`str(Problem)` is `file:line:column: code: message`."""
        problem = Problem("cycle", "a -> a", "t.yaml", 3, 5)
        assert str(problem) == "t.yaml:3:5: cycle: a -> a"
        warning = Problem("unused-fact", "x", "t.yaml", 1, 1, "warning")
        assert str(warning) == "t.yaml:1:1: unused-fact (warning): x"


MINI = (DATA / "good" / "mini.yaml").read_text(encoding="utf-8")


def _messages(text: str) -> list[tuple[str, str]]:
    return [(p.code, p.message) for p in parse_tree(text, "t.yaml").problems]


class TestMessages:
    """Each message says what is wrong in the author's terms, never misleading."""

    def test_an_id_starting_with_a_digit_is_told_the_real_rule(self) -> None:
        """`2` is refused because an id starts with a letter, and the message says so."""
        ((code, message),) = _messages(MINI.replace('id: "yes"', 'id: "2"'))
        assert code == "invalid-id"
        assert "'2' is not a valid id: it starts with a digit" in message
        assert "starts with a lowercase ASCII letter" in message

    def test_one_option_is_too_few_in_the_schema_too(self) -> None:
        """The schema and the checker agree that a question needs two options."""
        from okpay_triage.tree.model import Tree

        question = Tree.model_json_schema()["$defs"]["Question"]
        assert question["properties"]["options"]["minItems"] == 2
        one = MINI.replace(
            '      - {id: "yes", label: {en: "Yes", zh: "好了"}, next: o_done}\n', ""
        )
        codes = [code for code, _ in _messages(one)]
        assert codes[0] == "too-few-options"

    def test_an_unquoted_comma_in_a_text_says_to_quote_it(self) -> None:
        """`{en: It works, it just fails}` is not "unknown key 'it just fails'"."""
        broken = MINI.replace('{en: "Did it work?"', "{en: It works, it just fails")
        ((code, message),) = _messages(broken)
        assert code == "unknown-field"
        assert "'it just fails' is read as a key" in message
        assert "put the whole text in quotes" in message

    def test_a_missing_kind_is_missing(self) -> None:
        """No `kind` is a missing key; a misspelt kind is invalid, with the likely kind."""
        assert _messages(MINI.replace("    kind: question\n", "", 1)) == [
            ("missing-field", "node 'q1': required key 'kind' missing (question, input or outcome)")
        ]
        ((code, message),) = _messages(MINI.replace("kind: question", "kind: questoin"))
        assert code == "invalid-kind"
        assert message.endswith("(did you mean 'question'?)")

    @pytest.mark.parametrize(
        ("key", "hint"),
        [("when", ""), ("nxet", ""), ("promt", " (did you mean 'prompt'?)")],
    )
    def test_did_you_mean_offers_only_keys_valid_there(self, key: str, hint: str) -> None:
        """An unknown key on a question is offered only a question's keys: `when` gets no
        'en', a `next` misspelt on a question is no guess either (questions have none)."""
        broken = MINI.replace("    kind: question\n", f"    kind: question\n    {key}: x\n")
        assert _messages(broken) == [("unknown-field", f"node 'q1': unknown key '{key}'{hint}")]

    @pytest.mark.parametrize("loader", ["libyaml", "python"])
    @pytest.mark.parametrize(
        ("text", "says"),
        [
            ("a:\n  b: 1\n c: 2\n", "does not line up with the keys of the mapping"),
            ("a:\n  b: 1\n   c: 2\n", "indented deeper than the keys before it"),
            ("a:\n  - x: 1\n   - x: 3\n", "does not line up with the list that starts at line 2"),
            ("a:\n  b: x\n  just text\n  c: 2\n", "the text at line 3 is not a 'key: value'"),
            ("a: {en: Note: do this, zh: x}\n", "put the whole text in quotes"),
            ('a: "abc\nb: 1\n', "its closing quote is missing"),
        ],
    )
    def test_yaml_syntax_errors_are_in_plain_words(
        self, monkeypatch: pytest.MonkeyPatch, loader: str, text: str, says: str
    ) -> None:
        """Indentation and quoting mistakes say what to change, with libyaml or without."""
        if loader == "python":
            monkeypatch.setattr("okpay_triage.tree.parse.YAML_LOADER", yaml.SafeLoader)
        ((code, message),) = _messages(text)
        assert code == "yaml-syntax"
        assert says in message
        assert "expected" not in message
