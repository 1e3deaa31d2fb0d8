"""Summaries over ticket records: overall, per slice (language, channel, ...), per article."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from eval.report_json import ArticleRow, Latency, SliceRow, TicketRecord
from eval.retrieval_metrics import CURVE_KS, HEADLINE_RETRIEVAL

ANSWER_METRICS: tuple[str, ...] = (
    "token_f1",
    "rouge_l",
    "cosine",
    "citation_precision",
    "citation_recall",
    "faithfulness",
    "judge_correct",
)
DEFAULT_DIMENSIONS: tuple[str, ...] = ("lang", "channel", "answerable", "gold_doc_type")


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the values that are present (None when none is)."""
    kept = [v for v in values if v is not None]
    return float(sum(kept) / len(kept)) if kept else None


def latency(seconds_ms: Sequence[float]) -> Latency:
    if not seconds_ms:
        return Latency()
    arr = np.asarray(seconds_ms, dtype=np.float64)
    return Latency(
        n=len(arr),
        mean_ms=round(float(arr.mean()), 2),
        p50_ms=round(float(np.percentile(arr, 50)), 2),
        p95_ms=round(float(np.percentile(arr, 95)), 2),
        max_ms=round(float(arr.max()), 2),
    )


def retrieval_means(records: Sequence[TicketRecord], mode: str) -> dict[str, float]:
    """Mean of every retrieval metric over tickets with gold documents (the macro average)."""
    rows = [r.retrieval[mode] for r in records if mode in r.retrieval]
    if not rows:
        return {}
    return {name: float(np.mean([row[name] for row in rows])) for name in rows[0]}


def recall_curve(means: Mapping[str, float]) -> list[float]:
    return [means.get(f"recall@{k}", 0.0) for k in CURVE_KS]


def answer_means(records: Sequence[TicketRecord]) -> tuple[dict[str, float | None], dict[str, int]]:
    """Mean of each answer metric over the tickets where it applies, and how many those are."""
    means: dict[str, float | None] = {}
    counts: dict[str, int] = {}
    for name in ANSWER_METRICS:
        values = [r.answer_metrics.get(name) for r in records]
        present = [v for v in values if v is not None]
        means[name] = mean(present)
        counts[name] = len(present)
    answered = [r for r in records if r.outcome is not None]
    means["answered_rate"] = (
        sum(1 for r in answered if r.outcome in ("answered", "drafted")) / len(answered)
        if answered
        else None
    )
    counts["answered_rate"] = len(answered)
    return means, counts


def slice_rows(
    records: Sequence[TicketRecord], modes: Sequence[str], dimensions: Sequence[str]
) -> list[SliceRow]:
    """One row per (dimension, value) seen in the records' `slices`; values sorted by size."""
    rows: list[SliceRow] = []
    for dim in dimensions:
        groups: dict[str, list[TicketRecord]] = defaultdict(list)
        for rec in records:
            value = rec.slices.get(dim)
            if value is not None:
                groups[value].append(rec)
        for value, group in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            retrieval = {}
            for mode in modes:
                means = retrieval_means(group, mode)
                retrieval[mode] = {k: v for k, v in means.items() if k in HEADLINE_RETRIEVAL}
            answers, _ = answer_means(group)
            rows.append(
                SliceRow(
                    dimension=dim,
                    value=value,
                    n=len(group),
                    n_with_gold=sum(1 for r in group if r.gold_doc_ids),
                    retrieval=retrieval,
                    answers=answers,
                )
            )
    return rows


def article_scorecard(
    records: Sequence[TicketRecord], mode: str, title_of: Callable[[str], str]
) -> list[ArticleRow]:
    """Articles that were gold or cited at least once, most-used first."""
    gold: Counter[str] = Counter()
    retrieved_when_gold: Counter[str] = Counter()
    retrieved: Counter[str] = Counter()
    cited: Counter[str] = Counter()
    cited_when_gold: Counter[str] = Counter()
    faithful: dict[str, list[float]] = defaultdict(list)
    for rec in records:
        top = set(rec.rankings.get(mode, []))
        retrieved.update(top)
        for doc in rec.gold_doc_ids:
            gold[doc] += 1
            retrieved_when_gold[doc] += doc in top
            cited_when_gold[doc] += doc in rec.cited_ids
        for doc in set(rec.cited_ids):
            cited[doc] += 1
            value = rec.answer_metrics.get("faithfulness")
            if value is not None:
                faithful[doc].append(value)
    docs = set(gold) | set(cited)
    ordered = sorted(docs, key=lambda d: (-gold[d], -cited[d], d))
    return [
        ArticleRow(
            external_id=d,
            title=title_of(d),
            gold=gold[d],
            retrieved_when_gold=retrieved_when_gold[d],
            retrieved=retrieved[d],
            cited=cited[d],
            cited_when_gold=cited_when_gold[d],
            faithfulness=mean(faithful.get(d, [])),
        )
        for d in ordered
    ]
