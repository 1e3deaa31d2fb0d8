"""Embedders behind one small Protocol, with a factory by name.

Names: `minilm` (default, English), `use-multilingual` (optional extra),
`hashing` (deterministic fake).
"""

from __future__ import annotations

from kb.embedders.base import Embedder, normalize
from kb.embedders.factory import DEFAULT_EMBEDDER, EMBEDDER_NAMES, get_embedder, name_for_model_id
from kb.embedders.hashing import HashingEmbedder

__all__ = [
    "DEFAULT_EMBEDDER",
    "EMBEDDER_NAMES",
    "Embedder",
    "HashingEmbedder",
    "get_embedder",
    "name_for_model_id",
    "normalize",
]
