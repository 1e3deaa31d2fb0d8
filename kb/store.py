"""The knowledge store: SQLite (WAL) is the source of truth; FAISS is a rebuildable cache.

Every change to chunks bumps `generation` in the same transaction. The FAISS index on
disk carries the generation it was built at; on load, any mismatch rebuilds it from
the embeddings stored in SQLite, so a crash between commit and index save never
serves vectors that disagree with SQLite.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from kb.embedders.base import Embedder
from kb.errors import InvalidInput, ModelMismatch, StoreCorrupt
from kb.index_keeper import IndexKeeper
from kb.models import Chunk, Document
from kb.schema import migrate
from kb.vectors import FP16_FROM_CHUNKS, FaissIndex

DB_NAME = "kb.sqlite3"
INDEX_NAME = "vectors.faiss"


@dataclass(frozen=True)
class DocumentWrite:
    """A document with its chunks and one embedding per chunk, ready to store."""

    document: Document
    chunks: Sequence[Chunk]
    chunk_hashes: Sequence[str]
    vectors: np.ndarray


def recorded_model(data_dir: Path) -> str | None:
    """The embedding model id a store was built with (None for a new or empty store)."""
    db_path = Path(data_dir) / DB_NAME
    if not db_path.exists():
        return None
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'model_id'").fetchone()
    except sqlite3.Error:
        return None
    finally:
        con.close()
    return row[0] if row else None


class KnowledgeBase:
    """Documents, chunks, embeddings, FTS5 keyword index and the FAISS vector index.

    `embedder` may be None for read-only uses that need no vectors (stats, keyword search).
    """

    def __init__(
        self,
        data_dir: Path | str,
        embedder: Embedder | None = None,
        *,
        fp16_from_chunks: int = FP16_FROM_CHUNKS,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.embedder = embedder
        self.index_path = self.data_dir / INDEX_NAME
        self._lock = threading.RLock()
        try:
            self.db = sqlite3.connect(
                self.data_dir / DB_NAME, isolation_level=None, check_same_thread=False
            )
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA busy_timeout = 10000")
        except sqlite3.DatabaseError as exc:
            raise StoreCorrupt(f"cannot open store at {self.data_dir}: {exc}") from exc
        migrate(self.db)
        self._check_model()
        self._keeper = IndexKeeper(self.index_path, self, self._lock, fp16_from_chunks)

    # -- metadata -------------------------------------------------------------------------

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def _check_model(self) -> None:
        if self.embedder is None:
            return
        stored = self._meta("model_id")
        if stored is None:
            with self.transaction():
                self._set_meta("model_id", self.embedder.model_id)
                self._set_meta("dim", str(self.embedder.dim))
        elif stored != self.embedder.model_id:
            raise ModelMismatch(
                f"this store was built with embedding model {stored!r}, not "
                f"{self.embedder.model_id!r}; run `kbc reindex --re-embed` to switch models"
            )

    @property
    def model_id(self) -> str | None:
        return self._meta("model_id")

    @property
    def generation(self) -> int:
        return int(self._meta("generation") or 0)

    def transaction(self) -> _Transaction:
        return _Transaction(self)

    # -- reads ----------------------------------------------------------------------------

    def document_hashes(self) -> dict[str, str]:
        """external_id -> content hash of every stored document (for incremental ingest)."""
        rows = self.db.execute("SELECT external_id, content_hash FROM documents")
        return dict(rows.fetchall())

    def documents_from_sources(self, prefixes: Iterable[str]) -> dict[str, str]:
        """external_id -> source of documents whose source lies under one of `prefixes`."""
        out: dict[str, str] = {}
        for prefix in prefixes:
            rows = self.db.execute(
                "SELECT external_id, source FROM documents WHERE source = ? OR source LIKE ? "
                "ESCAPE '\\'",
                (prefix, _like_prefix(prefix.rstrip("/") + "/")),
            )
            out.update(rows.fetchall())
        return out

    def get_document(self, external_id: str) -> Document | None:
        row = self.db.execute(
            "SELECT external_id, title, body, kind, visibility, url, lang, product, tags, owner, "
            "created_at, updated_at, translation_of, source, meta "
            "FROM documents WHERE external_id = ?",
            (external_id,),
        ).fetchone()
        if row is None:
            return None
        return Document(
            external_id=row[0],
            title=row[1],
            body=row[2],
            kind=row[3],
            visibility=row[4],
            url=row[5],
            lang=row[6],
            product=row[7],
            tags=tuple(json.loads(row[8])),
            owner=row[9],
            created_at=row[10],
            updated_at=row[11],
            translation_of=row[12],
            source=row[13],
            meta=json.loads(row[14]),
        )

    def embeddings_for(self, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """Stored vectors by chunk content hash, so unchanged text is never re-embedded."""
        wanted = list(set(hashes))
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(wanted), 500):
            part = wanted[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self.db.execute(
                f"SELECT content_hash, embedding FROM chunks WHERE content_hash IN ({marks})",
                part,
            )
            for h, blob in rows:
                out[h] = np.frombuffer(blob, dtype=np.float32)
        return out

    def iter_embeddings(self, batch: int = 20000) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        last = 0
        while True:
            rows = self.db.execute(
                "SELECT id, embedding FROM chunks WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            vecs = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
            yield ids, vecs.reshape(len(rows), -1)
            last = int(ids[-1])

    def chunk_texts(self, external_id: str) -> list[str]:
        """A document's chunk texts in reading order."""
        rows = self.db.execute(
            "SELECT c.text FROM chunks c JOIN documents d ON d.id = c.document_id "
            "WHERE d.external_id = ? ORDER BY c.ordinal",
            (external_id,),
        )
        return [r[0] for r in rows]

    def counts(self) -> dict[str, int]:
        (docs,) = self.db.execute("SELECT COUNT(*) FROM documents").fetchone()
        return {"documents": docs, "chunks": self.chunk_count()}

    def chunk_count(self) -> int:
        (chunks,) = self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()
        return int(chunks)

    # -- writes ---------------------------------------------------------------------------

    def write(self, batch: Sequence[DocumentWrite]) -> None:
        """Insert or replace documents with their chunks in one transaction."""
        if not batch:
            return
        now = datetime.now(UTC).isoformat(timespec="seconds")
        removed: list[int] = []
        added: list[tuple[np.ndarray, np.ndarray]] = []
        with self.transaction():
            for item in batch:
                if len(item.chunks) != len(item.vectors) or len(item.chunks) != len(
                    item.chunk_hashes
                ):
                    raise InvalidInput(f"{item.document.external_id}: chunks/vectors mismatch")
                removed += self._delete_chunks_of(item.document.external_id)
                doc_id = self._upsert_document_row(item.document, now)
                ids = self._insert_chunks(doc_id, item)
                added.append((ids, item.vectors))
            self._bump_generation()
        self._keeper.apply(removed, added)

    def delete(self, external_ids: Iterable[str]) -> int:
        """Remove documents (and their chunks); returns how many existed."""
        removed: list[int] = []
        deleted = 0
        with self.transaction():
            for ext in external_ids:
                removed += self._delete_chunks_of(ext)
                cur = self.db.execute("DELETE FROM documents WHERE external_id = ?", (ext,))
                deleted += cur.rowcount
            if deleted:
                self._bump_generation()
        self._keeper.apply(removed, [])
        return deleted

    def _delete_chunks_of(self, external_id: str) -> list[int]:
        rows = self.db.execute(
            "SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id "
            "WHERE d.external_id = ?",
            (external_id,),
        ).fetchall()
        ids = [r[0] for r in rows]
        if ids:
            self.db.execute(
                "DELETE FROM chunks WHERE document_id = "
                "(SELECT id FROM documents WHERE external_id = ?)",
                (external_id,),
            )
        return ids

    def _upsert_document_row(self, doc: Document, now: str) -> int:
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

    def _insert_chunks(self, doc_id: int, item: DocumentWrite) -> np.ndarray:
        vectors = np.ascontiguousarray(item.vectors, dtype=np.float32)
        ids = np.zeros(len(item.chunks), dtype=np.int64)
        for i, (chunk, h) in enumerate(zip(item.chunks, item.chunk_hashes, strict=True)):
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
                    vectors[i].tobytes(),
                ),
            ).fetchone()
            ids[i] = row[0]
        return ids

    def _bump_generation(self) -> None:
        self._set_meta("generation", str(self.generation + 1))

    # -- vector index (a cache of SQLite, kept by kb.index_keeper) -------------------------

    @property
    def vectors(self) -> FaissIndex:
        """The FAISS index, loaded (or rebuilt) on first use and after outside changes."""
        return self._keeper.current()

    def vector_dim(self) -> int:
        if self.embedder is not None:
            return self.embedder.dim
        dim = self._meta("dim")
        if dim is None:
            raise InvalidInput("store has no embedding model yet: ingest something first")
        return int(dim)

    def rebuild_index(self, progress: Callable[[int], None] | None = None) -> FaissIndex:
        """Build the FAISS index from embeddings stored in SQLite and save it."""
        return self._keeper.rebuild(progress)

    def save_index(self) -> None:
        self._keeper.save()

    def index_is_fresh(self) -> bool:
        return self._keeper.is_fresh()

    def close(self) -> None:
        self.save_index()
        self.db.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (re-entrant per store)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.outer = False

    def __enter__(self) -> sqlite3.Connection:
        self.kb._lock.acquire()
        self.outer = not self.kb.db.in_transaction
        if self.outer:
            self.kb.db.execute("BEGIN IMMEDIATE")
        return self.kb.db

    def __exit__(self, exc_type: Any, *rest: Any) -> None:
        try:
            if self.outer:
                self.kb.db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.kb._lock.release()


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
