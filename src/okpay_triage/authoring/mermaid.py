"""A Mermaid flowchart to a tree skeleton, written as YAML for an author to finish.

Authors often already have their troubleshooting chart as a Mermaid `flowchart`/`graph`;
`import_mermaid` turns one into a tree file (`authoring.chart` reads the chart).

The mapping: a box with two or more ways out is a question, the link texts its options; a
box with one way out is an action, and a chain of actions becomes the numbered steps the user
is told to try, shown as `info` before the next question or as the `steps` of the outcome it
ends in; a box with no way out is an outcome. A chain reached from several answers is folded
into each, so a question after it may be written more than once, each time with the steps
of the way in. Texts go into one language; the other half says ``TODO translate:`` (the
`untranslated` warning of `validate`). Outcomes get a placeholder cause and an escalation
guessed from their words, both marked for review. A link back to an earlier box would make
the tree loop: it is reported and leads to a placeholder outcome instead, for the author to
unroll as a retry step. The YAML is written by hand, so that it carries the review comments.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from okpay_triage import wording
from okpay_triage.errors import Problem, TreeError
from okpay_triage.text import normalize
from okpay_triage.tree.content import TRANSLATE_MARK

from .chart import MAX_CHART_BYTES, ChartNode, parse_chart
from .names import (
    both_languages,
    comment,
    detect_lang,
    guess_escalation,
    option_id,
    quoted,
    slug,
    tree_id,
    unique,
    yaml_id,
)

if TYPE_CHECKING:
    from okpay_triage.types import Escalation, Lang, Severity

    from .chart import Chart, ChartEdge

__all__ = ["MAX_CHART_BYTES", "ImportResult", "import_mermaid", "parse_chart", "skeleton"]

#: The longest text written: the format allows 4,000 characters, and the marked half adds
#: the marker.
_MAX_TEXT = 3900
#: The longest option label: an answer a user may type back.
_MAX_LABEL = 200
#: The most steps folded into questions and outcomes, all chains together: far beyond
#: any chart drawn by hand (a chart of 40 boxes folds a few dozen).
MAX_FOLDED_STEPS = 20_000
_NUMBERED = re.compile(r"^\d+[.、)]")
#: Shapes of the box a flowchart starts (or ends) at: stadium, rounded, circle.
_TERMINALS = ("([", "(", "((", "(((")


@dataclass(frozen=True, slots=True)
class ImportResult:
    """A chart imported as a tree skeleton.

    Attributes:
        yaml: the tree file's text, to save and finish; it loads, and `validate` gives it
            warnings only.
        lang: the language the texts were put into (the other half is marked).
        warnings: what the author must review, each at its place in the chart.
    """

    yaml: str
    lang: Lang
    warnings: tuple[Problem, ...]


@dataclass(slots=True)
class _Node:
    id: str
    kind: str
    source: ChartNode
    steps: tuple[str, ...]
    options: list[tuple[str, str, str]]  # id, label, next


def import_mermaid(text: str, *, name: str = "<chart>", lang: Lang | None = None) -> ImportResult:
    """The tree skeleton, as YAML text, of the Mermaid flowchart `text`.

    Decisions become questions (their link texts the options), chains of action boxes the
    steps shown before the next question or in an outcome, and leaves outcomes. Texts go
    into `lang` (default: Chinese when the chart is mostly Chinese, else English); the other
    language is marked ``TODO translate:`` for `validate` to warn about. A link that loops
    back is cut, reported, and leads to a placeholder outcome to unroll by hand.

    Args:
        text: the chart.
        name: the file name problems are reported under; its stem becomes the tree's id.
        lang: the language the chart is written in.

    Raises:
        TreeError: the text is not a flowchart this reader understands; one problem per
            line that cannot be read, each with its line and column.
    """
    return skeleton(parse_chart(text, name), lang)


def skeleton(chart: Chart, lang: Lang | None = None) -> ImportResult:
    """The tree skeleton of `chart`, with its texts in `lang` (default: detected)."""
    chosen = lang or detect_lang([node.text for node in chart.nodes.values()])
    return _Mapping(chart, chosen).result()


class _Mapping:
    def __init__(self, chart: Chart, lang: Lang) -> None:
        self.chart = chart
        self.lang = lang
        self.warnings: list[Problem] = []
        self.out: dict[str, list[ChartEdge]] = {key: [] for key in chart.nodes}
        seen: set[tuple[str, str, str]] = set()
        for edge in chart.edges:
            if (edge.source, edge.target, edge.label) not in seen:
                seen.add((edge.source, edge.target, edge.label))
                self.out[edge.source].append(edge)
        has_in = {edge.target for edge in chart.edges}
        self.start = next((n for n in chart.nodes if n not in has_in), next(iter(chart.nodes)))
        #: The target each link really leads to: a loop's link leads to a placeholder leaf.
        self.leads: dict[int, ChartNode] = {}
        self.nodes: dict[str, ChartNode] = dict(chart.nodes)
        self.ids: set[str] = set()
        self.made: dict[tuple[str, tuple[str, ...]], str] = {}
        self.written: list[_Node] = []
        self.title = chart.title
        self.folded = 0

    def warn(self, code: str, message: str, at: ChartNode | ChartEdge | None = None) -> None:
        """A warning at the box or link `at` (at the top of the chart: about all of it)."""
        line, column = (at.line, at.column) if at is not None else (1, 1)
        self.warnings.append(Problem(code, message, self.chart.name, line, column, "warning"))

    # ------------------------------------------------------------------ the graph

    def cut_loops(self) -> set[str]:
        """Depth first from the start: every link to a box still on the way there closes a
        loop, and is led to a placeholder leaf. Returns the boxes reached."""
        state: dict[str, int] = {self.start: 1}  # 1: on the way, 2: done
        path = [self.start]
        depth = {self.start: 0}  # where each box on the way is in `path`
        stack = [(self.start, iter(self.out[self.start]))]
        while stack:
            here, edges = stack[-1]
            edge = next(edges, None)
            if edge is None:
                state[here] = 2
                stack.pop()
                del depth[path.pop()]
                continue
            seen = state.get(edge.target)
            if seen == 1:
                self.loop(edge, path[depth[edge.target] :])
            elif seen is None:
                state[edge.target] = 1
                depth[edge.target] = len(path)
                path.append(edge.target)
                stack.append((edge.target, iter(self.out[edge.target])))
        return set(state)

    def loop(self, edge: ChartEdge, circle: list[str]) -> None:
        target = self.nodes[edge.target]
        boxes = [*circle, edge.target]
        if len(boxes) > 8:  # a long loop is named by its ends
            boxes = [*boxes[:3], "...", *boxes[-3:]]
        steps = " -> ".join(boxes)
        self.warn(
            "cycle",
            f"the link {edge.source} --> {edge.target} goes back to an earlier box "
            f"({steps}), and a tree cannot loop; it leads to a placeholder outcome "
            "'Try again from ...' instead: unroll the retry as a new step that leads on "
            "(docs/authoring.md, 'Retries: unroll the loop')",
            edge,
        )
        key = f"\0loop{len(self.leads)}"
        leaf = ChartNode(key, target.text, "loop", edge.line, edge.column)
        self.nodes[key] = leaf
        self.out[key] = []
        self.leads[id(edge)] = leaf

    def report_unreached(self, reached: set[str]) -> None:
        covered = set(reached)
        for key, node in self.chart.nodes.items():
            if key in covered:
                continue
            behind = self.reach(key, covered)
            covered |= behind
            more = f" and {len(behind) - 1} box(es) after it" if len(behind) > 1 else ""
            self.warn(
                "unreachable",
                f"box '{key}'{more} cannot be reached from the chart's first box "
                f"'{self.start}', and is left out of the tree; link it from a box above",
                node,
            )

    def reach(self, key: str, covered: set[str]) -> set[str]:
        found = {key}
        todo = [key]
        while todo:
            for edge in self.out[todo.pop()]:
                if edge.target not in found and edge.target not in covered:
                    found.add(edge.target)
                    todo.append(edge.target)
        return found

    def target(self, edge: ChartEdge) -> ChartNode:
        return self.leads.get(id(edge)) or self.nodes[edge.target]

    # ------------------------------------------------------------------ the nodes

    def result(self) -> ImportResult:
        self.report_unreached(self.cut_loops())
        for key in self.nodes:
            node, ways = self.nodes[key], self.out[key]
            if node.decision and len(ways) == 1:
                self.warn(
                    "one-way-decision",
                    f"decision '{key}' has one way out, so it is shown as a step to try; "
                    "give it a second labelled link to make it a question",
                    node,
                )
        first = self.nodes[self.start]
        if first.shape in _TERMINALS and len(self.out[first.id]) == 1:
            # A rounded box at the top names the problem: it is the title, not a step.
            self.title = self.chart.title or first.text
            first = self.target(self.out[first.id][0])
        start = self.want(*self.resolve(first))
        queue = deque(self.written)
        while queue:
            item = queue.popleft()
            if item.kind == "question":
                before = len(self.written)
                self.fill_question(item)
                queue.extend(self.written[before:])
        self.warn(
            "untranslated",
            f"the texts are in {'Chinese' if self.lang == 'zh' else 'English'} only; each "
            f"{'en' if self.lang == 'zh' else 'zh'} half says {TRANSLATE_MARK.strip()!r} "
            "until it is translated (validate warns at each)",
        )
        return ImportResult(self.yaml(start), self.lang, tuple(self.warnings))

    def resolve(self, node: ChartNode) -> tuple[ChartNode, tuple[str, ...]]:
        """The question or leaf a chain of actions from `node` ends at, and the actions."""
        steps: list[str] = []
        while len(self.out[node.id]) == 1:
            steps.append(node.text)
            node = self.target(self.out[node.id][0])
        self.folded += len(steps)
        if self.folded > MAX_FOLDED_STEPS:
            # Chains reached from many answers are copied into each: bounded, so that a
            # small chart cannot make an enormous tree.
            message = (
                f"the chart's chains of steps would be copied more than {MAX_FOLDED_STEPS:,} "
                "times into the questions after them; split the chart, or give long chains "
                "that many answers share a question of their own"
            )
            raise TreeError([Problem("chart-too-tangled", message, self.chart.name, 1, 1)])
        return node, tuple(steps)

    def want(self, node: ChartNode, steps: tuple[str, ...]) -> str:
        """The id of the tree node for `node` reached after `steps`, made once."""
        made = self.made.get((node.id, steps))
        if made is not None:
            return made
        question = len(self.out[node.id]) >= 2
        tree_id = self.new_id("q_" if question else "o_", node)
        self.made[(node.id, steps)] = tree_id
        self.written.append(_Node(tree_id, "question" if question else "outcome", node, steps, []))
        return tree_id

    def new_id(self, prefix: str, node: ChartNode) -> str:
        base = slug(node.text) or slug(node.id.lstrip("\0")) or "step"
        return unique(f"{prefix}{base}", self.ids)

    def fill_question(self, item: _Node) -> None:
        chosen: list[tuple[str, ChartNode]] = []
        labels: set[str] = set()
        for edge in self.out[item.source.id]:
            target = self.target(edge)
            label = edge.label
            if not label:
                label = target.text
                self.warn(
                    "unlabelled-link",
                    f"the link {edge.source} --> {edge.target} has no text, so its option "
                    "is named after the box it leads to; give the link a text",
                    edge,
                )
            if len(label) > _MAX_LABEL:  # cut before comparing, so cut labels stay distinct
                label = label[: _MAX_LABEL - 1] + "…"
            if normalize(label).isdigit():
                label = wording.say("import.numbered-option", self.lang, label=label)
            if normalize(label) in labels:
                self.warn(
                    "duplicate-label",
                    f"two links from '{edge.source}' say {label!r}; the second is numbered",
                    edge,
                )
                k = 2
                while normalize(f"{label} ({k})") in labels:
                    k += 1
                label = f"{label} ({k})"
            labels.add(normalize(label))
            chosen.append((label, target))
        used = set(labels)  # an option's id must not be another option's words
        for number, (label, target) in enumerate(chosen, start=1):
            own = normalize(label)
            used.discard(own)
            option = unique(option_id(label, number), used)
            used.add(own)
            item.options.append((option, label, self.want(*self.resolve(target))))

    # ------------------------------------------------------------------ the YAML

    def text(self, text: str) -> str:
        text = text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"
        marked = TRANSLATE_MARK + text
        en, zh = (marked, text) if self.lang == "zh" else (text, marked)
        return f"{{en: {quoted(en)}, zh: {quoted(zh)}}}"

    def yaml(self, start: str) -> str:
        chart = self.chart
        other = "en" if self.lang == "zh" else "zh"
        title = self.title or self.nodes[self.start].text
        lines = [
            f"# A tree skeleton imported from {comment(chart.name)} by `okpay-triage import`.",
            f"# Finish it by hand: translate each {other} half that says "
            f"{TRANSLATE_MARK.strip()!r},",
            "# write each outcome's cause, and review the lines marked 'review'.",
            "# Then: okpay-triage validate THIS-FILE",
            f"id: {tree_id(chart.name)}",
            'version: "0.1"',
            f"title: {self.text(title)}",
            f"start: {start}",
            "nodes:",
        ]
        first = self.written[0]
        rest = sorted(self.written[1:], key=lambda n: (n.source.line, n.source.column))
        for item in [first, *rest]:
            node = item.source
            where = f"chart line {node.line}" + (
                f": box {comment(node.id)}" if node.shape != "loop" else ": a loop closes here"
            )
            lines += [f"  - id: {item.id}  # {where}", f"    kind: {item.kind}"]
            if item.kind == "question":
                lines += self.info("info", item.steps)
                lines.append(f"    prompt: {self.text(node.text)}")
                lines.append("    options:")
                for option, label, target in item.options:
                    lines.append(f"      - id: {yaml_id(option)}")
                    lines.append(f"        label: {self.text(label)}")
                    lines.append(f"        next: {target}")
            else:
                lines += self.outcome(item)
        return "\n".join(lines) + "\n"

    def info(self, key: str, steps: tuple[str, ...] | list[str]) -> list[str]:
        if not steps:
            return []
        numbered = len(steps) > 1
        lines = [f"    {key}:"]
        for k, step in enumerate(steps, start=1):
            shown = step if not numbered or _NUMBERED.match(step) else f"{k}. {step}"
            lines.append(f"      - {self.text(shown)}")
        return lines

    def outcome(self, item: _Node) -> list[str]:
        node, say = item.source, wording.say
        if node.shape == "loop":
            title = say("import.loop-title", self.lang, step=node.text)
            steps: list[str] = [*item.steps, say("import.loop-step", self.lang, step=node.text)]
            escalate: Escalation = "if-unresolved"
            severity: Severity = "medium"
        else:
            title = node.text
            steps = list(item.steps) or [node.text]
            escalate, severity = guess_escalation(node.text)
        self.warn(
            "review-outcome",
            f"outcome '{item.id}': its cause is a placeholder, and escalate '{escalate}' "
            f"and severity '{severity}' are guessed from its words; review them",
            node,
        )
        return [
            f"    title: {self.text(title)}",
            f"    cause: {both_languages('import.cause')}  # review: why it happens",
            *self.info("steps", steps),
            f'    escalate: "{escalate}"  # review: no, if-unresolved, yes or urgent',
            f"    severity: {severity}  # review: low, medium, high or critical",
        ]
