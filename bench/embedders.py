"""The multilingual embedder next to MiniLM: ingest rate, raw encode rate, query latency,
memory — one run, same corpus, each model in a fresh process.

    .venv/bin/python -m bench.embedders [--threads 2]

Corpus: the bundled help center plus examples/multilingual (121 articles in 7 languages),
ingested end to end into a fresh store (chunking + embedding + SQLite + FAISS) after the model
is loaded (load time reported apart); the raw rate re-embeds the store's own chunk texts.
Query latency: the 245 questions of examples/multilingual, one text per call, one thread, as
the server embeds a question. Writes bench/out/embedders.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import OUT, REPO, peak_rss_mib, percentile

MODELS = ("minilm", "use-multilingual")
CORPUS = (REPO / "examples" / "help-center", REPO / "examples" / "multilingual" / "help-center")
QUESTIONS = REPO / "examples" / "multilingual" / "questions.jsonl"


def measure(name: str, threads: int) -> dict[str, object]:
    from ingest.pipeline import run
    from kb.embedders import get_embedder
    from kb.embedders.base import set_encoder_threads
    from kb.maintenance import reembed
    from kb.store import KnowledgeBase

    set_encoder_threads(threads)
    embedder = get_embedder(name)
    t0 = time.perf_counter()
    embedder.embed(["warm up"])
    load_s = time.perf_counter() - t0
    rss_loaded = peak_rss_mib()
    with KnowledgeBase(Path(tempfile.mkdtemp()) / "store", embedder) as kb:
        summary = run(list(CORPUS), kb, embedder)
        chunks = summary.chunks_embedded
        t0 = time.perf_counter()
        reembed(kb, embedder)
        raw_s = time.perf_counter() - t0
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text("utf-8").splitlines()]
    set_encoder_threads(1)
    one = get_embedder(name)  # each runtime keeps one model per thread count: this is 1
    one.embed(["warm up"])
    ms = []
    for q in questions:
        t0 = time.perf_counter()
        one.embed([q])
        ms.append((time.perf_counter() - t0) * 1000)
    return {
        "model": name,
        "model_id": embedder.model_id,
        "dim": embedder.dim,
        "load_s": round(load_s, 2),
        "chunks": chunks,
        "ingest_s": round(summary.seconds, 2),
        "ingest_chunks_per_s": round(chunks / summary.seconds, 1),
        "raw_chunks_per_s": round(chunks / raw_s, 1),
        "ingest_over_raw": round(raw_s / summary.seconds, 2),
        "query_p50_ms": round(percentile(ms, 50), 2),
        "query_p99_ms": round(percentile(ms, 99), 2),
        "rss_after_load_mib": round(rss_loaded, 1),
        "peak_rss_mib": round(peak_rss_mib(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2, help="threads for ingest")
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.threads)))
        return
    rows = []
    for name in MODELS:
        command = [sys.executable, "-m", "bench.embedders", "--one", name]
        done = subprocess.run(
            [*command, "--threads", str(args.threads)],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        )
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    base, other = rows
    ratios = {
        "ingest_rate_ratio": round(other["ingest_chunks_per_s"] / base["ingest_chunks_per_s"], 2),
        "query_p50_ratio": round(other["query_p50_ms"] / base["query_p50_ms"], 2),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "embedders.json").write_text(json.dumps({"rows": rows, **ratios}, indent=2))
    keys = [k for k in rows[0] if k != "model"]
    print(f"{'':>20} " + " ".join(f"{r['model']:>18}" for r in rows))
    for key in keys:
        print(f"{key:>20} " + " ".join(f"{str(r[key])[:18]:>18}" for r in rows))
    for key, value in ratios.items():
        print(f"{key:>20} {value} (use-multilingual / minilm)")


if __name__ == "__main__":
    main()
