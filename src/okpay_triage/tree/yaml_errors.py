"""YAML syntax errors in plain words, at their line and column.

PyYAML and libyaml describe a syntax error in parser terms ("expected <block end>, but found
'<scalar>'"); an author needs to hear what to change (indent this line like the one above,
quote this text). `syntax_problem` turns either parser's error into one `Problem`.
"""

from __future__ import annotations

import yaml

from okpay_triage.errors import Problem


def syntax_problem(error: yaml.YAMLError, text: str, name: str, max_depth: int) -> Problem:
    """`error` as a problem at its place, in plain words (`max_depth`: the nesting limit)."""
    mark = getattr(error, "problem_mark", None)
    if mark is not None:
        line, column = mark.line, mark.column
    else:  # a reader error carries a character offset instead
        offset = int(getattr(error, "position", 0) or 0)
        line = text.count("\n", 0, offset)
        column = offset - (text.rfind("\n", 0, offset) + 1)
    rows = text.splitlines()
    if line < len(rows) and rows[line][column : column + 1] == "\t":
        return Problem(
            "tab-indent", "tabs cannot indent YAML; use spaces", name, line + 1, column + 1
        )
    detail = getattr(error, "problem", None) or str(error).splitlines()[0]
    if "nesting depth" in detail:
        # libyaml (PyYAML 6.0.4 and later) reads far ahead in flow collections and stops at
        # its own limit of 1,000 levels before our limit can be seen in the events.
        message = f"nested more than {max_depth} levels deep"
        return Problem("too-deep", message, name, line + 1, column + 1)
    context = getattr(error, "context_mark", None)
    opened = f"line {context.line + 1}" if context is not None else "above"
    message = _plain_syntax(detail, str(getattr(error, "context", "") or ""), opened)
    return Problem("yaml-syntax", message, name, line + 1, column + 1)


#: PyYAML's and libyaml's wording of the usual mistakes -> what to do about them.
_SYNTAX = (
    (
        ("mapping values are not allowed",),
        "a ': ' here makes YAML start a key where none can be: this line is indented "
        "deeper than the keys before it, or a text on it holds ': ' (put the whole text in "
        "quotes)",
    ),
    (
        ("expected '-' indicator", "block collection"),
        "this line does not line up with the list that starts at {opened}: every item of "
        "a list starts with '- ' at the same column, and a key after the list lines up with "
        "the key that holds it",
    ),
    (
        ("did not find expected key", "expected <block end>"),
        "this line does not line up with the keys of the mapping that starts at {opened}: "
        "indent it exactly as the keys before it (or, after a quoted text, quote it whole)",
    ),
    (
        ("could not find expected ':'",),
        "the text at {opened} is not a 'key: value' line: a text that runs over several "
        "lines must be quoted, or the ':' after a key is missing",
    ),
    (
        ("expected ',' or '}'",),
        "inside the {{...}} that starts at {opened}, a text has a ': ' or ',' that YAML "
        "reads as structure, or the closing '}}' is missing; put the whole text in quotes",
    ),
    (
        ("expected ',' or ']'",),
        "inside the [...] that starts at {opened}, a text has a ': ' or ',' that YAML "
        "reads as structure, or the closing ']' is missing; put the whole text in quotes",
    ),
    (
        ("unexpected end of stream",),
        "the file ends inside a quoted text that starts at {opened}: its closing quote is missing",
    ),
    (
        ("cannot start any token",),
        "a text cannot start with this character (@, ` or %) unless it is quoted; put the "
        "whole text in quotes",
    ),
    (
        ("unknown escape character",),
        "a \\ in a double-quoted text starts an escape: write \\\\ for a backslash, or use "
        "single quotes",
    ),
)


def _plain_syntax(detail: str, context: str, opened: str) -> str:
    for needles, message in _SYNTAX:
        if any(needle in detail or needle in context for needle in needles):
            if needles == ("expected '-' indicator", "block collection") and not (
                "expected '-' indicator" in detail or "block end" in detail
            ):
                continue  # a list's own context, but not a list item out of line
            return message.format(opened=opened)
    return f"YAML syntax error: {detail}"
