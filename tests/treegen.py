"""The large-tree generator lives with the benchmarks; the tests use the same one."""

from benchmarks.treegen import generated_tree

__all__ = ["generated_tree"]
