"""Would another scale of the dense scores fuse better? Re-fuse each labelled question's
candidates (one retrieval per question) with the dense cosines as they are (what hybrid
search does), divided by the query's top cosine, min-max scaled, or z-scored with BM25 — or
the BM25 side over the question's ceiling (the sum of its terms' idf) when no match reaches
it ("idf-cap") — over the share grid, and print each scale's curve and best share. A
research check for eval/RESULTS.md (issue 17), not a setting: nothing here changes retrieval.

    python -m eval.fusion_scales --data-dir STORE QUESTIONS.jsonl [--in-language] [--lang zh]
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import fmean, pstdev

from eval.dataset import load_tickets
from eval.fusion_fit import GRID
from eval.harness import HISTORY_ROLES, catalog
from eval.retrieval_metrics import ndcg_at_k
from kb.maintenance import open_store
from kb.models import SearchFilters
from kb.retrieval import Retriever
from kb.storage.sqlite_fts import index_form, query_terms

Scored = list[tuple[int, float]]
Scale = Callable[[Scored], tuple[dict[int, float], float]]  # scores, floor for the missing
KeywordScale = Callable[[Scored, float], tuple[dict[int, float], float]]  # + the ceiling


@dataclass(frozen=True)
class Pool:
    lang: str | None
    gold: frozenset[str]
    dense: Scored
    keyword: Scored
    doc: dict[int, str]  # chunk id -> document
    ceiling: float = 1.0  # BM25 of each query term once in an average chunk's text (sum of idf)


def _raw(scored: Scored) -> tuple[dict[int, float], float]:
    return dict(scored), min((s for _, s in scored), default=0.0)


def _by_top(scored: Scored) -> tuple[dict[int, float], float]:
    top = max((s for _, s in scored), default=1.0) or 1.0
    return {c: s / top for c, s in scored}, min((s / top for _, s in scored), default=0.0)


def _min_max(scored: Scored) -> tuple[dict[int, float], float]:
    values = [s for _, s in scored]
    low, span = (min(values), (max(values) - min(values)) or 1.0) if values else (0.0, 1.0)
    return {c: (s - low) / span for c, s in scored}, 0.0


def _z(scored: Scored) -> tuple[dict[int, float], float]:
    values = [s for _, s in scored]
    if not values:
        return {}, 0.0
    mean, spread = fmean(values), (pstdev(values) or 1.0) * 3
    return {c: (s - mean) / spread for c, s in scored}, (min(values) - mean) / spread


def _bm25_by_top(scored: Scored, ceiling: float = 0.0) -> tuple[dict[int, float], float]:
    """BM25 over the query's top BM25, or over its `ceiling` when no match reaches it."""
    top = max(max((s for _, s in scored), default=1.0), ceiling)
    top = top if top > 0 else 1.0
    return {c: s / top for c, s in scored}, 0.0


def _bm25_by_ceiling(scored: Scored, ceiling: float) -> tuple[dict[int, float], float]:
    return _bm25_by_top(scored, ceiling)


def _bm25_by_top_only(scored: Scored, _ceiling: float) -> tuple[dict[int, float], float]:
    return _bm25_by_top(scored)


def _z_keyword(scored: Scored, _ceiling: float) -> tuple[dict[int, float], float]:
    return _z(scored)


# name -> (dense scale, keyword scale); "raw" is what kb.retrieval's convex fusion does
# "idf-cap": BM25 over max(top BM25, the query's ceiling), so a weak best match weighs less
SCALES: dict[str, tuple[Scale, KeywordScale]] = {
    "raw": (_raw, _bm25_by_top_only),
    "by-top": (_by_top, _bm25_by_top_only),
    "min-max": (_min_max, _bm25_by_top_only),
    "z-score": (_z, _z_keyword),
    "idf-cap": (_raw, _bm25_by_ceiling),
}


def ranking(pool: Pool, share: float, scale: str, k: int = 10) -> list[str]:
    """Documents by share x best scaled cosine + (1 - share) x best scaled BM25."""
    dense_scale, keyword_scale = SCALES[scale]
    dense, dense_floor = dense_scale(pool.dense)
    keyword, keyword_floor = keyword_scale(pool.keyword, pool.ceiling)
    best_dense = _best_per_doc(dense, pool.doc)
    best_keyword = _best_per_doc(keyword, pool.doc)
    score = {
        d: share * best_dense.get(d, dense_floor) + (1 - share) * best_keyword.get(d, keyword_floor)
        for d in set(best_dense) | set(best_keyword)
    }
    return sorted(score, key=lambda d: (-score[d], d))[:k]


def _best_per_doc(scores: dict[int, float], doc: dict[int, str]) -> dict[str, float]:
    best: dict[str, float] = {}
    for chunk, value in scores.items():
        if chunk in doc:
            best[doc[chunk]] = max(best.get(doc[chunk], value), value)
    return best


def pools(data_dir: Path, questions: Path, in_language: bool) -> list[Pool]:
    out = []
    with open_store(data_dir) as kb:
        n = kb.chunk_count()
        retriever = Retriever(kb)
        for t in load_tickets(questions, set(catalog(kb))).tickets:
            if not t.has_gold:
                continue
            where = SearchFilters.public()
            if in_language and t.lang:
                where = replace(where, lang=t.lang)
            found = retriever.candidates(t.question, where, t.history_texts(HISTORY_ROLES["all"]))
            rows = kb.chunk_rows({c for c, _ in found.dense} | {c for c, _ in found.keyword})
            doc = {c: row.external_id for c, row in rows.items()}
            # FTS5's idf per term of the question (history not counted), summed
            df = kb.document_frequencies([index_form(t) for t in query_terms(found.question)])
            ceiling = sum(max(math.log((n - f + 0.5) / (f + 0.5)), 1e-6) for f in df.values())
            out.append(
                Pool(t.lang, frozenset(t.gold_doc_ids), found.dense, found.keyword, doc, ceiling)
            )
    return out


def curves(chosen: Iterable[Pool]) -> dict[str, dict[float, float]]:
    chosen = list(chosen)
    return {
        scale: {
            share: fmean(ndcg_at_k(ranking(p, share, scale), p.gold) for p in chosen)
            for share in GRID
        }
        for scale in SCALES
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--in-language", action="store_true")
    parser.add_argument("--lang", default=None, help="only the questions in this language")
    args = parser.parse_args()
    chosen = [p for p in pools(args.data_dir, args.questions, args.in_language)]
    if args.lang:
        chosen = [p for p in chosen if p.lang == args.lang]
    if not chosen:
        raise SystemExit("no labelled question with a gold document")
    dense = fmean(ndcg_at_k(ranking(p, 1.0, "raw"), p.gold) for p in chosen)
    keyword = fmean(ndcg_at_k(ranking(p, 0.0, "raw"), p.gold) for p in chosen)
    print(f"{len(chosen)} questions; nDCG@10 dense {dense:.3f}, keyword {keyword:.3f}")
    for scale, curve in curves(chosen).items():
        best = max(curve, key=lambda s: (round(curve[s], 9), -abs(s - 0.8)))
        shown = " ".join(f"{s:.2f}:{curve[s]:.3f}" for s in GRID if s >= 0.3)
        print(f"  {scale:>7}  best {best:.2f}: {curve[best]:.3f}   {shown}")


if __name__ == "__main__":
    main()
