"""Search latency (query embedding included) on a store built by bench/ingest.py.

    .venv/bin/python -m bench.ingest --docs 10000 --raw-sample 2000 --keep bench/out/aws-100k
    .venv/bin/python -m bench.search --store bench/out/aws-100k [--queries 300] [--threads 1]
    # latency only, on a store whose vectors came from another 384-d model (e.g. hashing-384):
    .venv/bin/python -m bench.search --store DIR --query-embedder minilm
    # the same store in PostgreSQL + pgvector (same chunks and ids, so the same queries):
    .venv/bin/kbc --data-dir bench/out/aws-100k migrate --to postgresql://...
    .venv/bin/python -m bench.search --store postgresql://...   # -> out/search-postgresql.json

Targets (DESIGN.md): p50 < 15 ms and p99 < 50 ms at 100k chunks on 2 cores.
Each mode gets its own Retriever, so no mode is served from another's query-vector cache;
the encoder and FAISS run with the server's thread cap (Settings.torch_threads, default 1).
Keyword search is timed bounded (the default, kb/fts.py) and exact, with their top-10
agreement and how often the chunk a query was cut from is in each top 10 ("self-recall").
Queries use --seed 11 by default; the keyword budget was chosen on seed 7. On PostgreSQL,
the FAISS fp16 comparison becomes HNSW against an exact scan of the same stored vectors.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np

from bench.common import OUT, peak_rss_mib, percentile
from kb.embedders import get_embedder
from kb.embedders.base import set_encoder_threads
from kb.maintenance import open_store
from kb.models import SearchFilters
from kb.retrieval import Retriever
from kb.storage import POSTGRES_SCHEMES
from kb.storage.faiss_index import FaissIndex
from kb.storage.protocols import KeywordIndex
from kb.storage.sqlite_fts import CANDIDATE_BUDGET, Fts5Index
from kb.store import KnowledgeBase


def sample_queries(kb: KnowledgeBase, n: int, seed: int = 7) -> list[str]:
    """Short spans (4-12 words) cut from random chunks: realistic keyword density."""
    return [q for q, _ in sample_queries_with_source(kb, n, seed)]


def sample_queries_with_source(kb: KnowledgeBase, n: int, seed: int) -> list[tuple[str, int]]:
    """(query, id of the chunk it was cut from)."""
    rng = random.Random(seed)
    rows = [(cid, title, text) for cid, title, _, text in kb.catalog.chunks_for_embedding()]
    queries = []
    for chunk_id, title, text in rng.sample(rows, min(n, len(rows))):
        words = text.split()
        start = rng.randrange(max(1, len(words) - 12))
        queries.append((" ".join(words[start : start + rng.randint(4, 12)]) or title, chunk_id))
    return queries


def keyword_index(kb: KnowledgeBase, budget: int | None) -> KeywordIndex:
    """The store's keyword index with another candidate budget (None: exact)."""
    if kb.database.name == "postgresql":
        from kb.storage.postgres_search import TsvectorIndex

        return TsvectorIndex(kb.database, budget)
    return Fts5Index(kb.database, budget)


def keyword_breakdown(kb: KnowledgeBase, queries: list[tuple[str, int]]) -> dict[str, float]:
    """Bounded vs exact BM25 on the same queries: time, agreement, self-recall@10."""
    everything = SearchFilters.everything()
    out: dict[str, float] = {}
    tops: dict[str, list[list[int]]] = {}
    for name, budget in (("bounded", CANDIDATE_BUDGET), ("exact", None)):
        times, tops[name] = [], []
        index = keyword_index(kb, budget)
        for q, _ in queries:
            t = time.perf_counter()
            found = index.search(q, everything, 40)
            times.append((time.perf_counter() - t) * 1000)
            tops[name].append([cid for cid, _ in found[:10]])
        out[f"bm25_{name}_p50_ms"] = round(percentile(times, 50), 2)
        out[f"bm25_{name}_p99_ms"] = round(percentile(times, 99), 2)
        hits = [src in top for (_, src), top in zip(queries, tops[name], strict=True)]
        out[f"bm25_{name}_self_recall_at_10"] = round(sum(hits) / len(hits), 4)
    agree = [
        len(set(a) & set(b)) / max(1, len(b))
        for a, b in zip(tops["bounded"], tops["exact"], strict=True)
    ]
    out["bm25_bounded_top10_agreement"] = round(sum(agree) / len(agree), 4)
    return out


def timed_ms(fn: object, queries: list[str], cpu: list[float] | None = None) -> list[float]:
    """Wall milliseconds per query; with `cpu`, also this process's CPU milliseconds (all
    threads), which waiting for a core shared with other jobs does not inflate."""
    times = []
    for q in queries:
        c, t = time.process_time(), time.perf_counter()
        fn(q)  # type: ignore[operator]
        times.append((time.perf_counter() - t) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - c) * 1000)
    return times


