"""The commands about trees rather than sessions: `list`, `validate`, `suggest`, `render`,
`stats`, `schema`, `import`.

Only click and the shared options are imported at start-up; each command imports the tree
loader, the suggester or the diagram writer when it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .console import echo, json_line, shown
from .options import A_FILE, JSON_PER_TREE, LANG, FilePath

if TYPE_CHECKING:
    from pathlib import Path

    from okpay_triage.authoring.stats import TreeStats
    from okpay_triage.types import Lang


@click.command("list")
@LANG
@JSON_PER_TREE
def list_trees(lang: str, json_lines: bool) -> None:
    """List the bundled trees: id, title and number of outcomes."""
    from okpay_triage import wording
    from okpay_triage.tree.bundled import bundled_tree_ids
    from okpay_triage.tree.cache import compiled_bundled
    from okpay_triage.types import lang_index

    pick = lang_index(lang)
    for tree_id in bundled_tree_ids():
        plan = compiled_bundled(tree_id)
        outcomes = sum(1 for step in plan.steps.values() if step.outcome is not None)
        if json_lines:
            fields = {"id": tree_id, "version": plan.version, "title": plan.title[pick]}
            echo(json_line({**fields, "outcomes": outcomes}))
            continue
        count = wording.say("cli.outcomes", lang, count=outcomes)
        echo(f"{tree_id:<22} {shown(plan.title[pick])}{count}")


@click.command()
@click.argument("paths", nargs=-1, type=FilePath(dir_okay=True))
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=None,
    help="Refuse files larger than this (default 2 MiB).",
)
@click.option(
    "--config",
    "config_path",
    type=A_FILE,
    help="Also check the trees' route steps against this configuration's thresholds.",
)
def validate(paths: tuple[Path, ...], max_bytes: int | None, config_path: Path | None) -> None:
    """Check tree files (default: every bundled tree).

    Prints one `file:line:column: code: message` line per problem; exits 1 on any error.
    With --config, a route step naming a threshold the configuration does not set (or sets
    as the wrong kind) is an error too.
    """
    from okpay_triage.tree.bundled import bundled_tree_ids
    from okpay_triage.tree.load import DEFAULT_MAX_BYTES, read_tree

    from .exits import Failed
    from .files import read_config

    sources: list[str | Path] = list(paths) or list(bundled_tree_ids())
    errors = warnings = 0
    too_large = False
    config = read_config(config_path)
    for source in sources:
        result = read_tree(source, max_bytes=max_bytes or DEFAULT_MAX_BYTES)
        problems = result.problems
        if config is not None and result.tree is not None:
            from okpay_triage.session.routes import threshold_problems

            problems = [*problems, *threshold_problems(result.tree, config.thresholds)]
        for problem in problems:
            echo(shown(str(problem)))
            too_large = too_large or problem.code == "file-too-large"
        failed = sum(1 for p in problems if p.severity == "error")
        errors += failed
        warnings += len(problems) - failed
    if too_large:
        echo("hint: to check a larger tree, raise the limit with --max-bytes", err=True)
    echo(f"{len(sources)} tree(s) checked: {errors} error(s), {warnings} warning(s)", err=True)
    if errors:
        raise Failed


@click.command()
@click.argument("text", nargs=-1, required=True)
@LANG
@click.option(
    "--limit",
    type=click.IntRange(1, 20),
    default=3,
    show_default=True,
    help="At most this many trees, best first.",
)
@JSON_PER_TREE
def suggest(text: tuple[str, ...], lang: str, limit: int, json_lines: bool) -> None:
    """Which trees fit a free-text description, e.g. `suggest 提现三天了还没到账`."""
    from okpay_triage import wording
    from okpay_triage.suggest import suggest_trees
    from okpay_triage.tree.cache import compiled_bundled
    from okpay_triage.types import lang_index

    from .exits import Failed

    ranked = suggest_trees(" ".join(text), limit=limit)
    if not ranked:
        echo(wording.say("cli.no-tree-fits", lang), err=True)
        raise Failed
    pick = lang_index(lang)
    for tree_id, score in ranked:
        title = compiled_bundled(tree_id).title[pick]
        if json_lines:
            echo(json_line({"id": tree_id, "score": round(score, 4), "title": title}))
        else:
            echo(f"{tree_id:<22} {score:.2f}  {shown(title)}")


@click.command()
@click.argument("tree")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "dot"]),
    default="mermaid",
    show_default=True,
    help="Mermaid (renders on GitHub and in the docs) or Graphviz DOT.",
)
@LANG
def render(tree: str, fmt: str, lang: str) -> None:
    """Draw TREE (a bundled id or a file) as a diagram.

    Mermaid or Graphviz DOT, labels in --lang; outcomes are coloured by escalation (green:
    no, yellow: if unresolved, orange: yes, red: urgent). A tree file with errors is drawn
    as a draft: its problems go to standard error and the nodes that have them are
    highlighted (exit 0); a file with nothing that can be drawn exits 1.
    """
    from okpay_triage.authoring.diagram import to_dot, to_mermaid
    from okpay_triage.tree.bundled import is_bundled_id

    from .exits import Failed

    draw = to_mermaid if fmt == "mermaid" else to_dot
    if is_bundled_id(tree):
        from okpay_triage.tree.cache import compiled_bundled

        click.echo(shown(draw(compiled_bundled(tree), lang)), nl=False)
        return
    from okpay_triage.authoring.draft import read_draft

    draft = read_draft(tree)
    errors = draft.errors
    if errors:
        for problem in draft.problems:
            echo(shown(str(problem)), err=True)
    if not draft.steps:
        raise Failed
    click.echo(shown(draw(draft, lang)), nl=False)
    if errors:
        marked = sum(1 for step in draft.steps if step.problem)
        echo(
            f"drawn as a draft: {len(errors)} error(s); {marked} node(s) with problems "
            "are highlighted (okpay-triage validate lists them)",
            err=True,
        )


@click.command()
@click.argument("tree", required=False)
@LANG
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option(
    "--log",
    "log_url",
    metavar="URL",
    help="The figures of the real cases in this case log (of TREE's id, if given).",
)
@click.option("--since", metavar="DATE", help="With --log: cases finished on or after DATE.")
@click.option("--until", metavar="DATE", help="With --log: cases finished before DATE.")
@click.option("--tree", "tree_id", metavar="T", help="With --log: only the cases of tree id T.")
@click.option(
    "--html",
    "html_file",
    type=A_FILE,
    metavar="FILE",
    help="With --log: also write the figures as one self-contained HTML page (charts "
    "included) to FILE; a file that holds something is never overwritten.",
)
def stats(
    tree: str | None,
    lang: str,
    as_json: bool,
    log_url: str | None,
    since: str | None,
    until: str | None,
    tree_id: str | None,
    html_file: Path | None,
) -> None:
    """Figures of TREE (a bundled id or a file): paths, questions asked, escalations.

    How many paths lead from the start to an outcome, how many questions and inputs they
    ask (fewest, median, most, and on average when every answer is equally likely), which
    outcomes send the user to support and how often, and the same for each outcome.

    With --log URL, the figures of the cases recorded there instead: self-service and
    escalation rates, outcomes, drop-off per step, median questions and time to a
    diagnosis, overall and per tree, version and language. DATE is YYYY-MM-DD (UTC) or an
    ISO time with its zone. --tree T (or TREE, as before) keeps the cases of one tree id;
    --html FILE writes them as a page with a funnel and outcome bars per tree.
    """
    import json

    from okpay_triage import wording

    from .exits import BadUsage, Failed
    from .files import tree_for_run

    if log_url:
        from .caselog import print_figures

        print_figures(log_url, tree, tree_id, since, until, lang, as_json=as_json, html=html_file)
        return
    if tree is None or since or until or tree_id or html_file:
        raise BadUsage(
            "stats needs TREE, or --log URL (--since, --until, --tree and --html go with --log)"
        )
    from okpay_triage.authoring.stats import tree_stats

    try:
        figures = tree_stats(tree_for_run(tree))
    except ValueError as error:  # a loop: validate names it
        echo(shown(str(error)), err=True)
        raise Failed from None
    if as_json:
        echo(json.dumps(figures.as_json(), ensure_ascii=False))
        return
    say = wording.say
    steps = say("cli.stats.steps", lang, **_counts(figures))
    if figures.routes:  # branch points that ask nothing
        steps += say("cli.stats.routes", lang, routes=figures.routes)
    echo(shown(steps))
    echo(say("cli.stats.paths", lang, **_counts(figures)))
    escalating = len(figures.escalating)
    chance = figures.escalation_chance
    echo(say("cli.stats.escalating", lang, count=escalating, chance=chance, **_counts(figures)))
    echo("")
    echo(say("cli.stats.header", lang))
    for o in figures.by_outcome:
        asked = f"{o.shortest}-{o.longest}" if o.shortest != o.longest else f"{o.shortest}"
        echo(shown(f"{o.id:<32}{o.paths:>5}  {asked:>5}  {o.chance:>6.1%}  {o.escalate}"))


def _counts(figures: TreeStats) -> dict[str, object]:
    return {
        "tree": figures.tree,
        "version": figures.version,
        "questions": figures.questions,
        "inputs": figures.inputs,
        "outcomes": figures.outcomes,
        "paths": figures.paths,
        "shortest": figures.shortest,
        "median": figures.median,
        "longest": figures.longest,
        "expected": figures.expected,
    }


@click.command()
def schema() -> None:
    """Print the JSON Schema of the tree format (for editor validation of YAML trees)."""
    import json

    from okpay_triage.tree.fragments import schema_with_uses
    from okpay_triage.tree.model import Tree

    document = schema_with_uses(Tree.model_json_schema())
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    echo(json.dumps(document, ensure_ascii=False, indent=2))


@click.command("import")
@click.argument("file", type=A_FILE)
@click.option(
    "-o",
    "--output",
    type=A_FILE,
    default=None,
    help="Write the tree here (default: standard output); a file that holds something is "
    "never overwritten.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default=None,
    help="The language the chart is written in (default: Chinese if it is mostly Chinese).",
)
def import_chart(file: Path, output: Path | None, lang: str | None) -> None:
    """Turn the Mermaid flowchart FILE into a tree skeleton in the YAML format.

    Decisions become questions (link texts the options), chains of action boxes the steps
    to try, leaves outcomes. The other language is marked `TODO translate:` and each
    outcome's cause, escalate and severity are placeholders: what to review is printed to
    standard error. A link that loops back is reported and cut.
    """
    from okpay_triage.authoring.mermaid import MAX_CHART_BYTES, import_mermaid
    from okpay_triage.files import FileRefused, read_capped
    from okpay_triage.tree.parse import decode

    from .exits import Failed
    from .files import refuse_nonempty, write_atomically

    try:
        data = read_capped(file, MAX_CHART_BYTES)
    except FileRefused as refused:
        raise Failed(f"cannot read {file}: {refused.reason}") from None
    refuse_nonempty(output)
    result = import_mermaid(decode(data, str(file)), name=str(file), lang=_lang(lang))
    for warning in result.warnings:
        echo(shown(str(warning)), err=True)
    if output is None:
        click.echo(result.yaml, nl=False)
    else:
        try:
            write_atomically(output, result.yaml.encode("utf-8"))
        except OSError as error:
            raise Failed(f"could not write {output}: {error.strerror or error}") from None
    count = f"{len(result.warnings)} warning(s) to review"
    if output is not None:
        count = f"{output} written, {count}; then: okpay-triage validate {output}"
    echo(shown(count), err=True)


def _lang(lang: str | None) -> Lang | None:
    return "zh" if lang == "zh" else "en" if lang == "en" else None
