"""Free text in Chinese or English to the trees that fit it, ranked.

A user writes "提现三天了还没到账" or "my refund was rejected"; this module scores each bundled
tree by its keywords and title in both languages. Chinese has no spaces, so a Chinese keyword
counts when it occurs in the text, and partly (by shared two-character pieces) when only some
of it does. English counts whole keyword phrases, then single meaningful words, after light
stemming (``refunds``, ``refunded`` -> ``refund``). Scores are relative: the best tree for a
text that clearly names its problem scores near 1.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+")
_HAN = re.compile(r"[\u3400-\u9fff]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "cannot",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "get",
        "got",
        "has",
        "have",
        "i",
        "i'm",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "please",
        "so",
        "still",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "this",
        "to",
        "too",
        "was",
        "we",
        "were",
        "what",
        "when",
        "why",
        "will",
        "with",
        "you",
        "your",
        "account",
        "okpay",
        "wallet",
        "app",
        "money",
        "help",
        "problem",
        "issue",
    ]
)


@dataclass(frozen=True)
class _Profile:
    tree_id: str
    en_phrases: tuple[tuple[str, ...], ...]
    en_words: frozenset[str]
    zh_words: tuple[str, ...]


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _tokens(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text) if w not in _STOP]


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace("-", " ")


@lru_cache(maxsize=1)
def _profiles() -> tuple[_Profile, ...]:
    from .tree.bundled import bundled_tree_ids
    from .tree.load import load_tree

    profiles = []
    for tree_id in bundled_tree_ids():
        tree = load_tree(tree_id)
        english = [*tree.keywords.en, tree.title.en]
        phrases = tuple(t for t in (tuple(_tokens(_normal(k))) for k in english) if t)
        chinese = (*tree.keywords.zh, tree.title.zh)
        profiles.append(
            _Profile(
                tree_id,
                phrases,
                frozenset(w for phrase in phrases for w in phrase),
                tuple(_normal(k) for k in chinese),
            )
        )
    return tuple(profiles)


def _score(profile: _Profile, text: str, words: list[str], han: str) -> float:
    score = 0.0
    joined = " " + " ".join(words) + " "
    for phrase in profile.en_phrases:
        if " " + " ".join(phrase) + " " in joined:
            score += 1.0 + len(phrase)
    score += 0.5 * sum(1 for w in set(words) if w in profile.en_words)
    pieces = {han[i : i + 2] for i in range(len(han) - 1)}
    for keyword in profile.zh_words:
        if keyword in text:
            score += 1.0 + len(keyword) / 2
        else:
            score += 0.25 * sum(1 for i in range(len(keyword) - 1) if keyword[i : i + 2] in pieces)
    return score


def suggest_trees(text: str, limit: int = 3) -> list[tuple[str, float]]:
    """The bundled trees that fit `text`, best first, as ``(tree_id, score)``.

    Scores are between 0 and 1, relative to the best match; trees that share nothing with the
    text are left out, so an empty list means no tree fits.
    """
    normal = _normal(text[:2000])
    words = _tokens(normal)
    han = "".join(_HAN.findall(normal))
    scored = [(p.tree_id, _score(p, normal, words, han)) for p in _profiles()]
    scored = [(tree_id, score) for tree_id, score in scored if score > 0]
    if not scored:
        return []
    best = max(score for _, score in scored)
    ranked = sorted(scored, key=lambda item: (-item[1], item[0]))
    return [(tree_id, round(score / best, 3)) for tree_id, score in ranked[: max(limit, 0)]]
