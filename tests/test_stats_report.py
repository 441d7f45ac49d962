"""`run ... --log cases.db`, then `stats --log cases.db --json` and `--html report.html`:
every figure checked against the numbers worked out from scripted sessions whose answers
are known (two trees, finished and abandoned cases, both languages), and the page rendered
in headless Chromium: the figures in its DOM, bars as long as their counts, nothing fetched
from anywhere."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from okpay_triage import load_tree
from okpay_triage.authoring.stats import Figures, Report, case_figures, figures_page
from okpay_triage.cases.page import BAR_WIDTH, ESCALATION_COLOURS
from okpay_triage.cases.records import CaseRecord, PathStep
from okpay_triage.cli import cli

LOGIN = load_tree("login-failure").version
FEE = load_tree("fee-dispute").version
#: A login case that ends escalated (o_lock_unresolved: yes, high), 8 questions.
ESCALATED = ["locked", "1", "2", "13812345678", "I don't remember", "I don't remember",
             "not sure", "I don't remember"]  # fmt: skip
#: (tree, lang, answers): what each scripted user answered. Worked out below: login-failure
#: 3 fixes at o_reset_done (2 questions each, one in Chinese), 1 escalation, 1 user who left
#: at q_reset; fee-dispute 1 fix at o_two_transactions (3 questions, Chinese), 1 user who
#: left at q_twice_type.
SESSIONS = [
    ("login-failure", "en", ["forgot", "done"]),
    ("login-failure", "en", ["forgot", "done"]),
    ("login-failure", "zh", ["forgot", "done"]),
    ("login-failure", "en", ESCALATED),
    ("login-failure", "en", ["forgot"]),
    ("fee-dispute", "zh", ["2", "1", "2"]),
    ("fee-dispute", "en", ["2"]),
]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), input="")


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("log") / "cases.db"
    for tree, lang, answers in SESSIONS:
        scripted = [arg for answer in answers for arg in ("--answer", answer)]
        result = invoke("run", tree, "--lang", lang, *scripted, "--log", str(where))
        assert result.exit_code in (0, 3), result.output  # 3: answers ran out (abandoned)
    return where


def stats_json(*args: str) -> dict[str, object]:
    import json

    result = invoke("stats", *args, "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_every_figure_of_the_scripted_sessions(log: Path) -> None:
    data = stats_json("--log", str(log))
    overall = data["overall"]
    assert isinstance(overall, dict)
    assert (overall["cases"], overall["finished"], overall["abandoned"]) == (7, 5, 2)
    assert (overall["self_service"], overall["self_service_rate"]) == (4, round(4 / 7, 4))
    assert (overall["escalated"], overall["escalation_rate"], overall["conditional"]) == (1, 0.2, 0)
    assert overall["outcomes"] == {
        "o_lock_unresolved": {"cases": 1, "escalate": "yes", "priority": "high"},
        "o_reset_done": {"cases": 3, "escalate": "no", "priority": "low"},
        "o_two_transactions": {"cases": 1, "escalate": "no", "priority": "low"},
    }
    assert overall["priorities"] == {"high": 1, "low": 4}
    assert overall["drop_off"] == {
        "q_reset": {"reached": 4, "abandoned": 1},  # 3 fixes and the one who left
        "q_twice_type": {"reached": 2, "abandoned": 1},
    }
    assert overall["median_questions"] == 2  # 2, 2, 2, 3, 7
    assert isinstance(overall["median_seconds"], float)
    assert overall["median_seconds"] >= 0
    groups = {(g["tree"], g["version"], g["lang"]): g for g in data["groups"]}  # type: ignore[attr-defined]
    assert {key: (g["cases"], g["finished"], g["abandoned"]) for key, g in groups.items()} == {
        ("fee-dispute", FEE, "en"): (1, 0, 1),
        ("fee-dispute", FEE, "zh"): (1, 1, 0),
        ("login-failure", LOGIN, "en"): (4, 2 + 1, 1),
        ("login-failure", LOGIN, "zh"): (1, 1, 0),
    }
    assert groups[("login-failure", LOGIN, "en")]["self_service_rate"] == 0.5
    assert groups[("login-failure", LOGIN, "en")]["escalation_rate"] == round(1 / 3, 4)
    assert groups[("login-failure", LOGIN, "en")]["median_questions"] == 2  # 2, 2, 7
    trees = {t["tree"]: t for t in data["trees"]}  # type: ignore[attr-defined]
    assert trees["login-failure"]["funnel"] == [
        {"step": "q_symptom", "reached": 5, "left": 0, "ended": 0},
        {"step": "q_reset", "reached": 4, "left": 1, "ended": 0},
        {"step": "o_reset_done", "reached": 3, "left": 0, "ended": 3},
    ]
    assert trees["fee-dispute"]["funnel"] == [
        {"step": "q_problem", "reached": 2, "left": 0, "ended": 0},
        {"step": "q_twice_type", "reached": 2, "left": 1, "ended": 0},
        {"step": "q_twice_check", "reached": 1, "left": 0, "ended": 0},
        {"step": "o_two_transactions", "reached": 1, "left": 0, "ended": 1},
    ]
    assert (
        trees["fee-dispute"]["self_service_rate"],
        trees["fee-dispute"]["median_questions"],
    ) == (
        0.5,
        3,
    )


def test_one_tree_by_tree_or_by_its_positional_id(log: Path) -> None:
    """--tree T and the positional TREE (as before) keep the same cases; two different
    ones are refused."""
    by_option = stats_json("--log", str(log), "--tree", "fee-dispute")
    by_argument = stats_json("fee-dispute", "--log", str(log))
    assert by_option == by_argument
    assert by_option["overall"]["cases"] == 2  # type: ignore[index]
    both = invoke("stats", "login-failure", "--log", str(log), "--tree", "fee-dispute")
    assert both.exit_code == 2
    assert "name different trees" in both.output
    without_log = invoke("stats", "--tree", "fee-dispute")
    assert without_log.exit_code == 2
    assert "--tree and --html go with --log" in without_log.output


class Page(HTMLParser):
    """The elements of a rendered page: tag, attributes and the text inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        #: The headline tables' cells: scope (overall or a tree id) -> figure -> its text.
        self.headlines: dict[str, dict[str, str]] = {}
        self.cell: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.elements.append((tag, found))
        if tag == "table" and "data-scope" in found:
            self.headlines[found["data-scope"]] = {}
        if tag == "td" and "data-figure" in found:
            self.cell = (list(self.headlines)[-1], found["data-figure"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.cell is not None:
            scope, figure = self.cell
            self.headlines[scope][figure] = data

    def having(self, tag: str, **wanted: str) -> list[dict[str, str]]:
        return [
            attrs
            for name, attrs in self.elements
            if name == tag and all(attrs.get(k.replace("_", "-")) == v for k, v in wanted.items())
        ]


def rendered(page: Path, tmp_path: Path) -> Page:
    """`page` as headless Chromium renders it (its DOM after loading), parsed."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("chromium is not installed (CI installs it: apt-get install -y chromium)")
    dom = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'chromium'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "</svg>" in dom
    parsed = Page()
    parsed.feed(dom)
    return parsed


def test_the_html_page_rendered_in_chromium(log: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    result = invoke("stats", "--log", str(log), "--html", str(report))
    assert result.exit_code == 0, result.output
    assert f"{report} written: 7 case(s)" in result.stderr
    html = report.read_text("utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert "<script" not in html
    assert "<link" not in html
    assert "@import" not in html
    page = rendered(report, tmp_path)
    figures = ["cases", "finished", "abandoned", "self-service", "escalation", "conditional"]
    figures += ["median-questions"]
    assert {scope: [cells[f] for f in figures] for scope, cells in page.headlines.items()} == {
        "overall": ["7", "5", "2", "57.1%", "20.0%", "0", "2"],
        "fee-dispute": ["2", "1", "1", "50.0%", "0.0%", "0", "3"],
        "login-failure": ["5", "4", "1", "60.0%", "25.0%", "0", "2"],
    }
    assert float(page.headlines["overall"]["median-seconds"]) >= 0
    text = " ".join(page.text)
    assert "o_reset_done: 3 (no, priority low)" in text
    assert "q_reset: 4 reached, 1 left, 0 ended here" in text
    for tree in ("login-failure", "fee-dispute"):
        assert page.having("section", data_tree=tree)
    bars = page.having("rect", **{"class": "funnel-bar"})
    assert [int(b["data-count"]) for b in bars] == [2, 2, 1, 1, 5, 4, 3]  # trees by id
    for first, rows in ((0, 4), (4, 3)):
        most = int(bars[first]["data-count"])
        for bar in bars[first : first + rows]:
            assert float(bar["width"]) == pytest.approx(BAR_WIDTH * int(bar["data-count"]) / most)
    left = page.having("rect", **{"class": "funnel-left"})
    assert [int(b["data-count"]) for b in left] == [0, 1, 0, 0, 0, 1, 0]
    outcomes = page.having("rect", **{"class": "outcome-bar"})
    assert [(b["data-outcome"], b["data-count"], b["fill"]) for b in outcomes] == [
        ("o_two_transactions", "1", ESCALATION_COLOURS["no"]),
        ("o_lock_unresolved", "1", ESCALATION_COLOURS["yes"]),
        ("o_reset_done", "3", ESCALATION_COLOURS["no"]),
    ]
    assert float(outcomes[1]["width"]) == pytest.approx(BAR_WIDTH / 3)
    assert "13812345678" not in html  # the account typed is a fact: never in the page


def test_the_page_never_overwrites_a_file_and_speaks_chinese(log: Path, tmp_path: Path) -> None:
    held = tmp_path / "held.html"
    held.write_text("mine", "utf-8")
    refused = invoke("stats", "--log", str(log), "--html", str(held))
    assert refused.exit_code == 1
    assert "will not overwrite" in refused.output
    assert "Traceback" not in refused.output
    assert held.read_text("utf-8") == "mine"
    zh = tmp_path / "zh.html"
    assert invoke("stats", "--log", str(log), "--html", str(zh), "--lang", "zh").exit_code == 0
    assert '<html lang="zh">' in zh.read_text("utf-8")
    assert "案例统计" in zh.read_text("utf-8")
    assert "漏斗" in zh.read_text("utf-8")


def test_text_from_files_is_escaped(tmp_path: Path) -> None:
    """Tree and step ids come from files: markup in them is shown, never run."""
    evil = "<script>alert(1)</script>"
    figures = Figures(
        cases=1, finished=0, abandoned=1, self_service=0, escalated=0, conditional=0,
        outcomes={}, priorities={}, drop_off={evil: {"reached": 1, "abandoned": 1}},
        median_questions=None, median_seconds=None,
        funnel=({"step": evil, "reached": 1, "left": 1, "ended": 0},),
    )  # fmt: skip
    report = Report(figures, {(evil, '1"', "en"): figures}, {evil: figures})
    page_file = tmp_path / "evil.html"
    page_file.write_text(figures_page(report, "en"), "utf-8")
    page = rendered(page_file, tmp_path)
    assert not [tag for tag, _ in page.elements if tag == "script"]
    assert evil in " ".join(page.text)
    assert page.having("rect", **{"class": "funnel-bar", "data-step": evil})


STEPS = ["a", "b", "c", "d"]


@st.composite
def case_records(draw: st.DrawFn) -> CaseRecord:
    way = draw(st.lists(st.sampled_from(STEPS), max_size=4))
    left = draw(st.booleans())
    end = draw(st.sampled_from(STEPS))
    return CaseRecord(
        case_id="c", tree_id="t", tree_version="1", tree_hash="h", lang="en",
        status="abandoned" if left else "finished",
        outcome_id=None if left else f"o_{end}", escalate=None if left else "no",
        priority=None if left else "low", severity=None, started_at=None,
        finished_at=datetime(2026, 12, 1, tzinfo=UTC), questions=len(way),
        abandoned_at=end if left else None,
        path=tuple(PathStep(step, "x", None, "answer") for step in way), facts={},
    )  # fmt: skip


def first_step(record: CaseRecord) -> str | None:
    if record.path:
        return record.path[0].step_id
    return record.abandoned_at or record.outcome_id


@given(st.lists(case_records(), max_size=12))
def test_a_funnel_only_narrows(records: list[CaseRecord]) -> None:
    """Any cases: each funnel step is reached by no more cases than the one before, those
    that leave or end there are among them, and no step comes twice."""
    funnel = case_figures(records).overall.funnel
    reached = [row["reached"] for row in funnel]
    assert reached == sorted(reached, reverse=True)
    assert all(row["left"] + row["ended"] <= row["reached"] for row in funnel)
    assert len({row["step"] for row in funnel}) == len(funnel)
    firsts = Counter(first_step(r) for r in records)
    assert (funnel[0]["reached"] if funnel else 0) == max(firsts.values(), default=0)
    assert sum(row["left"] for row in funnel) <= sum(r.status == "abandoned" for r in records)
