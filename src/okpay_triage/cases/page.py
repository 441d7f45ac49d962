"""The case figures as one self-contained HTML page (``stats --log URL --html FILE``).

`figures_page` turns a `Report` into a page that needs nothing but a browser: its CSS and
its charts (inline SVG, drawn here) are in the page, it loads no script, font or image.
For each tree: its headline figures, a funnel (`Figures.funnel`: the cases reaching each
step of the most common way through, and how many left there), one bar per outcome
(its length the finished cases that reached it, its colour the outcome's escalation), the
drop-off table and a table by version and language. Every text that comes from a tree or
the log (ids, versions) is escaped; the page shows no fact of any case, only ids and counts.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from okpay_triage import wording

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .figures import Figures, Report

__all__ = ["figures_page"]

#: How long the longest bar of a chart is, in SVG user units (pixels at 100%).
BAR_WIDTH = 480
BAR_HEIGHT = 22
#: The colour of an outcome's bar by its escalation: green for a fix, to red for urgent.
ESCALATION_COLOURS = {
    "no": "#2e7d32",
    "if-unresolved": "#f9a825",
    "yes": "#ef6c00",
    "urgent": "#c62828",
}
OTHER_COLOUR = "#757575"

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1a1a1a; max-width: 60rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2.5rem; }
h3 { font-size: 1.05rem; margin-top: 1.5rem; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
svg text { font-size: 12px; fill: #1a1a1a; }
.legend span { display: inline-block; margin-right: 1rem; }
.legend i { display: inline-block; width: 0.8rem; height: 0.8rem; margin-right: 0.3rem; }
p.note { color: #444; font-size: 0.9rem; }
"""


