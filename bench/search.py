"""Search latency (query embedding included) on a store built by bench/ingest.py.

    .venv/bin/python -m bench.ingest --docs 5000 --keep bench/out/aws-store
    .venv/bin/python -m bench.search --store bench/out/aws-store [--queries 300]

Targets (DESIGN.md): p50 < 15 ms and p99 < 50 ms at 100k chunks on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from bench.common import OUT, peak_rss_mib, percentile
from kb.maintenance import open_store
from kb.models import SearchFilters
from kb.retrieval import Retriever


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=OUT / "aws-store")
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    kb = open_store(args.store)
    rng = random.Random(7)
    rows = kb.db.execute(
        "SELECT d.title, c.text FROM chunks c JOIN documents d "
        "ON d.id = c.document_id ORDER BY c.id"
    ).fetchall()
    queries = []
    for title, text in rng.sample(rows, min(args.queries, len(rows))):
        words = text.split()
        start = rng.randrange(max(1, len(words) - 12))
        queries.append(" ".join(words[start : start + rng.randint(4, 12)]) or title)
    retriever = Retriever(kb)
    t0 = time.perf_counter()
    _ = kb.vectors
    load_s = time.perf_counter() - t0
    retriever.search("warm up query", filters=SearchFilters.everything())
    result: dict[str, object] = {
        "chunks": kb.counts()["chunks"],
        "documents": kb.counts()["documents"],
        "index_load_s": round(load_s, 2),
    }
    for mode in ("hybrid", "dense", "keyword"):
        times = []
        for q in queries:
            t = time.perf_counter()
            retriever.search(q, k=10, mode=mode, filters=SearchFilters.everything())  # type: ignore[arg-type]
            times.append((time.perf_counter() - t) * 1000)
        result[f"{mode}_p50_ms"] = round(percentile(times, 50), 2)
        result[f"{mode}_p99_ms"] = round(percentile(times, 99), 2)
    result["peak_rss_mib"] = round(peak_rss_mib())
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "search.json").write_text(json.dumps(result, indent=2))
    for key, value in result.items():
        print(f"{key:>18}: {value}")


if __name__ == "__main__":
    main()
