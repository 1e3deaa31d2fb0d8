"""Time QA scorecards on real expert answers, with the drafting path's embedding limits and
with the scorecard's own, side by side in one run.

    .venv/bin/python -m bench.qa_scorecards [--set emanual] [--limit 100]

Opens (or builds) the eval store of eval/qa_scorecard_eval.py, scores the first `--limit`
gold answers of the set once with each limit (after one warm-up scorecard), and prints p50,
p95 and the slowest scorecard with the share passing "grounded" — the limits must not move
it. Writes bench/out/qa_scorecards.json. Skips when ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench.common import OUT, percentile
from copilot.compose.support import EmbedLimits
from copilot.qa import ScorecardChecker, scorecard
from eval.qa_scorecard_eval import REPO, SHARED, load_tickets, open_set, thread_of

VARIANTS = {"drafts' limits": EmbedLimits(), "scorecard limits": scorecard.EMBED_LIMITS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="emanual", choices=("emanual", "dstc11"))
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--data-dir", type=Path, default=REPO / ".kbc-qa-eval")
    args = parser.parse_args()
    if not SHARED.exists():
        raise SystemExit(f"skipped: {SHARED} is absent")
    from copilot.compose import ExtractiveComposer
    from copilot.config import Settings
    from copilot.engine import Copilot
    from kb.retrieval import Retriever

    kb = open_set(args.set, args.data_dir, "minilm")
    settings = Settings.model_validate(
        {"data_dir": args.data_dir / args.set, "llm_model": "extractive"}
    )
    checker = ScorecardChecker(kb, Copilot(kb, Retriever(kb), ExtractiveComposer(None), settings))
    tickets = load_tickets(SHARED / args.set / "tickets.jsonl", args.limit)
    checker.score(thread_of(tickets[0]), tickets[0]["gold_answer"])  # warm-up
    results = {}
    for name, limits in VARIANTS.items():
        scorecard.EMBED_LIMITS = limits
        seconds, grounded = [], 0
        for t in tickets:
            started = time.perf_counter()
            card = checker.score(thread_of(t), t["gold_answer"])
            seconds.append(time.perf_counter() - started)
            grounded += next(c.passed for c in card.criteria if c.name == "grounded")
        results[name] = {
            "n": len(seconds),
            "p50_s": round(percentile(seconds, 50), 3),
            "p95_s": round(percentile(seconds, 95), 3),
            "max_s": round(max(seconds), 3),
            "grounded": round(grounded / len(seconds), 3),
        }
        print(f"{name:>17}: {results[name]}")
    kb.close()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "qa_scorecards.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
