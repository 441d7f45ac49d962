"""Triage a CSV of scripted cases and write one escalation packet per escalating case.

Each row of the CSV is one case, replayed through a `Session` as a support tool would:

========  ==================================================================================
column    what it holds
========  ==================================================================================
case_ref  your reference for the case; names the packet file, so letters, digits, ``.``,
          ``_`` and ``-`` only
tree      a bundled tree id (``okpay-triage list``) or the path of a tree file
lang      ``en`` or ``zh`` (blank: ``en``)
facts     facts known up front, ``key=value;key=value`` (may be blank)
answers   the answers in order, separated by ``|`` (option numbers, words or values)
========  ==================================================================================

Other columns (notes, say) are ignored. For every case a line goes to standard output, tab
separated: case_ref, outcome id, escalation level, priority (or ``self-service``) and the
packet file (or ``-``). A row that cannot be triaged (an answer refused, answers that run out
or are left over, an unknown tree, malformed facts) is reported on standard error with its
line number, and the other rows are still processed.

Usage::

    python examples/batch_triage.py examples/cases.csv --out packets --format markdown

Exit status: 0 every case done; 1 some rows failed; 2 usage error (unreadable CSV, missing
columns).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from okpay_triage import (
    AnswerError,
    EscalationPacket,
    Session,
    TreeError,
    build_packet,
    load_tree,
    redact,
)

Format = Literal["markdown", "text", "json", "email"]
SUFFIXES: dict[str, str] = {"markdown": ".md", "text": ".txt", "json": ".json", "email": ".eml"}
COLUMNS = ("case_ref", "tree", "lang", "facts", "answers")
CASE_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class UsageError(Exception):
    """The CSV as a whole cannot be read."""


class CaseError(Exception):
    """One row cannot be triaged; the message says why."""


@dataclass(frozen=True)
class Case:
    """One row of the CSV, parsed."""

    line: int
    ref: str
    tree: str
    lang: str
    facts: dict[str, str]
    answers: list[str]


@dataclass(frozen=True)
class Result:
    """What came of one case."""

    ref: str
    outcome: str
    escalate: str
    priority: str  # "self-service" when no contact is needed
    packet_file: Path | None


# --------------------------------------------------------------------------- reading


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of the CSV with the line each ends on.

    Raises:
        UsageError: the file cannot be read, is not UTF-8 CSV, or lacks a column.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.DictReader(file)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise UsageError(f"{path}: missing column(s): {', '.join(missing)}")
            return [(reader.line_num, row) for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise UsageError(f"{path}: cannot read the CSV: {error}") from None


def parse_case(line: int, row: dict[str, str]) -> Case:
    """A CSV row as a `Case`.

    Raises:
        CaseError: the case_ref is unusable as a file name or the facts are malformed.
    """
    ref = (row.get("case_ref") or "").strip()
    if not CASE_REF.match(ref):
        raise CaseError(
            f"case_ref {ref!r} must be 1-64 letters, digits, '.', '_' or '-' "
            "(it names the packet file)"
        )
    answers_text = (row.get("answers") or "").strip()
    return Case(
        line=line,
        ref=ref,
        tree=(row.get("tree") or "").strip(),
        lang=(row.get("lang") or "").strip() or "en",
        facts=parse_facts(row.get("facts") or ""),
        answers=[a.strip() for a in answers_text.split("|")] if answers_text else [],
    )


def parse_facts(text: str) -> dict[str, str]:
    """``key=value;key=value`` as a dict (the value may contain ``=`` but not ``;``).

    Raises:
        CaseError: a part has no ``=`` or no key.
    """
    facts: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise CaseError(f"facts must look like key=value;key=value, not {redact(part)!r}")
        facts[key.strip()] = value.strip()
    return facts


# --------------------------------------------------------------------------- triage


def run_case(case: Case) -> Session:
    """The session after replaying the case's facts and answers; it has reached an outcome.

    Raises:
        CaseError: the tree does not load, a fact or an answer is refused, the answers run
            out before an outcome, or some are left over after it.
    """
    try:
        tree = load_tree(case.tree)
    except TreeError as error:
        raise CaseError(f"tree {case.tree!r} cannot be loaded: {error}") from None
    try:
        session = Session.start(tree, lang=case.lang, facts=case.facts)
    except AnswerError as error:
        raise CaseError(f"facts or lang refused: {error}") from None
    for number, value in enumerate(case.answers, 1):
        if session.outcome is not None:
            left = len(case.answers) - number + 1
            raise CaseError(
                f"the session reached {session.outcome.id} after answer {number - 1}; "
                f"{left} answer(s) left over"
            )
        try:
            session = session.answer(value)
        except AnswerError as error:
            raise CaseError(
                f"answer {number} ({redact(value)!r}) refused at step {session.node.id}: {error}"
            ) from None
    if not session.finished:
        raise CaseError(
            f"the answers ran out after {len(case.answers)}; step {session.node.id} still "
            f"asks: {session.node.prompt}"
        )
    return session


def render(packet: EscalationPacket, fmt: Format) -> bytes:
    """The packet as the bytes of a file in `fmt` (an email as an RFC 5322 message)."""
    if fmt == "email":
        return packet.to_email().as_bytes()
    if fmt == "json":
        text = packet.to_json() + "\n"
    elif fmt == "text":
        text = packet.to_text()
    else:
        text = packet.to_markdown()
    return text.encode("utf-8")


def triage(case: Case, out: Path, fmt: Format) -> Result:
    """Run one case and, if it needs support, write its packet into `out`.

    Raises:
        CaseError: see `run_case`; also when the packet file cannot be written.
    """
    session = run_case(case)
    outcome = session.outcome
    assert outcome is not None  # run_case returns finished sessions only
    if outcome.escalate == "no":
        return Result(case.ref, outcome.id, outcome.escalate, "self-service", None)
    packet = build_packet(session)
    target = out / f"{case.ref}{SUFFIXES[fmt]}"
    try:
        target.write_bytes(render(packet, fmt))
    except OSError as error:
        raise CaseError(f"cannot write {target}: {error}") from None
    return Result(case.ref, outcome.id, outcome.escalate, packet.priority, target)


def summary(result: Result) -> str:
    """The stdout line for one case."""
    fields = [result.ref, result.outcome, result.escalate, result.priority]
    return "\t".join([*fields, str(result.packet_file or "-")])


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("csv", type=Path, help="the cases, one per row")
    parser.add_argument("--out", type=Path, required=True, help="folder for the packets")
    parser.add_argument("--format", choices=list(SUFFIXES), default="markdown")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Triage every row; the exit status says whether any failed."""
    args = parse_args(argv)
    try:
        rows = read_rows(args.csv)
        args.out.mkdir(parents=True, exist_ok=True)
    except (UsageError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    failed = 0
    seen: set[str] = set()
    for line, row in rows:
        try:
            case = parse_case(line, row)
            if case.ref in seen:
                raise CaseError(f"case_ref {case.ref} appears twice (it names the packet file)")
            seen.add(case.ref)
            result = triage(case, args.out, args.format)
        except CaseError as error:
            failed += 1
            ref = (row.get("case_ref") or "").strip() or "?"
            print(f"{args.csv}:{line}: {ref}: {error}", file=sys.stderr)
            continue
        print(summary(result))
    if failed:
        print(f"{failed} of {len(rows)} case(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
