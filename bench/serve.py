"""Latency and throughput of /v1/answers and /v1/replies on loopback, against `kbc serve`.

    .venv/bin/python -m bench.serve [--store DIR] [--llm local/qwen2.5-0.5b-instruct] [--llm-n 10]

Builds a store from examples/ (MiniLM) unless --store is given, starts the real server in a
subprocess, then: sequential p50/p99 for answers and replies (extractive), 16 concurrent
clients for throughput (errors counted), and — with --llm — widget answers on a server
with the LLM configured (they stay extractive unless KBC_ANSWER_LLM_BUDGET_S is set; target
p50 < 2 s) and replies through the LLM (latency, tokens/s, time to first token).
Target: extractive answers p50 < 60 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from bench.common import OUT, REPO, percentile

KBC = str(Path(sys.executable).with_name("kbc"))


def build_store(path: Path) -> None:
    if (path / "kb.sqlite3").exists():
        return
    for args in (["examples/help-center"], ["examples/tickets/resolved.jsonl", "--kind", "ticket"]):
        subprocess.run(
            [KBC, "--data-dir", str(path), "--embedder", "minilm", "ingest", *args],
            check=True,
            cwd=REPO,
        )


def key(store: Path, role: str) -> str:
    out = subprocess.run(
        [KBC, "--data-dir", str(store), "keys", "create", "--role", role, "--name", "bench"],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


class Server:
    """`kbc serve` in a child process; ``env`` adds settings (e.g. limits out of the way)."""

    def __init__(
        self, store: Path, port: int, llm: str = "extractive", env: dict[str, str] | None = None
    ) -> None:
        env = {**os.environ, "KBC_RATE_LIMIT_KEY_PER_MINUTE": "1000000", **(env or {})}
        self.proc = subprocess.Popen(
            [KBC, "--data-dir", str(store), "serve", "--port", str(port), "--llm", llm],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=REPO,
        )
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300  # a local model's server starts first
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit("server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def timed(client: httpx.Client, path: str, body: dict, headers: dict) -> tuple[float, dict]:
    t = time.perf_counter()
    r = client.post(path, json=body, headers=headers, timeout=120)
    elapsed = (time.perf_counter() - t) * 1000
    if r.status_code != 200:
        raise RuntimeError(f"{path}: {r.status_code} {r.text[:200]}")
    return elapsed, r.json()


def summary(times: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(times, 50), 1),
        "p99_ms": round(percentile(times, 99), 1),
        "n": len(times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=OUT / "serve-store")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--concurrent-requests", type=int, default=320)
    parser.add_argument("--llm", default=None)
    parser.add_argument("--llm-n", type=int, default=10)
    args = parser.parse_args()
    build_store(args.store)
    agent = {"Authorization": f"Bearer {key(args.store, 'agent')}"}
    rows = [json.loads(x) for x in (REPO / "examples/labelled/questions.jsonl").open()]
    questions = [r["question"] for r in rows]
    result: dict[str, object] = {}

    # Answers and replies each on a fresh server: the retriever caches query vectors, and the
    # replies would otherwise re-use the ones the answers phase embedded for the same texts.
    server = Server(args.store, args.port, "extractive")
    try:
        with httpx.Client(base_url=server.base) as http:
            timed(http, "/v1/answers", {"question": "warm up: how do I log in?"}, agent)
            answers = [
                timed(http, "/v1/answers", {"question": questions[i % len(questions)]}, agent)[0]
                for i in range(args.n)
            ]
    finally:
        server.stop()
    result["answers_extractive"] = summary(answers)
    server = Server(args.store, args.port, "extractive")
    try:
        with httpx.Client(base_url=server.base) as http:
            warm = {"messages": [{"author": "customer", "body": "warm up: how do I log in?"}]}
            timed(http, "/v1/replies", warm, agent)  # first reply loads the ticket path
            replies = [
                timed(
                    http,
                    "/v1/replies",
                    {"messages": [{"author": "customer", "body": questions[i % len(questions)]}]},
                    agent,
                )[0]
                for i in range(args.n // 2)
            ]
        result["replies_extractive"] = summary(replies)
        errors = 0

        def one(i: int) -> float:
            with httpx.Client(base_url=server.base) as c:
                return timed(c, "/v1/answers", {"question": questions[i % len(questions)]}, agent)[
                    0
                ]

        # 16 clients cycling over the 94 labelled questions (query vectors cached after the
        # first pass, as for a help center's recurring questions).
        started = time.perf_counter()
        with ThreadPoolExecutor(16) as pool:
            futures = [pool.submit(one, i) for i in range(args.concurrent_requests)]
            times = []
            for f in futures:
                try:
                    times.append(f.result())
                except Exception:  # counted, not hidden
                    errors += 1
        wall = time.perf_counter() - started
        result["answers_16_clients"] = {
            **summary(times),
            "errors": errors,
            "requests_per_s": round(len(times) / wall, 1),
        }
    finally:
        server.stop()

    if args.llm:
        server = Server(args.store, args.port + 1, args.llm)
        try:
            with httpx.Client(base_url=server.base) as http:
                timed(
                    http,
                    "/v1/replies",
                    {"messages": [{"author": "customer", "body": questions[0]}]},
                    agent,
                )
                # the widget under the demo's settings: answers never wait on the model
                asks = [{"question": questions[i % len(questions)]} for i in range(min(args.n, 40))]
                widget = [timed(http, "/v1/answers", ask, agent)[0] for ask in asks]
                result["answers_with_llm_configured"] = {**summary(widget), "model": args.llm}
                lat, toks, ttft, used = [], [], [], []
                for q in questions[1 : 1 + args.llm_n]:
                    ms, body = timed(
                        http,
                        "/v1/replies",
                        {"messages": [{"author": "customer", "body": q}]},
                        agent,
                    )
                    lat.append(ms)
                    if body["llm_tokens"]:  # end to end: retrieval and prompt included
                        toks.append(body["llm_tokens"] / (body["latency_ms"] / 1000))
                    if body["llm_first_token_ms"] is not None:
                        ttft.append(body["llm_first_token_ms"])
                    used.append(body["generator_used"] != "extractive")
            result["replies_llm"] = {
                **summary(lat),
                "model": args.llm,
                "tokens_per_s_p50": round(percentile(toks, 50), 1) if toks else None,
                "first_token_ms_p50": round(percentile(ttft, 50), 1) if ttft else None,
                "llm_draft_kept": f"{sum(used)}/{len(used)}",
            }
        finally:
            server.stop()

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "serve.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
