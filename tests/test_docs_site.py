"""The documentation site builds without a warning and shows what the code says.

`mkdocs build --strict` fails on any warning: a broken link or anchor, a page missing from
the nav, a docstring mkdocstrings cannot read. The API and command-line pages are generated
from the code, so these tests check them against the code itself rather than a copy.
"""

from __future__ import annotations

import html
import inspect
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import okpay_triage
from okpay_triage.cli import cli

ROOT = Path(__file__).resolve().parents[1]

PAGES = [
    "index.html",
    "tutorial/index.html",
    "tutorial-zh/index.html",
    "authoring/index.html",
    "testing/index.html",
    "embedding/index.html",
    "configuration/index.html",
    "reference/index.html",
    "cli/index.html",
    "packet/index.html",
    "trees/index.html",
    "checks/index.html",
    "privacy/index.html",
    "performance/index.html",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as `mkdocs build --strict` writes it."""
    out = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    command += ["--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(out)]
    # The Material theme prints a notice about MkDocs 2 on every build; it is not a warning.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def page_text(site: Path, page: str) -> str:
    """The visible text of a built page, tags removed and white space collapsed."""
    markup = (site / page).read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", " ", markup))
    return " ".join(text.split())


def squashed(text: str) -> str:
    """`text` without white space, so that markup boundaries do not matter."""
    return re.sub(r"\s+", "", text)


def plain(docstring: str) -> str:
    """A docstring as the site shows it, without Markdown's backticks or white space."""
    return squashed(docstring.replace("`", ""))


def test_every_page_is_built(site: Path) -> None:
    """The strict build succeeds and writes the home page, tutorials, how-tos and reference."""
    missing = [page for page in PAGES if not (site / page).is_file()]
    assert not missing


def test_tutorial_in_both_languages(site: Path) -> None:
    """The tutorial runs a real session in English, and again in Chinese."""
    english = page_text(site, "tutorial/index.html")
    assert "okpay-triage run login-failure --save session.json" in english
    chinese = page_text(site, "tutorial-zh/index.html")
    assert "okpay-triage run login-failure --lang zh --save session.json" in chinese
    assert "您登录时遇到了什么情况？" in chinese


@pytest.mark.parametrize("name", sorted(set(okpay_triage.__all__) - {"__version__"}))
def test_api_reference_shows_each_docstring(site: Path, name: str) -> None:
    """The Python API page is generated from the code: each public name's docstring is on it."""
    summary = inspect.getdoc(getattr(okpay_triage, name))
    assert summary
    assert plain(summary.split("\n\n")[0]) in squashed(page_text(site, "reference/index.html"))


def test_api_reference_shows_session_methods(site: Path) -> None:
    """Session's methods appear with their own docstrings, not only the class."""
    text = squashed(page_text(site, "reference/index.html"))
    for method in ("start", "answer", "back", "to_json", "from_json"):
        doc = inspect.getdoc(getattr(okpay_triage.Session, method))
        assert doc
        assert plain(doc.splitlines()[0]) in text, method


def test_cli_reference_lists_every_command_and_option(site: Path) -> None:
    """Every command of the click group, and every option of each, is on the CLI page."""
    text = page_text(site, "cli/index.html")
    assert isinstance(cli, click.Group)
    assert cli.commands
    for name, command in cli.commands.items():
        assert f"okpay-triage {name}" in text
        for param in command.params:
            if isinstance(param, click.Option):
                for flag in param.opts + param.secondary_opts:
                    assert flag in text, f"{name} {flag}"


def test_cli_reference_lists_exit_codes(site: Path) -> None:
    """The hand-written exit-code table covers every code the command line uses."""
    text = page_text(site, "cli/index.html")
    for code in ("0", "1", "2", "3", "130"):
        assert re.search(rf"\b{code} \S", text), code


def test_linked_repository_files_get_source_pages(site: Path) -> None:
    """Links from the docs to example programs lead to a page with their source."""
    page = site / "source" / "examples" / "chat_backend.py" / "index.html"
    assert "def handle" in page_text(site, str(page.relative_to(site)))
    embedding = (site / "embedding" / "index.html").read_text(encoding="utf-8")
    assert "../source/examples/chat_backend.py/" in embedding


def console_commands(page: str) -> list[tuple[list[str], list[str]]]:
    """The `$ okpay-triage ...` commands of a page's console blocks, each with the lines the
    page shows it printing (an `echo $?` after it adds `exit N`); `...` marks a cut."""
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    found: list[tuple[list[str], list[str]]] = []
    for block in re.findall(r"^```console\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, *shown = chunk.rstrip("\n").split("\n")
            if command == "echo $?" and found:
                found[-1][1].append(f"exit {shown[0]}")
            else:
                found.append((shlex.split(command), shown))
    return found


def scripted(argv: list[str]) -> bool:
    """Whether a documented command runs without a terminal and without earlier state."""
    if argv[0] != "okpay-triage":
        return False
    return argv[1] in ("--version", "list", "suggest") or (argv[1] == "run" and "--answer" in argv)


@pytest.mark.parametrize("page", ["tutorial.md", "tutorial-zh.md"])
def test_tutorial_transcripts_are_what_the_tool_prints(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each scripted command in a tutorial prints the lines shown, in order, and exits with
    the code shown."""
    monkeypatch.chdir(tmp_path)
    commands = [(argv, shown) for argv, shown in console_commands(page) if scripted(argv)]
    assert commands
    for argv, shown in commands:
        result = CliRunner().invoke(cli, argv[1:])
        printed = iter(result.output.splitlines())
        for line in shown:
            if line.startswith("exit "):
                assert result.exit_code == int(line.split()[1]), argv
            elif line != "...":
                assert line in printed, f"{shlex.join(argv)}: {line!r} not printed"
