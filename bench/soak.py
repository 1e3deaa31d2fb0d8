"""Soak and crash benchmark (issue 16): steady load on a real `kbc serve`, then kill -9 during
ingest.

    .venv/bin/python -m bench.soak [--minutes 10] [--rate 20] [--kills 20] [--skip-soak]

Soak: an open-loop schedule of `--rate` requests/s for `--minutes` on loopback — half
/v1/answers, a quarter /v1/replies, a quarter /v1/search, questions from
examples/labelled — with a pool of clients so a slow request never slows the schedule.
Before the clock starts, a warm-up sends the run's working set once at the same rate (each
question under each kind it gets in the run: the caches fill, the worker threads and their
allocations exist). Reports errors (any non-200 or exception), p50/p99 per kind, the server's
RSS when it answered its first health check ("boot"), after the warm-up ("start", what the
flatness target is measured from), every 30 s and at the end, how late the schedule ran and
the machine's load average. Writes bench/out/soak.json.

Kill loop: `kbc ingest` of a generated help center (front matter ids), SIGKILLed at a random
moment (0.3-4 s) in each of `--kills` runs (a third of the articles change before each run,
so every run writes), then one run to completion;
checks that every document is stored once with its chunks, FTS rows and vectors agree with
the chunks, SQLite's integrity check passes and a re-run finds everything unchanged.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from bench.common import OUT, REPO, percentile
from bench.serve import Server, build_store, key

KBC = str(Path(sys.executable).with_name("kbc"))
UNLIMITED = "1000000"


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def soak(store: Path, port: int, minutes: float, rate: float) -> dict[str, object]:
    agent = {"Authorization": f"Bearer {key(store, 'agent')}"}
    rows = [json.loads(x) for x in (REPO / "examples/labelled/questions.jsonl").open()]
    questions = [r["question"] for r in rows]
    limits = {"KBC_RATE_LIMIT_KEY_PER_MINUTE": UNLIMITED, "KBC_RATE_LIMIT_IP_PER_MINUTE": UNLIMITED}
    server = Server(store, port, env=limits)  # limits out of the way of a load test
    latencies: dict[str, list[float]] = {"answers": [], "replies": [], "search": []}
    errors: list[str] = []
    lateness: list[float] = []
    rss: list[tuple[float, float]] = []
    lock = threading.Lock()
    local = threading.local()

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=server.base, headers=agent, timeout=60)
        return local.client

    def one(i: int) -> None:
        q = questions[i % len(questions)]
        kind = ("answers", "replies", "answers", "search")[i % 4]
        started = time.perf_counter()
        try:
            if kind == "answers":
                r = client().post("/v1/answers", json={"question": q})
            elif kind == "replies":
                r = client().post(
                    "/v1/replies", json={"messages": [{"author": "customer", "body": q}]}
                )
            else:
                r = client().get("/v1/search", params={"q": q, "k": 5})
            ok = r.status_code == 200
            detail = f"{kind} {r.status_code} {r.text[:120]}"
        except httpx.HTTPError as exc:
            ok, detail = False, f"{kind} {type(exc).__name__}: {exc}"
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            if ok:
                latencies[kind].append(elapsed)
            else:
                errors.append(detail)

    def open_loop(pool: ThreadPoolExecutor, count: int, sample: bool) -> float:
        """Submit `count` requests at `rate` per second; returns the seconds it took."""
        begin = time.perf_counter()
        for i in range(count):
            wait = begin + i / rate - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            elif sample:
                lateness.append(-wait)
            pool.submit(one, i)
            if sample and i and i % int(rate * 30) == 0:
                rss.append((round(time.perf_counter() - begin, 1), rss_mib(server.proc.pid)))
        return time.perf_counter() - begin

    # every (question, kind) pair the run will send: kinds cycle with period 4
    warmup = math.lcm(len(questions), 4)
    load_start = os.getloadavg()
    try:
        boot_rss = rss_mib(server.proc.pid)
        with ThreadPoolExecutor(max_workers=16) as pool:
            open_loop(pool, warmup, sample=False)
        for values in latencies.values():
            values.clear()
        rss.append((0.0, rss_mib(server.proc.pid)))
        with ThreadPoolExecutor(max_workers=16) as pool:
            seconds = open_loop(pool, int(minutes * 60 * rate), sample=True)
        rss.append((round(seconds, 1), rss_mib(server.proc.pid)))
    finally:
        server.stop()
    done = sum(len(v) for v in latencies.values())
    all_ms = [x for v in latencies.values() for x in v]
    start_rss, end_rss = rss[0][1], rss[-1][1]
    return {
        "minutes": minutes,
        "rate_target": rate,
        "warmup_requests": warmup,
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "requests": done + len(errors),
        "rate_achieved": round((done + len(errors)) / seconds, 2),
        "errors": len(errors),
        "error_examples": errors[:5],
        "p50_ms": round(percentile(all_ms, 50), 1) if all_ms else None,
        "p99_ms": round(percentile(all_ms, 99), 1) if all_ms else None,
        "by_kind": {
            k: {
                "n": len(v),
                "p50_ms": round(percentile(v, 50), 1),
                "p99_ms": round(percentile(v, 99), 1),
            }
            for k, v in latencies.items()
            if v
        },
        "schedule_late_max_s": round(max(lateness), 3) if lateness else 0.0,
        "rss_boot_mib": round(boot_rss, 1),
        "rss_start_mib": round(start_rss, 1),
        "rss_end_mib": round(end_rss, 1),
        "rss_max_mib": round(max(r for _, r in rss), 1),
        "rss_change_pct": round(100 * (end_rss - start_rss) / start_rss, 2),
        "rss_change_from_boot_pct": round(100 * (end_rss - boot_rss) / boot_rss, 2),
        "rss_samples": rss,
    }


def write_corpus(folder: Path, n: int, revision: int = 0) -> list[str]:
    """`n` Markdown articles with front-matter ids, 2-4 sections each; from `revision` 1 on, a
    third of them (a different third each time) change, so every run has writes to make.
    The language is declared, so a resumed run skips unchanged documents quickly."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(16)
    words = (REPO / "examples/help-center").rglob("*.md")
    vocab = sorted(
        {w.strip(".,*#()[]") for p in words for w in p.read_text().split() if w.isalpha()}
    )
    ids = []
    for i in range(n):
        ext = f"soak-{i:04d}"
        ids.append(ext)
        sections = []
        for s in range(rng.randint(2, 4)):
            sentences = [" ".join(rng.choices(vocab, k=rng.randint(8, 16))).capitalize() + "."
                         for _ in range(rng.randint(4, 9))]  # fmt: skip
            sections.append(f"## Section {s + 1}\n\n" + " ".join(sentences))
        body = "\n\n".join(sections)
        mark = revision if revision and i % 3 == revision % 3 else 0
        path = folder / f"{ext}.md"
        if revision and not mark:
            continue  # unchanged this time
        path.write_text(
            f"---\nid: {ext}\ntitle: Article {i}\nlang: en\nurl: https://help.test/{ext}\n---\n"
            f"# Article {i}\n\n{body}\n\nRevision {mark}.\n",
            encoding="utf-8",
        )
    return ids


