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
    "Config",
    "ConfigError",
    "EscalationPacket",
    "PacketError",
    "Problem",
    "Session",
    "SessionError",
    "Tree",
    "TreeError",
    "TriageError",
    "__version__",
    "build_packet",
    "bundled_tree_ids",
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
    "Session": "engine",
    "Tree": "model",
    "bundled_tree_ids": "bundled",
    "load_tree": "loader",
    "check_tree": "graph",
    "suggest_trees": "suggest",
    # escalation packets
    "Config": "config",
    "ConfigError": "config",
    "load_config": "config",
    "EscalationPacket": "packet",
    "PacketError": "packet",
    "build_packet": "packet",
    "redact": "redaction",
}

if TYPE_CHECKING:
    from .bundled import bundled_tree_ids
    from .config import Config, ConfigError, load_config
    from .engine import Session
    from .errors import AnswerError, Problem, SessionError, TreeError, TriageError
    from .graph import check_tree
    from .loader import load_tree
    from .model import Tree
    from .packet import EscalationPacket, PacketError, build_packet
    from .redaction import redact
    from .suggest import suggest_trees


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'okpay_triage' has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
