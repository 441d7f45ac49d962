"""The words that skip an optional input ("skip", "跳过", "-"), and how an answer is
checked for one without normalizing every answer.
"""

from __future__ import annotations

import re

from okpay_triage.text import normalize

#: Words that skip an optional input.
SKIP_WORDS = frozenset({"-", "skip", "none", "n/a", "跳过", "无", "没有", "不知道"})
#: The words among them that only ever mean "skip": refused at a step that must be
#: answered, rather than kept as its answer ("skip" as a transaction id, "跳过" as a name).
#: "没有", "无", "不知道" and "none" can be real answers there, so they stay answers.
SKIP_COMMANDS = frozenset({"-", "skip", "n/a", "跳过"})
#: The words among them that answer a free-text step ("any earlier contacts?" "没有"): kept
#: as the answer there, so support can tell "none" from "not said".
NONE_ANSWERS = frozenset({"none", "无", "没有"})
#: Letters, digits and Chinese characters: `normalize` never drops one, nor merges two into
#: one, so an answer holding more of them than the longest skip word is not a skip word,
#: and is not normalized to find out (for a sentence with full-width punctuation NFKC takes
#: a few microseconds, as long as the rest of the step).
_SOLID = "A-Za-z0-9\u4e00-\u9fff"
_LONGER_THAN_SKIP = re.compile(rf"(?:[^{_SOLID}]*+[{_SOLID}]){{{max(map(len, SKIP_WORDS)) + 1}}}")


def skip_form(text: str) -> str | None:
    """`normalize(text)` where it may be a skip word (`SKIP_WORDS`); None where it cannot."""
    return None if _LONGER_THAN_SKIP.match(text) else normalize(text)
