"""The strategies of `okpay_triage.testing` generate what they promise, and the example runs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

import okpay_triage.testing
from okpay_triage import Session, Tree, bundled_tree_ids, check_tree, load_tree
from okpay_triage.errors import AnswerError
from okpay_triage.redaction import redact
from okpay_triage.testing import (
    SensitiveText,
    answer_paths,
    context_facts,
    hostile_text,
    sensitive_text,
    sessions,
    tree_data,
    trees,
)
from okpay_triage.tree.load import parse_tree
from okpay_triage.tree.plan import compile_tree
from okpay_triage.types import FactType

ROOT = Path(__file__).resolve().parents[1]
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
Data = dict[str, Any]
# Look for an example and stop at the first: no shrinking, nothing stored.
SEARCH = settings(max_examples=5000, database=None, phases=[Phase.generate], deadline=None)


def _nodes(data: Data, kind: str) -> list[Data]:
    return [n for n in data["nodes"] if n["kind"] == kind]


def _shapes(data: Data) -> set[str]:
    """The shapes tree `data` has, named as in SHAPES."""
    inputs, outcomes = _nodes(data, "input"), _nodes(data, "outcome")
    asked = [n["fact"] for n in inputs]
    targets = [
        t
        for n in data["nodes"]
        for t in {o["next"] for o in n.get("options", ())} | {n.get("next")}
    ]
    shapes = {f"an input of type {data['facts'][f]['type']}" for f in asked}
    shapes |= {f"an outcome escalating {n['escalate']}" for n in outcomes}
    checks = {
        "a question bound to a fact": any("fact" in n for n in _nodes(data, "question")),
        "an optional input": any(n.get("optional") for n in inputs),
        "an input as the start": data["start"] in {n["id"] for n in inputs},
        "a fact asked on two branches": len(asked) > len(set(asked)),
        "a fact from the caller": any(f.get("from_caller") for f in data["facts"].values()),
        "an outcome requiring two facts": any(len(n.get("requires", ())) >= 2 for n in outcomes),
        "a step reached two ways": any(targets.count(n["id"]) >= 2 for n in data["nodes"]),
        "twenty nodes or more": len(data["nodes"]) >= 20,
        "a fact kept whole": any(f.get("keep") == "whole" for f in data["facts"].values()),
        "a fact kept masked": any(f.get("keep") == "masked" for f in data["facts"].values()),
        "an account from the caller": any(
            f["type"] == "account" and f.get("from_caller") for f in data["facts"].values()
        ),
    }
    return shapes | {name for name, holds in checks.items() if holds}


FACT_TYPES = tuple(t for t in get_args(FactType) if t != "choice")  # (choices: questions)
SHAPES = [
    *(f"an input of type {t}" for t in FACT_TYPES),
    *(f"an outcome escalating {e}" for e in ("no", "if-unresolved", "yes", "urgent")),
    "a question bound to a fact",
    "an optional input",
    "an input as the start",
    "a fact asked on two branches",
    "a fact from the caller",
    "an outcome requiring two facts",
    "a step reached two ways",
    "twenty nodes or more",
    "a fact kept whole",
    "a fact kept masked",
    "an account from the caller",
]


class TestGeneratedTrees:
    """`tree_data` and `trees` make valid trees in the real format."""

    @QUICK
    @given(tree_data())
    def test_every_tree_passes_every_check(self, data: Data) -> None:
        """Written as YAML or JSON, a generated tree loads with no problems at all."""
        as_json = parse_tree(json.dumps(data, ensure_ascii=False), "t.json", json_format=True)
        as_yaml = parse_tree(yaml.safe_dump(data, allow_unicode=True), "t.yaml")
        assert as_json.problems == []
        assert as_yaml.problems == []
        assert as_json.tree is not None
        assert as_json.tree == as_yaml.tree

    @QUICK
    @given(trees())
    def test_trees_are_loaded_and_checked(self, tree: Tree) -> None:
        """`trees()` gives loaded `Tree` objects that `check_tree` finds nothing wrong with."""
        assert isinstance(tree, Tree)
        assert check_tree(tree) == []

    @QUICK
    @given(st.integers(3, 40).flatmap(lambda n: st.tuples(st.just(n), tree_data(max_nodes=n))))
    def test_size_is_bounded(self, sized: tuple[int, Data]) -> None:
        """A tree never has more than `max_nodes` nodes (25 by default)."""
        limit, data = sized
        assert len(data["nodes"]) <= limit

    @QUICK
    @given(tree_data())
    def test_texts_are_bilingual(self, data: Data) -> None:
        """Every prompt and title has English and Chinese text."""
        for node in data["nodes"]:
            text = node.get("prompt") or node["title"]
            assert re.search(r"[A-Za-z]", text["en"])
            assert re.search(r"[\u4e00-\u9fff]", text["zh"])

    @QUICK
    @given(st.data())
    def test_every_walk_collects_what_escalation_requires(self, data: st.DataObject) -> None:
        """A walk ends at an outcome holding every required fact, bar skipped optional ones."""
        tree = data.draw(trees())
        session = Session.start(tree)
        for answer in data.draw(answer_paths(tree)):
            session = session.answer(answer)
        assert session.outcome is not None
        plan = compile_tree(tree)
        skipped = {plan.steps[e.node_id].fact for e in session.transcript if e.answer is None} | {
            k for k, f in plan.facts.items() if f.from_caller
        }
        assert set(session.missing_facts) <= skipped

    @pytest.mark.parametrize("shape", SHAPES)
    def test_generator_reaches(self, shape: str) -> None:
        """Each shape a tree author might write is generated."""
        find(tree_data(), lambda data: shape in _shapes(data), settings=SEARCH)


class TestSessions:
    """`sessions` and `context_facts` give sessions at any point of a walk."""

    @QUICK
    @given(st.data())
    def test_sessions_of_bundled_trees(self, data: st.DataObject) -> None:
        """A generated session is at a step of its tree and survives a save."""
        tree = load_tree(data.draw(st.sampled_from(bundled_tree_ids())))
        session = data.draw(sessions(tree))
        assert session.node.id in compile_tree(tree).steps
        assert Session.from_json(session.to_json(), tree) == session

    def test_sessions_reach_the_end_sometimes(self) -> None:
        """Some generated sessions are finished, some not, some in Chinese."""
        tree = load_tree("login-failure")
        assert find(sessions(tree), lambda s: s.finished).outcome is not None
        assert not find(sessions(tree), lambda s: s.depth > 2 and not s.finished).finished
        assert find(sessions(tree, lang="zh"), lambda s: True).lang == "zh"

    @QUICK
    @given(st.data())
    def test_context_facts_are_accepted(self, data: st.DataObject) -> None:
        """Facts drawn for a tree are accepted up front and kept, from context."""
        tree = data.draw(st.one_of(st.sampled_from(bundled_tree_ids()).map(load_tree), trees()))
        facts = data.draw(context_facts(tree))
        session = Session.start(tree, facts=facts)
        assert set(facts) <= set(session.facts)
        assert all(e.source == "context" for e in session.transcript)


def _chinese(text: str) -> bool:
    return bool(re.search(r"[\u3400-\u9fff]", text))


class TestAnswerPaths:
    """`answer_paths(tree, lang=..., facts=...)` walks what the session really asks."""

    @QUICK
    @given(st.data())
    def test_walks_skip_what_the_caller_gave(self, data: st.DataObject) -> None:
        """With facts up front, every answer is one the session asks for, in order, and the
        walk ends at an outcome; the steps the facts answer are not in it."""
        tree = data.draw(st.one_of(st.sampled_from(bundled_tree_ids()).map(load_tree), trees()))
        lang = data.draw(st.sampled_from([None, "en", "zh"]))
        facts = data.draw(context_facts(tree))
        answers = data.draw(answer_paths(tree, lang=lang, facts=facts))
        session = Session.start(tree, lang=lang or "en", facts=facts)
        for answer in answers:
            assert not session.finished
            session = session.answer(answer)
        assert session.finished
        by_user = [e for e in session.transcript if e.source != "context"]
        assert len(by_user) == len(answers)
        assert set(facts) <= set(session.facts)

    @QUICK
    @given(answer_paths(load_tree("failed-transaction"), lang="en"))
    def test_english_walks_say_nothing_in_chinese(self, answers: list[str]) -> None:
        """`lang="en"`: labels, synonyms and free text in English only."""
        assert not any(_chinese(answer) for answer in answers)

    @QUICK
    @given(answer_paths(load_tree("failed-transaction"), lang="zh"))
    def test_chinese_walks_never_use_english_labels(self, answers: list[str]) -> None:
        """`lang="zh"`: no option is chosen by its English label."""
        plan = compile_tree(load_tree("failed-transaction"))
        english = {label for s in plan.steps.values() for _, (label, _zh) in s.options}
        english -= {oid for s in plan.steps.values() for oid, _ in s.options}
        assert not english & set(answers)

    def test_chinese_walks_use_chinese(self) -> None:
        """`lang="zh"`: Chinese labels and free text turn up."""
        paths = answer_paths(load_tree("failed-transaction"), lang="zh")
        find(paths, lambda answers: any(_chinese(a) for a in answers), settings=SEARCH)

    @pytest.mark.parametrize(
        ("lang", "facts", "code"),
        [("fr", {}, "bad-lang"), ("en", {"no_such_fact": "x"}, "unknown-fact")],
    )
    def test_refuses_what_the_session_refuses(
        self, lang: str, facts: dict[str, str], code: str
    ) -> None:
        """A language or a fact `Session.start` would refuse is refused at once, the same way."""
        tree = load_tree("login-failure")
        with pytest.raises(AnswerError) as refused:
            answer_paths(tree, lang=lang, facts=facts)
        with pytest.raises(AnswerError) as engine:
            Session.start(tree, lang=lang, facts=facts)
        assert refused.value.code == engine.value.code


# Some hostile texts are deliberately 70,000 characters long; Hypothesis warns when it has to
# print one, which is expected here, not a fault.
@pytest.mark.filterwarnings(
    "ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning"
)
class TestHostileText:
    """`hostile_text` covers every kind of text BAD_INPUTS.md lists."""

    KINDS: dict[str, Callable[[str], bool]] = {  # noqa: RUF012 - read only
        "an ANSI escape": lambda s: "\x1b[" in s,
        "an OSC sequence": lambda s: "\x1b]" in s,
        "Rich markup": lambda s: "[/]" in s or "[bold]" in s,
        "a bidi override": lambda s: "\u202e" in s,
        "a zero-width character": lambda s: "\u200b" in s,
        "a NUL byte": lambda s: "\x00" in s,
        "a lone surrogate": lambda s: any("\ud800" <= c <= "\udfff" for c in s),
        "a header line after CR/LF": lambda s: "\r\nBcc:" in s,
        "a Markdown fence": lambda s: "```" in s,
        "HTML": lambda s: "<img" in s or "<script>" in s,
        "full-width digits": lambda s: "１" in s,
        "a very long string": lambda s: len(s) > 2000,
        "a password": lambda s: "密码" in s,
        "a CVV": lambda s: "CVV" in s,
        "a card number": lambda s: "4111 1111 1111 1111" in s or "6222 0212" in s,
    }

    @pytest.mark.parametrize("kind", sorted(KINDS))
    def test_generates(self, kind: str) -> None:
        """Each kind of hostile text turns up."""
        find(hostile_text(), self.KINDS[kind], settings=SEARCH)


class TestSensitiveText:
    """`sensitive_text` is personal data the redaction must catch."""

    @settings(max_examples=300, deadline=None)
    @given(sensitive_text())
    def test_redaction_removes_every_needle(self, found: SensitiveText) -> None:
        """After `redact`, nothing of what must never be kept is left."""
        kept = redact(found.text)
        assert kept != found.text
        for needle in found.needles:
            assert needle not in kept

    @pytest.mark.parametrize(
        "kind",
        [
            "card",
            "resident_id",
            "phone",
            "email",
            "iban",
            "password",
            "cvv",
            "pin",
            "verification_code",
        ],
    )
    def test_generates(self, kind: str) -> None:
        """Each kind of personal data or secret turns up."""
        find(sensitive_text(), lambda found: found.kind == kind, settings=SEARCH)


class TestModule:
    """The module's public surface."""

    def test_all_is_what_the_guide_documents(self) -> None:
        """`__all__` is exactly the names docs/testing.md documents, each with a docstring."""
        guide = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
        documented = set(re.findall(r"^### `(\w+)", guide, flags=re.MULTILINE))
        assert set(okpay_triage.testing.__all__) == documented
        for name in okpay_triage.testing.__all__:
            assert getattr(okpay_triage.testing, name).__doc__

    def test_example_property_test_passes(self) -> None:
        """examples/property_test_custom_tree.py runs green under pytest."""
        example = ROOT / "examples" / "property_test_custom_tree.py"
        done = subprocess.run(
            [sys.executable, "-m", "pytest", str(example), "-q", "-p", "no:cacheprovider"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "3 passed" in done.stdout
