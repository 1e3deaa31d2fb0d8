"""Build an embedder by its short name; map a stored model id back to its name.

`minilm` runs all-MiniLM-L6-v2 on ONNX Runtime; `minilm-torch` runs the same weights on
torch (sentence-transformers). Their vectors agree to a cosine of 0.9999+, so both record
the same model id and either can serve a store the other built.
"""

from __future__ import annotations

from kb.embedders.base import Embedder
from kb.errors import InvalidInput

DEFAULT_EMBEDDER = "minilm"
EMBEDDER_NAMES = ("minilm", "minilm-torch", "use-multilingual", "hashing")

_MODEL_IDS = {
    "sentence-transformers/all-MiniLM-L6-v2": "minilm",
    "universal-sentence-encoder-multilingual-3": "use-multilingual",
}


def get_embedder(name: str) -> Embedder:
    """Return a fresh embedder for `name` (models themselves load lazily, once per process)."""
    if name == "minilm":
        from kb.embedders.minilm_onnx import MiniLMOnnxEmbedder

        return MiniLMOnnxEmbedder()
    if name == "minilm-torch":
        from kb.embedders.minilm import MiniLMEmbedder

        return MiniLMEmbedder()
    if name == "use-multilingual":
        from kb.embedders.use_multilingual import USEMultilingualEmbedder

        return USEMultilingualEmbedder()
    if name == "hashing" or name.startswith("hashing-"):
        from kb.embedders.hashing import HashingEmbedder

        dim = int(name.split("-", 1)[1]) if "-" in name else 256
        return HashingEmbedder(dim)
    raise InvalidInput(f"unknown embedder {name!r}; choose one of {', '.join(EMBEDDER_NAMES)}")


def model_id_for_name(name: str) -> str:
    """The model id a store built by embedder `name` records (no model is loaded)."""
    if name == "hashing" or name.startswith("hashing-"):
        return f"hashing-{name.split('-', 1)[1]}" if "-" in name else "hashing-256"
    for model_id, short in _MODEL_IDS.items():
        if short == name or (name == "minilm-torch" and short == "minilm"):
            return model_id
    raise InvalidInput(f"unknown embedder {name!r}; choose one of {', '.join(EMBEDDER_NAMES)}")


def name_for_model_id(model_id: str) -> str:
    """The short name that rebuilds the embedder recorded in a store."""
    if model_id in _MODEL_IDS:
        return _MODEL_IDS[model_id]
    if model_id.startswith("hashing-"):
        return model_id
    raise InvalidInput(f"store was built with an unknown embedding model {model_id!r}")
