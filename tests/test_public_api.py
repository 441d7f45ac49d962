"""The public surface is exactly what docs/reference.md documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import okpay_triage

DOCUMENTED = {
    "AnswerError",
    "Config",
    "ConfigError",
    "EscalationPacket",
    "Fact",
    "Outcome",
    "PacketError",
    "Problem",
    "Session",
    "SessionError",
    "Step",
    "TranscriptEntry",
    "Tree",
    "TreeError",
    "TreeRef",
    "TreeRegistry",
    "TriageError",
    "__version__",
    "bundled_tree_ids",
    "check_tree",
    "load_tree",
    "suggest_trees",
    # escalation packets
    "build_packet",
    "load_config",
    "redact",
    # the case log and events
    "Case",
    "CaseLog",
    "CaseLogError",
    "Event",
    "Triage",
    "case_figures",
}


def test_all_is_the_documented_api() -> None:
    """`__all__` lists exactly the documented names, and each resolves."""
    assert set(okpay_triage.__all__) == DOCUMENTED
    for name in okpay_triage.__all__:
        assert getattr(okpay_triage, name) is not None


def test_reference_documents_every_public_name() -> None:
    """docs/reference.md has a heading for each public name."""
    text = (Path(__file__).parents[1] / "docs" / "reference.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^#+ `([A-Za-z_]+)", text, flags=re.MULTILINE))
    assert DOCUMENTED - {"__version__"} <= headings


def test_unknown_attribute() -> None:
    """A name that is not public raises AttributeError."""
    with pytest.raises(AttributeError, match="no_such_name"):
        okpay_triage.no_such_name  # noqa: B018


def test_answer_error_is_a_value_error() -> None:
    """Callers may catch AnswerError as ValueError; all errors share one base."""
    assert issubclass(okpay_triage.AnswerError, ValueError)
    for name in ("AnswerError", "SessionError", "TreeError"):
        assert issubclass(getattr(okpay_triage, name), okpay_triage.TriageError)
