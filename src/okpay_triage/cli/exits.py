"""The one map from errors to exit codes, and the one place the command line exits.

Library errors carry their code (`TriageError.exit_code`: 1, or 2 for a refused answer); the
stops below are the command line's own. Commands raise; the group (`okpay_triage.cli`) hands
whatever stopped a command to `stopped`, which prints its message and makes the exit:

    0    done (also `q`: saved and quit)
    1    invalid tree, refused resume, a file that cannot be read or written, no result
    2    usage error, or an invalid scripted answer
    3    scripted answers ran out before an outcome
    130  interrupted
"""

from __future__ import annotations

from typing import ClassVar

import click

from okpay_triage.errors import AnswerError, ConfigError, TreeError, TriageError

from .console import echo, quoted, shown


class Stop(Exception):
    """The command line stops with `exit_code`; `message`, if any, is printed then (anything
    else the user needs has been printed already)."""

    exit_code: ClassVar[int]
    #: Printed before the message: ``"error: "`` for a failure.
    prefix: ClassVar[str] = ""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message)
        self.message = message


class Quit(Stop):
    """`q` at a terminal: the session is saved; stop without a result."""

    exit_code = 0


class Failed(Stop):
    """A file that cannot be read or written, or a command with nothing to show."""

    exit_code = 1
    prefix = "error: "


class BadUsage(Stop):
    """Arguments the command cannot use (click's own usage errors exit 2 the same way)."""

    exit_code = 2
    prefix = "error: "


class AnswersRanOut(Stop):
    """Scripted answers ran out before an outcome; the open step has been printed."""

    exit_code = 3


class Interrupted(Stop):
    """Ctrl-C or Ctrl-D at a terminal."""

    exit_code = 130


#: What stops a command: our errors, and the user interrupting it.
STOPPING = (TriageError, Stop, KeyboardInterrupt, EOFError, click.exceptions.Abort)


def exit_code(error: BaseException) -> int:
    """The exit code for `error`, one of `STOPPING`."""
    if isinstance(error, (TriageError, Stop)):
        return error.exit_code
    return Interrupted.exit_code


def _message(error: BaseException) -> str | None:
    if isinstance(error, (TreeError, ConfigError)):
        return str(error)  # already one `file:line:column: code: message` line per problem
    if isinstance(error, AnswerError):
        # A refused answer or up-front fact may be quoted in the message: redacted first.
        return f"error: {quoted(str(error))}"
    if isinstance(error, TriageError):
        return f"error: {error}"
    if isinstance(error, Stop):
        return None if error.message is None else error.prefix + error.message
    return ""  # interrupted: end the line the user was typing on


def stopped(error: BaseException) -> click.exceptions.Exit:
    """Print why `error` stopped the command and return the exit to raise. Every message is
    escaped as it is printed (a session file's node id may hold an escape sequence); those
    that quote what a user typed are redacted before that (`console.quoted`)."""
    message = _message(error)
    if message is not None:
        echo(shown(message), err=True)
    return click.exceptions.Exit(exit_code(error))


def made_safe(error: click.ClickException) -> click.ClickException:
    """click's own usage error with its message redacted and escaped (it quotes the
    arguments as given: `--lang 4111111111111111`, an option name holding an escape)."""
    fields = vars(error)  # click declares these final; they are plain attributes
    fields["message"] = quoted(error.message)
    if isinstance(error, click.FileError):
        fields["ui_filename"] = shown(error.ui_filename)
    return error
