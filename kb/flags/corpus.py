"""Read-side views of the store that the signals share: articles, tickets, chunk owners."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

import numpy as np

from kb.models import SearchFilters
from kb.storage.catalog_flags import Article
from kb.store import KnowledgeBase

_RESOLUTION = re.compile(r"^##\s+Resolution\s*$", re.MULTILINE | re.IGNORECASE)
_QUESTION = re.compile(r"^##\s+Question\s*$", re.MULTILINE | re.IGNORECASE)
_ARTICLES = SearchFilters.everything(kinds=frozenset({"article"}))
_KEYWORD_CHARS = 500  # a question's opening names what it is about; bounds the query


@dataclass(frozen=True)
class Ticket:
    external_id: str
    title: str
    question: str
    resolution: str
    resolved_at: datetime | None
    lang: str | None


def parse_time(value: object) -> datetime | None:
    """An ISO date or datetime as an aware UTC datetime (None when missing or unreadable)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    text = str(value).strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def articles(kb: KnowledgeBase, ids: Iterable[str] | None = None) -> Iterator[Article]:
    """Every article (streamed in id order), or the named ones."""
    return kb.catalog.iter_articles() if ids is None else kb.catalog.articles_named(ids)


def split_ticket(body: str) -> tuple[str, str]:
    """(question, resolution) of a ticket document body (`## Question ... ## Resolution ...`)."""
    m = _RESOLUTION.search(body)
    if m is None:
        return _QUESTION.sub("", body).strip(), ""
    return _QUESTION.sub("", body[: m.start()]).strip(), body[m.end() :].strip()


def tickets(kb: KnowledgeBase) -> list[Ticket]:
    out = []
    for t in kb.catalog.tickets():
        question, resolution = split_ticket(t.body)
        resolved = parse_time(t.meta.get("resolved_at") or t.updated_at)
        out.append(Ticket(t.external_id, t.title, question, resolution, resolved, t.lang))
    return out


def chunk_owners(kb: KnowledgeBase, chunk_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """chunk id -> (document external id, kind)."""
    return kb.catalog.chunk_owners(chunk_ids)


def document_vectors(kb: KnowledgeBase, external_id: str) -> tuple[list[str], np.ndarray]:
    """(heading paths as text, embeddings) of one document's chunks, in order."""
    rows = kb.catalog.document_chunk_vectors(external_id)
    if not rows:
        return [], np.zeros((0, 0), dtype=np.float32)
    vecs = np.stack([vec for _, vec in rows]).astype(np.float32, copy=False)
    return [" > ".join(path) for path, _ in rows], vecs


def nearest_articles(
    kb: KnowledgeBase,
    vectors: np.ndarray,
    *,
    k: int = 3,
    search_k: int = 40,
    exclude: str | None = None,
) -> list[tuple[str, float]]:
    """The articles whose chunks are nearest to any of `vectors`: (external id, best cosine)."""
    index = kb.vectors
    best: dict[int, float] = {}
    for vec in vectors:
        for cid, score in index.search(vec, search_k):
            if score > best.get(cid, -1.0):
                best[cid] = score
    owners = chunk_owners(kb, best)
    per_doc: dict[str, float] = {}
    for cid, score in best.items():
        ext, kind = owners.get(cid, ("", ""))
        if kind == "article" and ext != exclude and score > per_doc.get(ext, -1.0):
            per_doc[ext] = score
    return sorted(per_doc.items(), key=lambda kv: -kv[1])[:k]


def articles_named_by(kb: KnowledgeBase, text: str, *, k: int = 2) -> list[str]:
    """The articles keyword search ranks first for `text` (a ticket's question names the
    control or page it is about — "I can't find the Schedule pickup button" — even when its
    embedding is nearer another topic)."""
    if not text.strip():
        return []
    hits = kb.keyword_search(text[:_KEYWORD_CHARS], _ARTICLES, 10 * k)
    out: list[str] = []
    owners = chunk_owners(kb, [cid for cid, _ in hits])
    for cid, _ in hits:
        ext = owners.get(cid, ("", ""))[0]  # the filter already keeps articles only
        if ext and ext not in out:
            out.append(ext)
            if len(out) == k:
                break
    return out


EmbeddingFamily = Literal["hashing", "cross-lingual", "sentence"]


def embedding_family(model_id: str | None) -> EmbeddingFamily:
    """How the store's model scores similarity, for the signals' cosine thresholds: a
    bag-of-words hash scores paraphrases low, a cross-lingual model (USE multilingual)
    scores one text in two languages, or a reworded one, lower than a sentence model."""
    name = model_id or ""
    if name.startswith("hashing"):
        return "hashing"
    if name.startswith("universal-sentence-encoder-multilingual"):
        return "cross-lingual"
    return "sentence"


def now_utc() -> datetime:
    return datetime.now(UTC)
