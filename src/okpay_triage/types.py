"""The literals every stage shares, defined once: languages, step kinds, escalation levels.

Nothing here imports anything heavy; the command line loads it on every start.
"""

from __future__ import annotations

from typing import Literal

#: A session's language, and the two every user-visible text is written in.
Lang = Literal["en", "zh"]
LANGUAGES: tuple[Lang, ...] = ("en", "zh")

#: What kind of step a tree node is.
StepKind = Literal["question", "input", "route", "outcome"]

#: Whether, and how urgently, an outcome sends the user to support.
Escalation = Literal["no", "if-unresolved", "yes", "urgent"]

#: How serious an outcome is for the user.
Severity = Literal["low", "medium", "high", "critical"]

#: How serious a problem with a tree is: an error refuses the tree, a warning does not.
ProblemSeverity = Literal["error", "warning"]

#: Where an answer came from: the user, a fact the caller knew up front, or (for a route
#: step, which asks nothing) the route's own test of a fact already known.
Source = Literal["user", "context", "route"]

#: The types a declared fact can have; each has its parser in `session.values`.
FactType = Literal[
    "transaction_id",
    "order_number",
    "money",
    "datetime",
    "email",
    "phone",
    "account",
    "text",
    "choice",
]

#: How a personal fact is kept: "whole" (as given, normalised, for support; masked wherever
#: it is only shown) or "masked" (kept masked, never in full).
Keep = Literal["whole", "masked"]

#: A packet's priority, from the outcome's escalation and severity.
Priority = Literal["urgent", "high", "normal", "low"]

#: The contact channels support offers, and self-help for outcomes that need none.
ChannelId = Literal["chat", "phone", "email", "in_app"]
ChannelKind = Literal["chat", "phone", "email", "in_app", "self_help"]

#: Ids of trees, nodes, options and facts: plain ASCII, so that look-alike or invisible
#: characters can never hide in them. They start with a letter.
ID_PATTERN = r"^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$"


def lang_index(lang: str) -> int:
    """The index of `lang` in an ``(en, zh)`` pair."""
    return 1 if lang == "zh" else 0
