"""Route steps: branching on a fact already known, by thresholds from configuration.

The tree is tests/data/good/routes.yaml: a choice question, an amount, an optional time of
payment, then three routes (amount above a threshold; time older than an age, or known;
method in a set). Its bad siblings, one per failure mode, are in tests/data/bad/route-*.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from okpay_triage.authoring.diagram import to_dot, to_mermaid
from okpay_triage.authoring.stats import tree_stats
from okpay_triage.cli import cli
from okpay_triage.config import Config, load_config
from okpay_triage.errors import ConfigError, SessionError, TreeError
from okpay_triage.session import saved
from okpay_triage.session.engine import Session
from okpay_triage.session.routes import (
    MoneyThreshold,
    parse_threshold,
    threshold_problems,
    threshold_text,
)
from okpay_triage.testing import answer_paths
from okpay_triage.tree.load import load_tree, read_tree
from okpay_triage.types import Source

DATA = Path(__file__).parent / "data"
TREE = load_tree(DATA / "good" / "routes.yaml")
THRESHOLDS: dict[str, object] = {"large_amount": "5000 CNY", "refund_window": "P30D"}
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def walk(*answers: str, thresholds: dict[str, object] | None = None, **facts: str) -> Session:
    session = Session.start(
        TREE, facts=facts, thresholds=THRESHOLDS if thresholds is None else thresholds, now=NOW
    )
    for answer in answers:
        session = session.answer(answer, now=NOW)
    return session


def paid(days_ago: float) -> str:
    """A time of payment `days_ago` days before NOW, as typed (UTC, to the minute)."""
    moment = NOW - timedelta(minutes=round(days_ago * 1440))
    return moment.isoformat(timespec="minutes")


class TestEngine:
    def test_an_amount_above_the_threshold_routes_to_its_branch(self) -> None:
        session = walk("card", "6000 CNY", paid(1))
        assert session.outcome is not None
        assert session.outcome.id == "o_large"
        assert session.routes == [("r_amount", "above:large_amount")]

    def test_an_amount_equal_to_the_threshold_is_not_above_it(self) -> None:
        session = walk("card", "5000 CNY", paid(1))
        assert session.routes[0] == ("r_amount", "default")
        assert session.outcome is not None
        assert session.outcome.id == "o_bank"

    def test_a_choice_in_the_set_and_one_outside_it(self) -> None:
        assert walk("bank", "10", paid(1)).node.id == "o_bank"
        wallet = walk("wallet", "10", paid(1))
        assert wallet.node.id == "o_wallet"
        assert wallet.routes == [
            ("r_amount", "default"),
            ("r_age", "known"),
            ("r_method", "default"),
        ]

    def test_a_time_older_than_the_age(self) -> None:
        assert walk("card", "10", paid(31)).node.id == "o_late"
        assert walk("card", "10", paid(29)).node.id == "o_bank"

    def test_a_time_exactly_the_age_old_is_not_older(self) -> None:
        session = walk("card", "10", paid(30))
        assert ("r_age", "known") in session.routes

    def test_a_skipped_fact_meets_no_condition_but_the_default(self) -> None:
        session = walk("card", "10", "skip")
        assert session.node.id == "o_no_date"
        assert session.routes[-1] == ("r_age", "default")

    def test_a_route_is_not_in_the_transcript_nor_a_fact(self) -> None:
        session = walk("card", "6000", paid(1))
        assert [e.node_id for e in session.transcript] == ["q_method", "i_amount", "i_paid"]
        assert session.facts["amount"] == "6000.00 CNY"
        assert set(session.facts) == {"method", "amount", "paid_at"}

    def test_back_from_an_outcome_undoes_the_route_with_the_answer(self) -> None:
        session = walk("card", "6000", paid(1)).back()
        assert session.node.id == "i_paid"
        assert session.routes == []

    def test_a_currency_the_threshold_has_no_amount_in_is_neither_above_nor_below(
        self,
    ) -> None:
        session = walk("card", "900000 USD", paid(1))
        assert session.routes[0] == ("r_amount", "default")
        per_currency = {**THRESHOLDS, "large_amount": ["5000 CNY", "700 USD"]}
        assert walk("card", "900 USD", paid(1), thresholds=per_currency).node.id == "o_large"

    def test_facts_given_up_front_route_for_real(self) -> None:
        """A caller's amount decides the branch: nothing trusts a label beside it."""
        session = walk(method="wallet", amount="6000 CNY", paid_at=paid(1))
        assert session.finished
        assert session.node.id == "o_large"
        assert [source for _, _, source in _entries(session)] == [
            "context",
            "context",
            "context",
            "route",
        ]

    def test_a_missing_threshold_stops_the_session_when_it_is_reached(self) -> None:
        with pytest.raises(ConfigError) as caught:
            walk("card", "10", paid(1), thresholds={"refund_window": "P30D"})
        assert caught.value.problems[0].code == "threshold-missing"
        assert "'large_amount'" in str(caught.value)

    def test_a_threshold_of_the_wrong_kind_is_refused(self) -> None:
        with pytest.raises(ConfigError) as caught:
            walk("card", "10", paid(1), thresholds={**THRESHOLDS, "large_amount": "P3D"})
        assert caught.value.problems[0].code == "threshold-type"

    def test_a_tree_can_start_with_a_route_on_caller_facts(self, tmp_path: Path) -> None:
        data = yaml.safe_load((DATA / "good" / "routes.yaml").read_text(encoding="utf-8"))
        for fact in data["facts"].values():
            fact["from_caller"] = True
        data["nodes"] = [
            n for n in data["nodes"] if n["kind"] != "question" and n["kind"] != "input"
        ]
        data["start"] = "r_amount"
        data["facts"]["method"]["choices"] = ["card", "bank", "wallet"]  # no question to bind
        path = tmp_path / "caller.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        tree = load_tree(path)
        given = {"method": "card", "amount": "20 CNY", "paid_at": paid(40)}
        session = Session.start(tree, facts=given, thresholds=THRESHOLDS, now=NOW)
        assert session.node.id == "o_late"
        assert session.transcript == []
        nothing = Session.start(tree, thresholds=THRESHOLDS, now=NOW)
        assert nothing.node.id == "o_no_date"

    def test_no_threshold_is_needed_before_a_route_needs_it(self) -> None:
        session = walk("card", thresholds={})
        assert session.node.id == "i_amount"


