"""A stateless request (`Session.from_json` + `answer` + `to_json`) as a chat backend makes it:
no file-system call once the process has found its trees, and the same checks however often
a saved session comes back."""

from __future__ import annotations

import builtins
import io
import json
import os
from collections.abc import Callable
from typing import Any

import pytest

from okpay_triage import Session, SessionError, bundled_tree_ids, load_tree
from okpay_triage.session.saved import forget, remember, remembered
from okpay_triage.tree.cache import compiled_bundled

#: Values typed at inputs, by fact type.
VALUES = {
    "transaction_id": "TX20261120ABCD",
    "order_number": "ORD-88231907",
    "money": "128.50 CNY",
    "datetime": "2026-11-20 14:30 +08:00",
    "email": "li.na@example.com",
    "phone": "138 1234 5678",
    "account": "138 1234 5678",
    "text": "It says error 5023",
}


def first_walk(tree_id: str) -> list[str]:
    """The session JSON before each step of a walk through `tree_id`, with typed inputs."""
    plan = compiled_bundled(tree_id)
    session = Session.start(load_tree(tree_id))
    saved: list[tuple[str, str]] = []
    while not session.finished:
        spec = plan.steps[session.node.id]
        if spec.kind == "question":
            value = spec.options[len(saved) % len(spec.options)][0]
        else:
            assert spec.fact is not None
            fact = plan.facts[spec.fact]
            value = fact.choices[0] if fact.choices else VALUES[fact.type]
        saved.append((session.to_json(), value))
        session = session.answer(value)
    return [json.dumps([text, value]) for text, value in saved]


def counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count every call that reaches the file system, by name."""
    calls: list[str] = []

    def wrap(owner: Any, name: str) -> None:
        real: Callable[..., Any] = getattr(owner, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            calls.append(f"{name}{args[:1]!r}")
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)

    for name in ("stat", "lstat", "listdir", "scandir", "open", "access", "readlink"):
        wrap(os, name)
    wrap(builtins, "open")
    wrap(io, "open")
    return calls


@pytest.mark.parametrize("tree_id", bundled_tree_ids())
def test_a_request_makes_no_file_system_call(tree_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """After the first request of a process, restoring a session finds its bundled tree and
    checks its values without touching the file system."""
    steps = [json.loads(step) for step in first_walk(tree_id)]
    for text, value in steps:  # warm-up: the first request finds the tree
        Session.from_json(text).answer(value).to_json()
    calls = counting(monkeypatch)
    for _ in range(3):
        for text, value in steps:
            Session.from_json(text).answer(value).to_json()
    assert calls == []


def test_the_counter_sees_a_file_system_call(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """The counter above is not blind: reading a tree file is counted."""
    path = tmp_path / "x.txt"
    path.write_text("x", encoding="utf-8")
    calls = counting(monkeypatch)
    path.read_text(encoding="utf-8")
    os.path.exists(path)
    assert len(calls) == 2


@pytest.mark.parametrize("tree_id", bundled_tree_ids())
def test_a_repeated_request_is_checked_the_same(tree_id: str) -> None:
    """A session that came back before comes back the same, and an edited copy of it is
    still refused, however often either is seen."""
    for text, value in (json.loads(step) for step in first_walk(tree_id)):
        first = Session.from_json(text)
        assert Session.from_json(text) == first
        assert Session.from_json(first.to_json()) == first
        assert first.answer(value) == Session.from_json(text).answer(value)
        data = json.loads(text)
        if data["answers"]:
            data["answers"][-1]["node"] = "not-a-node"
            for _ in range(2):
                with pytest.raises(SessionError):
                    Session.from_json(json.dumps(data))


class TestRememberedStates:
    """States saved or restored before need no new walk, yet nothing that would be refused
    the first time is accepted because a similar state was seen."""

    @pytest.fixture(autouse=True)
    def _fresh(self) -> None:
        forget()

    def at_email(self) -> Session:
        session = Session.start(load_tree("login-failure")).answer("locked").answer("security")
        session = session.answer("no")
        assert session.node.fact == "account_email"
        return session

    def test_an_answer_added_to_a_remembered_state_is_checked(self) -> None:
        session = self.at_email()
        data = json.loads(session.to_json())  # remembered: it is what the client gets
        data["answers"].append(
            {"node": session.node.id, "answer": "li.na@example.com", "source": "user"}
        )
        with pytest.raises(SessionError) as raised:
            Session.from_json(json.dumps(data))
        assert raised.value.code == "unmasked"
        data["answers"][-1]["answer"] = "l***@example.com"
        assert Session.from_json(json.dumps(data)) == session.answer("li.na@example.com")

    def test_an_edited_copy_of_a_remembered_state_is_refused(self) -> None:
        moved = self.at_email().answer("li.na@example.com")
        text = moved.to_json()
        assert Session.from_json(text) == moved
        edits: list[tuple[Callable[[dict[str, Any]], object], str]] = [
            (lambda d: d["answers"][-1].update(answer="li.na@example.com"), "unmasked"),
            (lambda d: d["answers"][0].update(answer=1), "damaged"),
            (lambda d: d["answers"][0].update(node=["l_start"]), "damaged"),
            (lambda d: d["answers"][0].pop("source"), "damaged"),
            (lambda d: d.update(answers={"node": "x"}), "damaged"),
            (lambda d: d.update(context={"account_email": 5}), "damaged"),
            (lambda d: d.update(context=[]), "damaged"),
            (lambda d: d["tree"].update(id="fee-dispute"), "tree-changed"),
        ]
        for edit, code in edits:
            data = json.loads(text)
            edit(data)
            with pytest.raises(SessionError) as raised:
                Session.from_json(json.dumps(data))
            assert raised.value.code == code, edit

    def test_a_session_made_outside_the_engine_is_not_remembered(self) -> None:
        """Only states the engine made from checked ones are remembered: a session built
        by hand with an unmasked value is refused when it comes back."""
        session = self.at_email()
        forged = Session(
            session.plan,
            "en",
            {},
            ((session.node.id, "li.na@example.com", "user"),),
            session.plan.steps[session.node.id].nexts[0],
        )
        with pytest.raises(SessionError):
            Session.from_json(forged.to_json())

    def test_a_remembered_state_is_restored_as_it_was(self) -> None:
        session = self.at_email()
        text = session.to_json()
        first = Session.from_json(text)
        forget()
        assert Session.from_json(text) == first
        assert Session.from_json(text, load_tree("login-failure")) == first
        with pytest.raises(SessionError) as raised:
            Session.from_json(text, load_tree("fee-dispute"))
        assert raised.value.code == "wrong-tree"

    def test_what_is_remembered_is_bounded(self) -> None:
        plan = compiled_bundled("login-failure")
        for n in range(5000):
            remember(plan, {}, ((plan.start, str(n), "user"),), plan.start, 100)
        assert remembered() == (4096, 409_600)
        remember(plan, {}, ((plan.start, "huge", "user"),), plan.start, 3_990_000)
        count, chars = remembered()
        assert chars <= 4_000_000
        assert count < 200
        forget()
        assert remembered() == (0, 0)
        remember(plan, {}, ((plan.start, "a", "user"),), plan.start, 100)
        remember(plan, {}, ((plan.start, "too large", "user"),), plan.start, 4_000_001)
        assert remembered() == (1, 100)  # a state too large to keep evicts nothing
