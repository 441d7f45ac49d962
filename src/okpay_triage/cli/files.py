"""The files the command line reads and writes: trees, answers, saved sessions, the packet
configuration, and atomic writes of sessions and packets. A file that cannot be used stops
the command (`exits.Failed`, `exits.BadUsage`) with a one-line reason."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .console import echo
from .exits import BadUsage, Failed

if TYPE_CHECKING:
    from pathlib import Path

    from okpay_triage.config import Config
    from okpay_triage.session.engine import Session
    from okpay_triage.tree.model import Tree
    from okpay_triage.tree.plan import CompiledTree


def tree_for_run(source: str) -> CompiledTree | Tree:
    """A bundled tree from the compiled cache (no pydantic, no networkx); a file in full."""
    from okpay_triage.tree.bundled import is_bundled_id
    from okpay_triage.tree.cache import compiled_bundled

    if is_bundled_id(source):
        return compiled_bundled(source)
    from okpay_triage.tree.load import load_tree

    return load_tree(source)


def scripted(answers: Sequence[str], answers_file: Path | None) -> list[str]:
    """The answers given with --answer, then those in the --answers file."""
    given = list(answers)
    if answers_file is not None:
        given += _read_answers(answers_file)
    return given


def _read_answers(path: Path) -> list[str]:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) if text.strip() else []
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise BadUsage(f"cannot read answers from {path}: {error}") from None
    if not isinstance(data, list) or not all(isinstance(a, (str, int, float)) for a in data):
        raise BadUsage(f"{path} must hold a list of answers, e.g. [2, yes, name@example.com]")
    return [str(a) for a in data]


def read_session(file: Path, tree_path: Path | None) -> Session:
    """The session saved in `file`, made with the tree in `tree_path` (default: bundled)."""
    from okpay_triage.errors import SessionError
    from okpay_triage.session.engine import Session
    from okpay_triage.tree.load import load_tree

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise Failed(f"cannot read session {file}: {reason}") from None
    tree = load_tree(tree_path) if tree_path else None
    try:
        return Session.from_json(text, tree)
    except SessionError as error:
        raise SessionError(f"{file}: {error}", code=error.code) from None


def read_config(path: Path | None) -> Config | None:
    """The packet configuration in `path`, if one was given."""
    if path is None:
        return None
    from okpay_triage.config import load_config

    return load_config(path)


def save(session: Session, path: Path | None, *, interactive: bool) -> None:
    """Save the session to `path` (if given) atomically. A failure stops a script; at a
    terminal it is a warning, and the session goes on."""
    if path is None:
        return
    try:
        write_atomically(path, session.to_json().encode("utf-8"))
    except OSError as error:
        message = (
            f"could not save the session to {path}: {error.strerror or error}; "
            "the previous file is unchanged"
        )
        if not interactive:
            raise Failed(message) from None
        echo(f"warning: {message}", err=True, fg="yellow")


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file beside it, fsync, then rename."""
    import tempfile
    from pathlib import Path

    folder = path.resolve().parent
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
