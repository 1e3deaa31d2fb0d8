"""Keyword search over chunks with SQLite FTS5 (BM25, title and headings weighted up).

Bounded tail: FTS5 computes bm25() for every row that matches, ~1-2 us each, and a query
of common words matches a quarter of a large store. When the query's terms together match
more than CANDIDATE_BUDGET rows, only rows holding its rarer terms are ranked (the matching
expression becomes `(rarer terms) AND (all terms)`, so every term still scores; the rarer
ones count twice). Smaller stores and rarer queries run exactly as before.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence

from kb.models import SearchFilters
from kb.storage.database import Database, placeholders
from kb.storage.filtering import filter_clause
from kb.text.stopwords import KEYWORD_STOPWORDS
from kb.text.unspaced import bigrams, has_unspaced, pieces

# bm25() column weights for (title, heading, text): a match in the title says more.
TITLE_WEIGHT, HEADING_WEIGHT, TEXT_WEIGHT = 3.0, 2.0, 1.0
MAX_QUERY_TERMS = 40
# Rows whose bm25 a shaped query may compute (chosen on 150 aws-docs queries at 113k chunks,
# reported on another sample: bench/RESULTS.md "Speed"). Env KBC_KEYWORD_BUDGET=0: always exact.
CANDIDATE_BUDGET: int | None = int(os.environ.get("KBC_KEYWORD_BUDGET") or 5_000) or None

_TERM = re.compile(r"\w+", re.UNICODE)


def query_terms(query: str) -> list[str]:
    """The query's distinct searchable terms, in order (stopwords and 1-letter words dropped);
    runs of Chinese, Japanese, Korean or Thai give their bigrams, as the index holds them."""
    seen: dict[str, None] = {}
    for piece, unspaced in pieces(query.lower()):
        if unspaced:
            seen.update(dict.fromkeys(bigrams(piece)))
            continue
        for term in _TERM.findall(piece):
            if term not in KEYWORD_STOPWORDS and (len(term) > 1 or term.isdigit()):
                seen.setdefault(term, None)
    return list(seen)[:MAX_QUERY_TERMS]


def _any_of(terms: list[str]) -> str:
    return " OR ".join(f'"{t}"' for t in terms)


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH string OR-ing the query's distinct terms, each quoted (no syntax leaks)."""
    terms = query_terms(query)
    return _any_of(terms) if terms else None


def index_form(term: str) -> str:
    """The form FTS5's `unicode61 remove_diacritics 2` indexes a term under (a bigram of
    kana, Hangul or Han as it is: NFKD would take が or a Hangul syllable apart)."""
    if has_unspaced(term):
        return term
    return "".join(c for c in unicodedata.normalize("NFKD", term) if not unicodedata.combining(c))


def create_vocabulary(db: Database) -> None:
    """The FTS5 vocabulary as a TEMP table of this connection (no schema change); the
    backend creates it once when it opens the connection."""
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_fts_terms "
        "USING fts5vocab(main, 'chunks_fts', 'row')"
    )


def document_frequencies(db: Database, terms: list[str]) -> dict[str, int]:
    """Rows of the FTS index holding each term (fts5vocab, one indexed lookup per term)."""
    out = {}
    for term in terms:
        row = db.execute(
            "SELECT doc FROM temp.chunks_fts_terms WHERE term = ?", (index_form(term),)
        )
        found = row.fetchone()
        out[term] = int(found[0]) if found else 0
    return out


def candidate_terms(df: dict[str, int], budget: int) -> tuple[list[str], bool] | None:
    """Which terms pick the rows to rank when all of them together match more than `budget`
    rows (None: they do not, rank every match): the rarest that fit the budget, OR-ed
    (`False`); or, when even the rarest is that common, the two rarest AND-ed (`True`).
    Ties keep the query's order. Both backends shape their queries with it."""
    terms = list(df)
    if len(terms) < 2 or sum(df.values()) <= budget:
        return None
    rarest = sorted(terms, key=lambda t: df[t])
    chosen, total = [rarest[0]], df[rarest[0]]
    for term in rarest[1:]:
        if total + df[term] > budget:
            break
        chosen.append(term)
        total += df[term]
    if total > budget:
        return rarest[:2], True
    return chosen, False


