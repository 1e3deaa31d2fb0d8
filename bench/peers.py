"""kbc beside what a user would pick instead: Chroma (embedded) and a plain FAISS script.

    .venv/bin/pip install -e '.[bench]'          # chromadb
    .venv/bin/python -m bench.peers [--docs 100] [--queries 200]

One run, same data, same model, same runtime: the first `--docs` aws-docs pages, cut by
kbc's heading-aware chunker, and every system embeds with all-MiniLM-L6-v2 on ONNX Runtime
(2 threads for ingest, 1 for queries). Chroma gets it as its embedding function (its own
default would download the same model). Measured: ingest chunks/s, re-ingest of the
unchanged input (what each offers: kbc skips by content hash; Chroma's `upsert` and the
script embed again), query p50/p99 with the query embedding, disk size, and self-recall@10:
each query is a 4-12 word span of a chunk, and a hit is its page among the first 10 pages
(aws-docs has no labelled questions).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import OUT, SHARED, head_jsonl, percentile, require
from bench.encoder import spans
from bench.ingest import dir_mib
from ingest.chunking import chunk_document
from ingest.jsonl_docs import iter_jsonl_documents
from ingest.pipeline import DEFAULT_CHUNK_TOKENS, run
from kb.embedders.minilm_onnx import MiniLMOnnxEmbedder
from kb.models import Document, SearchFilters
from kb.retrieval import Retriever
from kb.store import KnowledgeBase

Chunks = list[tuple[str, str]]  # (page id, embedding text)


def first_pages(n: int, folder: Path) -> tuple[Path, Chunks]:
    subset = folder / "aws-subset.jsonl"
    with subset.open("w", encoding="utf-8") as fh:
        for row in head_jsonl(require(SHARED / "aws-docs" / "docs.jsonl.gz"), n):
            fh.write(json.dumps(row) + "\n")
    count = MiniLMOnnxEmbedder().count_tokens
    chunks = [
        (d.external_id, c.embedding_text(d.title))
        for d in iter_jsonl_documents(subset, kind="article", visibility="public")
        if isinstance(d, Document)
        for c in chunk_document(d, count, DEFAULT_CHUNK_TOKENS)
    ]
    return subset, chunks


def latency(search: Callable[[str], list[str]], queries: list[tuple[str, str]]) -> dict:
    times, hits = [], 0
    for text, page in queries:
        t0 = time.perf_counter()
        pages = search(text)
        times.append((time.perf_counter() - t0) * 1000)
        hits += page in pages[:10]
    return {
        "query_p50_ms": round(percentile(times, 50), 2),
        "query_p99_ms": round(percentile(times, 99), 2),
        "self_recall_at_10": round(hits / len(queries), 3),
    }


def distinct(pages: list[str]) -> list[str]:
    return list(dict.fromkeys(pages))


def bench_kbc(subset: Path, folder: Path, batch: Any, query: Any, queries: list) -> dict:
    store = folder / "kbc"
    with KnowledgeBase(store, batch) as kb:
        first = run([subset], kb, batch)
        second = run([subset], kb, batch)
    with KnowledgeBase(store, query) as kb:
        everything = SearchFilters.everything()
        out = {
            "ingest_chunks_per_s": round(first.chunks_embedded / first.seconds, 1),
            "reingest_s": round(second.seconds, 3),
        }
        for mode in ("hybrid", "dense"):
            retriever = Retriever(kb)  # its own query-vector cache: nothing carried over
            found = latency(
                lambda q, m=mode, r=retriever: [
                    h.external_id for h in r.search(q, k=10, mode=m, filters=everything)
                ],
                queries,
            )
            out.update({f"{mode}_{k}": v for k, v in found.items()})
    out["disk_mib"] = round(dir_mib(store), 1)
    return out


class _ChromaEmbedding:
    """Our embedder as a Chroma embedding function (same model, same runtime)."""

    def __init__(self, embedder: Any) -> None:
        self.embedder = embedder

    def __call__(self, input: list[str]) -> list[np.ndarray]:
        return list(self.embedder.embed(list(input)))

    def embed_query(self, input: list[str]) -> list[np.ndarray]:
        return self(input)

    @staticmethod
    def name() -> str:
        return "kbc-minilm-onnx"

    def is_legacy(self) -> bool:
        return False

    def get_config(self) -> dict:
        return {}

    @staticmethod
    def build_from_config(config: dict) -> _ChromaEmbedding:
        return _ChromaEmbedding(MiniLMOnnxEmbedder())


def bench_chroma(chunks: Chunks, folder: Path, batch: Any, query: Any, queries: list) -> dict:
    import chromadb

    path = folder / "chroma"
    client = chromadb.PersistentClient(path=str(path))
    coll = client.create_collection(
        "aws", embedding_function=_ChromaEmbedding(batch), metadata={"hnsw:space": "cosine"}
    )
    ids = [f"c{i}" for i in range(len(chunks))]
    texts = [text for _, text in chunks]
    metas = [{"page": page} for page, _ in chunks]

    def write(method: Callable[..., None]) -> float:
        t0 = time.perf_counter()
        for s in range(0, len(ids), 256):
            method(ids=ids[s : s + 256], documents=texts[s : s + 256], metadatas=metas[s : s + 256])
        return time.perf_counter() - t0

    first_s = write(coll.add)
    reingest_s = write(coll.upsert)
    coll = client.get_collection("aws", embedding_function=_ChromaEmbedding(query))

    def search(q: str) -> list[str]:
        found = coll.query(query_texts=[q], n_results=50, include=["metadatas"])
        return distinct([m["page"] for m in found["metadatas"][0]])

    out = {
        "ingest_chunks_per_s": round(len(ids) / first_s, 1),
        "reingest_s": round(reingest_s, 3),
        **{f"dense_{k}": v for k, v in latency(search, queries).items()},
    }
    out["disk_mib"] = round(dir_mib(path), 1)
    return out


def bench_faiss_script(chunks: Chunks, folder: Path, batch: Any, query: Any, queries: list) -> dict:
    """What a plain script does: embed everything, a flat index, save it with the texts."""
    import faiss

    def build() -> float:
        t0 = time.perf_counter()
        vecs = np.vstack(
            [batch.embed([t for _, t in chunks[s : s + 256]]) for s in range(0, len(chunks), 256)]
        )
        index = faiss.IndexFlatIP(vecs.shape[1])
        index.add(vecs)
        faiss.write_index(index, str(folder / "faiss.index"))
        (folder / "faiss-chunks.json").write_text(json.dumps(chunks))
        return time.perf_counter() - t0

    first_s, again_s = build(), build()
    index = faiss.read_index(str(folder / "faiss.index"))

    def search(q: str) -> list[str]:
        _, rows = index.search(query.embed([q]), 50)
        return distinct([chunks[r][0] for r in rows[0] if r >= 0])

    disk = (folder / "faiss.index").stat().st_size + (folder / "faiss-chunks.json").stat().st_size
    return {
        "ingest_chunks_per_s": round(len(chunks) / first_s, 1),
        "reingest_s": round(again_s, 3),
        **{f"dense_{k}": v for k, v in latency(search, queries).items()},
        "disk_mib": round(disk / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    import faiss

    faiss.omp_set_num_threads(1)
    folder = Path(tempfile.mkdtemp(prefix="kbc-peers-"))
    subset, chunks = first_pages(args.docs, folder)
    texts = [t for _, t in chunks]
    page_of = {t: p for p, t in chunks}
    queries = [
        (q, page_of[t])
        for q, t in zip(
            spans(texts, args.queries, 11), _sources(texts, args.queries, 11), strict=True
        )
    ]
    batch, query = MiniLMOnnxEmbedder(threads=2), MiniLMOnnxEmbedder(threads=1)
    batch.embed(["warm up"])
    query.embed(["warm up"])
    t0 = time.perf_counter()
    for s in range(0, len(texts), 256):
        batch.embed(texts[s : s + 256])
    raw_rate = len(texts) / (time.perf_counter() - t0)
    result: dict[str, Any] = {
        "pages": args.docs,
        "chunks": len(chunks),
        "queries": len(queries),
        "raw_encode_chunks_per_s": round(raw_rate, 1),
    }
    for name, fn in (
        ("kbc", lambda: bench_kbc(subset, folder, batch, query, queries)),
        ("chroma", lambda: bench_chroma(chunks, folder, batch, query, queries)),
        ("faiss_script", lambda: bench_faiss_script(chunks, folder, batch, query, queries)),
    ):
        result[name] = fn()
        print(name, json.dumps(result[name]), flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "peers.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


def _sources(texts: list[str], n: int, seed: int) -> list[str]:
    """The chunks `spans(texts, n, seed)` cut its queries from (same draw, same order)."""
    import random

    return random.Random(seed).sample(texts, min(n, len(texts)))


if __name__ == "__main__":
    main()
