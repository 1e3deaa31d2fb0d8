"""Keeps one store's FAISS index in step with SQLite (the SQLite backend's VectorKeeper).

The index is a cache: it is loaded from disk only when its manifest matches what SQLite
says (model, dimension, chunk count, generation, index type for that size) and rebuilt
from the stored embeddings otherwise. Committed writes are mirrored into the loaded index
and saved (atomically, with the manifest) when the writer asks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from kb.storage.faiss_index import (
    APPROX_FROM_CHUNKS,
    NPROBE,
    FaissIndex,
    Manifest,
    index_type_for,
    ivf_lists,
    read_manifest,
    training_sample,
)
from kb.storage.protocols import EmbeddingSource

# Vectors an IVF index learns its lists from: this many per list, spread over the store.
TRAIN_PER_LIST = 40


class IndexKeeper:
    """Loads, rebuilds, updates and saves the index at `path` for `source`.

    `lock` is the store's own (re-entrant) lock, so an index update never interleaves with
    a write transaction.
    """

    def __init__(
        self,
        path: Path,
        source: EmbeddingSource,
        lock: threading.RLock,
        fp16_from: int,
        approx_from: int = APPROX_FROM_CHUNKS,
        nprobe: int = NPROBE,
    ) -> None:
        self.path = path
        self.source = source
        self.fp16_from = fp16_from
        self.approx_from = approx_from
        self.nprobe = nprobe
        self._lock = lock
        self._index: FaissIndex | None = None
        self._generation = -1
        self._dirty = False

    def current(self) -> FaissIndex:
        """The index, loaded (or rebuilt) on first use and after changes made elsewhere."""
        with self._lock:
            generation = self.source.generation
            if self._index is None or self._generation != generation:
                self._index = self._load_or_rebuild()
                self._generation = generation
            return self._index

    def _expected(self) -> Manifest:
        count = self.source.chunk_count()
        return Manifest(
            model_id=self.source.model_id or "",
            dim=self.source.vector_dim(),
            count=count,
            generation=self.source.generation,
            index_type=index_type_for(count, self.fp16_from, self.approx_from),
        )

    def _load_or_rebuild(self) -> FaissIndex:
        expected = self._expected()
        if read_manifest(self.path) == expected and self.path.exists():
            try:
                index = FaissIndex.load(self.path, expected.dim, expected.index_type, self.nprobe)
                if index.count == expected.count:
                    return index
            except RuntimeError:
                pass  # unreadable index file: rebuild below
        return self.rebuild()

    def rebuild(self, progress: Callable[[int], None] | None = None) -> FaissIndex:
        """Build the index from the embeddings stored in SQLite and save it."""
        with self._lock:
            expected = self._expected()
            lists = ivf_lists(expected.count)
            index = FaissIndex(expected.dim, expected.index_type, lists=lists, nprobe=self.nprobe)
            if index.needs_training:
                index.train(self._training_sample(expected.count, lists * TRAIN_PER_LIST))
            for ids, vecs in self.source.iter_embeddings():
                index.add(ids, vecs)
                if progress:
                    progress(len(ids))
            self._save(index, expected.generation)
            self._index, self._generation, self._dirty = index, expected.generation, False
            return index

    def _training_sample(self, count: int, size: int) -> np.ndarray:
        """A random sample of the stored vectors (one extra pass over SQLite)."""
        batches = (vecs for _, vecs in self.source.iter_embeddings())
        return training_sample(batches, count, size)

    def apply(self, removed: list[int], added: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Mirror a committed write into the loaded index (if any); `save` persists it."""
        with self._lock:
            if self._index is None:
                return  # the next use sees the new generation and rebuilds
            self._index.remove(removed)
            for ids, vecs in added:
                self._index.add(ids, vecs)
            self._generation = self.source.generation
            self._dirty = True

    def save(self) -> None:
        with self._lock:
            if self._index is not None and self._dirty:
                self._save(self._index, self._generation)
                self._dirty = False

    def _save(self, index: FaissIndex, generation: int) -> None:
        manifest = Manifest(
            model_id=self.source.model_id or "",
            dim=index.dim,
            count=index.count,
            generation=generation,
            index_type=index.index_type,
        )
        index.save(self.path, manifest)

    def is_fresh(self) -> bool:
        manifest = read_manifest(self.path)
        return manifest is not None and manifest.generation == self.source.generation
