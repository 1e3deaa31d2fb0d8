"""Document-level ranking metrics with binary relevance (a document is gold or it is not)."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence

RECALL_KS: tuple[int, ...] = (1, 5, 10)
CURVE_KS: tuple[int, ...] = tuple(range(1, 11))
DEPTH = 10


def _dedupe(ranked: Sequence[str]) -> list[str]:
    """A document counts once, at its best rank."""
    return list(dict.fromkeys(ranked))


def recall_at_k(ranked: Sequence[str], gold: Collection[str], k: int) -> float:
    """Share of the gold documents found in the top `k`."""
    if not gold:
        raise ValueError("recall needs at least one gold document")
    top = set(_dedupe(ranked)[:k])
    return len(top & set(gold)) / len(set(gold))


def reciprocal_rank(ranked: Sequence[str], gold: Collection[str], k: int = DEPTH) -> float:
    """1 / rank of the first gold document within the top `k` (0 when none is there)."""
    wanted = set(gold)
    for rank, doc in enumerate(_dedupe(ranked)[:k], start=1):
        if doc in wanted:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked: Sequence[str], gold: Collection[str], k: int = DEPTH) -> float:
    """DCG of the top `k` (gain 1 per gold document, log2(rank + 1) discount) over the ideal."""
    wanted = set(gold)
    if not wanted:
        raise ValueError("nDCG needs at least one gold document")
    dcg = sum(
        1.0 / math.log2(rank + 1)
        for rank, doc in enumerate(_dedupe(ranked)[:k], start=1)
        if doc in wanted
    )
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(wanted), k) + 1))
    return dcg / ideal


def ranking_metrics(ranked: Sequence[str], gold: Collection[str]) -> dict[str, float]:
    """The named metrics the reports show for one ranked list (recall@1..10 for the curve)."""
    out = {f"recall@{k}": recall_at_k(ranked, gold, k) for k in CURVE_KS}
    out["mrr@10"] = reciprocal_rank(ranked, gold, DEPTH)
    out["ndcg@10"] = ndcg_at_k(ranked, gold, DEPTH)
    return out


HEADLINE_RETRIEVAL: tuple[str, ...] = (
    *(f"recall@{k}" for k in RECALL_KS),
    "mrr@10",
    "ndcg@10",
)
