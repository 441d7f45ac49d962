"""Bundled trees start fast from a disk cache of their compiled form, and the cache is safe."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from okpay_triage import Session, bundled_tree_ids, load_tree
from okpay_triage.tree.cache import compiled_bundled
from okpay_triage.tree.plan import CompiledTree, compile_tree


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("OKPAY_TRIAGE_CACHE", str(tmp_path))
    compiled_bundled.cache_clear()
    yield tmp_path
    compiled_bundled.cache_clear()


@pytest.mark.parametrize("tree_id", bundled_tree_ids())
def test_compiled_form_round_trips(tree_id: str) -> None:
    """to_dict/from_dict rebuild an equal compiled tree, through JSON."""
    plan = compile_tree(load_tree(tree_id))
    again = CompiledTree.from_dict(json.loads(json.dumps(plan.to_dict())))
    assert again == plan


def test_cache_is_written_and_used(cache: Path) -> None:
    """The first use writes the cache; the next process-level use reads an equal tree."""
    first = compiled_bundled("login-failure")
    entries = list(cache.glob("login-failure-*.json"))
    assert len(entries) == 1
    compiled_bundled.cache_clear()
    assert compiled_bundled("login-failure") == first
    assert first == compile_tree(load_tree("login-failure"))


def test_damaged_cache_is_rebuilt(cache: Path) -> None:
    """A truncated or foreign cache entry is ignored and replaced."""
    compiled_bundled("login-failure")
    entry = next(cache.glob("login-failure-*.json"))
    entry.write_text('{"id": "login-failure", "steps": [', encoding="utf-8")
    compiled_bundled.cache_clear()
    assert compiled_bundled("login-failure") == compile_tree(load_tree("login-failure"))
    assert json.loads(entry.read_text(encoding="utf-8"))["id"] == "login-failure"


def test_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """OKPAY_TRIAGE_CACHE=off writes nothing and still works."""
    monkeypatch.setenv("OKPAY_TRIAGE_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    compiled_bundled.cache_clear()
    try:
        assert compiled_bundled("login-failure").id == "login-failure"
    finally:
        compiled_bundled.cache_clear()
    assert list(tmp_path.iterdir()) == []


def test_unwritable_cache_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache folder that cannot be created is not an error."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("OKPAY_TRIAGE_CACHE", str(blocker / "cache"))
    compiled_bundled.cache_clear()
    try:
        assert compiled_bundled("login-failure").id == "login-failure"
    finally:
        compiled_bundled.cache_clear()


def test_sessions_interoperate() -> None:
    """A session started from the cached form resumes against the loaded tree and back."""
    fast = Session.start(compiled_bundled("login-failure")).answer("forgot")
    slow = Session.from_json(fast.to_json(), load_tree("login-failure"))
    assert slow == fast
    assert Session.from_json(slow.to_json()) == fast