def _entries(session: Session) -> list[tuple[str, str | None, Source]]:
    data = json.loads(session.to_json())
    return [(a["node"], a["answer"], a["source"]) for a in data["answers"]]


class TestMoneyProperty:
    @settings(max_examples=150, deadline=None)
    @given(
        amount=st.decimals(min_value=Decimal("0.01"), max_value=10**7, places=2),
        limit=st.decimals(min_value=0, max_value=10**7, places=2),
    )
    def test_the_route_taken_agrees_with_a_direct_comparison(
        self, amount: Decimal, limit: Decimal
    ) -> None:
        session = walk(
            "card",
            f"{amount} CNY",
            paid(1),
            thresholds={
                "large_amount": f"{limit} CNY",
                "refund_window": "P30D",
            },
        )
        assert (session.routes[0][1] == "above:large_amount") == (amount > limit)

    @settings(max_examples=150, deadline=None)
    @given(
        minutes=st.integers(min_value=0, max_value=400 * 1440),
        age=st.integers(min_value=1, max_value=400 * 1440),
    )
    def test_an_age_agrees_with_a_direct_comparison(self, minutes: int, age: int) -> None:
        """Times are kept to the minute, so both are whole minutes."""
        session = walk(
            "card",
            "10",
            paid(minutes / 1440),
            thresholds={"large_amount": "5000 CNY", "refund_window": f"PT{age}M"},
        )
        assert (session.routes[1][1] == "older_than:refund_window") == (minutes > age)


