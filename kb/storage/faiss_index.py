"""The vector index: FAISS keyed by chunk rowid, saved atomically with a manifest.

The index is a cache of SQLite: the manifest records the store generation it was
built at, and `load_or_rebuild` rebuilds it from stored embeddings on any mismatch.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kb.errors import DependencyMissing


def _faiss() -> Any:
    try:
        import faiss
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise DependencyMissing("the vector index needs `pip install faiss-cpu`") from exc
    return faiss


@dataclass(frozen=True)
class Manifest:
    model_id: str
    dim: int
    count: int
    generation: int
    index_type: str = "flat-ip"


# From this many chunks on, vectors are held as float16. Both types compare the query with
# every vector (no approximate graph; deletes stay cheap); a scan at 100k chunks is bound by
# the bytes it reads, so float16 is 1.8x faster there with half the memory, and its top-50
# agreed with float32 on 99.97% of ids (bench/RESULTS.md). Scores move by < 1e-3. Below
# this size a float32 scan takes a few milliseconds at most, so small stores stay exact.
FP16_FROM_CHUNKS = 50_000
# From this many chunks on, search is approximate: an inverted file (IVF) of float16 vectors
# that scans the NPROBE lists nearest the query instead of every vector. IVF rather than HNSW:
# FAISS's HNSW cannot remove ids, and a store replaces chunks on every edit; IVF removes
# them in place. Recall@10 vs exact at 1M chunks is in bench/RESULTS.md ("Speed").
APPROX_FROM_CHUNKS = 500_000
NPROBE = 24
INDEX_TYPES = ("flat-ip", "fp16-ip", "ivf-fp16")


def index_type_for(
    count: int, fp16_from: int = FP16_FROM_CHUNKS, approx_from: int = APPROX_FROM_CHUNKS
) -> str:
    """The index type a store of `count` chunks is built with."""
    if count >= approx_from:
        return "ivf-fp16"
    return "fp16-ip" if count >= fp16_from else "flat-ip"


def ivf_lists(count: int) -> int:
    """Inverted lists for `count` vectors: ~sqrt(count) as a power of two (1,024 at 1M)."""
    lists = 1
    while lists * lists * 2 < count:
        lists *= 2
    return max(16, lists)


def training_sample(
    batches: Iterable[np.ndarray], count: int, size: int, seed: int = 0
) -> np.ndarray:
    """About `size` of `count` vectors drawn at random (seeded) from `batches`, so IVF lists
    cover the whole store; a fixed stride would alias with any periodic order of rows."""
    rng = np.random.default_rng(seed)
    share = min(1.0, size / max(1, count))
    parts = [vecs[rng.random(len(vecs)) < share] for vecs in batches]
    return np.vstack(parts) if parts else np.zeros((0, 0), np.float32)


class FaissIndex:
    """Inner product over L2-normalized vectors, keyed by chunk rowid.

    `flat-ip`: `IndexIDMap2(IndexFlatIP)`, exact float32. `fp16-ip`: `IndexIDMap2` over a
    float16 `IndexScalarQuantizer` (exact scan). `ivf-fp16`: `IndexIVFScalarQuantizer` with
    `lists` inverted lists, trained once (`train`) before the first add, searched `nprobe`
    lists deep. The float32 embeddings in SQLite stay the source of truth.
    """

    def __init__(
        self, dim: int, index_type: str = "flat-ip", lists: int = 1024, nprobe: int = NPROBE
    ) -> None:
        faiss = _faiss()
        if index_type not in INDEX_TYPES:
            raise ValueError(f"unknown index type {index_type!r}; use one of {INDEX_TYPES}")
        self.dim = dim
        self.index_type = index_type
        self.nprobe = nprobe
        self._index: Any
        if index_type == "ivf-fp16":
            self._quantizer = faiss.IndexFlatIP(dim)  # kept alive beside the IVF that uses it
            self._index = faiss.IndexIVFScalarQuantizer(
                self._quantizer,
                dim,
                lists,
                faiss.ScalarQuantizer.QT_fp16,
                faiss.METRIC_INNER_PRODUCT,
            )
            self._index.nprobe = nprobe
        elif index_type == "fp16-ip":
            inner = faiss.IndexScalarQuantizer(
                dim, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
            )
            self._index = faiss.IndexIDMap2(inner)
        else:
            self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    @property
    def needs_training(self) -> bool:
        return not bool(self._index.is_trained)

    def set_nprobe(self, nprobe: int) -> None:
        """Inverted lists an IVF search visits (more: slower, closer to exact)."""
        self.nprobe = nprobe
        if self.index_type == "ivf-fp16":
            self._index.nprobe = nprobe

    def train(self, sample: np.ndarray) -> None:
        """Learn the inverted lists from a sample of the vectors (IVF only)."""
        vecs = np.ascontiguousarray(sample, dtype=np.float32).reshape(-1, self.dim)
        self._index.train(vecs)

    @property
    def count(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        vecs = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        self._index.add_with_ids(vecs, np.ascontiguousarray(ids, dtype=np.int64))

    def remove(self, ids: Iterable[int]) -> None:
        arr = np.fromiter(ids, dtype=np.int64)
        if len(arr):
            self._index.remove_ids(arr)

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Top-k (chunk id, cosine) pairs for one query vector."""
        if self.count == 0 or k <= 0:
            return []
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dim)
        scores, ids = self._index.search(q, min(k, self.count))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def save(self, path: Path, manifest: Manifest) -> None:
        """Write index then manifest, each via temp file + fsync + rename."""
        faiss = _faiss()
        _atomic_write(path, lambda tmp: faiss.write_index(self._index, tmp))
        manifest_path = manifest_path_for(path)
        payload = json.dumps(asdict(manifest), indent=2).encode()
        _atomic_write(manifest_path, lambda tmp: Path(tmp).write_bytes(payload))

    @classmethod
    def load(
        cls, path: Path, dim: int, index_type: str = "flat-ip", nprobe: int = NPROBE
    ) -> FaissIndex:
        faiss = _faiss()
        index = cls(dim, index_type, lists=16, nprobe=nprobe)
        index._index = faiss.read_index(str(path))
        index.set_nprobe(nprobe)
        return index


def manifest_path_for(index_path: Path) -> Path:
    return index_path.with_suffix(".manifest.json")


def read_manifest(index_path: Path) -> Manifest | None:
    """The saved manifest, or None when missing or unreadable (both mean: rebuild)."""
    try:
        data = json.loads(manifest_path_for(index_path).read_text())
        return Manifest(**data)
    except (OSError, ValueError, TypeError):
        return None


def _atomic_write(path: Path, write: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
