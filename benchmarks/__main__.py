"""Speed and memory of okpay-triage, each as a ratio to a floor measured in the same run.

    python -m benchmarks            # full run, prints the table
    python -m benchmarks --write    # ... and rewrites docs/performance.md
    python -m benchmarks --short    # quick run for CI: fails only on a gross regression

Machines are shared and noisy, so no figure is a wall-clock threshold: each is a median over
repeated runs divided by a floor doing the nearest plain-Python equivalent, measured in the
same run. The full run fails when a ratio misses its target; the short run fails only past
twice the target.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from benchmarks.sessions import Request, floor_tables, requests, typed_value
from benchmarks.treegen import generated_tree
from okpay_triage import Session

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = str(Path(sys.executable).parent / "okpay-triage")
T = TypeVar("T")


@dataclass
class Figure:
    name: str
    floor_name: str
    value: float  # seconds (or bytes) per unit for okpay-triage
    floor: float  # the same for the floor
    target: float | None  # the highest acceptable ratio
    unit: str = "s"

    @property
    def ratio(self) -> float:
        return self.value / self.floor

    def ok(self, slack: float = 1.0) -> bool:
        if self.target is None:
            return True
        return self.ratio <= self.target * slack


def median_time(fn: Callable[[], object], repeat: int, number: int = 1) -> float:
    """The median over `repeat` runs of the time of `number` calls, per call."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def process_time(args: list[str], repeat: int) -> float:
    """The median wall time of a whole process (start-up included)."""
    env = {**os.environ, "NO_COLOR": "1"}

    def once() -> None:
        subprocess.run(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            check=False,
        )

    once()  # warm the disk cache and the compiled-tree cache
    return median_time(once, repeat)


# --------------------------------------------------------------------------- figures


def startup(repeat: int) -> list[Figure]:
    # pip byte-compiles an installed wheel, as it did click; an editable checkout run with
    # PYTHONDONTWRITEBYTECODE would otherwise recompile our modules on every start.
    import compileall

    import okpay_triage

    compileall.compile_dir(Path(okpay_triage.__file__).parent, quiet=1)
    floor = process_time([sys.executable, "-c", "import click"], repeat)
    helped = process_time([SCRIPT, "--help"], repeat)
    first = process_time([SCRIPT, "run", "login-failure"], repeat)
    return [
        Figure(
            "`okpay-triage --help`, whole process", '`python -c "import click"`', helped, floor, 1.3
        ),
        Figure("`okpay-triage run login-failure` to its first question", "same", first, floor, 2.0),
    ]


def _question_walks() -> list[tuple[Session, list[str]]]:
    """Per bundled tree, a session and the option ids of a walk through its questions."""
    from okpay_triage import bundled_tree_ids
    from okpay_triage.tree.cache import compiled_bundled

    walks = []
    for tree_id in bundled_tree_ids():
        plan = compiled_bundled(tree_id)
        for first in range(len(plan.steps[plan.start].options)):
            answers, step = [], plan.steps[plan.start]
            index = first
            while step.kind == "question":
                answers.append(step.options[index][0])
                step = plan.steps[step.nexts[index]]
                index = len(answers) % len(step.options) if step.options else 0
            walks.append((Session.start(plan), answers))
    return walks


def stepping(repeat: int) -> list[Figure]:
    """`Session.answer` per step against a plain-dict step of an equal state."""
    walks = _question_walks()
    steps = sum(len(a) for _, a in walks)
    tables = []
    for session, _ in walks:
        plan = session.plan
        tables.append(
            {
                s.id: dict(zip((o for o, _ in s.options), s.nexts, strict=False))
                for s in plan.steps.values()
            }
        )

    def engine() -> None:
        for session, answers in walks:
            for answer in answers:
                session = session.answer(answer)

    def plain() -> None:
        for (session, answers), table in zip(walks, tables, strict=True):
            node = session.node.id
            taken: tuple[str, ...] = ()
            for answer in answers:
                node = table[node][answer]
                taken = (*taken, answer)

    value = median_time(engine, repeat) / steps
    floor = median_time(plain, repeat) / steps
    return [
        Figure(
            "`Session.answer` per step, walking the bundled trees' questions",
            "a plain-dict step (lookup, new state)",
            value,
            floor,
            3.0,
        )
    ]


def _rounds(repeat: int, every: int) -> list[list[Request]]:
    """`repeat` rounds of real requests (`benchmarks.sessions`), each with values of its own."""
    return [requests(every, seed) for seed in range(repeat)]