def compare_index_types(kb: KnowledgeBase, query_vectors: np.ndarray) -> dict[str, float]:
    """Scan time per query and top-50 agreement of the float32 and float16 indexes built from
    the same stored embeddings (the store picks one by size; see kb/vectors.py)."""
    out: dict[str, float] = {}
    tops: dict[str, list[set[int]]] = {}
    for index_type in ("flat-ip", "fp16-ip"):  # exact scans; IVF is bench/ann.py
        index = FaissIndex(kb.vector_dim(), index_type)
        for ids, vecs in kb.iter_embeddings():
            index.add(ids, vecs)
        times, tops[index_type] = [], []
        for vec in query_vectors:
            t = time.perf_counter()
            found = index.search(vec, 200)  # what dense search fetches for k=10
            times.append((time.perf_counter() - t) * 1000)
            tops[index_type].append({cid for cid, _ in found[:50]})
        out[f"scan_{index_type}_p50_ms"] = round(percentile(times, 50), 2)
        out[f"scan_{index_type}_p99_ms"] = round(percentile(times, 99), 2)
    exact, half = tops["flat-ip"], tops["fp16-ip"]
    agree = [len(a & b) / max(1, len(a)) for a, b in zip(exact, half, strict=True)]
    out["fp16_top50_agreement"] = round(sum(agree) / len(agree), 4)
    return out


def compare_hnsw(kb: KnowledgeBase, query_vectors: np.ndarray) -> dict[str, float]:
    """pgvector's HNSW search (k=200, what dense search fetches for k=10) against an exact
    scan of the same stored vectors: time and top-10 / top-50 agreement."""
    exact = FaissIndex(kb.vector_dim(), "flat-ip")
    for ids, vecs in kb.iter_embeddings():
        exact.add(ids, vecs)
    index = kb.vectors
    times, agree10, agree50 = [], [], []
    for vec in query_vectors:
        t = time.perf_counter()
        found = [cid for cid, _ in index.search(vec, 200)]
        times.append((time.perf_counter() - t) * 1000)
        truth = [cid for cid, _ in exact.search(vec, 50)]
        agree10.append(len(set(found[:10]) & set(truth[:10])) / max(1, len(truth[:10])))
        agree50.append(len(set(found[:50]) & set(truth)) / max(1, len(truth)))
    return {
        "scan_hnsw_p50_ms": round(percentile(times, 50), 2),
        "scan_hnsw_p99_ms": round(percentile(times, 99), 2),
        "hnsw_top10_agreement": round(sum(agree10) / len(agree10), 4),
        "hnsw_top50_agreement": round(sum(agree50) / len(agree50), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--store",
        default=str(OUT / "aws-store"),
        help="a SQLite store folder, or a postgresql://... URL",
    )
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--threads", type=int, default=1, help="encoder and FAISS threads")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--query-embedder",
        default=None,
        help="embed queries with this model instead of the store's (latency only)",
    )
    args = parser.parse_args()
    import faiss

    set_encoder_threads(args.threads)
    faiss.omp_set_num_threads(args.threads)
    if args.store.startswith(POSTGRES_SCHEMES):
        kb = open_store(OUT / "pg-local", store_url=args.store)
        out_name = "search-postgresql.json"
    else:
        kb = open_store(Path(args.store))
        out_name = "search.json"
    stored_model = kb.model_id
    if args.query_embedder:
        kb.embedder = get_embedder(args.query_embedder)
        assert kb.embedder.dim == kb.vector_dim(), "the query embedder must match the dimension"
    with_source = sample_queries_with_source(kb, args.queries, args.seed)
    queries = [q for q, _ in with_source]
    t0 = time.perf_counter()
    _ = kb.vectors
    load_s = time.perf_counter() - t0
    assert kb.embedder is not None
    embedder = kb.embedder
    embedder.embed(["warm up query"])
    everything = SearchFilters.everything()
    result: dict[str, object] = {
        "store": kb.backend.describe(),
        "chunks": kb.counts()["chunks"],
        "documents": kb.counts()["documents"],
        "embedder": embedder.model_id,
        "stored_vectors_model": stored_model,
        "embedder_runtime": type(embedder).__name__,
        "threads": args.threads,
        "query_seed": args.seed,
        "queries": len(queries),
        "index_load_s": round(load_s, 2),
    }
    embed_cpu: list[float] = []
    embed = timed_ms(lambda q: embedder.embed([q]), queries, embed_cpu)
    query_vectors = embedder.embed(queries)
    result["query_embed_p50_ms"] = round(percentile(embed, 50), 2)
    result["query_embed_p99_ms"] = round(percentile(embed, 99), 2)
    result["query_embed_cpu_p50_ms"] = round(percentile(embed_cpu, 50), 2)
    for mode in ("hybrid", "dense", "keyword"):
        retriever = Retriever(kb)  # fresh query-vector cache per mode
        cpu: list[float] = []
        times = timed_ms(
            lambda q, r=retriever, m=mode: r.search(q, k=10, mode=m, filters=everything),
            queries,
            cpu,
        )
        result[f"{mode}_p50_ms"] = round(percentile(times, 50), 2)
        result[f"{mode}_p99_ms"] = round(percentile(times, 99), 2)
        result[f"{mode}_cpu_p50_ms"] = round(percentile(cpu, 50), 2)
        result[f"{mode}_cpu_p99_ms"] = round(percentile(cpu, 99), 2)
    result.update(keyword_breakdown(kb, with_source))
    result["peak_rss_mib"] = round(peak_rss_mib())
    if kb.database.name == "postgresql":
        result.update(compare_hnsw(kb, query_vectors))
    else:
        result.update(compare_index_types(kb, query_vectors))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / out_name).write_text(json.dumps(result, indent=2))
    for key, value in result.items():
        print(f"{key:>22}: {value}")


if __name__ == "__main__":
    main()
