"""Sessions across tree upgrades, and `diff`: a session saved under one version of a tree
resumes under the next when its answers still fit (replayed, and saying so), and is refused
with the first step that changed otherwise; `diff_trees` says which, by the same rule.

The old versions are real: ``tests/data/versions/login-failure-1.0.yaml`` is version 1.0 of
the bundled tree from the history, and the small pairs are edits of ``tests/data/good/mini.yaml``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from okpay_triage import (
    Session,
    SessionError,
    Tree,
    TreeRef,
    TreeRegistry,
    build_packet,
    load_tree,
)
from okpay_triage.authoring.diff import VALUE, diff_trees
from okpay_triage.cli import cli
from okpay_triage.testing.random_trees import tree_data
from okpay_triage.testing.walks import sessions
from okpay_triage.tree.load import parse_tree
from okpay_triage.tree.plan import compile_tree
from okpay_triage.tree.registry import version_key

DATA = Path(__file__).parent / "data"
V1 = DATA / "versions" / "login-failure-1.0.yaml"
MINI = DATA / "good" / "mini.yaml"
OLD = load_tree(V1)
NEW = load_tree("login-failure")
DIFF = diff_trees(OLD, NEW)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def mini(*edits: tuple[str, str], version: str = "2") -> Tree:
    """mini.yaml with each (old, new) text replaced, under another version."""
    text = MINI.read_text(encoding="utf-8").replace('version: "1"', f'version: "{version}"')
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    tree = parse_tree(text).tree
    assert tree is not None
    return tree


def _resumed(
    text: str, tree: Tree | None = None, registry: TreeRegistry | None = None
) -> tuple[Session | None, SessionError | None]:
    """`Session.from_json`, or the SessionError it raised."""
    try:
        return Session.from_json(text, tree, registry=registry), None
    except SessionError as error:
        return None, error


def entries(session: Session) -> list[tuple[str, str | None, Any]]:
    return [(e.node_id, e.answer, e.source) for e in session.transcript]


class TestRealVersions:
    """Sessions saved under login-failure 1.0, resumed under the bundled version."""

    def test_the_old_version_is_older(self) -> None:
        assert (OLD.id, OLD.version) == ("login-failure", "1.0")
        assert version_key(OLD.version) < version_key(NEW.version)

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(sessions(OLD, facts=False))
    def test_resume_agrees_with_diff(self, session: Session) -> None:
        """A saved 1.0 session resumes under 2.0 exactly when `diff` says it does; resumed,
        it says it was replayed, and its JSON carries 2.0 and where it came from."""
        text = session.to_json()
        expected = DIFF.resumes(entries(session))
        assert expected is not None  # no fact of login-failure changed how values are kept
        resumed, error = _resumed(text)
        if error is not None:
            assert not expected, str(error)
            assert error.code == "tree-changed"
            assert f"version 1.0, now version {NEW.version}" in str(error)
            assert "answer " in str(error)
            return
        assert expected
        assert resumed is not None
        assert resumed.tree_ref == TreeRef.of(compile_tree(NEW))
        assert resumed.replayed_from == TreeRef.of(compile_tree(OLD))
        assert any("1.0" in n and NEW.version in n for n in resumed.notices)
        assert [(e.node_id, e.answer) for e in resumed.transcript[: session.depth]] == [
            (e.node_id, e.answer) for e in session.transcript
        ]
        saved = json.loads(resumed.to_json())
        assert saved["tree"]["version"] == NEW.version
        assert saved["replayed_from"]["version"] == "1.0"
        again = Session.from_json(resumed.to_json())
        assert again == resumed
        assert again.notices == ()  # said once, when it was replayed
        assert again.replayed_from == resumed.replayed_from

    def test_a_refused_session_names_the_first_changed_step(self) -> None:
        """q_sure_password's "yes" now leads elsewhere: a session that answered beyond it
        is refused naming that step; one that stopped right after it resumes."""
        session = Session.start(OLD).answer("wrong_password").answer("yes").answer("yes")
        assert session.node.id == "q_network"  # under 1.0
        stopped = Session.from_json(session.to_json())
        assert stopped.node.id == "q_alerts"
        went_on = session.answer(session.node.options[0][0])
        with pytest.raises(SessionError, match="the tree now asks 'q_alerts' there") as caught:
            Session.from_json(went_on.to_json())
        assert caught.value.code == "tree-changed"
        assert "'q_network'" in str(caught.value)

    def test_the_next_answer_carries_the_notice_once(self) -> None:
        """A stateless request restores and answers in one go, and shows the notices of the
        answered session: the replay notice is among them, and only that once."""
        resumed = Session.from_json(Session.start(OLD, lang="zh").answer("forgot").to_json())
        (notice,) = resumed.notices
        assert "1.0" in notice
        assert NEW.version in notice
        answered = resumed.answer("code_missing")
        assert answered.notices[0] == notice
        assert notice not in answered.answer(answered.node.options[0][0]).notices
        assert notice not in resumed.back().notices

    def test_upgrade_off_refuses_and_a_registry_serves_the_old_version(self) -> None:
        text = Session.start(OLD).answer("forgot").to_json()
        with pytest.raises(SessionError, match="has changed") as caught:
            Session.from_json(text, upgrade=False)
        assert caught.value.code == "tree-changed"
        registry = TreeRegistry((OLD,))
        served = Session.from_json(text, registry=registry, upgrade=False)
        assert served.tree_ref.version == "1.0"
        assert served.replayed_from is None
        assert served.to_json() == text
        upgraded = Session.from_json(text, registry=registry)
        assert upgraded.tree_ref.version == NEW.version
        assert upgraded.replayed_from == served.tree_ref


class TestRegistry:
    def test_versions_latest_and_lookup(self) -> None:
        registry = TreeRegistry((OLD,))
        old, new = TreeRef.of(compile_tree(OLD)), TreeRef.of(compile_tree(NEW))
        assert registry.versions("login-failure") == [old, new]
        latest = registry.latest("login-failure")
        assert latest is not None
        assert latest.hash == new.hash
        found = registry.get("login-failure", old.hash)
        assert found is not None
        assert found.version == "1.0"
        assert old in registry
        assert new in registry
        assert ("login-failure", "3.0", "sha256:0") not in registry
        assert registry.get("login-failure", "sha256:0") is None
        assert registry.latest("no-such-tree") is None
        assert TreeRegistry(bundled=False).latest("login-failure") is None

    def test_latest_reads_versions_as_numbers(self) -> None:
        registry = TreeRegistry(bundled=False)
        for version in ("1.10", "1.9", "1.2"):
            registry.add(mini(("Did it work?", f"Did it work ({version})?"), version=version))
        assert [r.version for r in registry.versions("mini")] == ["1.2", "1.9", "1.10"]
        latest = registry.latest("mini")
        assert latest is not None
        assert latest.version == "1.10"
        assert registry.add(mini(("Did it work?", "Did it work (1.9)?"), version="1.9")) in registry
        assert len(registry.versions("mini")) == 3  # the same content is added once

    def test_a_tree_the_registry_does_not_hold_is_refused(self) -> None:
        text = Session.start(load_tree(MINI)).to_json()
        with pytest.raises(SessionError) as caught:
            Session.from_json(text, registry=TreeRegistry(bundled=False))
        assert caught.value.code == "not-bundled"


class TestHandMadePairs:
    """mini 1 -> 2, one change each."""

    def test_option_renamed(self) -> None:
        new = mini(('{id: "no",', '{id: "nope",'))
        found = diff_trees(load_tree(MINI), new)
        assert [str(c) for c in found.changes] == ["- option q1/no", "+ option q1/nope"]
        assert not found.all_resume
        (trouble,) = found.troubles
        assert (trouble.step, trouble.answer, trouble.status) == ("q1", "no", "refused")
        assert (found.walks, found.surviving, trouble.walks) == (2, 1, 1)
        saved = Session.start(load_tree(MINI)).answer("no").to_json()
        with pytest.raises(SessionError, match="answer 1: step 'q1' no longer has the option"):
            Session.from_json(saved, new)
        done = Session.from_json(Session.start(load_tree(MINI)).answer("yes").to_json(), new)
        assert done.finished

    def test_step_inserted(self) -> None:
        inserted = """  - id: q_sure
    kind: question
    prompt: {en: "Are you sure?", zh: "确定吗？"}
    options:
      - {id: "yes", label: {en: "Yes", zh: "确定"}, next: i_email}
      - {id: "no", label: {en: "No", zh: "不确定"}, next: o_done}
  - id: i_email
