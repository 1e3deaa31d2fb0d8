"""Approximate search at a million chunks: the store's IVF index vs an exact scan.

    .venv/bin/python -m bench.encoder            # writes the real aws-docs vectors used here
    .venv/bin/python -m bench.ann [--n 1000000] [--noise 0.6] [--queries 200]

The million vectors are the real MiniLM vectors of 2,000 aws-docs chunks, each repeated
with Gaussian noise and renormalized (a copy has cosine ~1/sqrt(1+noise^2) to its source):
real directions, synthetic multiplicity. Queries are 4-12 word spans of those chunks, embedded
with the ONNX runtime on one thread and timed with the search. Recall@10 is against an exact
inner-product scan of the same vectors. The recall curve over nprobe is given on both
halves of the queries (the smallest nprobe reaching 0.95 on the first, read on the second);
latency is timed at the store's own nprobe (kb/vectors.py NPROBE, set before this ran).
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from bench.common import OUT, peak_rss_mib, percentile, require
from bench.encoder import spans
from kb.embedders.minilm_onnx import MiniLMOnnxEmbedder
from kb.storage.faiss_index import NPROBE, FaissIndex, ivf_lists, training_sample
from kb.storage.faiss_keeper import TRAIN_PER_LIST


def grown(base: np.ndarray, n: int, noise: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    for start in range(0, n, 100_000):
        stop = min(n, start + 100_000)
        rows = base[np.arange(start, stop) % len(base)]
        jitter = rng.standard_normal(rows.shape, dtype=np.float32) * (
            noise / np.sqrt(base.shape[1])
        )
        block = rows + jitter
        out[start:stop] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Exact top-k ids (0-based rows) by blocks, so no second copy of the vectors is made."""
    best_ids = np.zeros((len(queries), 0), dtype=np.int64)
    best = np.zeros((len(queries), 0), dtype=np.float32)
    for start in range(0, len(vectors), 100_000):
        scores = queries @ vectors[start : start + 100_000].T
        top = np.argpartition(-scores, k, axis=1)[:, :k]
        best = np.hstack([best, np.take_along_axis(scores, top, axis=1)])
        best_ids = np.hstack([best_ids, top + start])
        keep = np.argsort(-best, axis=1)[:, :k]
        best, best_ids = np.take_along_axis(best, keep, 1), np.take_along_axis(best_ids, keep, 1)
    return best_ids


def recall(index: FaissIndex, queries: np.ndarray, truth: np.ndarray) -> float:
    hits = []
    for q, want in zip(queries, truth, strict=True):
        found = {cid - 1 for cid, _ in index.search(q, 10)}
        hits.append(len(found & set(want.tolist())) / 10)
    return float(np.mean(hits))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--noise", type=float, default=0.6)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    import faiss

    faiss.omp_set_num_threads(2)  # building uses both cores; searching is timed on one
    base = np.load(require(OUT / "aws-minilm-vectors.npy"))
    texts = [json.loads(line) for line in (OUT / "aws-minilm-texts.jsonl").open()]
    embedder = MiniLMOnnxEmbedder(threads=1)
    queries = spans(texts, args.queries, 23)
    query_vecs = embedder.embed(queries)
    vectors = grown(base, args.n, args.noise, seed=5)
    ids = np.arange(1, args.n + 1, dtype=np.int64)
    t0 = time.perf_counter()
    truth = exact_top(vectors, query_vecs, 10)
    exact_s = time.perf_counter() - t0

    lists = ivf_lists(args.n)
    t0 = time.perf_counter()
    index = FaissIndex(base.shape[1], "ivf-fp16", lists=lists, nprobe=NPROBE)
    blocks = (vectors[s : s + 100_000] for s in range(0, args.n, 100_000))
    index.train(training_sample(blocks, args.n, lists * TRAIN_PER_LIST))  # as the store does
    for start in range(0, args.n, 100_000):
        index.add(ids[start : start + 100_000], vectors[start : start + 100_000])
    build_s = time.perf_counter() - t0
    faiss.omp_set_num_threads(1)

    half = len(queries) // 2
    curve, held = {}, {}
    for nprobe in (8, 16, 24, 32, 48):
        index.set_nprobe(nprobe)
        curve[nprobe] = recall(index, query_vecs[:half], truth[:half])
        held[nprobe] = recall(index, query_vecs[half:], truth[half:])
    chosen = min((p for p, r in curve.items() if r >= 0.95), default=48)
    held_out = held[chosen]
    index.set_nprobe(NPROBE)  # latency at what the store uses

    embed_ms, search_ms, total_ms = [], [], []
    for q in queries[half:]:
        t0 = time.perf_counter()
        vec = embedder.embed([q])[0]
        t1 = time.perf_counter()
        index.search(vec, 200)  # what dense search fetches for k=10
        t2 = time.perf_counter()
        embed_ms.append((t1 - t0) * 1000)
        search_ms.append((t2 - t1) * 1000)
        total_ms.append((t2 - t0) * 1000)

    exact = FaissIndex(base.shape[1], "fp16-ip")
    for start in range(0, args.n, 100_000):
        exact.add(ids[start : start + 100_000], vectors[start : start + 100_000])
    scan_ms = []
    for vec in query_vecs[half:]:
        t0 = time.perf_counter()
        exact.search(vec, 200)
        scan_ms.append((time.perf_counter() - t0) * 1000)

    result = {
        "vectors": args.n,
        "base_vectors": len(base),
        "noise": args.noise,
        "queries_held_out": len(queries) - half,
        "ivf_lists": lists,
        "recall_at_10_by_nprobe_first_half": {p: round(r, 4) for p, r in curve.items()},
        "nprobe_chosen": chosen,
        "recall_at_10_held_out": round(held_out, 4),
        "recall_at_10_by_nprobe_second_half": {p: round(r, 4) for p, r in held.items()},
        "store_nprobe": NPROBE,
        "store_nprobe_recall_at_10_second_half": round(held[NPROBE], 4),
        "ivf_build_s": round(build_s, 1),
        "exact_truth_s": round(exact_s, 1),
        "query_embed_p50_ms": round(percentile(embed_ms, 50), 2),
        "ivf_search_p50_ms": round(percentile(search_ms, 50), 2),
        "ivf_search_p99_ms": round(percentile(search_ms, 99), 2),
        "embed_plus_ivf_p50_ms": round(percentile(total_ms, 50), 2),
        "embed_plus_ivf_p99_ms": round(percentile(total_ms, 99), 2),
        "exact_fp16_scan_p50_ms": round(percentile(scan_ms, 50), 2),
        "exact_fp16_scan_p99_ms": round(percentile(scan_ms, 99), 2),
        "peak_rss_mib": round(peak_rss_mib()),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "ann.json").write_text(json.dumps(result, indent=2))
    for key, value in result.items():
        print(f"{key:>36}: {value}")


if __name__ == "__main__":
    main()
