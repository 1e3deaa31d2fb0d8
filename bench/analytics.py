"""Time `GET /v1/analytics`'s query on a store holding many logged answers.

    .venv/bin/python -m bench.analytics                    # 500k answers over a year, SQLite
    .venv/bin/python -m bench.analytics --answers 100000 --store-url postgresql://...

Fills a temp store through `Interactions` (one outer transaction), an answer a minute
spread over the year before 2026-01-01 (30% hand-offs, five reasons, four languages, 1-3
cited articles of 500), a draft per ten answers and a vote per twenty, then times the report
for a 1-day, a 30-day and the longest (366-day) window, all languages and one, twice in one
run: counted from the answers alone (`Analytics(rollup=False)`, before the `answer_days`
rollup) and through the rollup; and the counts alone (`Analytics.counted`) both ways. Prints
the figures and writes bench/out/analytics.json. Never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path

from bench.common import OUT, percentile
from kb.embedders import HashingEmbedder
from kb.storage.analytics import Analytics, Window
from kb.storage.interactions import Interactions, LoggedAnswer
from kb.store import KnowledgeBase

END = datetime(2026, 1, 1, tzinfo=UTC)
LANGS = ("en", "en", "en", "de", "fr", "es")
REASONS = ("low_confidence", "no_relevant_article", "verifier_no", "sensitive", "asked_for_human")
WINDOWS = {"1 day": 1, "30 days": 30, "366 days": 366}


def fill(kb: KnowledgeBase, answers: int, seed: int = 7) -> float:
    """Log `answers` answers (and drafts, votes) ending at END; returns seconds taken."""
    rnd = random.Random(seed)
    log = Interactions(kb)
    step = timedelta(days=365) / answers
    started = time.perf_counter()
    with kb.transaction():
        for i in range(answers):
            when = (END - step * (answers - i)).isoformat(timespec="milliseconds")
            handoff = rnd.random() < 0.3
            sources = [f"kb-{rnd.randrange(500)}" for _ in range(rnd.randint(0, 3))]
            answer_id = log.log_answer(
                LoggedAnswer(
                    question=f"How do I fix problem {rnd.randrange(3000)} with my account?",
                    lang=rnd.choice(LANGS),
                    outcome="handoff" if handoff else "answered",
                    reason=rnd.choice(REASONS) if handoff else None,
                    confidence=rnd.random(),
                    sources=[] if handoff else sources,
                    answer=None if handoff else "Open Settings and choose Reset [1].",
                    latency_ms=rnd.lognormvariate(3.5, 0.6),
                    generator="bench",
                    key_id=None,
                    client=f"visitor-{i}",
                )
            )
            log.date_answer(answer_id, when)
            if i % 20 == 0:
                log.add_feedback(answer_id=answer_id, helpful=rnd.random() < 0.7, client="v")
            if i % 10 == 0:
                draft_id = log.log_draft(
                    "Hi, open Settings [1].",
                    lang=rnd.choice(LANGS),
                    sources=sources,
                    confidence=0.5,
                    generator="bench",
                    key_id=None,
                )
                log.date_draft(draft_id, when)
                if i % 30 == 0:
                    log.add_feedback(
                        draft_id=draft_id, final_reply="Hi.", edit_distance=rnd.random(), client="a"
                    )
    return time.perf_counter() - started


def _p50_max_ms(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return round(percentile(seconds, 50) * 1000, 1), round(max(seconds) * 1000, 1)


def time_reports(kb: KnowledgeBase, repeats: int) -> dict[str, dict[str, float | int]]:
    modes = {"answers": Analytics(kb, rollup=False), "rollup": Analytics(kb)}
    figures: dict[str, dict[str, float | int]] = {}
    for name, days in WINDOWS.items():
        window = Window.of(END.date() - timedelta(days), END.date())
        for lang in (None, "de"):
            reports = {mode: a.report(window, lang) for mode, a in modes.items()}
            assert reports["answers"] == reports["rollup"], (name, lang)
            figure: dict[str, float | int] = {
                "answers": reports["rollup"].totals.answers,
                "latency_sampled": int(reports["rollup"].latency.sample.sampled),
            }
            for mode, analytics in modes.items():
                report_ms = _p50_max_ms(partial(analytics.report, window, lang), repeats)
                counts_ms = _p50_max_ms(partial(analytics.counted, window, lang), repeats)
                figure[f"{mode}_p50_ms"], figure[f"{mode}_max_ms"] = report_ms
                figure[f"{mode}_counts_p50_ms"] = counts_ms[0]
            figures[f"{name}, {lang or 'all languages'}"] = figure
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=500_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--store-url", default=None, help="postgresql://... (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kbc-bench-analytics-") as tmp:
        kb = KnowledgeBase(Path(tmp) / "store", HashingEmbedder(64), store_url=args.store_url)
        try:
            backend = kb.database.name
            filled = fill(kb, args.answers)
            print(f"logged {args.answers:,} answers in {filled:.1f}s ({backend})")
            figures = time_reports(kb, args.repeats)
        finally:
            kb.close()
    print("  p50 (max) ms of the report, then of its counts alone: from the answers -> rollup")
    for name, f in figures.items():
        print(
            f"  {name:28} {f['answers']:>8,} answers  report {f['answers_p50_ms']:7.1f} "
            f"({f['answers_max_ms']:.1f}) -> {f['rollup_p50_ms']:7.1f} ({f['rollup_max_ms']:.1f})"
            f"  counts {f['answers_counts_p50_ms']:7.1f} -> {f['rollup_counts_p50_ms']:6.1f}"
            + ("  (latency sampled)" if f["latency_sampled"] else "")
        )
    OUT.mkdir(parents=True, exist_ok=True)
    result = {
        "answers": args.answers,
        "backend": backend,
        "date": date.today().isoformat(),
        "fill_seconds": round(filled, 1),
        "reports": figures,
    }
    (OUT / "analytics.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
