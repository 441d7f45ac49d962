"""A real PostgreSQL server for the case-log tests, and a fresh database per test.

The server is the one ``OKPAY_TRIAGE_TEST_PG`` names (a ``postgresql://`` URL of a role that
may create databases; `.ci/run` starts one and sets it), or else a throwaway server this
module starts with Debian's binaries (``/usr/lib/postgresql/N/bin``): ``initdb`` in a
temporary folder, listening on a Unix socket there only, run as the ``postgres`` user when
the tests run as root (the server refuses to run as root), stopped when the tests end. With
neither, the PostgreSQL tests fail, saying so: they are never skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ENV = "OKPAY_TRIAGE_TEST_PG"


def _binaries() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


@contextmanager
def server() -> Iterator[str]:
    """The URL of a PostgreSQL server to make test databases on, while the block runs."""
    given = os.environ.get(ENV)
    if given:
        yield given
        return
    bin_dir = _binaries()
    if bin_dir is None:
        raise RuntimeError(
            f"the case-log tests need PostgreSQL: set {ENV} to a postgresql:// URL, or "
            "install Debian's postgresql package (apt-get install postgresql)"
        )
    home = Path(tempfile.mkdtemp(prefix="okpay-triage-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        home.chmod(0o755)
        shutil.chown(home, "postgres", "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    data = home / "data"
    quiet = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run(
        [*run_as, str(bin_dir / "initdb"), "-D", str(data), "-U", "okpay", "-A", "trust"],
        **quiet,  # type: ignore[call-overload]
    )
    options = f"-k {home} -c listen_addresses='' -c fsync=off -c max_connections=60"
    pg_ctl = [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data)]
    try:
        # The server's output goes to its log file: a pipe held open by the server would
        # keep this call waiting for it to end.
        subprocess.run(
            [*pg_ctl, "-o", options, "-l", str(home / "server.log"), "-w", "start"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
            timeout=120,
        )
        yield f"postgresql+psycopg://okpay@/postgres?host={home}"
    finally:
        subprocess.run(
            [*pg_ctl, "-m", "immediate", "stop"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
            check=False,
        )
        shutil.rmtree(home, ignore_errors=True)


@contextmanager
def database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server, dropped afterwards; yields its URL."""
    url = make_url(server_url).set(drivername="postgresql+psycopg")
    name = f"okpay_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
