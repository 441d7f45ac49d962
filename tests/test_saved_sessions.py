"""Saved sessions are untrusted: a file edited into a form the engine never writes is
refused (BAD_INPUTS 39), whatever the edit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okpay_triage import Session, SessionError, Tree, bundled_tree_ids, load_tree
from okpay_triage.session import saved
from okpay_triage.testing import answer_paths, context_facts, sessions

TREES = {tree_id: load_tree(tree_id) for tree_id in bundled_tree_ids()}


@pytest.fixture(autouse=True)
def _forget() -> None:
    """Every restore below gets the full checks (no state remembered from another test)."""
    saved.forget()


def restore(data: dict[str, Any], tree: Tree | None = None) -> Session:
    saved.forget()
    return Session.from_json(json.dumps(data), tree)


@st.composite
def saved_session(draw: st.DrawFn) -> dict[str, Any]:
    tree = TREES[draw(st.sampled_from(sorted(TREES)))]
    session = draw(sessions(tree))
    data: dict[str, Any] = json.loads(session.to_json())
    return data


class TestTopLevel:
    @settings(max_examples=50, deadline=None)
    @given(data=saved_session(), key=st.text(min_size=1, max_size=12))
    def test_unknown_key_refused(self, data: dict[str, Any], key: str) -> None:
        """A key okpay-triage never writes is refused, and named escaped of nothing personal."""
        if key in data:
            return
        data[key] = "x"
        with pytest.raises(SessionError, match="never writes"):
            restore(data)

    @pytest.mark.parametrize("version", [True, 1.0, "1", [1], None])
    def test_version_must_be_the_integer_1(self, version: object) -> None:
        """``version: true`` equals 1 in Python; it is still not the format's version."""
        data = json.loads(Session.start(TREES["login-failure"]).to_json())
        data["version"] = version
        with pytest.raises(SessionError) as caught:
            restore(data)
        assert caught.value.code == "unsupported-version"


class TestSources:
    @settings(max_examples=80, deadline=None)
    @given(data=saved_session(), pick=st.integers(0, 10_000))
    def test_relabelled_source_refused(self, data: dict[str, Any], pick: int) -> None:
        """An answer whose source is changed (user <-> context) is refused: the engine takes an
        answer from the facts given up front exactly when they answer its step."""
        if not data["answers"]:
            return
        entry = data["answers"][pick % len(data["answers"])]
        entry["source"] = "user" if entry["source"] == "context" else "context"
        with pytest.raises(SessionError, match="came from"):
            restore(data)

    @settings(max_examples=50, deadline=None)
    @given(data=saved_session())
    def test_every_saved_session_restores(self, data: dict[str, Any]) -> None:
        """What the engine writes, it restores (the checks refuse only edits)."""
        assert json.loads(restore(data).to_json()) == data


EMAIL_TREE = load_tree(str(Path(__file__).parent / "data" / "good" / "packet-refund.yaml"))


class TestMaskedValues:
    """A masked value that cannot be read again must be only a mask of its type."""

    def _at_email(self) -> tuple[dict[str, Any], int]:
        """A saved session whose last answer is an email, typed at its step (a test tree
        with an email fact kept masked: the bundled trees ask for an account instead)."""
        plan = Session.start(EMAIL_TREE).plan
        paths: list[tuple[str, list[str | None]]] = [(plan.start, [])]
        while paths:  # breadth first, to the first email input
            node, answers = paths.pop(0)
            step = plan.steps[node]
            if step.kind == "input" and step.fact and plan.facts[step.fact].type == "email":
                break
            for index, nxt in enumerate(step.nexts):
                answer = step.options[index][0] if step.kind == "question" else None
                paths.append((nxt, [*answers, answer]))
        else:  # pragma: no cover - the tree has an email step
            raise AssertionError("no email step")
        session = Session.start(EMAIL_TREE)
        for answer in answers:
            session = session.answer(answer if answer is not None else "TX20261120ABCD")
        session = session.answer("li.na@example.com")
        data = json.loads(session.to_json())
        return data, len(data["answers"]) - 1

    @pytest.mark.parametrize(
        "edited",
        ["l***@example.com call me on 138 1234 5678", "l***@example.com and more", "***"],
    )
    def test_email_mask_with_more_text_refused(self, edited: str) -> None:
        """``l***@example.com`` is kept; anything written beside it is refused."""
        data, index = self._at_email()
        assert restore(data, EMAIL_TREE)  # as written: restores
        data["answers"][index]["answer"] = edited
        with pytest.raises(SessionError):
            restore(data, EMAIL_TREE)


def test_answer_paths_still_finish() -> None:
    """(A smoke test that the strategies used above walk the trees.)"""
    tree = TREES["fee-dispute"]
    assert answer_paths(tree) is not None
    assert context_facts(tree) is not None


ACCOUNT_TREE = Path(__file__).parent / "data" / "good" / "account.yaml"


@pytest.mark.parametrize("typed", ["138 1234 5678", "li.na@example.com", "+44 7911 123456"])
def test_an_account_kept_masked_resumes(tmp_path: Path, typed: str) -> None:
    """An account fact with `keep: masked` is saved as its mask (phone or email shape), and
    that mask resumes: the shape check knows an account is either."""
    text = ACCOUNT_TREE.read_text(encoding="utf-8").replace(
        "account: {type: account,", "account: {type: account, keep: masked,"
    )
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    tree = load_tree(tmp_path / "t.yaml")
    session = Session.start(tree).answer(typed)
    assert "*" in session.facts["account"]
    saved.forget()
    assert Session.from_json(session.to_json(), tree) == session
