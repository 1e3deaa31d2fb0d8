"""Read queries over documents and chunks that the flags, the eval harness and the API need.

Portable SQL with `?` placeholders against `Database` (SQLite and PostgreSQL run the same
statements); each method returns typed rows or plain values, never a cursor.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kb.storage.catalog_flags import FlagReads
from kb.storage.database import Database, placeholders, rows_in


@dataclass(frozen=True)
class DocumentEntry:
    """A stored document's id, title, kind and its source-specific fields (`meta`)."""

    external_id: str
    title: str
    kind: str
    meta: dict[str, Any]


class Catalog(FlagReads):
    """Named reads for callers outside `kb/storage`; built by the store with its database.

    The flag signals' reads are in `FlagReads` (`kb.storage.catalog_flags`).
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    def grouped_counts(self, column: str) -> dict[str, int]:
        """Documents per value of `column` (kind, visibility or lang; NULL counts as '?')."""
        if column not in ("kind", "visibility", "lang", "product"):
            raise ValueError(f"cannot group documents by {column!r}")
        rows = self.db.execute(
            f"SELECT COALESCE({column}, '?'), COUNT(*) FROM documents GROUP BY 1"
        )
        return {str(k): int(n) for k, n in rows}

    def token_total(self) -> int:
        """Tokens over every chunk."""
        return int(
            self.db.execute("SELECT COALESCE(SUM(token_count), 0) FROM chunks").fetchone()[0]
        )

    def chunks_for_embedding(self) -> list[tuple[int, str, str, str]]:
        """(chunk id, document title, heading path JSON, text) of every chunk, by id."""
        rows = self.db.execute(
            "SELECT c.id, d.title, c.heading_path, c.text FROM chunks c "
            "JOIN documents d ON d.id = c.document_id ORDER BY c.id"
        )
        return [(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]

    def document_entries(self) -> list[DocumentEntry]:
        """Every stored document, in id order."""
        rows = self.db.execute("SELECT external_id, title, kind, meta FROM documents ORDER BY id")
        return [DocumentEntry(str(r[0]), str(r[1]), str(r[2]), json.loads(r[3])) for r in rows]

    def public_article_urls(self) -> set[str]:
        """URLs of public articles (an internal runbook's URL is never among them)."""
        rows = self.db.execute(
            "SELECT url FROM documents WHERE url IS NOT NULL AND visibility = 'public' "
            "AND kind = 'article'"
        )
        return {str(r[0]) for r in rows}

    def article_languages(self) -> set[str]:
        """Languages the stored articles are in (articles without one are left out)."""
        rows = self.db.execute(
            "SELECT DISTINCT lang FROM documents WHERE kind = 'article' AND lang IS NOT NULL"
        )
        return {str(r[0]) for r in rows}

    def chunk_count_of(self, external_id: str) -> int:
        """How many chunks one document has (0 when it is not stored)."""
        row = self.db.execute(
            "SELECT COUNT(*) FROM chunks c JOIN documents d ON d.id = c.document_id "
            "WHERE d.external_id = ?",
            (external_id,),
        ).fetchone()
        return int(row[0])

    def chunk_ids_of(self, external_ids: Iterable[str]) -> set[int]:
        """Ids of every chunk of these documents."""
        rows = rows_in(
            self.db,
            "SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id "
            "WHERE d.external_id IN ({values})",
            sorted(set(external_ids)),
        )
        return {int(r[0]) for r in rows}

    def translation_family(self, external_ids: Iterable[str]) -> set[str]:
        """These documents (those stored) and every document of their translation groups."""
        wanted = sorted(set(external_ids))
        if not wanted:
            return set()
        marks = placeholders(len(wanted))
        rows = self.db.execute(
            "SELECT external_id FROM documents WHERE translation_group IN "
            f"(SELECT translation_group FROM documents WHERE external_id IN ({marks})) "
            f"OR external_id IN ({marks})",
            [*wanted, *wanted],
        )
        return {str(r[0]) for r in rows}
