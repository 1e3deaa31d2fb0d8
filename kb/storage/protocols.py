"""The roles a storage backend fills, and what the rest of the product may ask of a store.

A backend (`kb.storage.sqlite`, `kb.storage.postgres`) is a `Database` adapter, a
`KeywordIndex` and a `VectorKeeper`; `KnowledgeBase` composes them with the portable
repositories. Each role has one conformance suite in `tests/conformance/`, run against
every backend.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

import numpy as np

from kb.models import Document, SearchFilters
from kb.storage.database import Database
from kb.storage.documents import ChunkRow


class VectorIndex(Protocol):
    """Nearest chunks by inner product over L2-normalized vectors, keyed by chunk id."""

    @property
    def count(self) -> int: ...

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None: ...

    def remove(self, ids: Iterable[int]) -> None: ...

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Top-k (chunk id, cosine), best first."""
        ...


class EmbeddingSource(Protocol):
    """What a vector keeper reads from the store (the source of truth)."""

    @property
    def model_id(self) -> str | None: ...

    @property
    def generation(self) -> int: ...

    def vector_dim(self) -> int: ...

    def chunk_count(self) -> int: ...

    def iter_embeddings(self) -> Iterator[tuple[np.ndarray, np.ndarray]]: ...


class VectorKeeper(Protocol):
    """Keeps a backend's vector index in step with its rows.

    FAISS (SQLite backend) is a cache rebuilt from stored embeddings when its manifest
    disagrees; pgvector's index lives in the table, so its keeper has nothing to mirror.
    """

    def current(self) -> VectorIndex: ...

    def apply(self, removed: list[int], added: list[tuple[np.ndarray, np.ndarray]]) -> None: ...

    def rebuild(self, progress: Callable[[int], None] | None = None) -> VectorIndex: ...

    def save(self) -> None: ...

    def is_fresh(self) -> bool: ...


class KeywordIndex(Protocol):
    """Full-text search over chunk title, headings and text."""

    def search(self, query: str, filters: SearchFilters, limit: int) -> list[tuple[int, float]]:
        """Top `limit` (chunk id, score; higher is better) whose documents pass `filters`."""
        ...

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """How many chunks hold each (lower-case) term."""
        ...


class Backend(Protocol):
    """One engine: its connection, keyword index and vector keeper, and its file sizes."""

    @property
    def database(self) -> Database: ...

    @property
    def keyword(self) -> KeywordIndex: ...

    def vector_keeper(self, source: EmbeddingSource, fp16_from_chunks: int) -> VectorKeeper: ...

    def sizes(self) -> dict[str, int]:
        """Bytes on disk by file (or relation) name, for `kbc stats`."""
        ...

    def describe(self) -> str:
        """Where the store lives, safe to print (no password)."""
        ...


class Store(Protocol):
    """What code outside `kb/storage` may ask of a store; `kb.store.KnowledgeBase` is checked
    against it by mypy (`kb.store._facade_is_a_store`)."""

    embedder: Any

    @property
    def model_id(self) -> str | None: ...

    @property
    def generation(self) -> int: ...

    def transaction(self) -> Any: ...

    def write(self, batch: Sequence[Any]) -> None: ...

    def delete(self, external_ids: Iterable[str]) -> int: ...

    def get_document(self, external_id: str) -> Document | None: ...

    def document_hashes(self) -> dict[str, str]: ...

    def keyword_search(
        self, query: str, filters: SearchFilters, limit: int
    ) -> list[tuple[int, float]]: ...

    def chunks_passing(self, chunk_ids: Sequence[int], filters: SearchFilters) -> set[int]: ...

    def chunk_rows(self, chunk_ids: Iterable[int]) -> dict[int, ChunkRow]: ...

    def counts(self) -> dict[str, int]: ...

    def close(self) -> None: ...
