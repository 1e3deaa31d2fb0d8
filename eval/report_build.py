"""Assemble a run's Report: retrieval, answer and hand-off summaries, slices, the headline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from copilot.config import Settings
from eval import calibration
from eval.dataset import Dataset
from eval.handoff import Outcome, curve, point, recommend_threshold
from eval.judge import AnswerJudge
from eval.report_json import (
    AnswerSummary,
    CurvePointModel,
    HandoffSummary,
    Report,
    RetrievalSummary,
    RunConfig,
    StoreInfo,
    TicketRecord,
)
from eval.retrieval_metrics import HEADLINE_RETRIEVAL
from eval.slices import (
    ANSWER_METRICS,
    DEFAULT_DIMENSIONS,
    answer_means,
    article_scorecard,
    latency,
    recall_curve,
    retrieval_means,
    slice_rows,
)
from kb.retrieval import FusionConfig

if TYPE_CHECKING:
    from eval.harness import EvalOptions as EvalRunOptions
    from eval.harness import EvalRun


def build_report(
    run: EvalRun,
    dataset: Dataset,
    settings: Settings,
    judge: AnswerJudge | None,
    seconds: float,
    tickets_path: Path,
) -> Report:
    opts, records = run.options, run.records
    primary = "hybrid" if "hybrid" in opts.modes else opts.modes[0]
    retrieval: dict[str, RetrievalSummary] = {}
    for mode in opts.modes:
        means = retrieval_means(records, mode)
        retrieval[mode] = RetrievalSummary(
            mode=mode,
            n=sum(1 for r in records if mode in r.retrieval),
            metrics=means,
            recall_curve=recall_curve(means),
            latency=latency([r.retrieval_ms[mode] for r in records if mode in r.retrieval_ms]),
        )
    answers = handoff = None
    if run.copilot is not None:
        answers = _answer_summary(run, judge)
        threshold = run.copilot.answer_threshold
        handoff = _handoff_summary(records, threshold, opts, judge)
    answerability = None
    if run.copilot is not None and opts.audience == "customer":
        answerability = calibration.summary(
            records, primary, run.copilot.answer_threshold, opts.twins, opts.target_precision
        )
    dims = [*DEFAULT_DIMENSIONS, *(["twin"] if opts.twins else []), *opts.slice_fields]
    report = Report(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        seconds=round(seconds, 2),
        config=RunConfig(
            tickets_path=str(tickets_path),
            modes=list(opts.modes),
            primary_mode=primary,
            k=opts.k,
            generator=settings.llm_model,
            audience=opts.audience,
            history=opts.history,
            answer_threshold=run.copilot.answer_threshold if run.copilot else None,
            limit=opts.limit,
            judge=judge.model if judge else None,
            fusion=_fusion_label(run.retriever.config),
            slice_fields=list(opts.slice_fields),
        ),
        store=StoreInfo(data_dir=str(run.kb.data_dir), model_id=run.kb.model_id, **run.kb.counts()),
        dataset=dataset.report.as_dict(),
        retrieval=retrieval,
        answers=answers,
        handoff=handoff,
        answerability=answerability,
        slices=slice_rows(records, opts.modes, dims),
        articles=article_scorecard(
            records, primary, lambda d: run.catalog[d].title if d in run.catalog else d
        ),
        tickets=records,
    )
    report.headline = headline(report)
    return report


def _fusion_label(cfg: FusionConfig) -> str:
    if cfg.method == "convex":
        return f"convex, dense_share {cfg.dense_share:g}"
    return f"rrf, k {cfg.rrf_k}, weights dense {cfg.dense_weight:g} keyword {cfg.keyword_weight:g}"


def _answer_summary(run: EvalRun, judge: AnswerJudge | None) -> AnswerSummary:
    records = run.records
    metrics, counts = answer_means(records)
    assert run.copilot is not None
    return AnswerSummary(
        generator=run.copilot.generator_name,
        audience=run.options.audience,
        n=len(records),
        drafted=sum(1 for r in records if r.answer),
        answered=sum(1 for r in records if r.outcome in ("answered", "drafted")),
        outcomes=dict(
            Counter(f"{r.outcome}:{r.reason}" if r.reason else str(r.outcome) for r in records)
        ),
        fallbacks=dict(Counter(r.fallback_reason for r in records if r.fallback_reason)),
        metrics=metrics,
        counts=counts,
        latency=latency([r.answer_ms for r in records if r.answer_ms is not None]),
        judge_model=judge.model if judge else None,
    )


def _handoff_summary(
    records: Sequence[TicketRecord],
    threshold: float,
    opts: EvalRunOptions,
    judge: AnswerJudge | None,
) -> HandoffSummary:
    outcomes = [
        Outcome(r.confidence or 0.0, r.could_answer, bool(r.correct), r.answerable)
        for r in records
        if r.correct is not None
    ]
    points = curve(outcomes)
    at = point(outcomes, threshold)
    return HandoffSummary(
        threshold=threshold,
        precision=at.precision,
        coverage=at.coverage,
        target_precision=opts.target_precision,
        recommended_threshold=recommend_threshold(points, opts.target_precision),
        correctness="llm_judge" if judge else "gold_cited",
        curve=[CurvePointModel(**p.__dict__) for p in points],
    )


def headline(report: Report) -> dict[str, float]:
    """The flat, higher-is-better metrics the regression gate compares."""
    out: dict[str, float] = {}
    for mode, summary in report.retrieval.items():
        for name in HEADLINE_RETRIEVAL:
            if name in summary.metrics:
                out[f"retrieval.{mode}.{name}"] = round(summary.metrics[name], 6)
    if report.answers is not None:
        for name in ANSWER_METRICS:  # every answer metric is higher-is-better
            value = report.answers.metrics.get(name)
            if value is not None:
                out[f"answers.{name}"] = round(value, 6)
    if report.handoff is not None:
        if report.handoff.precision is not None:
            out["handoff.precision"] = round(report.handoff.precision, 6)
        out["handoff.coverage"] = round(report.handoff.coverage, 6)
    return out