class TestSaved:
    def test_a_saved_session_replays_its_routes_as_taken(self) -> None:
        session = walk("card", "6000", paid(1))
        text = session.to_json()
        saved.forget()
        again = Session.from_json(text, TREE)  # no thresholds: nothing is taken again
        assert again == session
        assert again.routes == session.routes

    def test_a_threshold_changed_before_resuming_leaves_the_taken_route(self) -> None:
        half = walk("card", "6000", thresholds={"large_amount": "5000 CNY"})
        text = half.to_json()
        saved.forget()
        resumed = Session.from_json(text, TREE, thresholds={**THRESHOLDS, "large_amount": "1 CNY"})
        done = resumed.answer(paid(1), now=NOW)
        assert done.routes == [("r_amount", "above:large_amount")]

    def test_routes_ahead_use_the_thresholds_given_at_resume(self) -> None:
        half = walk("card", "10", thresholds={})
        text = half.to_json()
        saved.forget()
        resumed = Session.from_json(text, TREE, thresholds={"large_amount": "1 CNY"})
        assert resumed.answer("skip").node.id == "o_large"

    @pytest.mark.parametrize(
        ("edit", "message"),
        [
            (lambda a: {**a, "answer": "above:huge"}, "does not fit"),
            (lambda a: {**a, "source": "user"}, "answer 4"),
            (lambda a: {**a, "source": "robot"}, "damaged"),
        ],
    )
    def test_an_edited_route_answer_is_refused(self, edit, message) -> None:  # type: ignore[no-untyped-def]
        data = json.loads(walk("card", "6000", paid(1)).to_json())
        data["answers"][3] = edit(data["answers"][3])
        saved.forget()
        with pytest.raises(SessionError) as caught:
            Session.from_json(json.dumps(data), TREE)
        assert message in str(caught.value)

    def test_a_changed_branch_is_refused_on_upgrade_as_diff_says(self) -> None:
        from okpay_triage.authoring.diff import diff_trees
        from okpay_triage.tree.load import parse_tree

        text = (DATA / "good" / "routes.yaml").read_text(encoding="utf-8")
        changed = text.replace('version: "1"', 'version: "2"').replace(
            "above: large_amount", "above: huge"
        )
        new = parse_tree(changed).tree
        assert new is not None
        session = walk("card", "6000", paid(1))
        diff = diff_trees(TREE, new)
        assert [str(c) for c in diff.changes] == [
            "+ option r_amount/above:huge",
            "- option r_amount/above:large_amount",
        ]
        assert diff.resumes(_entries(session)) is False
        saved.forget()
        with pytest.raises(SessionError) as caught:
            Session.from_json(session.to_json(), new)
        assert caught.value.code == "tree-changed"
        assert "no longer has the branch 'above:large_amount'" in str(caught.value)
        unaffected = walk("wallet", "10", paid(1))  # took the default: still resumes
        assert diff.resumes(_entries(unaffected)) is True
        assert Session.from_json(unaffected.to_json(), new).node.id == "o_wallet"


