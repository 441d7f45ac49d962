"""The words of a tree file written by a program (`okpay-triage import`): ids, the
language of the texts, an outcome's escalation guessed from its words, YAML scalars.

Ids are made from texts (lowercase ASCII words joined by ``_``, starting with a letter, made
unique with a number); texts are written as YAML double-quoted scalars that no line break
can fold; comments are kept to one printable line.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import TYPE_CHECKING

from okpay_triage import wording
from okpay_triage.text import normalize

if TYPE_CHECKING:
    from okpay_triage.types import Escalation, Lang, Severity

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_SUPPORT = re.compile(
    r"support|contact|call|escalat|helpdesk|help desk|technician|repair|service|"
    r"客服|联系|人工|工单|报修|投诉|售后",
    re.I,
)
_FIXED = re.compile(
    r"resolved|fixed|solved|works|working|done|success|connected|online|paid|made|complete|"
    r"解决|成功|正常|完成|恢复",
    re.I,
)
_YES = {"yes", "y", "yeah", "ok", "是", "是的", "对", "有", "好", "可以", "能"}
_NO = {"no", "n", "nope", "否", "不", "不是", "没有", "无", "不可以", "不能", "不行"}
_YAML_WORDS = {"yes", "no", "y", "n", "on", "off", "true", "false", "null"}


def detect_lang(texts: list[str]) -> Lang:
    """Chinese when Chinese characters carry as much as the Latin letters (a Han character
    says about what three letters do), else English."""
    joined = "".join(texts)
    han = len(_CJK.findall(joined))
    return "zh" if han and han * 3 >= len(_LATIN.findall(joined)) else "en"


def guess_escalation(text: str) -> tuple[Escalation, Severity]:
    """An escalation from an outcome's words: support is named (yes), the problem is solved
    (no), or neither (if unresolved)."""
    if _SUPPORT.search(text):
        return "yes", "medium"
    if _FIXED.search(text):
        return "no", "low"
    return "if-unresolved", "medium"


def slug(text: str, limit: int = 40) -> str:
    """Lowercase ASCII words of `text` joined by `_`, at most `limit` characters, starting
    with a letter; empty when `text` has no ASCII letters or digits."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'", ""))
    slug = ""
    for word in words:
        longer = f"{slug}_{word}" if slug else word
        if len(longer) > limit:
            break
        slug = longer
    if not slug and words:
        slug = words[0][:limit]
    if slug and not slug[0].isalpha():
        slug = f"n{slug}"
    return slug


def option_id(label: str, number: int) -> str:
    """The id of the option `label`, the `number`-th of its question: ``yes`` or ``no`` for
    the words that say so (which then take the usual synonyms), else the label's words,
    else ``option_<number>`` (a Chinese label)."""
    word = normalize(label)
    if word in _YES:
        return "yes"
    if word in _NO:
        return "no"
    return slug(label, 30) or f"option_{number}"


def unique(base: str, used: set[str]) -> str:
    name, k = base, 2
    while name in used:
        name = f"{base}_{k}"
        k += 1
    used.add(name)
    return name


def tree_id(name: str) -> str:
    stem = PurePath(name).stem if not name.startswith("<") else ""
    return slug(stem) or "imported"


def yaml_id(value: str) -> str:
    return f'"{value}"' if value in _YAML_WORDS else value


def comment(text: str) -> str:
    """`text` fit for one YAML comment line."""
    return "".join(c if c.isprintable() else "?" for c in text)[:80]


def quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar: printable characters as they are (Chinese,
    emoji), everything else escaped, so no line break can fold it."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    out.append('"')
    return "".join(out)


def both_languages(key: str) -> str:
    """The library's own words `key`, in both languages."""
    en, zh = wording.WORDS[key]
    return f"{{en: {quoted(en)}, zh: {quoted(zh)}}}"
