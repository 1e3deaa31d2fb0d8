"""Documents, chunks, their embeddings and the store's metadata, in portable SQL.

Written once against `Database`; SQLite and PostgreSQL run the same statements.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from kb.models import Chunk, Document, Kind, SearchFilters, Visibility
from kb.storage.database import Database, like_prefix, rows_in
from kb.storage.filtering import filter_clause

DOCUMENT_COLUMNS = (
    "external_id, title, body, kind, visibility, url, lang, product, tags, owner, "
    "created_at, updated_at, translation_of, source, meta"
)


@dataclass(frozen=True)
class ChunkRow:
    """A chunk with the document fields retrieval and the flags need beside it."""

    chunk_id: int
    ordinal: int
    heading_path: tuple[str, ...]
    text: str
    external_id: str
    title: str
    url: str | None
    kind: Kind
    visibility: Visibility
    lang: str | None
    product: str | None


def document_from_row(row: Sequence[object]) -> Document:
    """A `Document` from a row selected with DOCUMENT_COLUMNS."""
    return Document(
        external_id=str(row[0]),
        title=str(row[1]),
        body=str(row[2]),
        kind=row[3],  # type: ignore[arg-type]
        visibility=row[4],  # type: ignore[arg-type]
        url=row[5],  # type: ignore[arg-type]
        lang=row[6],  # type: ignore[arg-type]
        product=row[7],  # type: ignore[arg-type]
        tags=tuple(json.loads(str(row[8]))),
        owner=row[9],  # type: ignore[arg-type]
        created_at=row[10],  # type: ignore[arg-type]
        updated_at=row[11],  # type: ignore[arg-type]
        translation_of=row[12],  # type: ignore[arg-type]
        source=row[13],  # type: ignore[arg-type]
        meta=json.loads(str(row[14])),
    )


class Documents:
    """Reads and writes of documents and chunks; writes run inside the caller's transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- metadata -------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def bump_generation(self) -> None:
        self.set_meta("generation", str(int(self.meta("generation") or 0) + 1))

    # -- reads ----------------------------------------------------------------------------

    def hashes(self) -> dict[str, str]:
        rows = self.db.execute("SELECT external_id, content_hash FROM documents")
        return {str(r[0]): str(r[1]) for r in rows}

    def from_sources(self, prefixes: Iterable[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for prefix in prefixes:
            rows = self.db.execute(
                "SELECT external_id, source FROM documents WHERE source = ? OR source LIKE ? "
                "ESCAPE '\\'",
                (prefix, like_prefix(prefix.rstrip("/") + "/")),
            )
            out.update((str(r[0]), str(r[1])) for r in rows)
        return out

    def get(self, external_id: str) -> Document | None:
        row = self.db.execute(
            f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE external_id = ?", (external_id,)
        ).fetchone()
        return None if row is None else document_from_row(row)

    def embeddings_for(self, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        rows = rows_in(
            self.db,
            "SELECT content_hash, embedding FROM chunks WHERE content_hash IN ({values})",
            list(set(hashes)),
        )
        return {h: self.db.vector_value(stored) for h, stored in rows}

    def iter_embeddings(self, batch: int = 20000) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        last = 0
        while True:
            rows = self.db.execute(
                "SELECT id, embedding FROM chunks WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            vecs = np.stack([self.db.vector_value(r[1]) for r in rows]).astype(np.float32)
            yield ids, vecs
            last = int(ids[-1])

    def chunk_texts(self, external_id: str) -> list[str]:
        rows = self.db.execute(
            "SELECT c.text FROM chunks c JOIN documents d ON d.id = c.document_id "
            "WHERE d.external_id = ? ORDER BY c.ordinal",
            (external_id,),
        )
        return [str(r[0]) for r in rows]

    def chunk_rows(self, chunk_ids: Iterable[int]) -> dict[int, ChunkRow]:
        rows = rows_in(
            self.db,
            "SELECT c.id, c.ordinal, c.heading_path, c.text, d.external_id, d.title, d.url, "
            "d.kind, d.visibility, d.lang, d.product FROM chunks c "
            "JOIN documents d ON d.id = c.document_id WHERE c.id IN ({values})",
            list(chunk_ids),
        )
        return {
            int(r[0]): ChunkRow(int(r[0]), int(r[1]), tuple(json.loads(r[2])), *r[3:]) for r in rows
        }

    def passing(self, chunk_ids: Sequence[int], filters: SearchFilters) -> set[int]:
        """The ids among `chunk_ids` whose document passes `filters` (visibility first)."""
        where, params = filter_clause(filters)
        rows = rows_in(
            self.db,
            "SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id "
            f"WHERE c.id IN ({{values}}) AND {where}",
            chunk_ids,
            params,
        )
        return {int(r[0]) for r in rows}

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def chunk_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    # -- writes (inside a transaction) ----------------------------------------------------

    def delete_chunks_of(self, external_id: str) -> list[int]:
        rows = self.db.execute(
            "SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id "
            "WHERE d.external_id = ?",
            (external_id,),
        ).fetchall()
        ids = [int(r[0]) for r in rows]
        if ids:
            self.db.execute(
                "DELETE FROM chunks WHERE document_id = "
                "(SELECT id FROM documents WHERE external_id = ?)",
                (external_id,),
            )
        return ids

    def delete_document(self, external_id: str) -> int:
        cur = self.db.execute("DELETE FROM documents WHERE external_id = ?", (external_id,))
        return int(cur.rowcount)

    def upsert_document(self, doc: Document, now: str) -> int:
        values = (
            doc.external_id,
            doc.kind,
            doc.title,
            doc.body,
            doc.url,
            doc.lang,
            doc.visibility,
            doc.product,
            json.dumps(list(doc.tags)),
            doc.owner,
            doc.created_at,
            doc.updated_at,
            doc.translation_group,
            doc.translation_of,
            doc.source,
            json.dumps(doc.meta, sort_keys=True, default=str),
            doc.hash,
            now,
        )
        row = self.db.execute(
            "INSERT INTO documents (external_id, kind, title, body, url, lang, visibility, "
            "product, tags, owner, created_at, updated_at, translation_group, translation_of, "
            "source, meta, content_hash, ingested_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(external_id) DO UPDATE SET kind = excluded.kind, "
            "title = excluded.title, body = excluded.body, url = excluded.url, "
            "lang = excluded.lang, visibility = excluded.visibility, product = excluded.product, "
            "tags = excluded.tags, owner = excluded.owner, created_at = excluded.created_at, "
            "updated_at = excluded.updated_at, translation_group = excluded.translation_group, "
            "translation_of = excluded.translation_of, source = excluded.source, "
            "meta = excluded.meta, content_hash = excluded.content_hash, "
            "ingested_at = excluded.ingested_at RETURNING id",
            values,
        ).fetchone()
        return int(row[0])

    def insert_chunks(
        self, doc_id: int, chunks: Sequence[Chunk], hashes: Sequence[str], vectors: np.ndarray
    ) -> np.ndarray:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        ids = np.zeros(len(chunks), dtype=np.int64)
        for i, (chunk, h) in enumerate(zip(chunks, hashes, strict=True)):
            row = self.db.execute(
                "INSERT INTO chunks (document_id, ordinal, heading_path, text, token_count, lang, "
                "content_hash, embedding) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    doc_id,
                    chunk.ordinal,
                    json.dumps(list(chunk.heading_path), ensure_ascii=False),
                    chunk.text,
                    chunk.token_count,
                    chunk.lang,
                    h,
                    self.db.vector_param(vectors[i]),
                ),
            ).fetchone()
            ids[i] = row[0]
        return ids

    def replace_embeddings(self, rows: Sequence[tuple[int, np.ndarray]]) -> None:
        """New vectors for existing chunks (re-embedding with another model)."""
        self.db.executemany(
            "UPDATE chunks SET embedding = ? WHERE id = ?",
            [(self.db.vector_param(vec), cid) for cid, vec in rows],
        )
