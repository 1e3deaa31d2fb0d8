"""The knowledge store: documents, chunks, embeddings, keyword and vector search.

A facade over one backend (`kb.storage`: SQLite + FAISS embedded by default, PostgreSQL +
pgvector by URL) and the portable repositories. Every change to chunks bumps `generation`
in the same transaction, so a vector cache (FAISS) can tell it is stale and rebuild.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from kb.embedders.base import Embedder
from kb.errors import InvalidInput, ModelMismatch
from kb.models import Chunk, Document, SearchFilters
from kb.storage import open_backend
from kb.storage.catalog import Catalog
from kb.storage.database import Database
from kb.storage.documents import ChunkRow, Documents
from kb.storage.faiss_index import FP16_FROM_CHUNKS
from kb.storage.protocols import Backend, Store, VectorIndex
from kb.storage.sqlite import DB_NAME, INDEX_NAME, recorded_model

__all__ = ["DB_NAME", "INDEX_NAME", "DocumentWrite", "KnowledgeBase", "recorded_model"]


@dataclass(frozen=True)
class DocumentWrite:
    """A document with its chunks and one embedding per chunk, ready to store."""

    document: Document
    chunks: Sequence[Chunk]
    chunk_hashes: Sequence[str]
    vectors: np.ndarray


class KnowledgeBase:
    """Documents, chunks, embeddings, the keyword index and the vector index of one store.

    `embedder` may be None for read-only uses that need no vectors (stats, keyword search).
    `store_url` picks the backend (None: SQLite in `data_dir`); `data_dir` also holds the
    store's local files (vector cache, calibrated models) whatever the backend.
    """

    def __init__(
        self,
        data_dir: Path | str,
        embedder: Embedder | None = None,
        *,
        fp16_from_chunks: int = FP16_FROM_CHUNKS,
        store_url: str | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.embedder = embedder
        self.backend: Backend = open_backend(self.data_dir, store_url)
        self.database: Database = self.backend.database
        self.documents = Documents(self.database)
        self.catalog = Catalog(self.database)
        self._check_model()
        self._keeper = self.backend.vector_keeper(self, fp16_from_chunks)
        self._closed = False

    # -- metadata -------------------------------------------------------------------------

    def _check_model(self) -> None:
        if self.embedder is None:
            return
        stored = self.documents.meta("model_id")
        if stored is None:
            with self.transaction():
                self.documents.set_meta("model_id", self.embedder.model_id)
                self.documents.set_meta("dim", str(self.embedder.dim))
        elif stored != self.embedder.model_id:
            raise ModelMismatch(
                f"this store was built with embedding model {stored!r}, not "
                f"{self.embedder.model_id!r}; run `kbc reindex --re-embed` to switch models"
            )

    @property
    def model_id(self) -> str | None:
        return self.documents.meta("model_id")

    @property
    def generation(self) -> int:
        return int(self.documents.meta("generation") or 0)

    def transaction(self) -> Any:
        """BEGIN ... COMMIT (ROLLBACK on error), re-entrant; writes made inside are atomic."""
        return self.database.transaction()

    def set_model(self, embedder: Embedder) -> None:
        """Record that every chunk now carries `embedder`'s vectors (inside a transaction)."""
        self.documents.set_meta("model_id", embedder.model_id)
        self.documents.set_meta("dim", str(embedder.dim))
        self.documents.bump_generation()
        self.embedder = embedder

    # -- reads ----------------------------------------------------------------------------

    def document_hashes(self) -> dict[str, str]:
        """external_id -> content hash of every stored document (for incremental ingest)."""
        return self.documents.hashes()

    def documents_from_sources(self, prefixes: Iterable[str]) -> dict[str, str]:
        """external_id -> source of documents whose source lies under one of `prefixes`."""
        return self.documents.from_sources(prefixes)

    def get_document(self, external_id: str) -> Document | None:
        return self.documents.get(external_id)

    def embeddings_for(self, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """Stored vectors by chunk content hash, so unchanged text is never re-embedded."""
        return self.documents.embeddings_for(hashes)

    def iter_embeddings(self, batch: int = 20000) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        return self.documents.iter_embeddings(batch)

    def chunk_texts(self, external_id: str) -> list[str]:
        """A document's chunk texts in reading order."""
        return self.documents.chunk_texts(external_id)

    def chunk_rows(self, chunk_ids: Iterable[int]) -> dict[int, ChunkRow]:
        """Chunks by id with their documents' fields."""
        return self.documents.chunk_rows(chunk_ids)

    def chunks_passing(self, chunk_ids: Sequence[int], filters: SearchFilters) -> set[int]:
        """The ids among `chunk_ids` whose documents pass `filters`."""
        return self.documents.passing(chunk_ids, filters)

    def keyword_search(
        self, query: str, filters: SearchFilters, limit: int
    ) -> list[tuple[int, float]]:
        """Top `limit` (chunk id, keyword score) passing `filters`."""
        return self.backend.keyword.search(query, filters, limit)

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """Chunks holding each index term."""
        return self.backend.keyword.document_frequencies(terms)

    def counts(self) -> dict[str, int]:
        return {"documents": self.documents.count(), "chunks": self.chunk_count()}

    def chunk_count(self) -> int:
        return self.documents.chunk_count()

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
                removed += self.documents.delete_chunks_of(item.document.external_id)
                doc_id = self.documents.upsert_document(item.document, now)
                ids = self.documents.insert_chunks(
                    doc_id, item.chunks, item.chunk_hashes, item.vectors
                )
                added.append((ids, item.vectors))
            self.documents.bump_generation()
        self._keeper.apply(removed, added)

    def delete(self, external_ids: Iterable[str]) -> int:
        """Remove documents (and their chunks); returns how many existed."""
        removed: list[int] = []
        deleted = 0
        with self.transaction():
            for ext in external_ids:
                removed += self.documents.delete_chunks_of(ext)
                deleted += self.documents.delete_document(ext)
            if deleted:
                self.documents.bump_generation()
        self._keeper.apply(removed, [])
        return deleted

    def sync_cursor(self, source: str) -> str | None:
        """Where the last sync of `source` (a connector's) stopped, to resume from there."""
        return self.documents.meta(f"sync_cursor:{source}")

    def set_sync_cursor(self, source: str, cursor: str) -> None:
        with self.transaction():
            self.documents.set_meta(f"sync_cursor:{source}", cursor)

    def calibration(self, name: str) -> str | None:
        """A calibration saved with the store by the layer that owns it (JSON text), or None."""
        return self.documents.meta(f"calibration:{name}")

    def set_calibration(self, name: str, value: str) -> None:
        with self.transaction():
            self.documents.set_meta(f"calibration:{name}", value)

    # -- vector index ---------------------------------------------------------------------

    @property
    def vectors(self) -> VectorIndex:
        """The vector index, loaded (or rebuilt) on first use and after outside changes."""
        return self._keeper.current()

    def vector_dim(self) -> int:
        if self.embedder is not None:
            return self.embedder.dim
        dim = self.documents.meta("dim")
        if dim is None:
            raise InvalidInput("store has no embedding model yet: ingest something first")
        return int(dim)

    def rebuild_index(self, progress: Callable[[int], None] | None = None) -> VectorIndex:
        """Build the vector index from the stored embeddings (and save it)."""
        return self._keeper.rebuild(progress)

    def save_index(self) -> None:
        self._keeper.save()

    def index_is_fresh(self) -> bool:
        return self._keeper.is_fresh()

    def close(self) -> None:
        """Save the vector index and close the database (a second close does nothing)."""
        if self._closed:
            return
        self._closed = True
        self.save_index()
        self.database.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _facade_is_a_store(kb: KnowledgeBase) -> Store:
    """Never called: mypy fails here if the facade stops meeting the `Store` Protocol."""
    return kb
