"""The `okpay-triage` command: a thin click shell over the library.

The CLI is the only part that prints, prompts or exits. Commands raise; the group below hands
whatever stopped a command to `exits.stopped`, the one map from errors to exit codes (0 done,
1 invalid tree or refused resume, 2 usage error or invalid scripted answer, 3 scripted answers
ran out, 130 interrupted). Only click is imported at start-up; each command imports what it
needs when it runs, so ``--help`` stays as fast as click itself.

Modules: `options` (shared options), `sessions` (run, resume, packet), `trees` (list,
validate, suggest, render, schema, import), `drive` (stepping a session, scripted or at a terminal),
`report` (showing steps and results), `diff` (diff), `files` (reading and atomically writing files),
`console` (printing), `exits` (the exit codes).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from okpay_triage import __version__

from .diff import diff
from .sessions import packet_command, resume, run
from .trees import import_chart, list_trees, render, schema, stats, suggest, validate

if TYPE_CHECKING:
    KEYS_HINT: tuple[str, str]

__all__ = ["KEYS_HINT", "cli", "main"]


class _Group(click.Group):
    """A click group that turns whatever stopped a command into its exit code, and makes
    click's own usage errors safe to print (they quote the arguments as given)."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as error:
            from .exits import made_safe

            raise made_safe(error) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as error:
            from .exits import made_safe

            raise made_safe(error) from None
        except (Exception, KeyboardInterrupt) as error:
            from .exits import STOPPING, stopped  # not at start-up: `--help` never stops

            if not isinstance(error, STOPPING):
                raise  # click's own exits, and bugs
            raise stopped(error) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="okpay-triage")
def cli() -> None:
    """Guided diagnosis of OKPAY wallet problems, in English or Chinese.

    Run `okpay-triage list` to see the trees, then `okpay-triage run TREE`.
    """


for _command in (list_trees, run, resume, packet_command, validate, suggest, render, stats, schema):
    cli.add_command(_command)
cli.add_command(import_chart)
cli.add_command(diff)


def main(args: Sequence[str] | None = None) -> None:
    """Run the command line with `args` (default: sys.argv) and exit with its code."""
    cli.main(args=list(args) if args is not None else None, prog_name="okpay-triage")


def __getattr__(name: str) -> Any:
    if name == "KEYS_HINT":  # the driver's words, imported only when asked for
        from .drive import KEYS_HINT

        return KEYS_HINT
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
