"""Hybrid retrieval: clean the query, dense top-k + BM25 top-k, fusion (a convex combination
of normalized scores by default, reciprocal-rank fusion as an option), group by document,
with filters applied inside the store before anything is returned.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np

from kb.errors import InvalidInput
from kb.fusion_shares import LanguageShares, load_shares
from kb.models import SEARCH_MODES, ChunkHit, Hit, SearchFilters, SearchMode
from kb.query_cleaning import clean_query
from kb.storage.documents import ChunkRow
from kb.storage.protocols import VectorIndex
from kb.store import KnowledgeBase
from kb.text.language import text_language

MAX_K = 100
QUERY_CACHE_SIZE = 512
FusionMethod = Literal["convex", "rrf"]

# Hybrid mode runs BM25 (SQLite releases the GIL) while the query is embedded (so does torch):
# the keyword half costs no wall time. One shared pool, created on first use.
_keyword_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _keyword_pool
    with _pool_lock:
        if _keyword_pool is None:
            _keyword_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="kbc-bm25")
        return _keyword_pool


@dataclass(frozen=True)
class FusionConfig:
    """How hybrid mode fuses the two retrievers (chosen with `kbc eval`; see eval/RESULTS.md).

    convex: per document, dense_share * best cosine + (1 - dense_share) * best BM25 / top BM25.
    A retriever that cannot tell candidates apart adds nearly the same to each, so it cannot
    drown the other one — unlike RRF, which rewards rank alone (kept as `method="rrf"`).
    """

    method: FusionMethod = "convex"
    dense_share: float = 0.8
    rrf_k: int = 60
    dense_weight: float = 1.0
    keyword_weight: float = 1.0
    candidates: int = 50  # chunks taken from each retriever before grouping
    chunks_per_hit: int = 3
    snippet_chars: int = 320
    # convex: the share per language of the question (kb.fusion_shares); False: dense_share
    # for every question (an explicit `kbc eval --dense-share`)
    per_language: bool = True


@dataclass(frozen=True)
class Candidates:
    """What each retriever found for one question, scored, before fusion."""

    question: str  # the cleaned question (without history)
    dense: list[tuple[int, float]]
    keyword: list[tuple[int, float]]
    k: int


class Retriever:
    """Searches one KnowledgeBase; dense and keyword modes stay available for comparison."""

    def __init__(
        self,
        kb: KnowledgeBase,
        config: FusionConfig | None = None,
        shares: LanguageShares | None = None,
    ) -> None:
        self.kb = kb
        self.config = config or FusionConfig()
        if shares is None:
            shares = (
                load_shares(kb.documents, self.config.dense_share)
                if self.config.per_language
                else LanguageShares(default=self.config.dense_share)
            )
        self.shares = shares
        self._vectors: dict[str, np.ndarray] = {}
        self._cache_lock = threading.Lock()
        self._languages: tuple[int, frozenset[str]] = (-1, frozenset())

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        filters: SearchFilters | None = None,
        mode: SearchMode = "hybrid",
        history: Sequence[str] = (),
    ) -> list[Hit]:
        """Top-k documents for `query` under `filters` (public articles only by default).

        `history` (earlier customer turns) adds context the last message often leaves out.
        """
        if mode not in SEARCH_MODES:
            raise InvalidInput(
                f"unknown search mode {mode!r}; use one of {', '.join(SEARCH_MODES)}"
            )
        if not 1 <= k <= MAX_K:
            raise InvalidInput(f"k must be between 1 and {MAX_K}")
        filters = filters or SearchFilters.public()
        if mode == "hybrid":
            pool = self.candidates(query, filters, history, k)
            if self.config.method != "convex":
                return self.fuse(pool)  # RRF fuses ranks: no share, no language to find
            return self.fuse(pool, self.dense_share(pool.question, filters))
        pool = self.candidates(query, filters, history, k, modes=(mode,))
        return self.fuse(pool)

    def candidates(
        self,
        query: str,
        filters: SearchFilters,
        history: Sequence[str] = (),
        k: int = 10,
        modes: Sequence[SearchMode] = ("dense", "keyword"),
    ) -> Candidates:
        """Each retriever's scored chunks for the query (before fusion). Hybrid runs BM25 in
        a worker while the query is embedded."""
        text = clean_query(query)
        context = " ".join(clean_query(h) for h in history[-3:] if h.strip())
        full = f"{context}\n{text}".strip() if context else text
        want = max(self.config.candidates, k * 5)
        if not full:
            return Candidates(text, [], [], k)
        if "keyword" not in modes:
            return Candidates(text, self._dense(full, filters, want), [], k)
        if "dense" not in modes:
            return Candidates(text, [], self._keyword(text, context, filters, want), k)
        # The vector index first: checking it is current takes the store's lock, which the
        # keyword worker holds while SQLite runs its query — asked after the embedding, the
        # dense half waited for the keyword half (hybrid p50 16.4 vs dense 12.9 ms at 135k).
        index = self.kb.vectors
        pending = _pool().submit(self._keyword, text, context, filters, want)
        try:
            dense = self._dense(full, filters, want, index)
        finally:
            keyword = pending.result()
        return Candidates(text, dense, keyword, k)

    def fuse(self, pool: Candidates, share: float | None = None) -> list[Hit]:
        """The top documents of `pool`; `share`: convex fusion's dense share (None: the
        configured one)."""
        if not pool.dense and not pool.keyword:
            return []
        return self._fuse(pool.dense, pool.keyword, pool.k, share)

    def dense_share(self, question: str, filters: SearchFilters | None = None) -> float:
        """The convex share of the dense retriever for this question: by the filter's
        language, else the question's own (found only when shares differ by language)."""
        if filters is not None and filters.lang:
            return self.shares.share_for(filters.lang)
        languages = self._store_languages()
        if not self.shares.depends_on_language(set(languages)):
            return self.shares.share_for(next(iter(languages), None))
        return self.shares.share_for(text_language(question, languages))

    def _store_languages(self) -> frozenset[str]:
        generation = self.kb.generation
        if self._languages[0] != generation:
            found = frozenset(self.kb.catalog.grouped_counts("lang"))
            self._languages = (generation, found)
        return self._languages[1]

    def _keyword(
        self, text: str, context: str, filters: SearchFilters, want: int
    ) -> list[tuple[int, float]]:
        """BM25 of question + context, plus BM25 of the question alone: the latest message
        counts double, so history adds the entity it leaves out without drowning it. The
        question goes first, so a long history is what the query-term cap cuts."""
        scored = self.kb.keyword_search(f"{text}\n{context}", filters, want)
        if not context:
            return scored
        own = dict(self.kb.keyword_search(text, filters, want))
        total = dict(own)
        for cid, score in scored:
            total[cid] = total.get(cid, 0.0) + score
        return sorted(total.items(), key=lambda cs: (-cs[1], cs[0]))[:want]

    def _query_vector(self, query: str) -> np.ndarray:
        """Embed a query once: callers often search the same text twice (language fallback)."""
        with self._cache_lock:
            vec = self._vectors.get(query)
        if vec is None:
            assert self.kb.embedder is not None
            vec = self.kb.embedder.embed([query])[0]
            with self._cache_lock:
                if len(self._vectors) >= QUERY_CACHE_SIZE:
                    self._vectors.pop(next(iter(self._vectors)))
                self._vectors[query] = vec
        return vec

    def _dense(
        self, query: str, filters: SearchFilters, want: int, index: VectorIndex | None = None
    ) -> list[tuple[int, float]]:
        """Dense candidates that pass filters: over-fetch from FAISS, widen until enough."""
        embedder = self.kb.embedder
        if embedder is None:
            raise InvalidInput("dense search needs an embedder; open the store with one")
        vec = self._query_vector(query)
        index = index or self.kb.vectors
        fetch = want * 4
        while True:
            found = index.search(vec, fetch)
            allowed = self._allowed([cid for cid, _ in found], filters)
            kept = [(cid, score) for cid, score in found if cid in allowed]
            if len(kept) >= want or fetch >= index.count:
                return kept[:want]
            fetch *= 4

    def _allowed(self, chunk_ids: list[int], filters: SearchFilters) -> set[int]:
        return self.kb.chunks_passing(chunk_ids, filters)

    def _fuse(
        self,
        dense_scored: list[tuple[int, float]],
        keyword_scored: list[tuple[int, float]],
        k: int,
        share: float | None = None,
    ) -> list[Hit]:
        cosine = dict(dense_scored)
        dense = [cid for cid, _ in dense_scored]
        keyword = [cid for cid, _ in keyword_scored]
        rows = self._rows(set(dense) | set(keyword))
        doc_rank = {
            "dense": _document_ranks(dense, rows),
            "keyword": _document_ranks(keyword, rows),
        }
        if self.config.method == "rrf":
            chunk_score, doc_score = self._rrf(dense, keyword, doc_rank)
        else:
            share = self.config.dense_share if share is None else share
            chunk_score, doc_score = _convex(dense_scored, keyword_scored, rows, share)
        by_doc: dict[str, list[int]] = {}
        for cid in sorted(chunk_score, key=lambda c: -chunk_score[c]):
            if cid in rows:
                by_doc.setdefault(rows[cid].external_id, []).append(cid)
        ranked = sorted(doc_score, key=lambda e: (-doc_score[e], e))[:k]
        return [
            self._hit(ext, by_doc[ext], rows, chunk_score, doc_score, doc_rank, cosine)
            for ext in ranked
        ]

    def _rrf(
        self, dense: list[int], keyword: list[int], doc_rank: dict[str, dict[str, int]]
    ) -> tuple[dict[int, float], dict[str, float]]:
        cfg = self.config
        chunk_score: dict[int, float] = {}
        for weight, ranking in ((cfg.dense_weight, dense), (cfg.keyword_weight, keyword)):
            for rank, cid in enumerate(ranking):
                chunk_score[cid] = chunk_score.get(cid, 0.0) + weight / (cfg.rrf_k + rank + 1)
        doc_score: dict[str, float] = {}
        for name, weight in (("dense", cfg.dense_weight), ("keyword", cfg.keyword_weight)):
            for ext, rank in doc_rank[name].items():
                doc_score[ext] = doc_score.get(ext, 0.0) + weight / (cfg.rrf_k + rank + 1)
        return chunk_score, doc_score

    def _hit(
        self,
        ext: str,
        chunk_ids: list[int],
        rows: dict[int, ChunkRow],
        chunk_score: dict[int, float],
        doc_score: dict[str, float],
        doc_rank: dict[str, dict[str, int]],
        cosine: dict[int, float],
    ) -> Hit:
        best = rows[chunk_ids[0]]
        chunks = tuple(
            ChunkHit(
                chunk_id=cid,
                ordinal=rows[cid].ordinal,
                heading_path=rows[cid].heading_path,
                text=rows[cid].text,
                score=chunk_score[cid],
            )
            for cid in chunk_ids[: self.config.chunks_per_hit]
        )
        dense_rank = doc_rank["dense"].get(ext)
        cosines = [cosine[c] for c in chunk_ids if c in cosine]
        keyword_rank = doc_rank["keyword"].get(ext)
        return Hit(
            external_id=ext,
            title=best.title,
            url=best.url,
            kind=best.kind,
            visibility=best.visibility,
            lang=best.lang,
            score=doc_score[ext],
            snippet=_snippet(best.text, self.config.snippet_chars),
            heading_path=best.heading_path,
            chunks=chunks,
            product=best.product,
            dense_rank=None if dense_rank is None else dense_rank + 1,
            keyword_rank=None if keyword_rank is None else keyword_rank + 1,
            dense_score=max(cosines) if cosines else None,
        )

    def _rows(self, chunk_ids: set[int]) -> dict[int, ChunkRow]:
        return self.kb.chunk_rows(chunk_ids)


