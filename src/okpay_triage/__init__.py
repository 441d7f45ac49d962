"""okpay-triage: guided, bilingual diagnosis of OKPAY wallet support problems.

The public names are listed in `__all__` and documented in docs/reference. They are imported
on first use (PEP 562), so that ``okpay-triage --help`` does not pay for pydantic or networkx.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "AnswerError",
    "Case",
    "CaseLog",
    "CaseLogError",
    "Config",
    "ConfigError",
    "EscalationPacket",
    "Event",
    "Fact",
    "Outcome",
    "PacketError",
    "Problem",
    "Session",
    "SessionError",
    "Step",
    "TranscriptEntry",
    "Tree",
    "TreeError",
    "TreeRef",
    "TreeRegistry",
    "Triage",
    "TriageError",
    "__version__",
    "build_packet",
    "bundled_tree_ids",
    "case_figures",
    "check_tree",
    "load_config",
    "load_tree",
    "redact",
    "suggest_trees",
]

_HOMES = {
    "AnswerError": "errors",
    "Problem": "errors",
    "SessionError": "errors",
    "TreeError": "errors",
    "TriageError": "errors",
    "Session": "session.engine",
    "Step": "session.views",
    "Outcome": "session.views",
    "TranscriptEntry": "session.views",
    "Fact": "tree.model",
    "Tree": "tree.model",
    "TreeRef": "tree.registry",
    "TreeRegistry": "tree.registry",
    "bundled_tree_ids": "tree.bundled",
    "load_tree": "tree.load",
    "check_tree": "tree.checks",
    "suggest_trees": "suggest",
    # escalation packets
    "Config": "config",
    "ConfigError": "errors",
    "load_config": "config",
    "EscalationPacket": "packet.render",
    "PacketError": "errors",
    "build_packet": "packet.build",
    "redact": "redaction",
    # the case log and events
    "Case": "cases.events",
    "CaseLog": "cases.log",
    "CaseLogError": "errors",
    "Event": "cases.events",
    "Triage": "cases.events",
    "case_figures": "cases.figures",
}

if TYPE_CHECKING:
    from .cases.events import Case, Event, Triage
    from .cases.figures import case_figures
    from .cases.log import CaseLog
    from .config import Config, load_config
    from .errors import (
        AnswerError,
        CaseLogError,
        ConfigError,
        PacketError,
        Problem,
        SessionError,
        TreeError,
        TriageError,
    )
    from .packet.build import build_packet
    from .packet.render import EscalationPacket
    from .redaction import redact
    from .session.engine import Session
    from .session.views import Outcome, Step, TranscriptEntry
    from .suggest import suggest_trees
    from .tree.bundled import bundled_tree_ids
    from .tree.checks import check_tree
    from .tree.load import load_tree
    from .tree.model import Fact, Tree
    from .tree.registry import TreeRef, TreeRegistry


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'okpay_triage' has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
