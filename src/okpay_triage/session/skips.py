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


#: What a user says for a value not known: "不记得", "记不清", "不确定", "not sure", "I don't
#: know". At an optional step it skips the step, as "skip" does (the fact is then reported
#: as not given); at a step that must be answered it is asked again, saying that the step
#: needs an answer and how to give a rough one; at a time step it is the answer ``unknown``
#: either way (a time is never a dead end: `session.times`). In `normalize`d form.
_UNSURE_ZH = (
    *("不记得", "记不得", "记不清", "记不清楚", "记不住", "忘了", "忘记了", "忘记", "忘掉了"),
    *("想不起来", "想不起来了", "不确定", "不太确定", "不清楚", "不太清楚", "说不清"),
    *("说不清楚", "不知道", "不太记得", "没注意", "没留意", "没看清", "没记住"),
)
_UNSURE_EN = (
    *("not sure", "unsure", "no idea", "unknown", "not remembered", "forgot", "dunno"),
    *("don't remember", "dont remember", "do not remember", "can't remember", "cant remember"),
    *("cannot remember", "don't know", "dont know", "do not know", "don't recall"),
    *("can't recall", "forgotten", "idk", "no clue", "not a clue", "haven't a clue"),
    *("no idea at all", "dunno really", "idk really"),
)
UNSURE_WORDS = frozenset(
    {
        *(
            f"{who}{word}{end}"
            for who in ("", "我", "我也", "也")
            for word in _UNSURE_ZH
            for end in ("", "了", "啊", "呢")
        ),
        *(
            f"{who}{word}"
            for who in ("", "i ", "i'm ", "im ", "i am ", "sorry, ", "sorry ")
            for word in _UNSURE_EN
        ),
        *("i have forgotten", "i've forgotten", "i forgot it", "i don't know it"),
    }
)
#: An answer longer than this is not taken as unsure: the longest phrase, with room for
#: blanks and punctuation around it.
_UNSURE_CHARS = max(map(len, UNSURE_WORDS)) + 8
#: What `normalize` drops before an answer's first letter: blanks, edge punctuation and
#: invisible characters.
_LEAD = " \t\n\r\u3000\u00a0.。!！?？,，\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"
#: The characters an unsure answer can start with once `_LEAD` is stripped, in any case and
#: in any width (``ｎｏｔ ｓｕｒｅ``): any other answer is not one, and is not normalized
#: to find out (`is_unsure` runs before a text or id step's parse, on every such answer).
_UNSURE_FIRST = frozenset(
    form
    for first in {w[0] for w in UNSURE_WORDS}
    for case in {first, first.upper()}
    for form in ((case, chr(ord(case) + 0xFEE0)) if case.isascii() else (case,))
)


def is_unsure(text: str) -> bool:
    """Whether `text` says the user does not know or remember the value (`UNSURE_WORDS`):
    a length and a first-character test for most answers, a normalize for the rest."""
    if len(text) > _UNSURE_CHARS or text.lstrip(_LEAD)[:1] not in _UNSURE_FIRST:
        return False
    return normalize(text).replace("\u2019", "'") in UNSURE_WORDS


def skip_form(text: str) -> str | None:
    """`normalize(text)` where it may be a skip word (`SKIP_WORDS`); None where it cannot."""
    return None if _LONGER_THAN_SKIP.match(text) else normalize(text)
