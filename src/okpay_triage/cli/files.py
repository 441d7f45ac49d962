"""The files the command line reads and writes: trees, answers, saved sessions, the packet
configuration, and atomic writes of sessions and packets. A file that cannot be used stops
the command (`exits.Failed`, `exits.BadUsage`) with a one-line reason."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from .console import echo, shown
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
    from okpay_triage.text import valid_unicode

    # Arguments that are not valid UTF-8 arrive with lone surrogates (surrogateescape):
    # replaced here, so that no message or JSON line can carry them.
    given = [valid_unicode(answer) for answer in answers]
    if answers_file is not None:
        given += _read_answers(answers_file)
    return given


#: The largest --answers file read. An answers file is a list of typed answers, each kept
#: to at most 2,000 characters (`text.MAX_ANSWER_CHARS`), for a session of a few dozen
#: steps: 1 MiB holds hundreds of full-length answers. Anything larger is not an answers
#: file, and is refused before it is read (``/dev/zero`` once grew the process to 4.4 GB).
MAX_ANSWERS_BYTES = 1 << 20

#: The largest session file read by `resume` and `packet`. A session holds one entry per
#: answered step (node id, source, and the answer of at most 2,000 characters: under 12 KB
#: even with every character JSON-escaped) plus the facts given up front: 4 MiB is over 300
#: full-length answers, far more than any walk through a tree, yet small enough to read at
#: once (``/dev/zero`` once grew `packet` to 418 MB).
MAX_SESSION_BYTES = 4 << 20

# What an answers file may not hold, worded for answers (the tree parser words them for
# trees). No message quotes the file's text: a line may hold a card number or a password.
_ANSWERS_PROBLEMS = {
    "alias-forbidden": "anchors and aliases (&name, *name) are not allowed in an answers file",
    "anchor-forbidden": "anchors and aliases (&name, *name) are not allowed in an answers file",
    "tag-forbidden": "explicit tags (!name) are not allowed in an answers file",
    "multiple-documents": "an answers file holds one YAML document only",
    "duplicate-key": "a key appears twice in one mapping",
    "complex-key": "mapping keys must be plain strings",
}

_ANSWERS_SHAPE = "must hold a list of answers, e.g. [2, yes, name@example.com]"


def _read_answers(path: Path) -> list[str]:
    """The answers in the YAML or JSON list at `path`. A problem is reported by line and
    column; nothing the file holds is quoted (it may be a card number or a password)."""
    from okpay_triage.errors import TreeError
    from okpay_triage.files import FileRefused, read_capped
    from okpay_triage.tree.parse import decode, parse_json, parse_yaml

    try:
        data = read_capped(path, MAX_ANSWERS_BYTES)
    except FileRefused as refused:
        raise BadUsage(f"cannot read answers from {path}: {refused.reason}") from None
    try:
        text = decode(data, str(path))
    except TreeError as error:
        problem = error.problems[0]
        where = f"{path}:{problem.line}:{problem.column}"
        raise BadUsage(f"cannot read answers from {where}: {problem.message}") from None
    if not text.strip():
        return []
    parse = parse_json if path.suffix.lower() == ".json" else parse_yaml
    answers, _, problems = parse(text, str(path))
    if problems:
        problem = problems[0]
        # The tree parser's own messages (syntax, nesting, numbers) name no text of the file
        # but a character at most; they are still redacted and escaped when printed.
        message = _ANSWERS_PROBLEMS.get(problem.code, problem.message)
        where = f"{path}:{problem.line}:{problem.column}"
        raise BadUsage(f"cannot read answers from {where}: {message}")
    if not isinstance(answers, list) or not all(
        isinstance(a, (str, int, float)) and not isinstance(a, bool) for a in answers
    ):
        raise BadUsage(f"{path} {_ANSWERS_SHAPE}")
    return [str(a) for a in answers]


def read_session(
    file: Path, tree_path: Path | None, thresholds: Mapping[str, object] | None = None
) -> Session:
    """The session saved in `file`, made with the tree in `tree_path` (default: bundled),
    its route steps still ahead comparing with `thresholds` (the configuration's).

    The file is read capped and only if it is a regular file (a FIFO would block forever,
    ``/dev/zero`` never ends); what the engine says is wrong with it may quote the file's
    text, so it is redacted here (and escaped when printed)."""
    from okpay_triage.errors import SessionError
    from okpay_triage.files import FileRefused, read_capped
    from okpay_triage.redaction import redact
    from okpay_triage.session.engine import Session
    from okpay_triage.tree.load import load_tree

    try:
        data = read_capped(file, MAX_SESSION_BYTES)
    except FileRefused as refused:
        raise Failed(f"cannot read session {file}: {refused.reason}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Failed(
            f"cannot read session {file}: not UTF-8 text (byte 0x{data[error.start]:02x} "
            f"at offset {error.start:,}); a saved session is UTF-8 JSON"
        ) from None
    tree = load_tree(tree_path) if tree_path else None
    try:
        session = Session.from_json(text, tree, thresholds=thresholds)
    except SessionError as error:
        raise SessionError(f"{file}: {redact(str(error))}", code=error.code) from None
    if session.replayed_from is not None and session.notices:  # upgraded to this version now
        from .console import echo, shown

        echo(shown(f"{file}: {session.notices[0]}"), err=True)
    return session


def refuse_to_overwrite(path: Path | None) -> None:
    """`run --save FILE`: FILE must not already hold something (a saved session, above all,
    which the first save would replace with a new, empty one). An empty file is fine."""
    if path is None:
        return
    import json

    from okpay_triage.files import FileRefused, read_capped

    try:
        data = read_capped(path, MAX_SESSION_BYTES)
    except FileRefused as refused:
        if refused.too_large:
            raise Failed(f"--save will not overwrite {path}: the file already exists") from None
        return  # missing (the usual case), or unusable: the save itself says why
    if not data.strip():
        return
    try:
        held = json.loads(data)
    except ValueError:
        held = None
    if isinstance(held, dict) and "tree" in held and "answers" in held:
        raise Failed(
            f"{path} already holds a saved session; continue it with: "
            f"okpay-triage resume {path} (or delete the file to start over)"
        )
    raise Failed(
        f"--save will not overwrite {path}: the file already exists; "
        "give a new file name, or delete it first"
    )


def refuse_nonempty(path: Path | None) -> None:
    """An output file given to write (`import -o OUT`, `stats --html FILE`): it must not
    hold anything yet; an empty file is fine, a missing one is the usual case."""
    if path is None:
        return
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        return
    except OSError as error:
        raise Failed(f"cannot write {path}: {error.strerror or error}") from None
    if size or not os.path.isfile(path):
        raise Failed(
            f"will not overwrite {path}: it already exists; give a new file name, or "
            "delete it first"
        )


def read_config(path: Path | None) -> Config | None:
    """The packet configuration in `path`, if one was given."""
    if path is None:
        return None
    from okpay_triage.config import load_config

    return load_config(path)


class SaveFile:
    """Where `run` and `resume` save the session (`path`, or nowhere), and what the last
    save did, so that nothing says "saved" unless it is true.

    A failed save stops a script (`exits.Failed`); at a terminal it is a warning, and the
    session goes on (the next answer tries again)."""

    def __init__(self, path: Path | None, *, interactive: bool) -> None:
        self.path = path
        self.interactive = interactive
        #: Whether any save has succeeded, and why the last one failed (None: it did not).
        self.ever_saved = False
        self.failure: str | None = None

    def save(self, session: Session, *, must: bool = False) -> bool:
        """Save `session` to the path, if any; whether it is now saved there. A failure
        stops the command when the session is scripted or the save is a `must` (`q`)."""
        if self.path is None:
            return False
        try:
            write_atomically(self.path, session.to_json().encode("utf-8"))
        except OSError as error:
            self.failure = error.strerror or str(error)
            existed = _exists(self.path)
            message = f"could not save the session to {self.path}: {self.failure}; " + (
                "the previous file is unchanged" if existed else "nothing was saved"
            )
            if must or not self.interactive:
                raise Failed(message) from None
            echo(shown(f"warning: {message}"), err=True, fg="yellow")
            return False
        self.ever_saved, self.failure = True, None
        return True

    def where(self, lang: str) -> str | None:
        """Where the session stands after the user stopped: saved and resumable, saved up
        to an earlier answer, or not saved at all (None: no path was given)."""
        from okpay_triage import wording

        if self.path is None:
            return None
        if self.failure is None:
            return wording.say("cli.saved-continue", lang, path=self.path)
        if self.ever_saved:
            return wording.say("cli.saved-earlier", lang, path=self.path, reason=self.failure)
        return wording.say("cli.not-saved", lang, path=self.path, reason=self.failure)


def _exists(path: Path) -> bool:
    try:
        return os.path.exists(path)
    except (OSError, ValueError):
        return False


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file beside it, fsync, then rename.

    A symbolic link is followed: the temporary file is made beside the file the link points
    to, and renamed onto that file, so the rename never crosses file systems and the link
    stays a link. The temporary file is removed on any failure, an interrupt included (it is
    created with SIGINT held, so that no Ctrl-C can land between its creation and the
    clean-up being in place)."""
    import tempfile

    try:
        target = path.resolve()
    except (RuntimeError, OSError) as error:  # a symlink loop (RuntimeError before 3.13)
        raise OSError(errno.ELOOP, f"cannot follow the path: {error}") from None
    handle: int | None = None
    temp: str | None = None
    try:
        with _interrupts_held():
            handle, temp = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
            )
        # The bare descriptor, not a file object: an interrupt at any point leaves one
        # owner of it (a file object would close it a second time in the clean-up, and
        # that error would hide the interrupt and skip the removal).
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
        os.fsync(handle)
        os.close(handle)
        handle = None
        os.replace(temp, target)
        temp = None
    except BaseException:
        with _interrupts_held():  # a second Ctrl-C cannot cut the clean-up short
            if handle is not None:
                with contextlib.suppress(OSError):
                    os.close(handle)
            if temp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temp)  # gone already if the rename had just happened
        raise


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """SIGINT held back (where the platform can) for the duration: a Ctrl-C then arrives,
    as KeyboardInterrupt, when the block ends."""
    import signal

    block = getattr(signal, "pthread_sigmask", None)
    if block is None:
        yield
        return
    previous = block(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        block(signal.SIG_SETMASK, previous)
