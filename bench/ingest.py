"""Ingest throughput vs the embedder's raw encode rate, and re-ingest speed-up.

    .venv/bin/python -m bench.ingest --docs 2000 [--embedder minilm] [--keep DIR] [--raw-sample N]
    .venv/bin/python -m bench.ingest --docs 80 --compare minilm-torch   # ONNX vs torch, one run
    .venv/bin/python -m bench.ingest --docs 3000 --embedder hashing --undeclared-lang

--undeclared-lang drops the documents' `lang` field, so the first ingest detects every
language and the re-ingest shows what an unchanged corpus without declared languages costs.

--raw-sample N measures the raw encode rate on N chunks drawn at random (seeded) from the same
chunks instead of all of them: at 100k chunks the full raw pass alone takes an hour on 2 cores.

Targets (DESIGN.md): end-to-end chunks/s >= 90% of raw encode; unchanged re-ingest >= 50x faster.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from pathlib import Path

from bench.common import OUT, SHARED, head_jsonl, peak_rss_mib, require
from ingest.chunking import chunk_document
from ingest.jsonl_docs import iter_jsonl_documents
from ingest.pipeline import DEFAULT_CHUNK_TOKENS, run
from kb.embedders import get_embedder
from kb.models import Document
from kb.store import KnowledgeBase


def dir_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--embedder", default="minilm")
    parser.add_argument("--compare", default=None, help="also measure this embedder (same run)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the store here")
    parser.add_argument("--raw-sample", type=int, default=0, help="0 = encode every chunk")
    parser.add_argument("--undeclared-lang", action="store_true", help="drop the lang field")
    args = parser.parse_args()
    corpus = require(SHARED / "aws-docs" / "docs.jsonl.gz")

    subset = Path(tempfile.mkdtemp()) / "aws-subset.jsonl"
    with subset.open("w", encoding="utf-8") as fh:
        for row in head_jsonl(corpus, args.docs):
            if args.undeclared_lang:
                row.pop("lang", None)
            fh.write(json.dumps(row) + "\n")

    result = measure(args.embedder, subset, args.raw_sample, args.keep)
    result["languages_declared"] = not args.undeclared_lang
    if args.compare:
        other = measure(args.compare, subset, args.raw_sample, None)
        result = {
            **result,
            "compared_with": {k: other[k] for k in ("embedder_runtime", *RATE_KEYS)},
            "ingest_speedup_vs_compared": round(
                result["ingest_chunks_per_s"] / other["ingest_chunks_per_s"], 2
            ),
        }
    OUT.mkdir(parents=True, exist_ok=True)
    name = "ingest-undeclared-lang.json" if args.undeclared_lang else "ingest.json"
    (OUT / name).write_text(json.dumps(result, indent=2))
    for key, value in result.items():
        print(f"{key:>26}: {value}")


RATE_KEYS = ("raw_encode_chunks_per_s", "ingest_chunks_per_s", "ingest_vs_raw", "first_ingest_s")


def measure(name: str, subset: Path, raw_sample: int, keep: Path | None) -> dict:
    """Raw encode rate, first ingest and unchanged re-ingest of `subset` with embedder `name`."""
    embedder = get_embedder(name)
    embedder.embed(["warm up"])
    docs = [
        d
        for d in iter_jsonl_documents(subset, kind="article", visibility="public")
        if isinstance(d, Document)
    ]
    t0 = time.perf_counter()
    texts = [
        c.embedding_text(d.title)
        for d in docs
        for c in chunk_document(d, embedder.count_tokens, DEFAULT_CHUNK_TOKENS)
    ]
    chunk_s = time.perf_counter() - t0
    raw_texts = texts
    if 0 < raw_sample < len(texts):
        raw_texts = random.Random(7).sample(texts, raw_sample)
    t0 = time.perf_counter()
    for i in range(0, len(raw_texts), 256):
        embedder.embed(raw_texts[i : i + 256])
    raw_s = time.perf_counter() - t0
    raw_rate = len(raw_texts) / raw_s

    store_dir = keep or Path(tempfile.mkdtemp()) / "store"
    if store_dir.exists():
        shutil.rmtree(store_dir)
    kb = KnowledgeBase(store_dir, embedder)
    first = run([subset], kb, embedder)
    second = run([subset], kb, embedder)
    kb.close()

    e2e_rate = first.chunks_embedded / first.seconds
    return {
        "docs": len(docs),
        "chunks": len(texts),
        "embedder": embedder.model_id,
        "embedder_runtime": type(embedder).__name__,
        "chunking_docs_per_s": round(len(docs) / chunk_s, 1),
        "raw_encode_chunks": len(raw_texts),
        "raw_encode_chunks_per_s": round(raw_rate, 1),
        "ingest_chunks_per_s": round(e2e_rate, 1),
        "ingest_vs_raw": round(e2e_rate / raw_rate, 3),
        "first_ingest_s": round(first.seconds, 2),
        "reingest_s": round(second.seconds, 3),
        "reingest_speedup": round(first.seconds / second.seconds, 1),
        "failed": len(first.failed),
        "store_mib": round(dir_mib(store_dir), 1),
        "peak_rss_mib": round(peak_rss_mib()),
    }


if __name__ == "__main__":
    main()
