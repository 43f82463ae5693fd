"""Similar ideas while a worker types (docs/product.md §3.4.5): character-bigram Jaccard similarity.

Explainable on purpose: a cadre can check a score by hand.

1. Normalise the text: title and problem joined, lower-cased, keeping only letters and
   digits (Chinese characters count as letters); spaces and punctuation are dropped.
2. Take the set of overlapping two-character pieces (bigrams): "焊接飞溅" → {焊接, 接飞, 飞溅}.
3. Similarity = |A ∩ B| / |A ∪ B| (Jaccard), from 0 (nothing shared) to 1 (same bigrams).

Bigrams suit Chinese, which has no spaces between words, and need no dictionary or model.
Candidates are the ideas the author can see (their community, see ``selectors``), newest
first, at most ``CANDIDATES`` of them; results below ``MIN_SCORE`` are not shown.
"""

from collections.abc import Iterable

CANDIDATES = 500
MIN_SCORE = 0.1
LIMIT = 5


def normalise(text: str) -> str:
    return "".join(ch for ch in (text or "").lower() if ch.isalnum())


def bigrams(text: str) -> frozenset[str]:
    s = normalise(text)
    if len(s) < 2:
        return frozenset({s}) if s else frozenset()
    return frozenset(s[i : i + 2] for i in range(len(s) - 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def rank(query: str, candidates: Iterable, *, text=None, limit: int = LIMIT, min_score: float = MIN_SCORE):
    """``[(score, candidate)]`` best first (ties: the order given, i.e. newest first).
    ``text(candidate)`` gives the candidate's text (default: title + problem)."""
    q = bigrams(query)
    if len(normalise(query)) < 2:
        return []
    text = text or (lambda c: f"{c.title} {c.problem}")
    scored = []
    for position, candidate in enumerate(candidates):
        score = jaccard(q, bigrams(text(candidate)))
        if score >= min_score:
            scored.append((score, position, candidate))
    scored.sort(key=lambda row: (-row[0], row[1]))
    return [(round(score, 3), candidate) for score, _, candidate in scored[:limit]]
