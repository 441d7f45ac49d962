"""The trees shipped in the package: where they are, and which names mean one of them.

The one place that answers "is this source a bundled tree id?": the loader, the compiled
cache, the command line and `Session.from_json` all ask here. The folder is found once per
process, so asking again costs no file-system call.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from okpay_triage.errors import Problem, TreeError
from okpay_triage.types import ID_PATTERN

ID_RE = re.compile(ID_PATTERN)


@lru_cache(maxsize=1)
def bundled_tree_dir() -> Path:
    """The folder of the trees shipped with the package."""
    packaged = Path(__file__).resolve().parents[1] / "trees"  # where the wheel puts them
    if packaged.is_dir():
        return packaged
    # An editable install or a source checkout: the trees sit beside src/.
    return Path(__file__).resolve().parents[3] / "trees"


@lru_cache(maxsize=1)
def _ids() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in bundled_tree_dir().glob("*.yaml") if ID_RE.match(p.stem)))


def bundled_tree_ids() -> list[str]:
    """The ids of the trees shipped in the package, sorted."""
    return list(_ids())


def bundled_id(source: object) -> str | None:
    """`source` as a bundled tree id, when it is to be read as one: an id-shaped string that
    is not the path of an existing file. Whether such a tree exists is `bundled_path`'s
    question. None: `source` is a path."""
    if isinstance(source, str) and ID_RE.match(source) and not Path(source).exists():
        return source
    return None


def is_bundled(tree_id: str) -> bool:
    """Whether a tree of id `tree_id` is shipped in the package (no file-system call)."""
    return tree_id in _ids()


def is_bundled_id(source: object) -> bool:
    """Whether `source` names a bundled tree rather than a file."""
    tree_id = bundled_id(source)
    return tree_id is not None and tree_id in _ids()


def bundled_path(tree_id: str) -> Path:
    """The file of bundled tree `tree_id`.

    Raises:
        TreeError: there is no bundled tree of that id (``unknown-tree``).
    """
    if tree_id not in _ids():
        known = ", ".join(_ids()) or "none"
        problem = Problem(
            "unknown-tree", f"no bundled tree '{tree_id}' (bundled: {known})", tree_id, 1, 1
        )
        raise TreeError([problem])
    return bundled_tree_dir() / f"{tree_id}.yaml"


#: The suffixes of fragment files, in the order they are looked for.
FRAGMENT_SUFFIXES = (".yaml", ".yml", ".json")


def bundled_fragment_dir() -> Path:
    """The folder of the shared fragments shipped with the package (`tree.fragments`)."""
    return bundled_tree_dir() / "fragments"


def fragment_files(folder: Path) -> list[Path]:
    """The fragment files in `folder`, sorted by name (none when it does not exist)."""
    try:
        found = [p for p in folder.iterdir() if p.suffix in FRAGMENT_SUFFIXES and p.is_file()]
    except OSError:
        return []
    return sorted(found)
