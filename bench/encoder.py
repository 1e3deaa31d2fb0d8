"""The two MiniLM runtimes side by side: vector parity, query embedding latency, encode rate.

    .venv/bin/python -m bench.encoder [--chunks 2000] [--queries 300] [--threads 2]

Chunks are a seeded sample of the heading-aware chunks of the first aws-docs pages (the same
chunker and 256-token budget as ingest). Query latency is one text per call on one thread,
the two runtimes interleaved query by query so a busy core slows both alike. Writes
bench/out/encoder.json and the ONNX vectors and texts (bench/out/aws-minilm-*.npy/.jsonl)
that bench/ann.py grows into its million-vector set.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.common import OUT, SHARED, head_jsonl, percentile, require
from ingest.chunking import chunk_document
from ingest.jsonl_docs import iter_jsonl_documents
from ingest.pipeline import DEFAULT_CHUNK_TOKENS
from kb.embedders.minilm import MiniLMEmbedder
from kb.embedders.minilm_onnx import MiniLMOnnxEmbedder
from kb.models import Document


def aws_chunks(pages: int, n: int, seed: int, count_tokens: object) -> list[str]:
    subset = Path(tempfile.mkdtemp()) / "aws.jsonl"
    with subset.open("w", encoding="utf-8") as fh:
        for row in head_jsonl(require(SHARED / "aws-docs" / "docs.jsonl.gz"), pages):
            fh.write(json.dumps(row) + "\n")
    docs = [
        d
        for d in iter_jsonl_documents(subset, kind="article", visibility="public")
        if isinstance(d, Document)
    ]
    texts = [
        c.embedding_text(d.title)
        for d in docs
        for c in chunk_document(d, count_tokens, DEFAULT_CHUNK_TOKENS)  # type: ignore[arg-type]
    ]
    return random.Random(seed).sample(texts, min(n, len(texts)))


def spans(texts: list[str], n: int, seed: int) -> list[str]:
    """4-12 word spans of the chunks: what a support engineer types."""
    rng = random.Random(seed)
    out = []
    for text in rng.sample(texts, min(n, len(texts))):
        words = text.split()
        start = rng.randrange(max(1, len(words) - 12))
        out.append(" ".join(words[start : start + rng.randint(4, 12)]))
    return out


def rate(embed: object, texts: list[str]) -> tuple[float, float, np.ndarray]:
    """(chunks per wall second, chunks per CPU second of this process, the vectors)."""
    c0, t0 = time.process_time(), time.perf_counter()
    parts = [embed(texts[i : i + 256]) for i in range(0, len(texts), 256)]  # type: ignore[operator]
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return len(texts) / wall, len(texts) / cpu, np.vstack(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2, help="threads for the encode rate")
    args = parser.parse_args()
    import torch

    onnx_batch = MiniLMOnnxEmbedder(threads=args.threads)
    onnx_query = MiniLMOnnxEmbedder(threads=1)
    torch_embedder = MiniLMEmbedder()
    texts = aws_chunks(args.pages, args.chunks, 7, onnx_batch.count_tokens)
    queries = spans(texts, args.queries, 11)

    torch.set_num_threads(args.threads)
    torch_embedder.embed(texts[:8])
    onnx_batch.embed(texts[:8])
    onnx_rate, onnx_cpu_rate, ours = rate(onnx_batch.embed, texts)
    torch_rate, torch_cpu_rate, theirs = rate(torch_embedder.embed, texts)
    cosines = (ours * theirs).sum(axis=1)

    torch.set_num_threads(1)
    onnx_query.embed(["warm up"])
    onnx_ms, torch_ms, onnx_cpu, torch_cpu = [], [], [], []
    for q in queries:
        c0, t0 = time.process_time(), time.perf_counter()
        onnx_query.embed([q])
        c1, t1 = time.process_time(), time.perf_counter()
        torch_embedder.embed([q])
        c2, t2 = time.process_time(), time.perf_counter()
        onnx_ms.append((t1 - t0) * 1000)
        torch_ms.append((t2 - t1) * 1000)
        onnx_cpu.append((c1 - c0) * 1000)
        torch_cpu.append((c2 - c1) * 1000)
    query_cos = (onnx_query.embed(queries) * torch_embedder.embed(queries)).sum(axis=1)

    result = {
        "chunks": len(texts),
        "queries": len(queries),
        "cosine_mean": round(float(cosines.mean()), 6),
        "cosine_min": round(float(cosines.min()), 6),
        "query_cosine_min": round(float(query_cos.min()), 6),
        "encode_threads": args.threads,
        "onnx_chunks_per_s": round(onnx_rate, 1),
        "torch_chunks_per_s": round(torch_rate, 1),
        "encode_speedup": round(onnx_rate / torch_rate, 2),
        "onnx_chunks_per_cpu_s": round(onnx_cpu_rate, 1),
        "torch_chunks_per_cpu_s": round(torch_cpu_rate, 1),
        "encode_speedup_cpu": round(onnx_cpu_rate / torch_cpu_rate, 2),
        "onnx_query_p50_ms": round(percentile(onnx_ms, 50), 2),
        "onnx_query_p99_ms": round(percentile(onnx_ms, 99), 2),
        "torch_query_p50_ms": round(percentile(torch_ms, 50), 2),
        "torch_query_p99_ms": round(percentile(torch_ms, 99), 2),
        "query_speedup_p50": round(percentile(torch_ms, 50) / percentile(onnx_ms, 50), 2),
        "onnx_query_cpu_p50_ms": round(percentile(onnx_cpu, 50), 2),
        "torch_query_cpu_p50_ms": round(percentile(torch_cpu, 50), 2),
        "query_speedup_cpu_p50": round(percentile(torch_cpu, 50) / percentile(onnx_cpu, 50), 2),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "encoder.json").write_text(json.dumps(result, indent=2))
    np.save(OUT / "aws-minilm-vectors.npy", ours)
    with (OUT / "aws-minilm-texts.jsonl").open("w", encoding="utf-8") as fh:
        for text in texts:
            fh.write(json.dumps(text) + "\n")
    for key, value in result.items():
        print(f"{key:>22}: {value}")


if __name__ == "__main__":
    main()
