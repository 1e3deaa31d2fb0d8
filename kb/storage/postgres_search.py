"""Keyword and vector search inside PostgreSQL: tsvector + GIN, and pgvector HNSW.

Keyword scores are BM25-shaped: per query term, its IDF (from `chunk_terms`) times
`ts_rank` of that term alone (title 3 : heading 2 : text 1, length-normalized), summed
(`score_expression`). `ts_rank` alone has no IDF: a common word would count as much as a
rare one (self-recall@10 fell from 0.51 to 0.43 on aws-docs queries without it). The work is
bounded like the SQLite backend's: when the query's terms match more than CANDIDATE_BUDGET
chunks together, only chunks holding its rarer terms are ranked (every term still scores).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from kb.errors import InvalidInput
from kb.models import SearchFilters
from kb.storage.filtering import filter_clause
from kb.storage.postgres_schema import ensure_vector_index
from kb.storage.protocols import EmbeddingSource
from kb.storage.sqlite_fts import CANDIDATE_BUDGET, candidate_terms, query_terms

# ts_rank weights for lexemes labelled {D, C, B, A}: text C, heading B, title A (as FTS5's
# bm25 column weights 1 : 2 : 3); normalization 1 divides by 1 + log(chunk length).
RANK_WEIGHTS = "{0.1, 0.333, 0.667, 1.0}"
RANK_NORMALIZATION = 1
EF_SEARCH_MIN, EF_SEARCH_MAX = 100, 1000  # pgvector caps hnsw.ef_search at 1000
MAX_SCAN_TUPLES = 20_000  # pgvector's default; a deeper k may visit twice k
TOTAL = ""  # chunk_terms' row counting every chunk
RANKED_TERMS = 8  # terms ranked one by one (the rarest); the rest are ranked together


def _lexeme_query(lexemes: Iterable[str], op: str) -> str:
    """A tsquery in text form; lexemes are quoted (and escaped), so no syntax leaks."""
    quoted = ("'" + lex.replace("\\", "\\\\").replace("'", "\\'") + "'" for lex in lexemes)
    return f" {op} ".join(quoted)


def _idf(df: int, total: int) -> float:
    return math.log(1.0 + (total - df + 0.5) / (df + 0.5))


def candidate_query(df: dict[str, int], budget: int | None) -> str:
    """The tsquery choosing which chunks get ranked: any term; past `budget` matches, any of
    the rarer terms; when even the rarest is that common, chunks holding the two rarest."""
    shape = None if budget is None else candidate_terms(df, budget)
    if shape is None:
        return _lexeme_query(list(df), "|")
    chosen, both = shape
    return _lexeme_query(chosen, "&" if both else "|")


def score_expression(df: dict[str, int], total: int) -> tuple[str, list[object]]:
    """SQL scoring a chunk `c` for terms with document frequencies `df`, and its parameters.

    The RANKED_TERMS rarest terms each get `idf * ts_rank(term)`; the rest (common words of a
    long query with its history) share one ts_rank of their OR times their summed IDF —
    equal when their IDFs are (ts_rank of an OR averages its terms) — so a row costs at most
    RANKED_TERMS + 1 ranks however long the query.
    """
    rank = f"ts_rank('{RANK_WEIGHTS}', c.search, ?::tsquery, {RANK_NORMALIZATION})"
    ordered = sorted(df, key=lambda t: (df[t], t))
    parts: list[str] = []
    params: list[object] = []
    for lex in ordered[:RANKED_TERMS]:
        parts.append(f"? * {rank}")
        params += [_idf(df[lex], max(total, df[lex])), _lexeme_query([lex], "|")]
    rest = ordered[RANKED_TERMS:]
    if rest:
        parts.append(f"? * {rank}")
        params += [sum(_idf(df[t], max(total, df[t])) for t in rest), _lexeme_query(rest, "|")]
    return " + ".join(parts), params


class TsvectorIndex:
    """The PostgreSQL backend's `KeywordIndex` over `chunks.search`."""

    def __init__(self, db: Any, budget: int | None = CANDIDATE_BUDGET) -> None:
        self.db = db
        self.budget = budget

    def _lexemes(self, query: str) -> tuple[dict[str, int], int]:
        """The query's index lexemes (PostgreSQL's own parser and folding) with their
        document frequencies, and the number of chunks."""
        terms = query_terms(query)
        if not terms:
            return {}, 0
        settle_terms(self.db)
        rows = self.db.execute(
            "SELECT t.lexeme, COALESCE(ct.chunks, 0) FROM unnest(tsvector_to_array("
            "to_tsvector('simple', kbc_fold(?)))) AS t(lexeme) "
            "LEFT JOIN chunk_terms ct ON ct.term = t.lexeme "
            "UNION ALL SELECT ?, chunks FROM chunk_terms WHERE term = ?",
            (" ".join(terms), TOTAL, TOTAL),
        ).fetchall()
        df = {str(lex): int(n) for lex, n in rows if lex != TOTAL}
        total = next((int(n) for lex, n in rows if lex == TOTAL), 0)
        return df, total

    def search(self, query: str, filters: SearchFilters, limit: int) -> list[tuple[int, float]]:
        if limit <= 0:
            return []
        df, total = self._lexemes(query)
        present = {lex: n for lex, n in df.items() if n > 0}
        if not present:
            return []
        where, params = filter_clause(filters)
        score, score_params = score_expression(present, total)
        rows = self.db.execute(
            f"SELECT c.id, {score} AS score FROM chunks c JOIN documents d "
            f"ON d.id = c.document_id WHERE c.search @@ ?::tsquery AND {where} "
            "ORDER BY score DESC, c.id LIMIT ?",
            [*score_params, candidate_query(present, self.budget), *params, limit],
        ).fetchall()
        return [(int(cid), float(s)) for cid, s in rows]

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """Chunks holding each term exactly as given (the index holds lower-case lexemes
        with Latin diacritics folded away, `kbc_fold`; callers that want that apply it)."""
        wanted = [t for t in dict.fromkeys(terms) if t != TOTAL]
        found: dict[str, int] = {}
        if wanted:
            settle_terms(self.db)
            rows = self.db.execute(
                "SELECT term, chunks FROM chunk_terms WHERE term = ANY(?)", (wanted,)
            )
            found = {str(t): int(n) for t, n in rows}
        return {t: found.get(t, 0) for t in terms}


