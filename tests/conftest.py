"""Test-wide settings: the compiled-tree cache goes to a temporary folder, never ~/.cache;
`redaction_passes`, for tests that count how often text is redacted; and `log_url`, a new
case log on SQLite and on PostgreSQL in turn."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server for the case-log tests (`tests/postgres.py`): never skipped."""
    from tests import postgres

    try:
        with postgres.server() as url:
            yield url
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        pytest.fail(f"no PostgreSQL server for the case-log tests: {error}", pytrace=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def log_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty case log: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cases.db'}"
        return
    from tests import postgres

    with postgres.database(request.getfixturevalue("postgres_server")) as url:
        yield url
