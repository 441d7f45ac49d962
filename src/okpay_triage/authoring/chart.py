"""A Mermaid flowchart read into nodes and edges, by hand, for `authoring.mermaid` to map.

There is no maintained Python parser of Mermaid's syntax, so the subset a flowchart uses is
read here: the header with any direction, node shapes (``A[..]``,
``A(..)``, ``A{..}``, ``A([..])``, ``A[[..]]``, ``A((..))``, ``A>..]``, ``A{{..}}``,
``A[/../]`` and the rest), quoted texts, links (``-->``, ``---``, ``-.->``, ``==>``, with
``|text|`` or ``-- text -->`` labels), chains ``A --> B --> C``, ``&``, ``%%`` comments,
front matter (its ``title:`` becomes the tree's title), Mermaid's ``#quot;`` entities and
``<br>``. Styling lines (``classDef``, ``class``, ``style``, ``linkStyle``, ``click``) are
ignored; ``subgraph ... end`` is flattened. A problem is a `Problem` at its line and column;
every one is reported at once, as a `TreeError`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from okpay_triage.errors import Problem, TreeError
from okpay_triage.text import clean_controls

#: The largest chart file the command line reads: a chart of a few hundred boxes is some
#: tens of kilobytes, so 1 MiB is far beyond any chart a person draws.
MAX_CHART_BYTES = 1 << 20

_HEADER = re.compile(
    r"(?:graph|flowchart(?:-elk)?)(?:[ \t]+(?:TD|TB|BT|LR|RL))?[ \t]*(?:;|$)", re.IGNORECASE
)
_IGNORED = re.compile(r"(?:classDef|class|style|linkStyle|click|direction|accTitle|accDescr)\b")
_ID = re.compile(r"\w+(?:-(?![-.>=])\w+)*")
#: Openers of node shapes, longest first, with their closers.
_SHAPES = (
    ("(((", ")))"),
    ("([", "])"),
    ("[[", "]]"),
    ("[(", ")]"),
    ("((", "))"),
    ("{{", "}}"),
    ("[/", "/]"),
    ("[/", "\\]"),
    ("[\\", "\\]"),
    ("[\\", "/]"),
    (">", "]"),
    ("(", ")"),
    ("[", "]"),
    ("{", "}"),
)
#: ``-- text -->``, ``== text ==>``, ``-. text .->``: a link with its text written inside.
_TEXT_LINK = re.compile(
    r"(?:--|==|-\.)(?![-=.>])\s*(?P<text>\"[^\"]*\"|.+?)\s*"
    r"(?P<end>-{2,}>|-{3,}|={2,}>|={3,}|\.+-+>|\.+-+)"
)
_LINK = re.compile(r"<?(?P<end>-{2,}>|-{3,}|={2,}>|={3,}|-\.+->|-\.+-|~{3,})")
_PIPE_TEXT = re.compile(r"\s*\|(?P<text>[^|]*)\|")
_ENTITY = re.compile(r"#(\w{1,32});")
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")
_BREAK = re.compile(r"<br\s*/?>", re.I)
_ICON = re.compile(r"\bfa[bsrl]?:fa-[\w-]+")


@dataclass(frozen=True, slots=True)
class ChartNode:
    """One box of the chart: its Mermaid id, text, shape opener and where it is defined."""

    id: str
    text: str
    shape: str
    line: int
    column: int

    @property
    def decision(self) -> bool:
        """Drawn as a decision: a rhombus ``{..}`` or a hexagon ``{{..}}``."""
        return self.shape.startswith("{")


@dataclass(frozen=True, slots=True)
class ChartEdge:
    """One link: from, to, its text (empty: none), where it is written."""

    source: str
    target: str
    label: str
    line: int
    column: int


@dataclass(slots=True)
class Chart:
    """A flowchart as read: nodes in the order first written, edges in file order."""

    name: str
    nodes: dict[str, ChartNode] = field(default_factory=dict)
    edges: list[ChartEdge] = field(default_factory=list)
    title: str | None = None
    subgraphs: set[str] = field(default_factory=set)


def parse_chart(text: str, name: str = "<chart>") -> Chart:
    """The nodes and edges of the flowchart `text`.

    Raises:
        TreeError: every line that cannot be read, at its line and column.
    """
    reader = _Reader(Chart(name))
    reader.read(clean_controls(text).lstrip("\ufeff").split("\n"))
    if reader.problems:
        raise TreeError(reader.problems)
    return reader.chart


class _Syntax(Exception):
    def __init__(self, column: int, message: str, code: str = "chart-syntax") -> None:
        super().__init__(message)
        self.column = column
        self.message = message
        self.code = code


class _Reader:
    def __init__(self, chart: Chart) -> None:
        self.chart = chart
        self.problems: list[Problem] = []
        self.open_subgraphs: list[int] = []

    def problem(self, line: int, column: int, code: str, message: str) -> None:
        self.problems.append(Problem(code, message, self.chart.name, line, column))

    def read(self, lines: list[str]) -> None:
        skipped = self._front_matter(lines)
        header = False
        for number, raw in enumerate(lines[skipped:], start=skipped + 1):
            stripped = raw.strip()
            if not stripped or stripped.startswith("%%"):
                continue
            if not header:
                header = True
                header_match = _HEADER.match(stripped)
                if not header_match:
                    found = stripped.split()[0][:30]
                    self.problem(
                        number,
                        raw.index(stripped) + 1,
                        "not-a-flowchart",
                        f"a flowchart starts with 'flowchart TD' or 'graph TD' (any of TD, "
                        f"TB, BT, LR, RL), not {found!r}",
                    )
                    return
                start = raw.index(stripped) + header_match.end()
                raw = " " * start + raw[start:]  # statements after `graph TD;`
                if not raw.strip():
                    continue
            try:
                self._line(raw, number)
            except _Syntax as error:
                self.problem(number, error.column, error.code, error.message)
        if not header:
            self.problem(1, 1, "not-a-flowchart", "the file holds no flowchart")
        for line in self.open_subgraphs:
            self.problem(line, 1, "chart-syntax", "this subgraph is never closed with 'end'")
        if header and not self.chart.nodes and not self.problems:
            self.problem(1, 1, "empty-chart", "the flowchart has no nodes")

    def _front_matter(self, lines: list[str]) -> int:
        """Skip a ``---`` front matter block, keeping its title; the lines it took."""
        if not lines or lines[0].strip() != "---":
            return 0
        for i, line in enumerate(lines[1:], start=1):
            if line.strip() == "---":
                return i + 1
            key, _, value = line.partition(":")
            if key.strip() == "title" and value.strip():
                self.chart.title = label_text(value.strip().strip("\"'"))
        self.problem(1, 1, "chart-syntax", "this front matter is never closed with '---'")
        return len(lines)

    def _line(self, raw: str, number: int) -> None:
        stripped = raw.strip()
        first = stripped.split(maxsplit=1)[0].rstrip(";")
        if first == "subgraph":
            self.open_subgraphs.append(number)
            rest = stripped[len("subgraph") :].strip()
            sub_id = _ID.match(rest)
            if sub_id and sub_id.group():
                self.chart.subgraphs.add(sub_id.group())
            return
        if first == "end":
            if not self.open_subgraphs:
                raise _Syntax(raw.index("end") + 1, "'end' closes no subgraph")
            self.open_subgraphs.pop()
            return
        if _IGNORED.match(stripped):
            return
        _Statement(self, raw, number).read()


class _Statement:
    """One line of nodes and links: ``A[text] -->|yes| B & C --> D; E --> F``."""

    def __init__(self, reader: _Reader, raw: str, number: int) -> None:
        self.reader = reader
        self.raw = raw
        self.number = number
        self.at = 0

    def skip_space(self) -> None:
        while self.at < len(self.raw) and self.raw[self.at] in " \t":
            self.at += 1

    def read(self) -> None:
        while True:
            self.skip_space()
            if self.at >= len(self.raw):
                return
            if self.raw[self.at] == ";":
                self.at += 1
                continue
            self.chain()

    def chain(self) -> None:
        sources = self.group()
        while True:
            self.skip_space()
            if self.at >= len(self.raw) or self.raw[self.at] == ";":
                return
            column = self.at + 1
            label, visible = self.link()
            targets = self.group()
            if visible:
                for source in sources:
                    for target in targets:
                        edge = ChartEdge(source, target, label, self.number, column)
                        self.reader.chart.edges.append(edge)
            sources = targets

    def group(self) -> list[str]:
        self.skip_space()
        ids = [self.node()]
        while True:
            self.skip_space()
            if self.raw.startswith("&", self.at):
                self.at += 1
                self.skip_space()
                ids.append(self.node())
            else:
                return ids

    def node(self) -> str:
        column = self.at + 1
        match = _ID.match(self.raw, self.at)
        node_id = match.group() if match else ""
        if not node_id:
            shown = repr(self.raw[self.at : self.at + 10]) if self.raw[self.at :] else "nothing"
            raise _Syntax(column, f"expected a node id here, found {shown}")
        if node_id == "end":
            raise _Syntax(column, "'end' cannot be a node id in Mermaid; rename the node")
        if node_id in self.reader.chart.subgraphs:
            raise _Syntax(
                column,
                f"'{node_id}' is a subgraph; link to a node inside it instead",
                "chart-unsupported",
            )
        self.at += len(node_id)
        if self.raw.startswith("@{", self.at):
            raise _Syntax(
                self.at + 1,
                "the A@{ shape: ... } form is not supported; write A{text} or A[text]",
                "chart-unsupported",
            )
        shape, text = self.shape(column)
        if self.raw.startswith(":::", self.at):  # a class: styling only
            self.at += 3
            found = _ID.match(self.raw, self.at)
            self.at += len(found.group()) if found else 0
        nodes = self.reader.chart.nodes
        known = nodes.get(node_id)
        if known is None or (shape and not known.shape):
            nodes[node_id] = ChartNode(node_id, text or node_id, shape, self.number, column)
        return node_id

    def shape(self, column: int) -> tuple[str, str]:
        """The shape opener and text after a node id, or ``("", "")`` when it has none."""
        raw = self.raw
        for opener, closer in _SHAPES:
            if not raw.startswith(opener, self.at):
                continue
            start = self.at + len(opener)
            inside = start
            while inside < len(raw) and raw[inside] == " ":
                inside += 1
            if raw.startswith('"', inside):
                end_quote = raw.find('"', inside + 1)
                if end_quote < 0:
                    raise _Syntax(inside + 1, "this quoted text is never closed with '\"'")
                after = end_quote + 1
                while after < len(raw) and raw[after] == " ":
                    after += 1
                if not raw.startswith(closer, after):
                    if opener in ("[/", "[\\"):
                        continue  # the other slant of the same opener may close it
                    raise _Syntax(after + 1, f"expected {closer!r} to close the node's text")
                text, self.at = raw[inside + 1 : end_quote], after + len(closer)
            else:
                end = raw.find(closer, start)
                if end < 0:
                    if opener in ("[/", "[\\"):
                        continue
                    raise _Syntax(
                        self.at + 1, f"the node's text opened here is never closed with {closer!r}"
                    )
                text, self.at = raw[start:end], end + len(closer)
            return opener, label_text(text)
        return "", ""

    def link(self) -> tuple[str, bool]:
        """The text of the link at the cursor (empty: none), and whether it is drawn."""
        raw = self.raw
        match = _TEXT_LINK.match(raw, self.at)
        if match:
            self.at = match.end()
            return label_text(match.group("text").strip().strip('"')), True
        match = _LINK.match(raw, self.at)
        if not match:
            shown = raw[self.at : self.at + 10]
            raise _Syntax(self.at + 1, f"expected a link such as '-->' here, found {shown!r}")
        self.at = match.end()
        text = ""
        piped = _PIPE_TEXT.match(raw, self.at)
        if piped:
            self.at = piped.end()
            text = label_text(piped.group("text").strip().strip('"'))
        elif raw.startswith("|", self.at) or raw[self.at :].lstrip().startswith("|"):
            raise _Syntax(self.at + 1, "this link's text is never closed with '|'")
        self.skip_space()
        return text, not match.group("end").startswith("~")


def _entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name.isdigit():
        code = int(name)
        return chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else "\ufffd"
    unescaped = html.unescape(f"&{name};")
    return match.group() if unescaped.startswith("&") else unescaped


def label_text(text: str) -> str:
    """A node's or link's text as a tree shows it: Mermaid's ``#quot;`` entities and HTML
    ones decoded, ``<br>`` a space, other markup and Font Awesome icons removed, Markdown
    string backticks dropped, white space collapsed."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == "`":
        text = text[1:-1]
    text = _BREAK.sub(" ", text)
    text = _TAG.sub("", text)
    text = _ICON.sub("", text)
    text = html.unescape(_ENTITY.sub(_entity, text))
    return " ".join(clean_controls(text).split())