def settle_terms(db: Any) -> None:
    """Fold the logged chunk changes into `chunk_terms` (one statement; cheap when none)."""
    db.execute("SELECT kbc_settle_terms()")


def chunk_total(db: Any) -> int:
    settle_terms(db)
    row = db.execute("SELECT chunks FROM chunk_terms WHERE term = ?", (TOTAL,)).fetchone()
    return int(row[0]) if row else 0


class PgVectorIndex:
    """`VectorIndex` over `chunks.embedding`: the rows are the index (add/remove do nothing;
    the Documents repository writes them). Scores are inner products (= cosine)."""

    def __init__(self, db: Any, dim: int | None) -> None:
        self.db = db
        self.dim = dim

    @property
    def count(self) -> int:
        return chunk_total(self.db)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        return None

    def remove(self, ids: Iterable[int]) -> None:
        return None

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        if k <= 0 or self.dim is None:
            return []
        vec = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        if vec.shape[0] != self.dim:
            raise InvalidInput(f"query vector has {vec.shape[0]} dimensions, the store {self.dim}")
        dim = int(self.dim)
        cast = f"(embedding::vector({dim}))"
        ef = min(max(k, EF_SEARCH_MIN), EF_SEARCH_MAX)
        with self.db.transaction():
            self.db.execute("SELECT set_config('hnsw.ef_search', ?, true)", (str(ef),))
            if getattr(self.db, "iterative_scans", False):
                scan = max(MAX_SCAN_TUPLES, 2 * k)
                self.db.execute("SELECT set_config('hnsw.max_scan_tuples', ?, true)", (str(scan),))
            rows = self.db.execute(
                f"SELECT id, -({cast} <#> ?::vector({dim})) FROM chunks "
                f"WHERE vector_dims(embedding) = {dim} "
                f"ORDER BY {cast} <#> ?::vector({dim}) LIMIT ?",
                (vec, vec, k),
            ).fetchall()
        return [(int(cid), float(score)) for cid, score in rows]


class PgVectorKeeper:
    """The pgvector `VectorKeeper`: nothing to mirror or save; it makes sure the HNSW index
    for the model's dimension exists (at first use, and after a re-embed)."""

    def __init__(self, db: Any, source: EmbeddingSource) -> None:
        self.db = db
        self.source = source
        self._dim: int | None = None

    def _ensure(self) -> int | None:
        try:
            dim = int(self.source.vector_dim())
        except InvalidInput:  # no model yet: nothing stored, nothing to index
            return None
        if dim != self._dim:
            with self.db.lock:
                ensure_vector_index(self.db.connection, dim)
            self._dim = dim
        return dim

    def current(self) -> PgVectorIndex:
        return PgVectorIndex(self.db, self._ensure())

    def apply(self, removed: list[int], added: list[tuple[np.ndarray, np.ndarray]]) -> None:
        self._ensure()
        settle_terms(self.db)

    def rebuild(self, progress: Callable[[int], None] | None = None) -> PgVectorIndex:
        self._dim = None
        index = self.current()
        if progress:
            progress(index.count)
        return index

    def save(self) -> None:
        return None

    def is_fresh(self) -> bool:
        return True
