"""The optional LLM answer verifier, measured on its own: verdicts and latency per question.

    .venv/bin/python -m bench.verifier --store DIR [--model local/qwen2.5-0.5b-instruct] [--n 30]

For labelled questions of examples/ (answerable ones and the real unanswerable ones), the top
public sources are retrieved as `/v1/answers` would, and the verifier is asked whether they
answer. Reports yes-rate on answerable questions, no-rate on unanswerable ones, abstentions,
and latency p50/p99. Nothing here is fitted: the prompt and schema are the shipped ones.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench.common import OUT, REPO, percentile
from copilot.answer_verifier import LLMAnswerVerifier
from copilot.config import Settings
from copilot.engine import Copilot
from copilot.llm import LLMGateway
from kb.maintenance import open_store
from kb.models import SearchFilters
from kb.retrieval import Retriever


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--model", default="local/qwen2.5-0.5b-instruct")
    parser.add_argument("--n", type=int, default=30, help="questions of each kind")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    rows = [json.loads(x) for x in (REPO / "examples/labelled/questions.jsonl").open()]
    answerable = [r for r in rows if r.get("answerable", True)][: args.n]
    unanswerable = [r for r in rows if not r.get("answerable", True)][: args.n]
    gateway = LLMGateway(args.model, timeout_s=args.timeout, retries=0)
    gateway.warm_up()
    verifier = LLMAnswerVerifier(gateway, timeout_s=args.timeout)
    result: dict[str, object] = {"model": args.model}
    try:
        with open_store(args.store, None) as kb:
            settings = Settings(data_dir=args.store)
            copilot = Copilot.from_settings(settings, kb, Retriever(kb))
            for kind, group in (("answerable", answerable), ("unanswerable", unanswerable)):
                verdicts, seconds = [], []
                for row in group:
                    lang = row.get("lang") or "en"
                    sources = copilot.sources_for(
                        row["question"], [], SearchFilters.public(), lang, 3
                    )
                    started = time.perf_counter()
                    verdict = verifier.verify(row["question"], sources)
                    seconds.append((time.perf_counter() - started) * 1000)
                    verdicts.append(verdict.answers)
                result[kind] = {
                    "n": len(group),
                    "yes": sum(v is True for v in verdicts),
                    "no": sum(v is False for v in verdicts),
                    "abstained": sum(v is None for v in verdicts),
                    "latency_ms_p50": round(percentile(seconds, 50), 1) if seconds else None,
                    "latency_ms_p99": round(percentile(seconds, 99), 1) if seconds else None,
                }
    finally:
        gateway.close()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "verifier.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
