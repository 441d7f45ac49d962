"""What `validate` says about the mistakes an author makes, one fixture file per mistake.

Each file in `tests/data/authoring/` reproduces one finding of the authoring review (issue
17): an answer that changes nothing, a start that is an outcome, an id that is a digit, an
unquoted comma in `{...}`, a key indented too far, a node without `kind`, an unknown key
`when`, a shape error beside a question whose answer changes nothing (point 4: the checks
that can still run do). `EXPECTED.yaml` lists every problem each gives, in order; none may use the
parser's or the schema library's own wording, or guess a text key for a node key.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from okpay_triage.cli import cli
from okpay_triage.tree.load import read_tree

FIXTURES = Path(__file__).parent / "data" / "authoring"
EXPECTED: dict[str, list[str]] = yaml.safe_load((FIXTURES / "EXPECTED.yaml").read_text("utf-8"))

WARNING_CODES = ("answer-changes-nothing", "start-is-outcome")

#: Words that mean a message was passed through from PyYAML or pydantic, or misleads.
MISLEADING = (
    "expected <block end>",
    "mapping values are not allowed",
    "Input should",
    "did you mean 'en'",
    "kind must be question",
    "lowercase ASCII letters and digits",
    "at least 1 ",
)


def test_every_fixture_is_listed() -> None:
    names = {p.name for p in FIXTURES.iterdir() if p.name != "EXPECTED.yaml"}
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_mistake_gets_its_message(name: str) -> None:
    problems = read_tree(FIXTURES / name).problems
    assert [p.code for p in problems] == [line.split(": ", 1)[0] for line in EXPECTED[name]]
    for problem, line in zip(problems, EXPECTED[name], strict=True):
        assert line.split(": ", 1)[1] in problem.message
        assert problem.line >= 1
        assert problem.column >= 1
        assert not any(words in problem.message for words in MISLEADING), problem.message


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_command_line_says_the_same(name: str) -> None:
    """From the command line: one line per problem, warnings marked `(warning)` and
    counted apart; each fixture has an error, so the exit code is 1."""
    result = CliRunner().invoke(cli, ["validate", str(FIXTURES / name)])
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == len(EXPECTED[name])
    warnings = sum(1 for line in EXPECTED[name] if line.split(":")[0] in WARNING_CODES)
    assert result.stdout.count(" (warning): ") == warnings
    assert f"{len(EXPECTED[name]) - warnings} error(s), {warnings} warning(s)" in result.stderr


def test_a_question_that_changes_nothing_alone_is_only_a_warning(tmp_path: Path) -> None:
    """Without the outcome it cut off, the tree loads and the warning remains."""
    text = (FIXTURES / "answer-changes-nothing.yaml").read_text("utf-8")
    start = text.index("  - id: o_done")
    end = text.index("  - id: o_help")
    path = tmp_path / "t.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    result = read_tree(path)
    assert result.tree is not None
    assert [(p.code, p.severity) for p in result.problems] == [
        ("answer-changes-nothing", "warning")
    ]
    assert CliRunner().invoke(cli, ["validate", str(path)]).exit_code == 0
