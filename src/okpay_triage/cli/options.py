"""The options and argument types several commands share, defined once.

Only click is imported here: every option is built at start-up, for ``--help`` too.
"""

from __future__ import annotations

import os
from typing import Any

import click


class FilePath(click.Path):
    """A file argument as a `pathlib.Path`; pathlib is imported only once a path is given."""

    def __init__(self, *, allow_dash: bool = False, dir_okay: bool = False) -> None:
        super().__init__(dir_okay=dir_okay, allow_dash=allow_dash)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from pathlib import Path

        return Path(os.fsdecode(super().convert(value, param, ctx)))


#: One instance serves every file option: each new click.Path looks up the translation of
#: its name through gettext, a search of the locale folders that every start-up would pay.
A_FILE = FilePath()


ANSWER = click.option(
    "--answer",
    "answers",
    multiple=True,
    metavar="VALUE",
    help="An answer to the next step (option number, id or label). Repeatable.",
)
ANSWERS = click.option(
    "--answers",
    "answers_file",
    type=A_FILE,
    help="A YAML or JSON list of answers, used after --answer.",
)
LANG = click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of questions and results.",
)
TREE_FILE = click.option(
    "--tree",
    "tree_path",
    type=A_FILE,
    help="The tree file the session was made with (default: the bundled tree).",
)
JSON_PER_TREE = click.option(
    "--json", "json_lines", is_flag=True, help="One JSON object per tree and line."
)

# --- escalation packet options (run, resume, packet) --------------------------------------
PACKET = click.option(
    "--packet",
    "packet_path",
    type=FilePath(allow_dash=True),
    help="Write the escalation packet here when a result is reached ('-': standard output).",
)
FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "text", "json", "email"]),
    default=None,
    help="Packet format (default: from the --packet file name, else markdown).",
)
CONFIG = click.option(
    "--config",
    "config_path",
    type=A_FILE,
    help="A YAML or JSON file with working hours, holidays and contacts for packets.",
)
JSON_LINES = click.option(
    "--json",
    "json_lines",
    is_flag=True,
    help="Print every step, answer and the result as one JSON object per line (for "
    "programs; answers come from --answer, --answers and standard input, never a prompt).",
)
# --- end of packet options -----------------------------------------------------------------

# --- the case log (run, resume) ----------------------------------------------------------
LOG = click.option(
    "--log",
    "log_url",
    metavar="URL",
    envvar="OKPAY_TRIAGE_LOG",
    help="Record the case, finished or abandoned, masked, in the case log at URL: a SQLite "
    "file path, or postgresql://user@host/db (the [postgresql] extra). "
    "Default: $OKPAY_TRIAGE_LOG.",
)
