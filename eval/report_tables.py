"""The human report's tables, built once from a Report and rendered as Markdown or HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eval.report_json import Report, SliceRow
from eval.retrieval_metrics import HEADLINE_RETRIEVAL

MAX_ARTICLES = 40
ANSWER_LABELS: dict[str, str] = {
    "token_f1": "token F1 vs gold",
    "rouge_l": "ROUGE-L vs gold",
    "cosine": "embedding cosine vs gold",
    "citation_precision": "citation precision",
    "citation_recall": "citation recall",
    "faithfulness": "faithfulness (supported sentences)",
    "judge_correct": "LLM judge: correct",
    "answered_rate": "answered (not handed off)",
}


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


def fmt(value: float | int | str | None, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def summary_lines(report: Report) -> list[str]:
    cfg, ds = report.config, report.dataset
    lines = [
        f"Tickets: `{cfg.tickets_path}` — {ds['usable']} of {ds['rows']} rows usable; "
        f"{ds['rows'] - ds['usable']} rejected {ds['rejected'] or ''}".rstrip(),
        f"Gold ids not in the store: {ds['unknown_gold_ids']} "
        f"(in {ds['tickets_with_unknown_gold']} tickets); answerable tickets without a "
        "resolvable gold document: "
        f"{ds['tickets_without_gold']} (no retrieval metrics); unanswerable: {ds['unanswerable']}",
        f"Store: `{report.store.data_dir}` — {report.store.documents} documents, "
        f"{report.store.chunks} chunks, embedder `{report.store.model_id}`",
        f"Retrieval modes: {', '.join(cfg.modes)} (k = {cfg.k}; history: {cfg.history} turns; "
        f"fusion: {cfg.fusion or '-'}); "
        f"generator: `{cfg.generator}`; audience: {cfg.audience}",
        f"Run {report.created_at}, {report.seconds:.1f} s",
    ]
    if cfg.judge:
        lines.append(
            f"**LLM judge used:** `{cfg.judge}` — `judge_correct` is that model's opinion."
        )
    return lines


def retrieval_table(report: Report) -> Table:
    modes = list(report.retrieval)
    rows = [
        [name, *(fmt(report.retrieval[m].metrics.get(name)) for m in modes)]
        for name in HEADLINE_RETRIEVAL
    ]
    rows.append(["tickets with gold", *(str(report.retrieval[m].n) for m in modes)])
    rows.append(["latency p50 ms", *(fmt(report.retrieval[m].latency.p50_ms, 1) for m in modes)])
    rows.append(["latency p95 ms", *(fmt(report.retrieval[m].latency.p95_ms, 1) for m in modes)])
    return Table("Retrieval (document level)", ["metric", *modes], rows)


def answers_table(report: Report) -> Table | None:
    ans = report.answers
    if ans is None:
        return None
    rows = [
        [label, fmt(ans.metrics.get(key)), str(ans.counts.get(key, 0))]
        for key, label in ANSWER_LABELS.items()
        if key in ans.metrics and (key != "judge_correct" or ans.judge_model)
    ]
    rows.append(
        [
            "latency p50 / p95 ms",
            f"{fmt(ans.latency.p50_ms, 1)} / {fmt(ans.latency.p95_ms, 1)}",
            str(ans.latency.n),
        ]
    )
    notes = [
        f"Generator `{ans.generator}`, audience {ans.audience}: {ans.drafted} drafts, "
        f"{ans.answered} answered of {ans.n}. Outcomes: "
        + ", ".join(f"{k} {v}" for k, v in sorted(ans.outcomes.items())),
    ]
    if ans.fallbacks:
        notes.append(
            "LLM drafts that fell back to extractive: "
            + ", ".join(f"{k} {v}" for k, v in ans.fallbacks.items())
        )
    return Table("Answers", ["metric", "value", "tickets"], rows, notes)


def handoff_table(report: Report) -> Table | None:
    h = report.handoff
    if h is None:
        return None
    rows = [
        [fmt(p.threshold, 2), str(p.answered), str(p.correct), fmt(p.precision), fmt(p.coverage)]
        for p in h.curve
    ]
    rec = fmt(h.recommended_threshold, 2) if h.recommended_threshold is not None else "none"
    notes = [
        f"At the configured threshold {h.threshold:g}: precision {fmt(h.precision)}, coverage "
        f"{fmt(h.coverage)}. Recommended threshold for precision ≥ {h.target_precision:g}: "
        f"**{rec}**. An answer counts as correct when "
        + (
            "the LLM judge says so."
            if h.correctness == "llm_judge"
            else "it cites a gold document."
        )
    ]
    return Table(
        "Hand-off: precision and coverage by threshold",
        ["threshold", "answered", "correct", "precision", "coverage"],
        rows,
        notes,
    )


def answerability_table(report: Report) -> Table | None:
    """Hand-off of unanswerables (real and leave-gold-out twins) vs answers, per slice."""
    a = report.answerability
    if a is None:
        return None
    groups: list[tuple[str, dict[str, Any]]] = [("all", a["overall"])]
    for dim in ("lang", "channel", "twin"):
        groups += [(f"{dim} {value}", f) for value, f in a.get(dim, {}).items()]
    rows = [
        [
            label,
            f"{fmt(f['unanswerable_handed_off'])} (n={f['unanswerable']})",
            f"{fmt(f['answerable_top10_answered'])} (n={f['answerable_top10']})",
            fmt(f["precision"]),
            fmt(f["handoff_precision"]),
            fmt(f["coverage"]),
            str(f["clarified"]),
        ]
        for label, f in groups
    ]
    rec = a["curve"]["recommended"]
    notes = [
        f"At the decision threshold {a['threshold']:g}"
        + (" with leave-gold-out twins (eval/twins.py)" if a.get("twins") else "")
        + f". Threshold reaching precision 0.9 with at least 10 answers: **{rec or 'none'}**."
    ]
    if a.get("clarify_expected"):
        notes.append(
            f"Labelled ambiguous questions asked which article: {a['clarify_hit']} of "
            f"{a['clarify_expected']}."
        )
    return Table(
        "Answerability: unanswerables handed off vs answerable answered",
        [
            "slice",
            "unanswerable handed off",
            "answerable (gold in top 10) answered",
            "precision",
            "hand-off precision",
            "coverage",
            "clarified",
        ],
        rows,
        notes,
    )


def slice_tables(report: Report) -> list[Table]:
    modes = list(report.retrieval)
    tables: list[Table] = []
    dims: dict[str, list[SliceRow]] = {}
    for row in report.slices:
        dims.setdefault(row.dimension, []).append(row)
    for dim, rows in dims.items():
        headers = [
            "value",
            "n",
            "with gold",
            *(f"nDCG@10 {m}" for m in modes),
            "token F1",
            "faithfulness",
            "cit. recall",
            "answered",
        ]
        body = [
            [
                r.value,
                str(r.n),
                str(r.n_with_gold),
                *(fmt(r.retrieval.get(m, {}).get("ndcg@10")) for m in modes),
                fmt(r.answers.get("token_f1")),
                fmt(r.answers.get("faithfulness")),
                fmt(r.answers.get("citation_recall")),
                fmt(r.answers.get("answered_rate")),
            ]
            for r in rows
        ]
        tables.append(Table(f"By {dim.replace('_', ' ')}", headers, body))
    return tables


def article_table(report: Report) -> Table:
    rows = [
        [
            a.external_id,
            a.title[:60],
            str(a.gold),
            str(a.retrieved_when_gold),
            str(a.retrieved),
            str(a.cited),
            str(a.cited_when_gold),
            fmt(a.faithfulness),
        ]
        for a in report.articles[:MAX_ARTICLES]
    ]
    notes = []
    if len(report.articles) > MAX_ARTICLES:
        notes.append(
            f"Top {MAX_ARTICLES} of {len(report.articles)} articles; all are in report.json."
        )
    return Table(
        f"Per-article scorecard ({report.config.primary_mode} retrieval, top {report.config.k})",
        [
            "id",
            "title",
            "gold",
            "retrieved when gold",
            "retrieved",
            "cited",
            "cited when gold",
            "faithfulness",
        ],
        rows,
        notes,
    )


def all_tables(report: Report) -> list[Table]:
    tables = [retrieval_table(report)]
    for extra in (answers_table(report), handoff_table(report), answerability_table(report)):
        if extra is not None:
            tables.append(extra)
    return [*tables, *slice_tables(report), article_table(report)]
