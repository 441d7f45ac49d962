"""Coverage-guided fuzzing of the tree loader with atheris (optional; CI does not run it).

Each input is written to a file and read with `read_tree` (which must never raise) and
`load_tree` (which may raise only `TreeError`); every problem must carry a 1-based line and
column. The first byte picks YAML or JSON, and libyaml's C parser (what users get) or PyYAML's
pure-Python one (the fallback when libyaml is missing; the only one atheris can see inside).
``OKPAY_FUZZ_PARSER=c`` or ``=pure`` fuzzes one of them only. See fuzz/README.md.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    import yaml

    from okpay_triage import TreeError, load_tree
    from okpay_triage.tree import parse
    from okpay_triage.tree.load import read_tree

SHM = "/dev/shm" if os.path.isdir("/dev/shm") else None  # a file per input: keep it in memory
FOLDER = Path(tempfile.mkdtemp(prefix="okpay-fuzz-", dir=SHM))
PARSERS = {"c": parse.YAML_LOADER, "pure": yaml.SafeLoader}
CHOICE = os.environ.get("OKPAY_FUZZ_PARSER", "both")


def test_one_input(data: bytes) -> None:
    if not data:
        return
    flags, content = data[0], data[1:]
    path = FOLDER / ("tree.json" if flags & 1 else "tree.yaml")
    parser = CHOICE if CHOICE in PARSERS else ("pure" if flags & 2 else "c")
    parse.YAML_LOADER = PARSERS[parser]
    path.write_bytes(content)
    result = read_tree(path)
    for problem in result.problems:
        if problem.line < 1 or problem.column < 1:
            raise AssertionError(f"problem without a position: {problem!r}")
    with contextlib.suppress(TreeError):  # the only exception allowed
        load_tree(path)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
