"""The reads the content-flag signals (`kb.flags`) make: articles, tickets, chunk vectors and
what was asked and rated.

Portable SQL against `Database`; every ORDER BY is the order SQLite's plan returned before
these reads moved here, so the signals see the rows in the same order on any backend. The
large reads (every article's body or chunk vector) are streamed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kb.storage.database import Database, rows_in

_ARTICLE_COLUMNS = (
    "external_id, title, body, lang, url, product, tags, updated_at, translation_of, meta, "
    "content_hash, ingested_at"
)


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
class StoredTicket:
    """A ticket document as stored (its body still holds `## Question` / `## Resolution`)."""

    external_id: str
    title: str
    body: str
    meta: dict[str, Any]
    updated_at: str | None
    lang: str | None


@dataclass(frozen=True)
class FeedbackRow:
    """One vote or final reply, with the sources of the answer or draft it rates."""

    id: int
    answer_id: int | None
    draft_id: int | None
    created_at: str
    helpful: int | None
    edit_distance: float | None
    comment: str | None
    sources: list[str]


@dataclass(frozen=True)
class LoggedQuestion:
    """One answer-log row as the gap signal reads it."""

    id: int
    created_at: str
    question: str
    outcome: str
    reason: str | None
    confidence: float


def _article(row: Sequence[Any]) -> Article:
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


class FlagReads:
    """Reads for the flag signals; part of `Catalog` (`kb.catalog`)."""

    db: Database

    def iter_articles(self) -> Iterator[Article]:
        """Every article, streamed in id order."""
        rows = self.db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM documents WHERE kind = 'article' ORDER BY id"
        )
        for row in rows:
            yield _article(row)

    def articles_named(self, external_ids: Iterable[str]) -> Iterator[Article]:
        """The named articles (unknown ids and tickets skipped), by external id within each
        batch of 500 ids given."""
        rows = rows_in(
            self.db,
            f"SELECT {_ARTICLE_COLUMNS} FROM documents WHERE kind = 'article' "
            "AND external_id IN ({values}) ORDER BY external_id",
            list(dict.fromkeys(external_ids)),
        )
        for row in list(rows):
            yield _article(row)

    def iter_article_texts(self) -> Iterator[tuple[str, str]]:
        """(title, body) of every article, streamed in id order."""
        rows = self.db.execute(
            "SELECT title, body FROM documents WHERE kind = 'article' ORDER BY id"
        )
        for title, body in rows:
            yield str(title), str(body)

    def tickets(self) -> list[StoredTicket]:
        """Every ticket document, in id order."""
        rows = self.db.execute(
            "SELECT external_id, title, body, meta, updated_at, lang FROM documents "
            "WHERE kind = 'ticket' ORDER BY id"
        )
        return [StoredTicket(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5]) for r in rows]

    def chunk_owners(self, chunk_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
        """chunk id -> (document external id, kind); unknown ids are left out."""
        rows = rows_in(
            self.db,
            "SELECT c.id, d.external_id, d.kind FROM chunks c JOIN documents d "
            "ON d.id = c.document_id WHERE c.id IN ({values}) ORDER BY c.id",
            list(set(chunk_ids)),
        )
        return {int(cid): (str(ext), str(kind)) for cid, ext, kind in rows}

    def chunk_texts_by_id(self, chunk_ids: Iterable[int]) -> dict[int, str]:
        """chunk id -> text, read in batches of 500 ids in id order."""
        rows = rows_in(
            self.db,
            "SELECT id, text FROM chunks WHERE id IN ({values}) ORDER BY id",
            sorted(chunk_ids),
        )
        return {int(cid): str(text) for cid, text in rows}

    def article_chunk_texts(self) -> Iterator[tuple[int, str, str]]:
        """(chunk id, article external id, text) of every article chunk, streamed by chunk id."""
        rows = self.db.execute(
            "SELECT c.id, d.external_id, c.text FROM chunks c JOIN documents d "
            "ON d.id = c.document_id WHERE d.kind = 'article' ORDER BY c.id"
        )
        for cid, ext, text in rows:
            yield int(cid), str(ext), str(text)

    def document_chunk_vectors(self, external_id: str) -> list[tuple[list[str], np.ndarray]]:
        """(heading path, embedding) of one document's chunks, in reading order."""
        rows = self.db.execute(
            "SELECT c.heading_path, c.embedding FROM chunks c JOIN documents d "
            "ON d.id = c.document_id WHERE d.external_id = ? ORDER BY c.ordinal",
            (external_id,),
        ).fetchall()
        return [(list(json.loads(r[0])), self.db.vector_value(r[1])) for r in rows]

    def iter_article_vectors(self) -> Iterator[tuple[str, np.ndarray]]:
        """(article external id, chunk embedding) of every article chunk, streamed by
        article id then chunk ordinal."""
        rows = self.db.execute(
            "SELECT d.external_id, c.embedding FROM chunks c JOIN documents d "
            "ON d.id = c.document_id WHERE d.kind = 'article' ORDER BY d.id, c.ordinal"
        )
        for ext, stored in rows:
            yield str(ext), self.db.vector_value(stored)

    def chunk_vectors_of(
        self, external_ids: Sequence[str]
    ) -> Iterator[tuple[str, int, np.ndarray]]:
        """(external id, chunk id, embedding) of these documents' chunks, by chunk id within
        each batch of 500 ids given."""
        rows = rows_in(
            self.db,
            "SELECT d.external_id, c.id, c.embedding FROM chunks c JOIN documents d "
            "ON d.id = c.document_id WHERE d.external_id IN ({values}) ORDER BY c.id",
            external_ids,
        )
        for ext, cid, stored in rows:
            yield str(ext), int(cid), self.db.vector_value(stored)

    def translations_of(self, external_ids: Iterable[str]) -> set[str]:
        """Documents that are translations of any of `external_ids`."""
        rows = rows_in(
            self.db,
            "SELECT external_id FROM documents WHERE translation_of IN ({values})",
            list(dict.fromkeys(external_ids)),
        )
        return {str(r[0]) for r in rows}

    def feedback_rows(self) -> list[FeedbackRow]:
        """Every vote and final reply, in the order they were first given."""
        rows = self.db.execute(
            "SELECT id, answer_id, draft_id, created_at, helpful, edit_distance, comment, "
            "sources FROM feedback ORDER BY id"
        )
        return [
            FeedbackRow(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], list(json.loads(r[7])))
            for r in rows
        ]

    def logged_questions(self) -> list[LoggedQuestion]:
        """Every answer-log row, in the order it was logged."""
        rows = self.db.execute(
            "SELECT id, created_at, question, outcome, reason, confidence FROM answer_log "
            "ORDER BY id"
        )
        return [LoggedQuestion(int(r[0]), r[1], r[2], r[3], r[4], float(r[5])) for r in rows]

    def cited_sources(self) -> Iterator[list[str]]:
        """The sources of every logged answer, then of every draft, streamed."""
        for table in ("answer_log", "drafts"):
            for (sources,) in self.db.execute(f"SELECT sources FROM {table} ORDER BY id"):
                yield list(json.loads(sources))
