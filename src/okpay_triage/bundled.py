"""The trees shipped in the package: where they are, their ids, and their compiled forms.

Loading a tree means parsing, validating with pydantic and checking its graph with networkx,
which costs far more than the session that follows. A bundled tree cannot change while the
package is installed, so its compiled form is cached on disk, keyed by a hash of the file's
bytes and the package version, and the command line starts a session from the cache without
importing pydantic or networkx. A missing, stale or damaged cache entry is simply rebuilt;
an unwritable cache folder only costs speed. Set ``OKPAY_TRIAGE_CACHE`` to a folder to move
the cache, or to ``off`` to disable it.
"""

from __future__ import annotations

import json
import os
import re
import zlib
from functools import lru_cache
from pathlib import Path

from .compiled import CompiledTree

ID_RE = re.compile(r"^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$")
CACHE_FORMAT = "1"


def bundled_tree_dir() -> Path:
    """The folder of the trees shipped with the package."""
    packaged = Path(__file__).with_name("trees")  # where the wheel puts them
    if packaged.is_dir():
        return packaged
    # An editable install or a source checkout: the trees sit beside src/.
    return Path(__file__).resolve().parents[2] / "trees"


def bundled_tree_ids() -> list[str]:
    """The ids of the trees shipped in the package, sorted."""
    return sorted(p.stem for p in bundled_tree_dir().glob("*.yaml") if ID_RE.match(p.stem))


def is_bundled_id(source: object) -> bool:
    """Whether `source` names a bundled tree rather than a file."""
    return (
        isinstance(source, str)
        and ID_RE.match(source) is not None
        and not Path(source).exists()
        and (bundled_tree_dir() / f"{source}.yaml").is_file()
    )


def cache_dir() -> Path | None:
    """Where compiled trees are cached, or None when caching is off."""
    setting = os.environ.get("OKPAY_TRIAGE_CACHE", "")
    if setting.lower() == "off":
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "okpay-triage"


@lru_cache(maxsize=32)
def compiled_bundled(tree_id: str) -> CompiledTree:
    """The compiled form of a bundled tree, from the disk cache when it is there.

    Raises:
        TreeError: there is no such bundled tree, or it is invalid.
    """
    from . import __version__

    path = bundled_tree_dir() / f"{tree_id}.yaml"
    try:
        data = path.read_bytes()
    except OSError:
        from .loader import load_tree

        return _compile(load_tree(tree_id))  # raises the loader's clear TreeError
    # A checksum, not a cryptographic hash: the key only has to change when the file or the
    # package does, and zlib is already loaded where hashlib would cost OpenSSL's start-up.
    key = f"{zlib.crc32(data):08x}{len(data):x}-{__version__}-{CACHE_FORMAT}"
    folder = cache_dir()
    entry = folder / f"{tree_id}-{key}.json" if folder else None
    if entry is not None:
        try:
            return CompiledTree.from_dict(json.loads(entry.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # not cached yet, or damaged: rebuild below
    from .loader import load_tree

    compiled = _compile(load_tree(tree_id))
    if entry is not None:
        _write(entry, json.dumps(compiled.to_dict(), ensure_ascii=False))
    return compiled


def _compile(tree: object) -> CompiledTree:
    from .compiled import compile_tree

    return compile_tree(tree)  # type: ignore[arg-type]


def _write(entry: Path, text: str) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        temp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, entry)
    except OSError:
        pass  # a read-only home or a full disk only costs speed
