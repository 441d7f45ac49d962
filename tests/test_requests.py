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
from okpay_triage.tree.cache import compiled_bundled

#: Values typed at inputs, by fact type.
VALUES = {
    "transaction_id": "TX20261120ABCD",
    "order_number": "ORD-88231907",
    "money": "128.50 CNY",
    "datetime": "2026-11-20 14:30 +08:00",
    "email": "li.na@example.com",
    "phone": "138 1234 5678",
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