"""
        new = mini(
            ("next: i_email}", "next: q_sure}"),
            ("  - id: i_email\n", inserted),
        )
        found = diff_trees(load_tree(MINI), new)
        assert "+ step q_sure" in [str(c) for c in found.changes]
        assert "~ option q1/no (next)" in [str(c) for c in found.changes]
        (trouble,) = found.troubles
        assert (trouble.step, trouble.answer, trouble.status) == ("q1", "no", "redirected")
        session = Session.start(load_tree(MINI)).answer("no")
        assert found.resumes(entries(session)) is True
        assert Session.from_json(session.to_json(), new).node.id == "q_sure"
        further = session.answer("a@example.com")
        assert found.resumes(entries(further)) is False
        with pytest.raises(SessionError, match="answer 2: the answer was for step 'i_email'"):
            Session.from_json(further.to_json(), new)

    def test_an_outcome_that_now_leads_on(self) -> None:
        """A finished session whose outcome now comes after one more step resumes there."""
        asked = """  - id: i_phone
    kind: input
    fact: phone
    optional: true
    prompt: {en: "Your phone?", zh: "您的手机号？"}
    next: o_help
  - id: o_done
"""
        new = mini(
            ("    next: o_help\n", "    next: i_phone\n"),
            ("  - id: o_done\n", asked),
            ("facts:\n", 'facts:\n  phone: {type: phone, label: {en: "Phone", zh: "手机"}}\n'),
        )
        found = diff_trees(load_tree(MINI), new)
        (trouble,) = found.troubles
        assert (trouble.step, trouble.answer, trouble.status) == ("i_email", VALUE, "moved")
        assert found.all_resume
        assert found.surviving == found.walks == 2
        finished = Session.start(load_tree(MINI)).answer("no").answer("a@example.com")
        assert found.resumes(entries(finished)) is True
        resumed = Session.from_json(finished.to_json(), new)
        assert resumed.node.id == "i_phone"
        assert not resumed.finished

    def test_outcome_text_changed_only(self) -> None:
        new = mini(("It did not work.", "It still did not work."))
        found = diff_trees(load_tree(MINI), new)
        assert [str(c) for c in found.changes] == ["~ outcome o_help (cause)"]
        assert found.all_resume
        assert found.surviving == found.walks == 2
        finished = Session.start(load_tree(MINI)).answer("no").answer("a@example.com")
        resumed = Session.from_json(finished.to_json(), new)
        assert resumed.outcome is not None
        assert resumed.outcome.cause == "It still did not work."
        # The packet tells support the answers were given under the earlier version.
        packet = build_packet(resumed)
        assert packet.tree.replayed_from == "1"
        assert "saved under version 1, its answers replayed" in packet.to_markdown()
        assert build_packet(finished).tree.replayed_from is None

    def test_fact_type_changed(self) -> None:
        new = mini(("{type: email,", "{type: text,"))
        found = diff_trees(load_tree(MINI), new)
        assert "~ fact email (type)" in [str(c) for c in found.changes]
        (trouble,) = found.troubles
        assert (trouble.step, trouble.answer, trouble.status) == ("i_email", VALUE, "at-risk")
        assert (found.surviving, found.possible) == (1, 2)
        typed = Session.start(load_tree(MINI)).answer("no").answer("a@example.com")
        assert found.resumes(entries(typed)) is None  # it depends on the value

    def test_question_turned_input_is_refused_when_the_old_version_is_known(self) -> None:
        """An option id saved for a question is not an input's value: with the version it
        was saved under known, a step that changed kind is refused."""
        old = load_tree(MINI)
        new = mini(
            (
                """    kind: question
    prompt: {en: "Did it work?", zh: "好了吗？"}
    options:
      - {id: "yes", label: {en: "Yes", zh: "好了"}, next: o_done}
      - {id: "no", label: {en: "No", zh: "没有"}, next: i_email}""",
                """    kind: input
    fact: note
    prompt: {en: "Did it work?", zh: "好了吗？"}
    next: i_email""",
            ),
            ("facts:\n", 'facts:\n  note: {type: text, label: {en: "Note", zh: "备注"}}\n'),
        )
        saved = Session.start(old).answer("no").to_json()
        found = diff_trees(old, new)
        assert found.resumes(entries(Session.from_json(saved, old))) is False
        with pytest.raises(SessionError, match="step 'q1' is now an input"):
            Session.from_json(saved, new, registry=TreeRegistry((old,), bundled=False))

    def test_hand_edited_replayed_from_is_refused(self) -> None:
        upgraded = Session.from_json(Session.start(OLD).answer("forgot").to_json())
        saved = json.loads(upgraded.to_json())
        saved["replayed_from"] = {"version": "1.0", "hash": 5}
        with pytest.raises(SessionError, match="damaged"):
            Session.from_json(json.dumps(saved))


# ---------------------------------------------------------------------- random edits


def _edit(data: dict[str, Any], chosen: st.DataObject) -> dict[str, Any]:
    """`data` with one random change an author might make, under version "upgraded"."""
    new = copy.deepcopy(data)
    new["version"] = "upgraded"
    nodes = new["nodes"]
    steps = [n for n in nodes if n["kind"] != "outcome"]
    questions = [n for n in steps if n["kind"] == "question"]
    inputs = [n for n in steps if n["kind"] == "input"]
    kinds = ["retarget", "insert", "text"] + ["rename", "drop"] * bool(questions)
    kinds += ["optional"] * bool(inputs)
    kind = chosen.draw(st.sampled_from(kinds))
    step = chosen.draw(st.sampled_from(steps))
    ids = [n["id"] for n in nodes]
    if kind == "text":
        step["prompt"] = {
            "en": step["prompt"]["en"] + " Still?",
            "zh": step["prompt"]["zh"] + "还是？",
        }
    elif kind == "rename":
        option = chosen.draw(st.sampled_from(chosen.draw(st.sampled_from(questions))["options"]))
        option["id"] = "renamed"
    elif kind == "drop":
        question = chosen.draw(st.sampled_from(questions))
        question["options"].pop(chosen.draw(st.integers(0, len(question["options"]) - 1)))
    elif kind == "optional":
        node = chosen.draw(st.sampled_from(inputs))
        node["optional"] = not node.get("optional", False)
    else:
        holder = (
            chosen.draw(st.sampled_from(step["options"])) if step["kind"] == "question" else step
        )
        if kind == "retarget":
            holder["next"] = chosen.draw(st.sampled_from([i for i in ids if i != step["id"]]))
        else:  # a question inserted before where it led
            text = {"en": "Did you check?", "zh": "检查过了吗？"}
            nodes.append(
                {
                    "id": "inserted",
                    "kind": "question",
                    "prompt": text,
                    "options": [
                        {"id": "yes", "label": {"en": "Yes", "zh": "是"}, "next": holder["next"]},
                        {"id": "no", "label": {"en": "No", "zh": "否"}, "next": holder["next"]},
                    ],
                }
            )
            holder["next"] = "inserted"
    return new


def _tree(data: dict[str, Any]) -> Tree | None:
    return parse_tree(json.dumps(data, ensure_ascii=False), json_format=True).tree


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(tree_data(max_nodes=12), st.data())
def test_diff_agrees_with_replaying_saved_sessions(
    data: dict[str, Any], draw: st.DataObject
) -> None:
    """For a random tree and a random edit, `diff` says a saved session resumes exactly when
    replaying it on the edited tree does (the old version known, as `diff` knows it)."""
    old = _tree(data)
    assert old is not None
    new = _tree(_edit(data, draw))
    assume(new is not None)
    assert new is not None
    found = diff_trees(old, new)
    registry = TreeRegistry((old,), bundled=False)
    for _ in range(5):
        session = draw.draw(sessions(old, facts=False))
        expected = found.resumes(entries(session))
        resumed, error = _resumed(session.to_json(), new, registry)
        assert error is None or error.code == "tree-changed", str(error)
        event("resumed" if resumed is not None else "refused")
        assert expected is None or (resumed is not None) == expected, (entries(session), error)


# ---------------------------------------------------------------------- the command line


class TestCommandLine:
    def test_resume_upgrades_and_says_so(self, tmp_path: Path) -> None:
        save = tmp_path / "s.json"
        save.write_text(Session.start(OLD).answer("forgot").to_json(), encoding="utf-8")
        result = invoke("resume", str(save), "--answer", "code_missing")
        assert "saved under version 1.0" in result.stderr
        assert f"replayed on version {NEW.version}" in result.stderr
        assert "Traceback" not in result.output
        saved = json.loads(save.read_text(encoding="utf-8"))
        assert saved["tree"]["version"] == NEW.version
        assert saved["replayed_from"]["version"] == "1.0"

    def test_resume_refuses_with_the_first_changed_step(self, tmp_path: Path) -> None:
        session = Session.start(OLD).answer("wrong_password").answer("yes").answer("yes")
        save = tmp_path / "s.json"
        save.write_text(session.answer(session.node.options[0][0]).to_json(), encoding="utf-8")
        before = save.read_bytes()
        result = invoke("resume", str(save))
        assert result.exit_code == 1
        assert "now asks 'q_alerts'" in result.stderr
        assert save.read_bytes() == before

    def test_diff_text_and_exit_codes(self) -> None:
        result = invoke("diff", str(V1), "login-failure")
        assert result.exit_code == 0
        assert f"login-failure: version 1.0 -> {NEW.version}" in result.output
        assert "- step i_email" in result.output
        assert f"{DIFF.surviving} of {DIFF.walks} walks resume under {NEW.version}" in result.output
        assert "q_sure_password (yes): redirected" in result.output
        assert invoke("diff", str(V1), "login-failure", "--exit-code").exit_code == 1
        same = invoke("diff", "login-failure", "login-failure", "--exit-code")
        assert same.exit_code == 0
        assert "same tree content" in same.output
        zh = invoke("diff", str(V1), "login-failure", "--lang", "zh")
        assert "条路径中有" in zh.output

    def test_diff_json(self) -> None:
        result = invoke("diff", str(V1), "login-failure", "--json")
        assert result.exit_code == 0
        data = json.loads(result.output)
        assert data == json.loads(json.dumps(DIFF.as_json()))
        assert data["old"]["version"] == "1.0"
        assert data["sessions"]["all_resume"] is False

    def test_diff_of_an_invalid_file(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text("id: [\n", encoding="utf-8")
        result = invoke("diff", str(bad), "login-failure")
        assert result.exit_code == 1
        assert f"{bad}:" in result.output
        assert "Traceback" not in result.output
