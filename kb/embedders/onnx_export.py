"""Build an ONNX graph of all-MiniLM-L6-v2 straight from the packaged safetensors weights.

No torch and no download: the BERT encoder (6 layers, 12 heads, 384-d), mean pooling over
the attention mask and L2 normalization are written out with `onnx.helper`, and the weights
are read with `safetensors.numpy`. The file is built once and cached (see `cached_model`);
a manifest records the SHA-256 of the source weights and of the graph, checked on every load.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from kb.errors import DependencyMissing, KBError

# Bump when the graph changes: a cached file of another version is rebuilt.
GRAPH_VERSION = 3
OPSET = 18
# The dense layers' weights in 8 bits, blocks of 32 along the input with one float scale
# each (symmetric, like llama.cpp's Q8_0), through ORT's MatMulNBits with int8 compute: a
# query reads a quarter of the weight bytes. Vectors keep cosine >= 0.9997 to the float
# graph (bench/RESULTS.md); the attention projections stay float (inside Attention).
QUANT_BLOCK = 32


class ModelCacheError(KBError):
    """The cached ONNX model does not match its checksum and could not be rebuilt."""

    code = "model_cache_invalid"


def cache_dir() -> Path:
    """Where built models live (env KBC_MODEL_CACHE, default ~/.cache/kbc/models)."""
    return Path(os.environ.get("KBC_MODEL_CACHE") or Path.home() / ".cache" / "kbc" / "models")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_graph(model_dir: Path) -> Any:
    """The ModelProto: inputs `input_ids`, `attention_mask` (int64, batch x seq); output
    `embeddings` (float32, batch x 384, unit rows)."""
    try:
        import onnx
        from onnx import TensorProto, helper, numpy_helper
        from safetensors.numpy import load_file
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise DependencyMissing("the ONNX runtime needs `pip install onnx safetensors`") from exc
    config = json.loads((model_dir / "config.json").read_text())
    weights = load_file(str(model_dir / "model.safetensors"))
    hidden, heads = int(config["hidden_size"]), int(config["num_attention_heads"])
    eps = float(config["layer_norm_eps"])
    nodes: list[Any] = []
    inits: list[Any] = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(value, name))
        return name

    def node(op: str, inputs: list[str], name: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def weight(key: str) -> str:
        return const(key, np.ascontiguousarray(weights[key], dtype=np.float32))

    def ms_node(op: str, inputs: list[str], name: str, **attrs: Any) -> str:
        nodes.append(
            helper.make_node(op, inputs, [name], name=name, domain="com.microsoft", **attrs)
        )
        return name

    def linear(x: str, prefix: str, out: str) -> str:
        """x @ W.T with W ([out, in], as torch stores it) in 8-bit blocks (MatMulNBits)."""
        w = np.asarray(weights[f"{prefix}.weight"], dtype=np.float32)
        n, k = w.shape
        codes, scales = quantize_blocks(w, QUANT_BLOCK)
        inputs = [x, const(f"{prefix}.q8", codes), const(f"{prefix}.q8_scale", scales)]
        return ms_node(
            "MatMulNBits", inputs, out, K=k, N=n, bits=8, block_size=QUANT_BLOCK, accuracy_level=4
        )

    def dense_skip_norm(x: str, residual: str, prefix: str, out: str) -> str:
        """LayerNorm(x @ W + b + residual) as one MatMul and one SkipLayerNormalization."""
        product = linear(x, f"{prefix}.dense", f"{out}_mm")
        gamma, beta = weight(f"{prefix}.LayerNorm.weight"), weight(f"{prefix}.LayerNorm.bias")
        bias = weight(f"{prefix}.dense.bias")
        return ms_node(
            "SkipLayerNormalization", [product, residual, gamma, beta, bias], out, epsilon=eps
        )

    def layer_norm(x: str, prefix: str, out: str) -> str:
        scale, bias = weight(f"{prefix}.weight"), weight(f"{prefix}.bias")
        return node("LayerNormalization", [x, scale, bias], out, axis=-1, epsilon=eps)

    # Embeddings: word + position + token type 0, then LayerNorm.
    ids, mask = "input_ids", "attention_mask"
    words = node("Gather", [weight("embeddings.word_embeddings.weight"), ids], "word_emb")
    shape = node("Shape", [ids], "ids_shape")
    seq_len = node("Gather", [shape, const("one_idx", np.array(1, dtype=np.int64))], "seq_len")
    positions = node(
        "Range",
        [const("zero", np.array(0, dtype=np.int64)), seq_len, const("step", np.array(1, np.int64))],
        "positions",
    )
    pos = node("Gather", [weight("embeddings.position_embeddings.weight"), positions], "pos_emb")
    type0 = weights["embeddings.token_type_embeddings.weight"][0].astype(np.float32)
    summed = node("Add", [node("Add", [words, pos], "emb_wp"), const("type0", type0)], "emb_sum")
    x = layer_norm(summed, "embeddings.LayerNorm", "emb_out")

    # Each layer uses ORT's fused CPU kernels (com.microsoft Attention, SkipLayerNormalization,
    # BiasGelu): 2x faster than the same graph in plain ONNX ops, which ORT does not fuse.
    mask_i32 = node("Cast", [mask], "mask_i32", to=TensorProto.INT32)
    for i in range(int(config["num_hidden_layers"])):
        p = f"encoder.layer.{i}.attention"
        qkv_w = np.concatenate(
            [weights[f"{p}.self.{n}.weight"].T for n in ("query", "key", "value")], axis=1
        )
        qkv_b = np.concatenate([weights[f"{p}.self.{n}.bias"] for n in ("query", "key", "value")])
        attn = ms_node(
            "Attention",
            [x, const(f"l{i}_qkv_w", np.ascontiguousarray(qkv_w, np.float32)),
             const(f"l{i}_qkv_b", qkv_b.astype(np.float32)), mask_i32],
            f"l{i}_attn", num_heads=heads,
        )  # fmt: skip
        x = dense_skip_norm(attn, x, f"{p}.output", f"l{i}_ln1")
        f = f"encoder.layer.{i}"
        inner = linear(x, f"{f}.intermediate.dense", f"l{i}_ff1")
        gelu = ms_node("BiasGelu", [inner, weight(f"{f}.intermediate.dense.bias")], f"l{i}_gelu")
        x = dense_skip_norm(gelu, x, f"{f}.output", f"l{i}_ln2")

    # Mean pooling over real tokens, then L2 normalization.
    mask_f = node("Cast", [mask], "mask_f", to=TensorProto.FLOAT)
    mask_3d = node("Unsqueeze", [mask_f, const("axes_2", np.array([2], np.int64))], "mask_3d")
    masked_sum = node("ReduceSum", [node("Mul", [x, mask_3d], "tok_masked"),
                      const("axes_1", np.array([1], np.int64))], "tok_sum", keepdims=0)  # fmt: skip
    count = node("ReduceSum", [mask_3d, "axes_1"], "tok_count", keepdims=0)
    count = node("Max", [count, const("min_count", np.array(1e-9, np.float32))], "tok_count_c")
    mean = node("Div", [masked_sum, count], "mean")
    norm = node("ReduceL2", [mean, "axes_1"], "norm", keepdims=1)
    norm = node("Max", [norm, const("min_norm", np.array(1e-12, np.float32))], "norm_c")
    nodes.append(helper.make_node("Div", [mean, norm], ["embeddings"], name="embeddings"))

    graph = helper.make_graph(
        nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info(ids, TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info(mask, TensorProto.INT64, ["batch", "seq"]),
        ],
        [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", hidden])],
        inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid("com.microsoft", 1)],
    )
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def quantize_blocks(w: np.ndarray, block: int) -> tuple[np.ndarray, np.ndarray]:
    """MatMulNBits' 8-bit layout of `w` ([N, K], K a multiple of `block`): codes
    [N, K/block, block] as uint8 around the default zero point 128, and one scale per block
    (max |w| / 127; a block of zeros gets 1)."""
    n, k = w.shape
    blocks = w.reshape(n, k // block, block)
    scales = np.abs(blocks).max(axis=2) / 127.0
    scales[scales == 0] = 1.0
    codes = np.clip(np.rint(blocks / scales[:, :, None]), -127, 127) + 128
    return codes.astype(np.uint8), scales.reshape(-1).astype(np.float32)


def _stamp(path: Path) -> list[int]:
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]


def cached_model(model_dir: Path) -> Path:
    """The cached ONNX file for the weights in `model_dir`, built on first use.

    The manifest beside it records the SHA-256 of the source weights and of the graph, plus
    each file's size and mtime: a file whose stamp changed is hashed again, and one that no
    longer matches its checksum (truncated, edited, other weights) is rebuilt. Hashing both
    files costs ~0.3 s, so an unchanged stamp skips it on every later start.
    """
    source = model_dir / "model.safetensors"
    target = cache_dir() / f"all-minilm-l6-v2-g{GRAPH_VERSION}.onnx"
    manifest = target.with_suffix(".json")
    if _valid(target, manifest, source):
        return target
    source_sha = sha256_file(source)
    _write(target, manifest, build_graph(model_dir), source, source_sha)
    if not _valid(target, manifest, source, rehash=True):
        raise ModelCacheError(f"the ONNX model at {target} does not match its checksum")
    return target


def _valid(target: Path, manifest: Path, source: Path, rehash: bool = False) -> bool:
    try:
        recorded = json.loads(manifest.read_text())
        if recorded.get("graph_version") != GRAPH_VERSION or not target.exists():
            return False
        for path, key in ((source, "source"), (target, "onnx")):
            stale = rehash or recorded.get(f"{key}_stamp") != _stamp(path)
            if stale and recorded.get(f"{key}_sha256") != sha256_file(path):
                return False
    except (OSError, ValueError, AttributeError):
        return False
    return True


def _write(target: Path, manifest: Path, model: Any, source: Path, source_sha: str) -> None:
    """Write the graph, then its manifest, each atomically (temp file + rename): concurrent
    first uses each build a complete file and the last rename wins."""
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = model.SerializeToString()
    _atomic(target, payload)
    record = {
        "graph_version": GRAPH_VERSION,
        "opset": OPSET,
        "source": str(source),
        "source_sha256": source_sha,
        "source_stamp": _stamp(source),
        "onnx_sha256": hashlib.sha256(payload).hexdigest(),
        "onnx_stamp": _stamp(target),
    }
    _atomic(manifest, json.dumps(record, indent=2).encode())


def _atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
