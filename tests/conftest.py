"""Test-wide settings: the compiled-tree cache goes to a temporary folder, never ~/.cache;
and `redaction_passes`, for tests that count how often text is redacted."""

from __future__ import annotations

import os
import tempfile

import pytest

os.environ["OKPAY_TRIAGE_CACHE"] = tempfile.mkdtemp(prefix="okpay-triage-cache-")


@pytest.fixture
def redaction_passes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text `redaction.scan` is given from now on (every redaction pass runs it)."""
    import okpay_triage.redaction as redaction

    passes: list[str] = []
    real = redaction.scan

    def counted(
        text: str, *, secrets: bool = True, long_numbers: bool = False
    ) -> redaction.Redaction:
        passes.append(text)
        return real(text, secrets=secrets, long_numbers=long_numbers)

    monkeypatch.setattr(redaction, "scan", counted)
    import okpay_triage.session.values as values  # it holds its own reference to scan

    monkeypatch.setattr(values, "scan", counted)
    return passes
