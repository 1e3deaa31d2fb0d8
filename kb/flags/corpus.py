"""Read-side views of the store that the signals share: articles, tickets, chunk owners."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from kb.store import KnowledgeBase

_RESOLUTION = re.compile(r"^##\s+Resolution\s*$", re.MULTILINE | re.IGNORECASE)
_QUESTION = re.compile(r"^##\s+Question\s*$", re.MULTILINE | re.IGNORECASE)


@dataclass(frozen=True)
class Article:
    external_id: str
    title: str
    body: str
    lang: str | None
    url: str | None
    product: str | None
    tags: tuple[str, ...]
    updated_at: str | None
    translation_of: str | None
    meta: dict[str, Any]
    content_hash: str
    ingested_at: str


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


_ARTICLE_COLUMNS = (
    "external_id, title, body, lang, url, product, tags, updated_at, translation_of, meta, "
    "content_hash, ingested_at"
)


def _article(row: tuple[Any, ...]) -> Article:
    return Article(
        external_id=row[0],
        title=row[1],
        body=row[2],
        lang=row[3],
        url=row[4],
        product=row[5],
        tags=tuple(json.loads(row[6])),
        updated_at=row[7],
        translation_of=row[8],
        meta=json.loads(row[9]),
        content_hash=row[10],
        ingested_at=row[11],
    )


def articles(kb: KnowledgeBase, ids: Iterable[str] | None = None) -> Iterator[Article]:
    """Every article (or the named ones), streamed in id order."""
    if ids is None:
        rows = kb.db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM documents WHERE kind = 'article' ORDER BY id"
        )
        for row in rows:
            yield _article(row)
        return
    wanted = list(dict.fromkeys(ids))
    for i in range(0, len(wanted), 500):
        part = wanted[i : i + 500]
        marks = ",".join("?" * len(part))
        for row in kb.db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM documents "
            f"WHERE kind = 'article' AND external_id IN ({marks})",
            part,
        ).fetchall():
            yield _article(row)


def split_ticket(body: str) -> tuple[str, str]:
    """(question, resolution) of a ticket document body (`## Question ... ## Resolution ...`)."""
    m = _RESOLUTION.search(body)
    if m is None:
        return _QUESTION.sub("", body).strip(), ""
    return _QUESTION.sub("", body[: m.start()]).strip(), body[m.end() :].strip()


def tickets(kb: KnowledgeBase) -> list[Ticket]:
    out = []
    rows = kb.db.execute(
        "SELECT external_id, title, body, meta, updated_at, lang FROM documents "
        "WHERE kind = 'ticket' ORDER BY id"
    )
    for ext, title, body, meta, updated_at, lang in rows:
        question, resolution = split_ticket(body)
        resolved = parse_time(json.loads(meta).get("resolved_at") or updated_at)
        out.append(Ticket(ext, title, question, resolution, resolved, lang))
    return out


def chunk_owners(kb: KnowledgeBase, chunk_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """chunk id -> (document external id, kind)."""
    wanted = list(set(chunk_ids))
    out: dict[int, tuple[str, str]] = {}
    for i in range(0, len(wanted), 500):
        part = wanted[i : i + 500]
        marks = ",".join("?" * len(part))
        rows = kb.db.execute(
            f"SELECT c.id, d.external_id, d.kind FROM chunks c JOIN documents d "
            f"ON d.id = c.document_id WHERE c.id IN ({marks})",
            part,
        )
        out.update((cid, (ext, kind)) for cid, ext, kind in rows)
    return out


def document_vectors(kb: KnowledgeBase, external_id: str) -> tuple[list[str], np.ndarray]:
    """(heading paths as text, embeddings) of one document's chunks, in order."""
    rows = kb.db.execute(
        "SELECT c.heading_path, c.embedding FROM chunks c JOIN documents d "
        "ON d.id = c.document_id WHERE d.external_id = ? ORDER BY c.ordinal",
        (external_id,),
    ).fetchall()
    if not rows:
        return [], np.zeros((0, 0), dtype=np.float32)
    vecs = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1)
    return [" > ".join(json.loads(r[0])) for r in rows], vecs


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


def now_utc() -> datetime:
    return datetime.now(UTC)