def _document_ranks(ranking: list[int], rows: dict[int, ChunkRow]) -> dict[str, int]:
    """0-based rank of each document by its best chunk in one retriever's list."""
    ranks: dict[str, int] = {}
    for cid in ranking:
        row = rows.get(cid)
        if row is not None and row.external_id not in ranks:
            ranks[row.external_id] = len(ranks)
    return ranks


def _snippet(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat.rfind(" ", 0, limit)
    return flat[: cut if cut > limit // 2 else limit] + "…"


def _convex(
    dense: list[tuple[int, float]],
    keyword: list[tuple[int, float]],
    rows: dict[int, ChunkRow],
    share: float,
) -> tuple[dict[int, float], dict[str, float]]:
    """Cosine as is; BM25 over the top BM25 of this query; a candidate missing from one
    list gets that list's floor (the lowest cosine seen; no keyword match: 0)."""
    top_bm25 = max((s for _, s in keyword), default=1.0)
    top_bm25 = top_bm25 if top_bm25 > 0 else 1.0
    floor = min((s for _, s in dense), default=0.0)
    cos = dict(dense)
    kw = {cid: s / top_bm25 for cid, s in keyword}
    chunk_score = {
        cid: share * cos.get(cid, floor) + (1 - share) * kw.get(cid, 0.0)
        for cid in set(cos) | set(kw)
    }
    doc_cos: dict[str, float] = {}
    doc_kw: dict[str, float] = {}
    for source, best in ((cos, doc_cos), (kw, doc_kw)):
        for cid, score in source.items():
            if cid in rows:
                ext = rows[cid].external_id
                best[ext] = max(best.get(ext, score), score)
    doc_score = {
        ext: share * doc_cos.get(ext, floor) + (1 - share) * doc_kw.get(ext, 0.0)
        for ext in set(doc_cos) | set(doc_kw)
    }
    return chunk_score, doc_score
