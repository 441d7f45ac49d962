"""`okpay-triage diff OLD NEW`: what changed between two versions of a tree, and whether
sessions saved under OLD still resume under NEW.

Only click and the shared options are imported at start-up; the command imports the tree
loader and `authoring.diff` when it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .console import echo, json_line, shown
from .options import LANG

if TYPE_CHECKING:
    from okpay_triage.authoring.diff import TreeDiff, Trouble


@click.command("diff")
@click.argument("old")
@click.argument("new")
@LANG
@click.option("--json", "as_json", is_flag=True, help="Print the diff as one JSON object.")
@click.option(
    "--exit-code",
    is_flag=True,
    help="Exit 1 when some session saved under OLD would not resume under NEW (as "
    "`git diff --exit-code` exits 1 on a difference).",
)
def diff(old: str, new: str, lang: str, as_json: bool, exit_code: bool) -> None:
    """What changed from OLD to NEW (each a bundled tree id or a tree file), and which
    sessions saved under OLD still resume under NEW.

    Steps, options, outcomes and facts added (+), removed (-) or changed (~, with the
    fields that changed); then the sessions: how many of OLD's walks resume, and each
    answer at which sessions saved under OLD are refused, with why and how many walks.
    """
    from okpay_triage.authoring.diff import diff_trees

    from .exits import Failed
    from .files import tree_for_run

    found = diff_trees(tree_for_run(old), tree_for_run(new))
    if as_json:
        echo(json_line(found.as_json()))
    else:
        _show(found, lang)
    if exit_code and not found.all_resume:
        raise Failed


def _show(found: TreeDiff, lang: str) -> None:
    from okpay_triage.wording import say

    old, new = found.old, found.new
    if old.id != new.id:
        echo(shown(say("cli.diff.other-tree", lang, old=old.id, new=new.id)))
        return
    head = say(
        "cli.diff.head",
        lang,
        tree=old.id,
        old=old.version,
        new=new.version,
        changes=len(found.changes),
    )
    echo(shown(head))
    for change in found.changes:
        echo(shown(f"  {change}"))
    if found.same:
        echo(say("cli.diff.same", lang))
        return
    troubles = [t for t in found.troubles if t.walks and t.status != "moved"]
    if found.all_resume or not troubles:
        echo(say("cli.diff.all-resume", lang, old=old.version, new=new.version, walks=found.walks))
    else:
        maybe = (
            say("cli.diff.maybe", lang, possible=found.possible)
            if found.possible != found.surviving
            else ""
        )
        echo(
            say(
                "cli.diff.some-resume",
                lang,
                old=old.version,
                new=new.version,
                surviving=found.surviving,
                walks=found.walks,
                maybe=maybe,
            )
        )
        for trouble in troubles:
            echo(shown(f"  {_line(trouble)}"))
    for trouble in found.troubles:
        if trouble.status == "moved" and trouble.walks:
            echo(shown(f"  {_line(trouble)}"))
    if found.facts_dropped:  # (the walks above are of sessions given no facts up front)
        echo(shown(say("cli.diff.dropped", lang, facts=", ".join(found.facts_dropped))))


def _line(trouble: Trouble) -> str:
    from okpay_triage.authoring.diff import VALUE

    answer = (
        "skipped"
        if trouble.answer is None
        else ("a value" if trouble.answer == VALUE else trouble.answer)
    )
    return f"{trouble.step} ({answer}): {trouble.status}, {trouble.reason} [walks: {trouble.walks}]"
