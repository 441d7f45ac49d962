"""Rewrite ASCII punctuation inside the Chinese (zh) texts of tree files as full-width.

Chinese readers expect ，。？！：；（） in Chinese sentences; `okpay-triage validate` warns
(`zh-punctuation`) where a zh text has ASCII punctuation next to a Chinese character. This
fixes such files in place: only zh values are touched, and only punctuation that sits next
to a Chinese character (so times like 14:30 and examples like name@example.com stay).

    python scripts/zh_punctuation.py trees/*.yaml
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

CJK = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
FULL = {",": "，", "?": "？", "!": "！", ";": "；", ":": "：", "(": "（", ")": "）"}
ADJACENT = re.compile(rf"(?<=[{CJK}])[,?!;:()]|[,?!;:()](?=[{CJK}])")
ZH_VALUE = re.compile(r'(\bzh: )("(?:[^"\\]|\\.)*"|[^\[\n"][^\n]*?)(\}?\s*)$')


def fix_text(text: str) -> str:
    """`text` with CJK-adjacent ASCII punctuation made full-width (parentheses in pairs)."""
    fixed = ADJACENT.sub(lambda m: FULL[m.group()], text)
    if "（" in fixed or "）" in fixed:
        fixed = fixed.replace("(", "（").replace(")", "）")
    return fixed


def fix_line(line: str) -> str:
    match = ZH_VALUE.search(line)
    if not match:
        return line
    head, value, tail = match.groups()
    return line[: match.start()] + head + fix_text(value) + tail


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python scripts/zh_punctuation.py",
        description="Make ASCII punctuation next to Chinese characters in zh texts full-width.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="TREE.yaml")
    args = parser.parse_args(argv)
    failed = 0
    for path in args.paths:
        try:
            old = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            print(
                f"{path}: cannot read: {getattr(error, 'strerror', None) or error}", file=sys.stderr
            )
            failed = 1
            continue
        new = "".join(fix_line(line) for line in old.splitlines(keepends=True))
        if new != old:
            path.write_text(new, encoding="utf-8")
            print(f"fixed {path}")
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
