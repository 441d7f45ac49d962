"""The compiled forms of the bundled trees, cached on disk and in the process.

Loading a tree means parsing, validating with pydantic and checking its graph with networkx,
which costs far more than the session that follows. A bundled tree cannot change while the
package is installed, so its compiled form is cached on disk, keyed by a hash of the file's
bytes, of the bundled shared fragments' bytes (`tree.fragments`) and the package version,
and the command line starts a session from the cache without importing pydantic or networkx.
A missing, stale or damaged cache entry is simply rebuilt; an unwritable cache folder only
costs speed. Set ``OKPAY_TRIAGE_CACHE`` to a folder to move
the cache, or to ``off`` to disable it.
"""

from __future__ import annotations

import json
import os
import zlib
from functools import lru_cache
from pathlib import Path

from .bundled import bundled_fragment_dir, bundled_path, fragment_files
from .plan import CompiledTree

# 2: FactSpec.keep; 3: phrasings, outcome channel and complaint; 4: outcome packet cause;
# 5: labels without their inner punctuation in the answer lookup; 7: a money fact's hint
# says an approximate amount is fine
CACHE_FORMAT = "7"


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
    from okpay_triage import __version__

    path = bundled_path(tree_id)  # raises the clear TreeError of an unknown id
    try:
        data = path.read_bytes()
    except OSError:
        return _compile(tree_id)  # raises the loader's clear TreeError
    # A checksum, not a cryptographic hash: the key only has to change when the file or the
    # package does, and zlib is already loaded where hashlib would cost OpenSSL's start-up.
    key = f"{zlib.crc32(data):08x}{len(data):x}-{__version__}-{CACHE_FORMAT}"
    shared = _fragments_key()
    if shared is None:
        return _compile(tree_id)  # a fragment cannot be read: the loader says which
    key += shared
    folder = cache_dir()
    entry = folder / f"{tree_id}-{key}.json" if folder else None
    if entry is not None:
        try:
            return CompiledTree.from_dict(json.loads(entry.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # not cached yet, or damaged: rebuild below
    compiled = _compile(tree_id)
    if entry is not None:
        _write(entry, json.dumps(compiled.to_dict(), ensure_ascii=False))
    return compiled


def _fragments_key() -> str | None:
    """A checksum of the bundled fragments' bytes ("" when there are none; None when one
    cannot be read). A bundled tree may use any of them, so a change to one changes the key
    of every bundled tree: a stale compiled tree is never served."""
    files = fragment_files(bundled_fragment_dir())
    if not files:
        return ""
    crc = 0
    try:
        for file in files:
            crc = zlib.crc32(file.name.encode() + b"\0" + file.read_bytes() + b"\0", crc)
    except OSError:
        return None
    return f"-f{crc:08x}"


def _compile(tree_id: str) -> CompiledTree:
    # The loader imports pydantic and networkx: only a cache miss pays for them.
    from .load import load_tree
    from .plan import compile_tree

    return compile_tree(load_tree(tree_id))


def _write(entry: Path, text: str) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        temp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, entry)
    except OSError:
        pass  # a read-only home or a full disk only costs speed