class TestChecks:
    def test_the_good_tree_has_no_problem(self) -> None:
        assert read_tree(DATA / "good" / "routes.yaml").problems == []

    def test_a_tree_never_holds_a_number(self) -> None:
        path = DATA / "bad" / "route-number.yaml"
        with pytest.raises(TreeError) as caught:
            load_tree(path)
        [problem] = caught.value.problems
        assert "never holds the number" in problem.message
        line = path.read_text(encoding="utf-8").splitlines()[problem.line - 1]
        assert line[problem.column - 1 :].startswith("{above: 5000}")

    def test_a_route_that_decides_nothing_is_warned_about(self, tmp_path: Path) -> None:
        text = (DATA / "good" / "routes.yaml").read_text(encoding="utf-8")
        path = tmp_path / "same.yaml"
        path.write_text(text.replace("next: o_bank}", "next: o_wallet}"), encoding="utf-8")
        codes = [(p.code, p.severity) for p in read_tree(path).problems]
        assert ("route-changes-nothing", "warning") in codes

    def test_thresholds_are_checked_against_a_configuration(self) -> None:
        problems = threshold_problems(TREE, {"large_amount": parse_threshold("P1D")})
        assert [p.code for p in problems] == ["threshold-type", "threshold-missing"]
        assert all(p.line > 1 for p in problems)  # placed at the condition in the file
        covered = {
            "large_amount": parse_threshold(["5000 CNY", "700 USD"]),
            "refund_window": parse_threshold("P30D"),
        }
        assert threshold_problems(TREE, covered) == []
        one = {**covered, "large_amount": parse_threshold("5000 CNY")}
        [warning] = threshold_problems(TREE, one)
        assert (warning.code, warning.severity) == ("threshold-currency", "warning")