def shaped_expression(db: Database, terms: list[str], budget: int) -> str:
    """The MATCH string for `terms`, limited to about `budget` candidate rows when the plain
    OR of every term would match more (see the module docstring)."""
    everything = _any_of(terms)
    if len(terms) < 2:
        return everything
    shape = candidate_terms(document_frequencies(db, terms), budget)
    if shape is None:
        return everything
    chosen, both = shape
    candidates = " AND ".join(f'"{t}"' for t in chosen) if both else _any_of(chosen)
    return f"({candidates}) AND ({everything})"


def keyword_search(
    db: Database,
    query: str,
    filters: SearchFilters,
    limit: int,
    budget: int | None = CANDIDATE_BUDGET,
) -> list[tuple[int, float]]:
    """Top `limit` (chunk id, bm25 score; higher is better) that pass `filters`.

    BM25 ranks the FTS index alone first and the filters then check only the best few
    (widening until `limit` pass or every match was seen): joining every match to its
    document before ranking cost 60 ms p50 at 115k chunks, where common terms match tens of
    thousands of chunks; ranking first costs 17 ms and returns the same list. `budget=None`
    ranks every match (exact, unbounded).
    """
    terms = query_terms(query)
    if not terms or limit <= 0:
        return []
    expr = _any_of(terms) if budget is None else shaped_expression(db, terms, budget)
    where, params = filter_clause(filters)
    fetch = limit * 4
    while True:
        ranked = db.execute(
            "SELECT rowid, -bm25(chunks_fts, ?, ?, ?) AS score FROM chunks_fts "
            "WHERE chunks_fts MATCH ? ORDER BY score DESC LIMIT ?",
            (TITLE_WEIGHT, HEADING_WEIGHT, TEXT_WEIGHT, expr, fetch),
        ).fetchall()
        allowed = chunks_passing(db, [int(r[0]) for r in ranked], where, params)
        kept = [(int(r[0]), float(r[1])) for r in ranked if r[0] in allowed]
        if len(kept) >= limit or len(ranked) < fetch:
            return kept[:limit]
        fetch *= 4


def chunks_passing(
    db: Database, chunk_ids: list[int], where: str, params: list[object]
) -> set[int]:
    """The chunk ids among `chunk_ids` whose document passes the filter clause."""
    out: set[int] = set()
    for i in range(0, len(chunk_ids), 900):
        part = chunk_ids[i : i + 900]
        rows = db.execute(
            "SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id "
            f"WHERE c.id IN ({placeholders(len(part))}) AND {where}",
            [*part, *params],
        )
        out.update(r[0] for r in rows)
    return out


class Fts5Index:
    """The SQLite backend's `KeywordIndex`: FTS5 BM25 with a bounded candidate tail."""

    def __init__(self, db: Database, budget: int | None = CANDIDATE_BUDGET) -> None:
        self.db = db
        self.budget = budget

    def search(self, query: str, filters: SearchFilters, limit: int) -> list[tuple[int, float]]:
        return keyword_search(self.db, query, filters, limit, self.budget)

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """Chunks holding each term exactly as given (the index stores lower-case terms
        with diacritics removed; callers that want that folding apply it)."""
        out: dict[str, int] = {}
        wanted = list(dict.fromkeys(terms))
        for i in range(0, len(wanted), 900):
            part = wanted[i : i + 900]
            rows = self.db.execute(
                "SELECT term, doc FROM temp.chunks_fts_terms "
                f"WHERE term IN ({placeholders(len(part))})",
                part,
            )
            out.update((str(t), int(n)) for t, n in rows)
        return {t: out.get(t, 0) for t in terms}
