"""The ONNX Runtime MiniLM: parity with torch, the checksummed cache, the factory names."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kb.embedders import get_embedder, name_for_model_id
from kb.embedders.minilm import MiniLMEmbedder
from kb.embedders.minilm_onnx import MiniLMOnnxEmbedder, model_dir
from kb.embedders.onnx_export import cached_model, sha256_file

TEXTS = [
    "How do I connect my Google Calendar?",
    "Create a base",
    "",
    "x",
    "¿Cómo cambio la contraseña de mi cuenta?",
    "Wie exportiere ich meine Daten als CSV-Datei?",
    "aws s3api put-bucket-policy --bucket amzn-s3-demo-bucket --policy file://policy.json",
    "| Parameter | Type | Default |\n|---|---|---|\n| `Timeout` | Integer | 3 |",
    # Longer than the 256-token window: both runtimes must truncate the same way.
    "An Amazon S3 bucket policy grants or denies access to the objects in a bucket. " * 30,
    "Lambda functions scale automatically; each concurrent request gets its own environment.",
]


def test_factory_names_both_runtimes_with_one_model_id() -> None:
    onnx_embedder, torch_embedder = get_embedder("minilm"), get_embedder("minilm-torch")
    assert isinstance(onnx_embedder, MiniLMOnnxEmbedder)
    assert isinstance(torch_embedder, MiniLMEmbedder)
    assert onnx_embedder.model_id == torch_embedder.model_id
    assert name_for_model_id(onnx_embedder.model_id) == "minilm"
    # The window comes from the model's config: asking for it loads no model.
    assert onnx_embedder.max_tokens == torch_embedder.max_tokens == 256


@pytest.mark.slow
def test_onnx_vectors_match_torch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KBC_MODEL_CACHE", str(tmp_path / "cache"))
    onnx_embedder, torch_embedder = MiniLMOnnxEmbedder(threads=1), MiniLMEmbedder()
    ours, theirs = onnx_embedder.embed(TEXTS), torch_embedder.embed(TEXTS)
    assert ours.shape == theirs.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.999, cosines
    # Batching and length-sorting do not change a vector.
    one_by_one = np.vstack([onnx_embedder.embed([t]) for t in TEXTS])
    assert (one_by_one * ours).sum(axis=1).min() >= 0.9999
    for text in TEXTS:
        assert onnx_embedder.count_tokens(text) == torch_embedder.count_tokens(text)


@pytest.mark.slow
def test_cache_is_checksummed_and_rebuilt_when_corrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KBC_MODEL_CACHE", str(tmp_path / "cache"))
    path = cached_model(model_dir())
    manifest = json.loads(path.with_suffix(".json").read_text())
    assert manifest["onnx_sha256"] == sha256_file(path)
    assert manifest["source_sha256"] == sha256_file(model_dir() / "model.safetensors")
    assert cached_model(model_dir()) == path  # second use: no rebuild
    good = path.read_bytes()
    path.write_bytes(good[: len(good) // 2])  # a truncated cache file
    rebuilt = cached_model(model_dir())
    assert rebuilt.read_bytes() == good  # the build is deterministic
