"""The Embedder role: text in, L2-normalized float32 vectors out."""

from __future__ import annotations

import sys
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


_encoder_threads: list[int] = []


def set_encoder_threads(threads: int) -> None:
    """Cap the intra-op threads of encoders loaded from now on (the server passes its cap:
    its requests already run side by side). Unset, each runtime picks its own default."""
    _encoder_threads[:] = [max(1, threads)]
    torch = sys.modules.get("torch")
    if torch is not None:  # a torch model may already be loaded: cap it too
        torch.set_num_threads(_encoder_threads[0])


def encoder_threads() -> int | None:
    """The cap set by `set_encoder_threads`, or None."""
    return _encoder_threads[0] if _encoder_threads else None


def normalize(vectors: np.ndarray) -> np.ndarray:
    """L2-normalize rows; zero rows stay zero."""
    v = np.asarray(vectors, dtype=np.float32)
    if v.ndim == 1:
        v = v.reshape(1, -1)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(v / norms, dtype=np.float32)