def stateless(rounds: list[list[Request]]) -> list[Figure]:
    """Chat-backend requests over real sessions: restore from JSON (the tree found from it),
    answer, save to JSON; against the same steps of plain JSON states through plain dicts."""
    tables = floor_tables()

    def engine(batch: list[Request]) -> float:
        start = time.perf_counter()
        for r in batch:
            Session.from_json(r.saved).answer(r.typed).to_json()
        return time.perf_counter() - start

    def plain(batch: list[Request]) -> float:
        start = time.perf_counter()
        for r in batch:
            state = json.loads(r.plain)
            node = state["node"]
            state["answers"].append({"node": node, "answer": r.typed, "source": "user"})
            state["node"] = tables[r.tree][node][r.key]
            json.dumps(state, ensure_ascii=False)
        return time.perf_counter() - start

    value, floor = _paired(rounds, engine, plain)
    count = len(rounds[0])
    return [
        Figure(
            f"a stateless request: `Session.from_json` + `answer` + `to_json`, over {count:,} "
            "requests of real sessions",
            "`json.loads` + dict step + `json.dumps` of an equal state",
            value / count,
            floor / count,
            3.0,
        )
    ]


def logged(rounds: list[list[Request]]) -> list[Figure]:
    """The same stateless requests moved as cases through a `Triage` whose subscriber is a
    case log on a SQLite file (each finishing request writes its case), against the plain
    request of the `requests` group: what the case log and events add to a request."""
    from okpay_triage import Case, CaseLog, Triage

    begun = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    folder = tempfile.mkdtemp(prefix="okpay-bench-log-")
    log = CaseLog(Path(folder) / "cases.db")
    triage = Triage(log)
    cased = [
        [
            (
                Case(
                    session := Session.from_json(r.saved),
                    case_id=f"bench-{n}-{i}",
                    started_at=begun,
                    shown_at=begun,
                    seconds=(1.0,) * session.depth,
                ).to_json(),
                r,
            )
            for i, r in enumerate(batch)
        ]
        for n, batch in enumerate(rounds)
    ]

    def moved(through: Triage) -> Callable[[list[tuple[str, Request]]], float]:
        def engine(batch: list[tuple[str, Request]]) -> float:
            start = time.perf_counter()
            for text, r in batch:
                through.answer(Case.from_json(text), r.typed).to_json()
            log.flush()  # the writer thread's work is the stretch's: its cost, not a later one's
            return time.perf_counter() - start

        return engine

    def plain(batch: list[tuple[str, Request]]) -> float:
        start = time.perf_counter()
        for _, r in batch:
            Session.from_json(r.saved).answer(r.typed).to_json()
        return time.perf_counter() - start

    count = len(cased[0])
    written = sum(1 for _, r in cased[0] if _finishes(r))
    try:
        events, floor = _paired(cased, moved(Triage()), plain)
        value, logged_floor = _paired(cased, moved(triage), plain)
    finally:
        log.close()
    without = "the same request without: `Session.from_json` + `answer` + `to_json`"
    return [
        Figure(
            "a stateless request as a case, with events (no log): `Case.from_json` + "
            "`Triage.answer` + `to_json`",
            without,
            events / count,
            floor / count,
            None,
        ),
        Figure(
            f"the same with a SQLite case log as subscriber, writing each of the {written:,} "
            f"cases that finish among {count:,} requests",
            without,
            value / count,
            logged_floor / count,
            None,
        ),
    ]


def _finishes(r: Request) -> bool:
    return Session.from_json(r.saved).answer(r.typed).finished


#: One regex pass for personal data: an email address, or a run of digits long enough to be
#: a phone, card or ID number.
_PERSONAL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?\d[\d \-]{9,22}\d")


def inputs(rounds: list[list[Request]]) -> list[Figure]:
    """`Session.answer` at the typed inputs of real sessions, against one regex pass for
    personal data plus a `Decimal`/`datetime` parse of the value."""
    staged = [
        [(Session.from_json(r.saved), r) for r in batch if r.fact_type is not None]
        for batch in rounds
    ]

    def engine(batch: list[tuple[Session, Request]]) -> float:
        start = time.perf_counter()
        for session, r in batch:
            session.answer(r.typed)
        return time.perf_counter() - start

    def plain(batch: list[tuple[Session, Request]]) -> float:
        start = time.perf_counter()
        for _, r in batch:
            _PERSONAL.search(r.typed)
            if r.fact_type == "money":
                Decimal(str(r.kept).partition(" ")[0])
            elif r.fact_type == "datetime":
                datetime.fromisoformat(str(r.kept))
        return time.perf_counter() - start

    # Each value is answered three times over, as the floor runs, and each side keeps its
    # fastest: answering keeps no state, and the floor's stretches are too short (0.3 ms)
    # to time once on a shared machine.
    value, floor = _paired(staged, engine, plain, best_of=3)
    count = len(staged[0])
    return [
        Figure(
            f"a typed-input step: `Session.answer` at the {count:,} inputs of those requests",
            "one regex pass for personal data + a `Decimal`/`datetime` parse",
            value / count,
            floor / count,
            5.0,
        )
    ]


