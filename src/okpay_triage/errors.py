"""The one error family of okpay-triage, and the `Problem` record that tree errors carry.

Definition errors (a bad tree file, a refused resume) and runtime errors (a bad answer or fact)
are separate branches under `TriageError`, so callers can catch exactly what they can act on.
Each error carries its details as attributes, not only as text, and the exit code the command
line ends with when it stops on that error (`exit_code`, read in one place:
`okpay_triage.cli.exits`). This module imports nothing heavy: the command line loads it for
every command that runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, NamedTuple

from .types import ProblemSeverity


class Problem(NamedTuple):
    """One thing wrong with a tree, and where it is.

    `line` and `column` are 1-based; 0 means the position is unknown (a tree built in Python
    rather than read from a file).
    """

    code: str
    message: str
    file: str = "<tree>"
    line: int = 0
    column: int = 0
    severity: ProblemSeverity = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        label = self.code if self.severity == "error" else f"{self.code} (warning)"
        return f"{where}: {label}: {self.message}"


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """The end of a problem's message when `name` is close to one of the `known` names:
    ``" (did you mean 'next'?)"``, or nothing when none is close. Tree checks, the tree
    loader and the config loader all word it this way."""
    import difflib  # only a problem pays for importing it

    guess = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{guess[0]}'?)" if guess else ""


class TriageError(Exception):
    """Base of every error okpay-triage raises on purpose."""

    #: The exit code of the command line when it stops on this error.
    exit_code: ClassVar[int] = 1


class TreeError(TriageError):
    """A tree file (or tree object) is not a valid diagnostic tree.

    Attributes:
        problems: every problem found, errors and warnings, in file order.
    """

    exit_code: ClassVar[int] = 1  # invalid tree

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


class SessionError(TriageError):
    """A saved session cannot be resumed (corrupt, foreign, or made with a different tree).

    Attributes:
        code: a stable machine-readable reason, so a caller can word its own message:
            ``"not-json"``, ``"not-a-session"``, ``"unsupported-version"``, ``"damaged"``,
            ``"unmasked"`` (personal data edited into the file), ``"bad-value"`` (a value
            edited into a form the engine never keeps, such as an amount ``abc``),
            ``"not-bundled"``,
            ``"wrong-tree"``, ``"tree-changed"`` (start a new session) or ``"tree-invalid"``.
    """

    exit_code: ClassVar[int] = 1  # resume refused

    def __init__(self, message: str, *, code: str = "damaged") -> None:
        self.code = code
        super().__init__(message)


class AnswerError(TriageError, ValueError):
    """An answer or a fact value was refused; the message is in the session's language.

    Attributes:
        code: a stable machine-readable reason, e.g. ``"no-such-option"``.
        node_id: the step that refused it, if any.
    """

    exit_code: ClassVar[int] = 2  # an invalid scripted answer (at a terminal it is asked again)

    def __init__(self, message: str, *, code: str = "invalid-answer", node_id: str | None = None):
        self.code = code
        self.node_id = node_id
        super().__init__(message)


class PacketError(TriageError, ValueError):
    """A packet cannot be built: the session is unfinished, or `now` or `case_id` is invalid."""

    exit_code: ClassVar[int] = 1  # no packet


class ConfigError(TriageError, ValueError):
    """A configuration file or value is invalid.

    Attributes:
        problems: every problem found, as `Problem` records with file, line and column.
    """

    exit_code: ClassVar[int] = 1  # invalid configuration

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


class CaseLogError(TriageError):
    """The case log cannot be opened, read or written, or was given what it cannot record.

    Attributes:
        code: a stable machine-readable reason: ``"bad-url"``, ``"database"`` (the database
            refused or could not be reached; the message says why, without any values),
            ``"newer-schema"``, ``"foreign"`` (a ``cases`` table the log did not make),
            ``"unfinished"``, ``"finished"``, ``"naive-time"`` or ``"bad-case-id"``.
    """

    exit_code: ClassVar[int] = 1  # the log could not be written (the session is saved first)

    def __init__(self, message: str, *, code: str = "database") -> None:
        self.code = code
        super().__init__(message)