def kill_loop(kills: int, docs: int, embedder: str) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="kbc-kill-"))
    corpus, store = work / "hc", work / "store"
    ids = write_corpus(corpus, docs)
    rng = random.Random(9)
    cmd = [KBC, "--data-dir", str(store), "--embedder", embedder, "ingest", str(corpus)]
    moments, killed, stored_after = [], 0, []
    for k in range(kills):
        if k:
            write_corpus(corpus, docs, revision=k)  # the killed run's work plus a new third
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        moment = rng.uniform(0.3, 4.0)
        try:
            proc.wait(timeout=moment)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            killed += 1
        moments.append(round(moment, 2))
        stored_after.append(_documents(store))
    final = subprocess.run([*cmd, "--json"], capture_output=True, text=True, check=True)
    rerun = subprocess.run([*cmd, "--json"], capture_output=True, text=True, check=True)
    check = _check(store, ids)
    with sqlite3.connect(store / "kb.sqlite3") as con:
        bodies = dict(con.execute("SELECT external_id, body FROM documents").fetchall())
    stale = [
        ext
        for ext in ids
        if ext in bodies and not bodies[ext].rstrip().endswith(_revision_line(corpus / f"{ext}.md"))
    ]
    return {
        "runs": kills,
        "killed": killed,
        "documents": docs,
        "embedder": embedder,
        "kill_moments_s": moments,
        "documents_stored_after_each_run": stored_after,
        "final_run": json.loads(final.stdout),
        "rerun": json.loads(rerun.stdout),
        "stale_bodies": len(stale),
        **check,
        "inconsistent": int(bool(check["inconsistent"]) or bool(stale)),
    }


def _revision_line(path: Path) -> str:
    return path.read_text(encoding="utf-8").rstrip().rsplit("\n", 1)[-1]


def _documents(store: Path) -> int:
    db = store / "kb.sqlite3"
    if not db.exists():
        return 0
    with sqlite3.connect(db) as con:
        try:
            return int(con.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
        except sqlite3.Error:
            return 0


def _check(store: Path, ids: list[str]) -> dict[str, object]:
    from kb.maintenance import open_store

    with open_store(store) as kb:
        # The SQLite backend's own consistency (FTS5 rows, integrity_check): storage-level SQL.
        db = kb.database
        stored = dict(db.execute("SELECT external_id, id FROM documents").fetchall())
        chunkless = db.execute(
            "SELECT COUNT(*) FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM chunks c WHERE c.document_id = d.id)"
        ).fetchone()[0]
        (chunks,) = db.execute("SELECT COUNT(*) FROM chunks").fetchone()
        (fts,) = db.execute("SELECT COUNT(*) FROM chunks_fts").fetchone()
        (integrity,) = db.execute("PRAGMA integrity_check").fetchone()
        vectors = kb.vectors.count
        fresh = kb.index_is_fresh()
    lost = sorted(set(ids) - set(stored))
    return {
        "lost": len(lost),
        "lost_examples": lost[:5],
        "unexpected": len(set(stored) - set(ids)),
        "documents_without_chunks": chunkless,
        "chunks": chunks,
        "fts_rows": fts,
        "vectors": vectors,
        "vector_index_fresh": fresh,
        "sqlite_integrity": integrity,
        "inconsistent": int(
            chunkless > 0 or fts != chunks or vectors != chunks or integrity != "ok"
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=OUT / "serve-store")
    parser.add_argument("--port", type=int, default=8793)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--docs", type=int, default=3000)
    # the hashing embedder makes ingest fast enough that kills land in the middle of batch
    # writes and index saves (what crash safety is about); minilm works too, slower
    parser.add_argument("--kill-embedder", default="hashing")
    parser.add_argument("--skip-soak", action="store_true")
    parser.add_argument("--skip-kills", action="store_true")
    args = parser.parse_args()
    result: dict[str, object] = {}
    if not args.skip_soak:
        build_store(args.store)
        result["soak"] = soak(args.store, args.port, args.minutes, args.rate)
        print(json.dumps(result["soak"], indent=2), flush=True)
    if not args.skip_kills:
        result["kill_loop"] = kill_loop(args.kills, args.docs, args.kill_embedder)
        print(json.dumps(result["kill_loop"], indent=2), flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "soak.json").write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