def figures_page(
    report: Report, lang: str, *, since: str | None = None, until: str | None = None
) -> str:
    """The HTML page of `report`, its labels in `lang`; `since`/`until` the dates asked."""
    say = wording.say
    title = say("report.title", lang)
    window = ""
    if since or until:
        window = say("report.window", lang, since=since or "…", until=until or "…")
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang)}"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(say('report.scope', lang, cases=report.overall.cases, window=window))}</p>",
        _headline(report.overall, lang, "overall"),
    ]
    if not report.overall.cases:
        parts.append(f"<p>{escape(say('report.none', lang))}</p>")
    if report.overall.priorities:
        parts.append(_priorities(report.overall, lang))
    for tree, figures in sorted(report.trees.items()):
        parts.append(f'<section class="tree" data-tree="{escape(tree)}">')
        parts.append(f"<h2>{escape(say('report.tree', lang, tree=tree))}</h2>")
        parts.append(_headline(figures, lang, tree))
        parts.append(_funnel(figures, lang))
        parts.append(_outcomes(figures, lang))
        parts.append(_drop_off(figures, lang))
        groups = {k: f for k, f in report.groups.items() if k[0] == tree}
        parts.append(_groups(groups, lang))
        parts.append("</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _headline(figures: Figures, lang: str, scope: str) -> str:
    say = wording.say
    cells = [
        ("report.cases", str(figures.cases)),
        ("report.finished", str(figures.finished)),
        ("report.abandoned", str(figures.abandoned)),
        ("report.self-service", _percent(figures.self_service_rate)),
        ("report.escalation", _percent(figures.escalation_rate)),
        ("report.conditional", str(figures.conditional)),
        ("report.median-questions", _number(figures.median_questions)),
        ("report.median-seconds", _number(figures.median_seconds)),
    ]
    head = "".join(f"<th>{escape(say(key, lang))}</th>" for key, _ in cells)
    row = "".join(
        f'<td data-figure="{key.removeprefix("report.")}">{escape(value)}</td>'
        for key, value in cells
    )
    table = f'<table class="headline" data-scope="{escape(scope)}">'
    return f"{table}<tr>{head}</tr><tr>{row}</tr></table>"


def _funnel(figures: Figures, lang: str) -> str:
    say = wording.say
    rows = figures.funnel
    if not rows:
        return ""
    most = max(row["reached"] for row in rows)
    bars = []
    for i, row in enumerate(rows):
        y = i * (BAR_HEIGHT * 2 + 4)
        width = _length(row["reached"], most)
        left = _length(row["left"], most)
        label = say("report.funnel-row", lang, **row)
        bars.append(
            f'<text x="0" y="{y + 14}">{escape(label)}</text>'
            f'<rect class="funnel-bar" data-step="{escape(row["step"])}" '
            f'data-count="{row["reached"]}" x="0" y="{y + BAR_HEIGHT - 4}" '
            f'width="{width}" height="{BAR_HEIGHT}" fill="#5c8dc4"/>'
            f'<rect class="funnel-left" data-count="{row["left"]}" x="{width - left}" '
            f'y="{y + BAR_HEIGHT - 4}" width="{left}" height="{BAR_HEIGHT}" fill="#1f3f66"/>'
        )
    height = len(rows) * (BAR_HEIGHT * 2 + 4)
    return (
        f"<h3>{escape(say('report.funnel', lang))}</h3>"
        f'<p class="note">{escape(say("report.funnel-explained", lang))}</p>'
        f'<svg class="funnel" width="{BAR_WIDTH + 20}" '
        f'height="{height}" role="img">{"".join(bars)}</svg>'
    )


def _outcomes(figures: Figures, lang: str) -> str:
    say = wording.say
    if not figures.outcomes:
        return ""
    most = max(row["cases"] for row in figures.outcomes.values())
    bars = []
    for i, (outcome, row) in enumerate(figures.outcomes.items()):
        y = i * (BAR_HEIGHT * 2 + 4)
        colour = ESCALATION_COLOURS.get(row["escalate"] or "", OTHER_COLOUR)
        label = say(
            "report.outcome-row",
            lang,
            outcome=outcome,
            cases=row["cases"],
            escalate=row["escalate"] or "-",
            priority=row["priority"] or "-",
        )
        bars.append(
            f'<text x="0" y="{y + 14}">{escape(label)}</text>'
            f'<rect class="outcome-bar" data-outcome="{escape(outcome)}" '
            f'data-escalate="{escape(row["escalate"] or "")}" data-count="{row["cases"]}" '
            f'x="0" y="{y + BAR_HEIGHT - 4}" width="{_length(row["cases"], most)}" '
            f'height="{BAR_HEIGHT}" fill="{colour}"/>'
        )
    height = len(figures.outcomes) * (BAR_HEIGHT * 2 + 4)
    legend = "".join(
        f'<span><i style="background:{colour}"></i>{escape(say("report.escalate", lang))} '
        f"{escape(name)}</span>"
        for name, colour in ESCALATION_COLOURS.items()
    )
    return (
        f"<h3>{escape(say('report.outcomes', lang))}</h3>"
        f'<p class="legend">{legend}</p>'
        f'<svg class="outcomes" width="{BAR_WIDTH + 20}" '
        f'height="{height}" role="img">{"".join(bars)}</svg>'
    )


def _drop_off(figures: Figures, lang: str) -> str:
    if not figures.drop_off:
        return ""
    rows = [
        (step, str(row["reached"]), str(row["abandoned"])) for step, row in figures.drop_off.items()
    ]
    return _table("report.drop-off", ["report.step", "report.reached", "report.left"], rows, lang)


def _priorities(figures: Figures, lang: str) -> str:
    rows = [(priority or "-", str(count)) for priority, count in figures.priorities.items()]
    return _table("report.priorities", ["report.priority", "report.cases"], rows, lang)


def _groups(groups: dict[tuple[str, str, str], Figures], lang: str) -> str:
    rows = [
        (
            version,
            group_lang,
            str(f.cases),
            str(f.finished),
            str(f.abandoned),
            _percent(f.self_service_rate),
            _percent(f.escalation_rate),
            _number(f.median_questions),
            _number(f.median_seconds),
        )
        for (_, version, group_lang), f in sorted(groups.items())
    ]
    head = ["report.version", "report.lang", "report.cases", "report.finished"]
    head += ["report.abandoned", "report.self-service", "report.escalation"]
    head += ["report.median-questions", "report.median-seconds"]
    return _table("report.groups", head, rows, lang)


def _table(title: str, head: list[str], rows: Sequence[tuple[str, ...]], lang: str) -> str:
    say = wording.say
    cells = "".join(f"<th>{escape(say(key, lang))}</th>" for key in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    name = title.removeprefix("report.")
    return (
        f'<h3>{escape(say(title, lang))}</h3><table class="{name}"><tr>{cells}</tr>{body}</table>'
    )


def _length(count: int, most: int) -> float:
    """A bar's length: proportional to `count`, the longest (`most`) `BAR_WIDTH` long."""
    return round(BAR_WIDTH * count / most, 2) if most else 0.0


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.1%}"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"