class TestConfig:
    def test_thresholds_read_and_written_back(self) -> None:
        written = {"big": ["5000 CNY", "700.50 USD"], "window": "P2W"}
        config = Config.model_validate({"thresholds": written})
        assert config.thresholds["big"] == MoneyThreshold(
            {"CNY": Decimal("5000"), "USD": Decimal("700.50")}
        )
        assert config.thresholds["window"] == timedelta(days=14)
        dumped = config.model_dump()["thresholds"]
        assert dumped == {"big": ["5000 CNY", "700.50 USD"], "window": "P14D"}
        assert Config.model_validate({"thresholds": dumped}) == config
        assert Config().thresholds == {}  # none is shipped

    @pytest.mark.parametrize(
        "value", ["5000", "P", "PXD", "5000 cny", ["1 CNY", "2 CNY"], [], "-1 CNY"]
    )
    def test_a_bad_threshold_is_refused_at_its_line(self, tmp_path: Path, value: object) -> None:
        path = tmp_path / "config.yaml"
        path.write_text(json.dumps({"thresholds": {"big": value}}), encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        assert "thresholds.big" in str(caught.value)
        assert "\n" not in str(caught.value)

    @pytest.mark.parametrize("text", ["PT48H", "P1DT2H3M4S", "P0D", "3 CNY", "0.5 USD"])
    def test_a_threshold_reads_back_as_written(self, text: str) -> None:
        threshold = parse_threshold(text)
        assert parse_threshold(threshold_text(threshold)) == threshold


class TestTools:
    def test_stats_count_paths_through_routes_but_not_questions(self) -> None:
        figures = tree_stats(TREE)
        assert figures.routes == 3
        assert (figures.questions, figures.inputs) == (1, 2)
        assert figures.longest == 3  # the routes ask nothing
        assert figures.as_json()["steps"] == {
            "questions": 1,
            "inputs": 2,
            "outcomes": 5,
            "routes": 3,
        }
        assert abs(sum(o.chance for o in figures.by_outcome) - 1) < 1e-9

    def test_diagrams_draw_a_route_as_a_decision(self) -> None:
        mermaid = to_mermaid(TREE)
        assert 'n_r_amount{"Amount"}' in mermaid
        assert '-->|"otherwise"| n_r_age' in mermaid
        assert '"r_age" [label="Time of payment", shape=diamond]' in to_dot(TREE)

    @settings(max_examples=25, deadline=None)
    @given(data=st.data())
    def test_walks_go_where_the_engine_takes_them(self, data: st.DataObject) -> None:
        answers = data.draw(answer_paths(TREE, thresholds=THRESHOLDS))
        session = Session.start(TREE, thresholds=THRESHOLDS)
        for answer in answers:
            session = session.answer(answer)
        assert session.finished


class TestCommandLine:
    def run(self, *args: str) -> object:
        return CliRunner().invoke(cli, list(args), input="")

    def config(self, tmp_path: Path, text: str) -> str:
        path = tmp_path / "okpay.yaml"
        path.write_text(text, encoding="utf-8")
        return str(path)

    def test_run_routes_by_the_configured_threshold(self, tmp_path: Path) -> None:
        config = self.config(tmp_path, "thresholds:\n  large_amount: 5000 CNY\n")
        tree = str(DATA / "good" / "routes.yaml")
        args = ["run", tree, "--config", config, "--answer", "card", "--answer"]
        result = CliRunner().invoke(cli, [*args, "6000 CNY", "--answer", "skip"], input="")
        assert result.exit_code == 0, result.output
        assert "A large amount" in result.output

    def test_run_without_the_threshold_says_so_in_one_line(self) -> None:
        tree = str(DATA / "good" / "routes.yaml")
        result = CliRunner().invoke(
            cli, ["run", tree, "--answer", "card", "--answer", "10", "--answer", "skip"], input=""
        )
        assert result.exit_code == 1
        [line] = [x for x in result.output.splitlines() if "threshold-missing" in x]
        assert line.startswith("(no --config given):")
        assert "'large_amount'" in line
        assert "Traceback" not in result.output

    def test_stats_name_the_routes(self) -> None:
        result = CliRunner().invoke(cli, ["stats", str(DATA / "good" / "routes.yaml")])
        assert result.exit_code == 0
        first = result.output.splitlines()[0]
        assert first.endswith("5 outcomes, 3 routes (they ask nothing)")
        zh = CliRunner().invoke(cli, ["stats", str(DATA / "good" / "routes.yaml"), "--lang", "zh"])
        assert "3 个自动分流" in zh.output

    def test_validate_checks_a_configuration(self, tmp_path: Path) -> None:
        config = self.config(tmp_path, "thresholds:\n  large_amount: P30D\n")
        tree = str(DATA / "good" / "routes.yaml")
        result = CliRunner().invoke(cli, ["validate", tree, "--config", config])
        assert result.exit_code == 1
        assert f"{tree}:42:24: threshold-type" in result.output
        assert CliRunner().invoke(cli, ["validate", tree]).exit_code == 0


class TestDocs:
    SECTION = "### Route steps: branch on what is already known"

    def section(self) -> str:
        text = (Path(__file__).parents[1] / "docs" / "authoring.md").read_text(encoding="utf-8")
        start = text.index(self.SECTION)
        return text[start : text.index("\n## ", start)]

    def test_the_python_example_runs(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(Path(__file__).parents[1])
        [block] = re.findall(r"^```python\n(.*?)^```", self.section(), re.MULTILINE | re.DOTALL)
        exec(compile(block, "docs/authoring.md", "exec"), {})

    def test_the_yaml_example_is_the_fixture(self) -> None:
        """The nodes shown are those of tests/data/good/routes.yaml, as written there."""
        [block] = re.findall(r"^```yaml\n(.*?)^```", self.section(), re.MULTILINE | re.DOTALL)
        shown = yaml.safe_load("nodes:\n" + block)["nodes"]
        fixture = yaml.safe_load((DATA / "good" / "routes.yaml").read_text(encoding="utf-8"))
        routes = [n for n in fixture["nodes"] if n["kind"] == "route"]
        assert shown == routes

    def test_every_problem_code_named_is_one_a_check_gives(self) -> None:
        named = set(re.findall(r"`((?:route|threshold)-[a-z-]+)`", self.section()))
        expected = yaml.safe_load((DATA / "bad" / "EXPECTED.yaml").read_text(encoding="utf-8"))
        given = set(expected.values()) | {
            "route-changes-nothing",
            "threshold-missing",
            "threshold-type",
            "threshold-currency",
        }
        assert named <= given
        assert {"route-fact-missing", "route-condition-mismatch"} <= named
