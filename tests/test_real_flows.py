"""Three real public flows, transcribed into the format with the defects they came with.

`tests/data/real_flows/` holds a storage symptom tree (after Ubuntu apport's), a bank's
refund decision flow and a router test tree with two "try again" loops, each written again
in our own words in both languages. The validator must report exactly the defects each one
has, no more and no fewer (`EXPECTED.yaml`), from the library and from the command line,
and draw each one as a draft.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from okpay_triage.authoring.draft import read_draft
from okpay_triage.tree.load import read_tree

FLOWS = Path(__file__).parent / "data" / "real_flows"
EXPECTED: dict[str, list[str]] = yaml.safe_load((FLOWS / "EXPECTED.yaml").read_text("utf-8"))


def _first_name(message: str) -> str:
    return str(re.findall(r"'([^']+)'", message)[0])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_reports_exactly_the_defects_of_each_flow(name: str) -> None:
    result = read_tree(FLOWS / name)
    found = [f"{p.code}: {_first_name(p.message)}" for p in result.problems]
    assert found == EXPECTED[name]


def test_the_flows_cover_the_three_kinds_of_defect() -> None:
    """Between them: an answer that changes nothing, a dead end with steps cut off, and
    loops (one group of tangled steps, each loop named)."""
    codes = {line.split(":")[0] for lines in EXPECTED.values() for line in lines}
    assert {"answer-changes-nothing", "unknown-node", "unreachable", "cycle"} <= codes


def test_the_cut_off_outcomes_are_grouped_behind_their_root() -> None:
    (problem,) = [
        p for p in read_tree(FLOWS / "bank-refund.yaml").problems if "q_old_window" in p.message
    ]
    assert problem.message.endswith("cut off with it: 'o_too_late', 'o_paper_form'")


def test_both_loops_are_named_with_the_retry_idiom() -> None:
    messages = [p.message for p in read_tree(FLOWS / "router-retry.yaml").problems]
    assert "loop forever: q_light -> q_restarted -> q_light (" in messages[0]
    assert "loop forever: q_light -> q_page -> q_cable -> q_light (" in messages[1]
    assert all("unroll the retry" in message for message in messages)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_flow_is_drawn_as_a_draft_or_a_tree(name: str) -> None:
    """Every node is drawn; those with an error are marked (warnings mark nothing)."""
    draft = read_draft(FLOWS / name)
    data = yaml.safe_load((FLOWS / name).read_text("utf-8"))
    ids = [node["id"] for node in data["nodes"]]
    assert [s.id for s in draft.steps][: len(ids)] == ids
    errors = [line for line in EXPECTED[name] if not line.startswith("answer-changes")]
    assert any(s.problem for s in draft.steps) == bool(errors)


def test_validate_prints_the_same_under_two_hash_seeds() -> None:
    paths = [str(FLOWS / name) for name in sorted(EXPECTED)]
    outputs = set()
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1"}
        command = [sys.executable, "-m", "okpay_triage", "validate", *paths]
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        assert done.returncode == 1
        outputs.add(done.stdout + done.stderr)
    (output,) = outputs
    assert output.endswith("3 tree(s) checked: 5 error(s), 2 warning(s)\n")