def _paired(
    rounds: list[list[T]],
    engine: Callable[[list[T]], float],
    plain: Callable[[list[T]], float],
    best_of: int = 1,
) -> tuple[float, float]:
    """Total times of `engine` and `plain` over the round whose ratio is the median.

    Other engineers' tests share the machine, so the two alternate on short stretches of
    each round (a few ms each, in order, so a conversation's requests keep theirs): a busy
    moment then slows both sides alike rather than one. With `best_of`, each stretch is
    timed that many times, each side keeping its fastest (for steps with no state to
    carry from one stretch to the next).
    """
    engine(rounds[0])  # imports and first-call costs are paid before the clock starts
    totals = []
    for batch in rounds:
        value = floor = 0.0
        for at in range(0, len(batch), 200):
            part = batch[at : at + 200]
            floor += min(plain(part) for _ in range(best_of))
            value += min(engine(part) for _ in range(best_of))
        totals.append((value / floor, value, floor))
    _, value, floor = sorted(totals)[len(totals) // 2]
    return value, floor


_LOAD = """
import json, sys, time
from pathlib import Path
from okpay_triage.tree.load import read_tree
read_tree("login-failure")  # imports, schemas and first-call costs are paid before timing
path, kind = Path(sys.argv[1]), sys.argv[2]
start = time.perf_counter()
if kind == "load":
    result = read_tree(path, max_bytes=1 << 30)
    assert result.tree is not None and not result.problems, result.problems[:3]
else:
    result = json.loads(path.read_text(encoding="utf-8"))
del result
print(time.perf_counter() - start)
"""


def loading(sizes: list[int], repeat: int) -> list[Figure]:
    """Load and check generated trees of several sizes against json.loads of the file.

    Each sample is a new process, as each `okpay-triage validate` is: the loads of a loop in
    one process would find the memory the previous load freed, which the allocator keeps
    for a small tree but hands back to the system for a large one, so the large tree alone
    would pay for fresh pages (25x the page faults for 10x the nodes, measured). One load a
    process, at every size, for the same reason.
    """

    def sample(path: Path, kind: str) -> float:
        done = subprocess.run(
            [sys.executable, "-c", _LOAD, str(path), kind],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        return float(done.stdout.strip())

    figures = []
    seconds = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"tree-{size}.json"
            path.write_text(json.dumps(generated_tree(size), ensure_ascii=False), encoding="utf-8")
            runs = max(1, repeat // 3) if size >= 100_000 else repeat
            value = statistics.median(sample(path, "load") for _ in range(runs))
            floor = statistics.median(sample(path, "parse") for _ in range(runs))
            seconds[size] = value
            figures.append(
                Figure(
                    f"load + check a generated tree of {size:,} nodes (JSON)",
                    "`json.loads` of the same file",
                    value,
                    floor,
                    5.0,
                )
            )
    small, large = sorted(seconds)[-2:]
    figures.append(
        Figure(
            f"growth: load + check {large:,} nodes",
            f"the same for {small:,}",
            seconds[large],
            seconds[small],
            1.2 * large / small,
        )
    )
    return figures


_MEMORY = """
import gc, json, os, sys
from benchmarks.sessions import Request, floor_tables, requests
from benchmarks.treegen import generated_tree
from okpay_triage.tree.load import parse_tree

def resident():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

parse_tree(json.dumps(generated_tree(10)), "t.json", json_format=True)  # imports, schemas
text = json.dumps(generated_tree({size}))
gc.collect()
before = resident()
if sys.argv[1] == "plain":
    kept = json.loads(text)
else:
    kept = parse_tree(text, "t.json", json_format=True).tree
    assert kept is not None
gc.collect()
print(resident() - before)
"""


def memory(size: int) -> list[Figure]:
    """Resident memory a loaded tree adds to its process, against the same file's dicts.

    Resident memory, not what tracemalloc counts: the parsed data freed after validation
    leaves arenas the tree's objects keep half full, and the process still holds them.
    Linux only (``/proc/self/statm``); elsewhere the figure is left out.
    """
    if not Path("/proc/self/statm").exists():
        return []

    def measure(kind: str) -> float:
        done = subprocess.run(
            [sys.executable, "-c", _MEMORY.format(size=size), kind],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        return float(done.stdout.strip())

    return [
        Figure(
            f"resident memory of a loaded {size:,}-node tree",
            "the same tree as plain dicts",
            measure("tree"),
            measure("plain"),
            3.0,
            unit="B",
        )
    ]


def packets(repeat: int) -> list[Figure]:
    """Packets built and rendered in all four formats per second (for the record)."""
    try:
        from okpay_triage.packet.build import build_packet
    except ImportError:
        return []
    from okpay_triage.tree.cache import compiled_bundled

    # A walk to an escalating outcome: "locked", then the first option of each question,
    # and a realistic value at each input.
    plan = compiled_bundled("login-failure")
    session = Session.start(plan)
    now = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    while not session.finished:
        node = session.node
        if node.kind == "question":
            ids = [oid for oid, _ in node.options]
            session = session.answer("locked" if "locked" in ids else ids[0])
        else:
            assert node.fact is not None
            session = session.answer(typed_value(plan.facts[node.fact], session.depth), now=now)

    def build() -> None:
        packet = build_packet(session, now=now)
        packet.to_markdown()
        packet.to_text()
        packet.to_email()
        packet.model_dump_json()

    per = median_time(build, repeat, 20)
    return [
        Figure(
            "packets built and rendered (all four formats)",
            "(absolute)",
            per,
            per,
            None,
            unit="packet",
        )
    ]


# --------------------------------------------------------------------------- report


def table(figures: list[Figure]) -> str:
    rows = [
        "| figure | floor | okpay-triage | floor | ratio | target |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        if f.unit == "packet":
            rows.append(
                f"| {f.name} | {f.floor_name} | {1 / f.value:,.0f} per second | – | – "
                "| for the record |"
            )
            continue
        value, floor = _show(f.value, f.unit), _show(f.floor, f.unit)
        target = f"≤ {f.target:g}x" if f.target else "–"
        mark = "" if f.ok() else " ✗"
        rows.append(
            f"| {f.name} | {f.floor_name} | {value} | {floor} | {f.ratio:.2f}x{mark} | {target} |"
        )
    return "\n".join(rows)


def _show(value: float, unit: str) -> str:
    if unit == "B":
        return f"{value / 1e6:,.1f} MB"
    if value >= 0.1:
        return f"{value:.3f} s"
    if value >= 1e-4:
        return f"{value * 1e3:.2f} ms"
    return f"{value * 1e6:.2f} µs"


#: The figure groups, in the order of the table.
GROUPS = (
    "startup",
    "stepping",
    "requests",
    "caselog",
    "inputs",
    "loading",
    "memory",
    "packets",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--short", action="store_true", help="quick run; fail past 2x target")
    parser.add_argument("--write", action="store_true", help="rewrite docs/performance.md")
    parser.add_argument("--only", help="comma-separated figure groups: " + ", ".join(GROUPS))
    args = parser.parse_args(argv)
    repeat = 5 if args.short else 15
    sizes = [1_000, 10_000] if args.short else [1_000, 10_000, 100_000]
    groups = set(args.only.split(",")) if args.only else set(GROUPS)
    unknown = groups - set(GROUPS)
    if unknown or (args.only and args.write):
        parser.error(f"--only takes some of {', '.join(GROUPS)}, and not with --write")
    wanted = {"requests", "caselog", "inputs"}
    rounds = _rounds(repeat, 4 if args.short else 1) if groups & wanted else []
    run: dict[str, Callable[[], list[Figure]]] = {
        "startup": lambda: startup(repeat),
        "stepping": lambda: stepping(repeat),
        "requests": lambda: stateless(rounds),
        "caselog": lambda: logged(rounds),
        "inputs": lambda: inputs(rounds),
        "loading": lambda: loading(sizes, repeat),
        "memory": lambda: memory(10_000 if args.short else 100_000),
        "packets": lambda: packets(repeat),
    }
    figures = [f for name in GROUPS if name in groups for f in run[name]()]
    report = table(figures)
    print(report)
    if args.write:
        _write(report)
    slack = 2.0 if args.short else 1.0
    failed = [f for f in figures if not f.ok(slack)]
    for f in figures:
        if f.ok(slack) and not f.ok():
            print(f"OVER TARGET: {f.name}: {f.ratio:.2f}x, target {f.target}x", file=sys.stderr)
    for f in failed:
        print(
            f"FAILED: {f.name}: {f.ratio:.2f}x, target {f.target}x (x{slack} allowed)",
            file=sys.stderr,
        )
    return 1 if failed else 0


def _write(report: str) -> None:
    path = ROOT / "docs" / "performance.md"
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- figures -->", "<!-- /figures -->"
    machine = (
        f"Measured with `python -m benchmarks --write` on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}."
    )
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    path.write_text(f"{head}{start}\n{machine}\n\n{report}\n{end}{tail}", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
