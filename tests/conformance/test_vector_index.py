"""Conformance of the in-process `VectorIndex` family behind `FaissIndex(dim, index_type)`.

(PostgreSQL's index is the `chunks` table itself, so it is held to the store-level contract
in test_search.py instead: what the store writes, it finds.)
"""

from __future__ import annotations

import numpy as np
import pytest

from kb.storage.faiss_index import INDEX_TYPES, FaissIndex, ivf_lists
from kb.storage.protocols import VectorIndex


def _unit(rows: int, dim: int, seed: int) -> np.ndarray:
    vecs = np.random.default_rng(seed).standard_normal((rows, dim)).astype(np.float32)
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


@pytest.fixture(params=INDEX_TYPES)
def index(request: pytest.FixtureRequest) -> VectorIndex:
    faiss_index = FaissIndex(32, request.param, lists=ivf_lists(600), nprobe=64)
    if faiss_index.needs_training:
        faiss_index.train(_unit(600, 32, seed=1))
    return faiss_index


def test_added_vectors_are_found_by_id_with_their_cosine(index: VectorIndex) -> None:
    vecs = _unit(600, 32, seed=2)
    ids = np.arange(1000, 1600, dtype=np.int64)
    index.add(ids, vecs)
    assert index.count == 600
    hits = index.search(vecs[17], 5)
    assert hits[0][0] == 1017 and abs(hits[0][1] - 1.0) < 2e-3
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True)
    assert index.search(vecs[0], 0) == []


def test_removed_vectors_are_never_returned(index: VectorIndex) -> None:
    vecs = _unit(600, 32, seed=3)
    index.add(np.arange(600, dtype=np.int64), vecs)
    index.remove([5, 6, 7])
    assert index.count == 597
    found = {cid for cid, _ in index.search(vecs[5], 50)}
    assert not found & {5, 6, 7}
    index.remove([])
    assert index.count == 597


def test_an_empty_index_finds_nothing(index: VectorIndex) -> None:
    assert index.count == 0
    assert index.search(_unit(1, 32, seed=4)[0], 10) == []
