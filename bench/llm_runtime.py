"""The local model out of process vs raw llama_cpp in process: same prompt, same model, one run.

    .venv/bin/python -m bench.llm_runtime [--model qwen2.5-0.5b-instruct] [--n 5] [--max-tokens 128]

The prompt is a real reply prompt (examples/ help center sources fenced as the composer does).
Runs alternate raw / out-of-process so both see the same machine load. Reports time to first
token and decode tokens/s for each, and the overhead of the out-of-process path (target <= 10%).
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from bench.common import OUT, percentile
from copilot.compose.prompts import build_messages
from copilot.compose.types import Source
from copilot.llm import LLMGateway
from copilot.local_model import ServerOptions
from copilot.local_model.weights import model_path

PASSAGES = (
    "Go to **Bookings > Export** and choose a date range. Click **Export CSV**; the file "
    "includes the customer's name, the service, the start time and the payment status.",
    "Exports of more than 10,000 bookings are emailed to the account owner as a ZIP file "
    "within 15 minutes.",
)


def _messages(nonce: int) -> list[dict[str, str]]:
    """The reply prompt, made unique from its first tokens so no run reuses another's cached
    prompt evaluation (time to first token then includes reading the whole prompt)."""
    source = Source(
        n=1, external_id="kb-export", title="Export bookings to CSV",
        url="https://help.example.com/kb-export", kind="article", lang="en",
        passages=PASSAGES, relevance=0.8,
    )  # fmt: skip
    messages = build_messages("How do I export my bookings?", [source], lang="en", style="reply")
    messages[0]["content"] = f"Ticket {nonce}. " + messages[0]["content"]
    return messages


def _raw_run(llama: Any, messages: list[dict[str, str]], max_tokens: int) -> dict[str, float]:
    started = time.perf_counter()
    first: float | None = None
    pieces: list[str] = []
    for part in llama.create_chat_completion(
        messages=messages, max_tokens=max_tokens, temperature=0.0, stream=True
    ):
        text = (part["choices"][0].get("delta") or {}).get("content") or ""
        if text:
            first = first if first is not None else time.perf_counter() - started
            pieces.append(text)
    total = time.perf_counter() - started
    tokens = len(llama.tokenize("".join(pieces).encode(), add_bos=False))
    return _figures(first or total, total, tokens)


def _served_run(
    gateway: LLMGateway, messages: list[dict[str, str]], max_tokens: int
) -> dict[str, float]:
    done = gateway.complete(messages, max_tokens=max_tokens, stream=True)
    first = done.first_token_seconds or done.seconds
    return _figures(first, done.seconds, done.completion_tokens)


def _figures(first: float, total: float, tokens: int) -> dict[str, float]:
    decode = max(total - first, 1e-6)
    return {
        "ttft_ms": first * 1000,
        "total_ms": total * 1000,
        "tokens": tokens,
        "decode_tokens_per_s": max(tokens - 1, 0) / decode,
    }


def _summary(runs: list[dict[str, float]]) -> dict[str, float]:
    return {
        "ttft_ms_p50": round(percentile([r["ttft_ms"] for r in runs], 50), 1),
        "decode_tokens_per_s_p50": round(
            percentile([r["decode_tokens_per_s"] for r in runs], 50), 1
        ),
        "total_ms_p50": round(percentile([r["total_ms"] for r in runs], 50), 1),
        "tokens_p50": percentile([r["tokens"] for r in runs], 50),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-0.5b-instruct")
    parser.add_argument("--n", type=int, default=5)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    import llama_cpp

    path = model_path(args.model)
    llama = llama_cpp.Llama(model_path=str(path), n_ctx=4096, n_threads=args.threads, verbose=False)
    options = ServerOptions(threads=args.threads, max_tokens=args.max_tokens, max_seconds=600)
    gateway = LLMGateway(f"local/{args.model}", local_options=options, timeout_s=600, retries=0)
    gateway.warm_up()
    try:
        _raw_run(llama, _messages(0), 8)  # warm both paths (page cache, first allocations)
        _served_run(gateway, _messages(1), 8)
        raw: list[dict[str, float]] = []
        served: list[dict[str, float]] = []
        for i in range(1, args.n + 1):
            raw.append(_raw_run(llama, _messages(1000 + i), args.max_tokens))
            served.append(_served_run(gateway, _messages(2000 + i), args.max_tokens))
    finally:
        gateway.close()
    r, s = _summary(raw), _summary(served)
    result = {
        "model": args.model,
        "threads": args.threads,
        "max_tokens": args.max_tokens,
        "runs": args.n,
        "raw_llama_cpp": r,
        "out_of_process": s,
        "ttft_overhead": round(s["ttft_ms_p50"] / r["ttft_ms_p50"] - 1, 3),
        "decode_rate_ratio": round(s["decode_tokens_per_s_p50"] / r["decode_tokens_per_s_p50"], 3),
        "total_overhead": round(s["total_ms_p50"] / r["total_ms_p50"] - 1, 3),
        "each_run": {"raw": raw, "out_of_process": served},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"llm_runtime-{args.model}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
