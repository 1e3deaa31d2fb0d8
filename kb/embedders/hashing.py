"""A deterministic hashing embedder: the fake used by tests (fast, offline, stable).

Each word and word bigram is hashed with SHA-256 into a signed bucket, so texts that
share words get similar vectors — enough for retrieval tests to be meaningful.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence

import numpy as np

from kb.embedders.base import normalize

_WORD = re.compile(r"\w+", re.UNICODE)


class HashingEmbedder:
    """Bag of hashed words and bigrams; `count_tokens` counts words and punctuation."""

    max_tokens = 256

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.model_id = f"hashing-{dim}"

    def _tokens(self, text: str) -> list[str]:
        return [t.lower() for t in _WORD.findall(text)]

    def count_tokens(self, text: str) -> int:
        return len(re.findall(r"\w+|[^\w\s]", text, re.UNICODE))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = self._tokens(text)
            features = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
            for feat in features:
                digest = hashlib.sha256(feat.encode("utf-8")).digest()
                bucket = int.from_bytes(digest[:4], "little") % self.dim
                sign = 1.0 if digest[4] & 1 else -1.0
                out[row, bucket] += sign * (0.5 if " " in feat else 1.0)
        return normalize(out)
