"""Approximate search by size: an IVF index trained from the stored vectors, kept in step."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from kb.storage.faiss_index import FaissIndex, index_type_for, ivf_lists, read_manifest
from kb.storage.faiss_keeper import IndexKeeper

DIM = 32


class FakeSource:
    """The keeper's view of a store: ids -> vectors held in memory (our Protocol's fake)."""

    model_id = "fake-32"

    def __init__(self, vectors: dict[int, np.ndarray]) -> None:
        self.vectors = vectors
        self.generation = 1

    def vector_dim(self) -> int:
        return DIM

    def chunk_count(self) -> int:
        return len(self.vectors)

    def iter_embeddings(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        ids = sorted(self.vectors)
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            yield np.array(part, dtype=np.int64), np.vstack([self.vectors[i] for i in part])


def _clustered(n: int, seed: int) -> np.ndarray:
    """Unit vectors around 40 centres, like topics in a help center."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(40, DIM))
    rows = centres[rng.integers(0, 40, n)] + 0.35 * rng.normal(size=(n, DIM))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _exact_top(vectors: dict[int, np.ndarray], query: np.ndarray, k: int) -> set[int]:
    ids = np.array(sorted(vectors))
    scores = np.vstack([vectors[i] for i in ids]) @ query
    return set(ids[np.argsort(-scores)[:k]].tolist())


@pytest.fixture
def source() -> FakeSource:
    return FakeSource({i + 1: v for i, v in enumerate(_clustered(4000, seed=1))})


def test_type_is_chosen_by_size() -> None:
    assert index_type_for(10, fp16_from=100, approx_from=1000) == "flat-ip"
    assert index_type_for(100, fp16_from=100, approx_from=1000) == "fp16-ip"
    assert index_type_for(1000, fp16_from=100, approx_from=1000) == "ivf-fp16"
    assert ivf_lists(1_000_000) == 1024
    assert ivf_lists(4000) == 64


def test_ivf_is_rebuilt_from_the_source_and_finds_the_exact_neighbours(
    tmp_path: Path, source: FakeSource
) -> None:
    keeper = IndexKeeper(tmp_path / "v.faiss", source, threading.RLock(), 100, 1000, nprobe=8)
    index = keeper.current()
    assert index.index_type == "ivf-fp16" and index.count == 4000
    manifest = read_manifest(tmp_path / "v.faiss")
    assert manifest is not None and manifest.index_type == "ivf-fp16"
    queries = _clustered(50, seed=2)
    recall = np.mean(
        [
            len({cid for cid, _ in index.search(q, 10)} & _exact_top(source.vectors, q, 10)) / 10
            for q in queries
        ]
    )
    assert recall >= 0.9
    # One list searched instead of eight finds fewer of them: the index really is approximate.
    narrow = FaissIndex.load(tmp_path / "v.faiss", DIM, "ivf-fp16", nprobe=1)
    narrow_recall = np.mean(
        [
            len({cid for cid, _ in narrow.search(q, 10)} & _exact_top(source.vectors, q, 10)) / 10
            for q in queries
        ]
    )
    assert narrow_recall < recall


def test_ivf_follows_removals_and_additions_and_reloads(tmp_path: Path, source: FakeSource) -> None:
    keeper = IndexKeeper(tmp_path / "v.faiss", source, threading.RLock(), 100, 1000, nprobe=8)
    keeper.current()
    query = source.vectors[7]
    gone = [cid for cid, _ in keeper.current().search(query, 5)]
    for cid in gone:
        del source.vectors[cid]
    new_vec = query.copy()
    source.vectors[90_001] = new_vec
    source.generation += 1
    keeper.apply(gone, [(np.array([90_001], dtype=np.int64), new_vec.reshape(1, DIM))])
    keeper.save()
    found = [cid for cid, _ in keeper.current().search(query, 5)]
    assert found[0] == 90_001 and not set(found) & set(gone)
    # A fresh keeper loads the saved index (no rebuild) and sees the same.
    again = IndexKeeper(tmp_path / "v.faiss", source, threading.RLock(), 100, 1000, nprobe=8)
    assert [cid for cid, _ in again.current().search(query, 5)] == found
    assert again.current().count == len(source.vectors)
