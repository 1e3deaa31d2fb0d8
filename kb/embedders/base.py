"""The Embedder role: text in, L2-normalized float32 vectors out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Turns passages into unit vectors and counts tokens with its own tokenizer.

    `model_id` is recorded in the store; a store refuses a different model.
    `max_tokens` is the model's input window; chunkers budget against it.
    """

    model_id: str
    dim: int

    @property
    def max_tokens(self) -> int:
        """The model's input window in tokens."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (n, dim) float32 array of L2-normalized rows."""
        ...

    def count_tokens(self, text: str) -> int:
        """Number of model tokens `text` takes (without special tokens)."""
        ...


def normalize(vectors: np.ndarray) -> np.ndarray:
    """L2-normalize rows; zero rows stay zero."""
    v = np.asarray(vectors, dtype=np.float32)
    if v.ndim == 1:
        v = v.reshape(1, -1)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(v / norms, dtype=np.float32)
