"""Versions of trees kept side by side, by id and content hash, for sessions saved under them.

A saved session names its tree by id, version and content hash. When a tree changes, a
server that still has sessions in flight under the earlier version can either resume them
under the new version (their answers replayed there, `Session.from_json` with ``upgrade``)
or keep serving the version they were made with; a `TreeRegistry` holds the versions it
knows. The bundled trees are in every registry that asks for them, compiled only when first
looked up; earlier versions come from wherever a deployment keeps them (old tree files, or
``git show v1.2:trees/login-failure.yaml``) and are added with `TreeRegistry.add`.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, NamedTuple

from .plan import CompiledTree, compile_tree

if TYPE_CHECKING:
    from .model import Tree

__all__ = ["TreeRef", "TreeRegistry", "version_key"]


class TreeRef(NamedTuple):
    """One version of one tree: its id, the version its file declares, and the hash of its
    content (``sha256:…``), which is what tells two versions apart."""

    id: str
    version: str
    hash: str

    @classmethod
    def of(cls, plan: CompiledTree) -> TreeRef:
        """The reference of a compiled tree."""
        return cls(plan.id, plan.version, plan.hash)


_PARTS = re.compile(r"(\d+)")


def version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    """A sort key that orders versions as people read them: ``1.9`` before ``1.10``, and
    ``2.0`` after both (numbers by value, anything else by its characters)."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in _PARTS.split(version)
        if part
    )


class TreeRegistry:
    """Compiled trees by (id, content hash), and which version of each id is the latest.

    Args:
        trees: trees to add at once (loaded `Tree`s or compiled ones).
        bundled: whether the trees shipped in the package are in the registry (compiled on
            first look-up, so a registry costs nothing until it is asked).

    The latest version of an id is the one with the highest version (`version_key`); of two
    with the same version, the one added last. A registry may be shared between threads.
    """

    def __init__(self, trees: tuple[Tree | CompiledTree, ...] = (), *, bundled: bool = True):
        self._bundled = bundled
        self._trees: dict[tuple[str, str], CompiledTree] = {}
        self._order: dict[str, list[CompiledTree]] = {}
        self._lock = threading.Lock()
        for tree in trees:
            self.add(tree)

    def add(self, tree: Tree | CompiledTree) -> TreeRef:
        """Add one version of a tree (adding the same content twice changes nothing)."""
        plan = tree if isinstance(tree, CompiledTree) else compile_tree(tree)
        with self._lock:
            if (plan.id, plan.hash) not in self._trees:
                self._trees[(plan.id, plan.hash)] = plan
                self._order.setdefault(plan.id, []).append(plan)
        return TreeRef.of(plan)

    def get(self, tree_id: str, content_hash: str) -> CompiledTree | None:
        """The version of `tree_id` whose content hash is `content_hash`, None if unknown."""
        found = self._trees.get((tree_id, content_hash))
        if found is None and self._bundled:
            plan = self._bundled_plan(tree_id)
            if plan is not None and plan.hash == content_hash:
                return plan
        return found

    def latest(self, tree_id: str) -> CompiledTree | None:
        """The latest version of `tree_id`, None if the registry has none."""
        versions = self._versions(tree_id)
        if not versions:
            return None
        best = versions[0]
        for plan in versions[1:]:  # ties go to the one added last, bundled ones first
            if version_key(plan.version) >= version_key(best.version):
                best = plan
        return best

    def versions(self, tree_id: str) -> list[TreeRef]:
        """Every version of `tree_id` the registry holds, oldest version first."""
        versions = sorted(self._versions(tree_id), key=lambda p: version_key(p.version))
        return [TreeRef.of(plan) for plan in versions]

    def __contains__(self, ref: object) -> bool:
        """Whether a `TreeRef` (or an ``(id, version, hash)`` tuple) is in the registry."""
        if not (isinstance(ref, tuple) and len(ref) == 3):
            return False
        return self.get(str(ref[0]), str(ref[2])) is not None

    def _versions(self, tree_id: str) -> list[CompiledTree]:
        bundled = self._bundled_plan(tree_id) if self._bundled else None
        added = list(self._order.get(tree_id, ()))
        if bundled is not None and all(plan.hash != bundled.hash for plan in added):
            added.insert(0, bundled)
        return added

    @staticmethod
    def _bundled_plan(tree_id: str) -> CompiledTree | None:
        from .bundled import is_bundled
        from .cache import compiled_bundled

        return compiled_bundled(tree_id) if is_bundled(tree_id) else None
