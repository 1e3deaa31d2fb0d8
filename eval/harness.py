"""Run labelled tickets through the same `Retriever` and `Copilot` the API uses; build a Report.

Retrieval is measured once per mode; answers come from `Copilot.answer` (customers, public
articles, hand-off rule) or `Copilot.reply` (agents) exactly as the routes call them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from copilot.compose import Draft, is_courtesy
from copilot.config import Settings
from copilot.engine import Composed, Copilot, confidence
from eval import calibration
from eval.answer_metrics import (
    citation_precision,
    citation_recall,
    embedding_similarities,
    faithfulness,
    rouge_l,
    token_f1,
)
from eval.dataset import Dataset, Role, Ticket, load_tickets
from eval.judge import AnswerJudge
from eval.report_build import build_report
from eval.report_json import (
    Report,
    TicketRecord,
)
from eval.retrieval_metrics import ranking_metrics
from eval.twins import ExcludingRetriever, excluded_documents, twin_of
from kb.models import SEARCH_MODES, SearchFilters, SearchMode
from kb.retrieval import FusionConfig, Retriever
from kb.store import KnowledgeBase

Audience = Literal["customer", "agent"]
HistoryUse = Literal["customer", "all", "none"]
HISTORY_ROLES: dict[str, tuple[Role, ...]] = {
    "customer": ("customer",),
    "all": ("customer", "agent"),
    "none": (),
}


@dataclass(frozen=True)
class EvalOptions:
    modes: tuple[SearchMode, ...] = SEARCH_MODES
    k: int = 10
    generator: str = "extractive"
    answers: bool = True
    audience: Audience = "customer"
    history: HistoryUse = "all"  # as POST /v1/answers: customer and agent turns
    limit: int | None = None
    target_precision: float = 0.9
    slice_fields: tuple[str, ...] = ()
    settings: Settings | None = None  # default: Settings(llm_model=generator)
    fusion: FusionConfig | None = None  # default: the retriever's own defaults (as the API)
    twins: bool = False  # add a leave-gold-out twin of every answerable ticket (eval/twins.py)
    # retrieval only among documents in the ticket's language — as POST /v1/answers searches
    # first; off: every language (a cross-lingual embedder then competes with translations)
    in_language: bool = False


@dataclass(frozen=True)
class DocInfo:
    title: str
    kind: str
    doc_type: str | None


@dataclass
class EvalRun:
    """Per-run state shared by the steps below."""

    kb: KnowledgeBase
    options: EvalOptions
    catalog: dict[str, DocInfo]
    retriever: Retriever
    copilot: Copilot | None
    filters: SearchFilters
    records: list[TicketRecord] = field(default_factory=list)
    twin_retriever: ExcludingRetriever | None = None  # set while a twin is evaluated
    inputs: dict[str, calibration.DecisionInput] | None = None  # filled when asked for


def catalog(kb: KnowledgeBase) -> dict[str, DocInfo]:
    """Every stored document's id, title, kind and source-specific type (e.g. faq/review)."""
    return {
        d.external_id: DocInfo(d.title, d.kind, _json_scalar(d.meta.get("doc_type")))
        for d in kb.catalog.document_entries()
    }


def _json_scalar(value: Any) -> Any:
    """A meta value as SQLite's json_extract gave it (which this catalog read once used):
    booleans as 0/1, objects and lists as compact JSON text."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def run_eval(
    tickets_path: Path,
    kb: KnowledgeBase,
    options: EvalOptions,
    *,
    judge: AnswerJudge | None = None,
    progress: Callable[[], None] | None = None,
    inputs: dict[str, calibration.DecisionInput] | None = None,
) -> Report:
    """Evaluate `tickets_path` against the store `kb`; the caller writes the report files.

    `inputs`, when given, receives what each answer decision read (question, history, hits,
    answer text), so `kbc calibrate` can recompute features without re-running retrieval."""
    started = time.perf_counter()
    docs = catalog(kb)
    dataset = load_tickets(tickets_path, set(docs), limit=options.limit)
    settings = options.settings or Settings.model_validate({"llm_model": options.generator})
    retriever = Retriever(kb, options.fusion)
    copilot = Copilot.from_settings(settings, kb, retriever) if options.answers else None
    articles = frozenset({"article"})
    filters = (
        SearchFilters.public()
        if options.audience == "customer"
        else SearchFilters(visibility=frozenset({"public", "internal"}), kinds=articles)  # type: ignore[arg-type]
    )
    run = EvalRun(kb, options, docs, retriever, copilot, filters, inputs=inputs)
    for ticket in dataset.tickets:
        run.records.append(_evaluate(run, ticket))
        if progress:
            progress()
    if options.twins:
        dataset = _twins(run, dataset, progress)
    _similarities(run, dataset)
    if judge is not None:
        _judge(run, dataset, judge)
    _correctness(run, dataset)
    return build_report(run, dataset, settings, judge, time.perf_counter() - started, tickets_path)


def _twins(run: EvalRun, dataset: Dataset, progress: Callable[[], None] | None) -> Dataset:
    """Evaluate the leave-gold-out twin of every ticket with gold documents."""
    twins: list[Ticket] = []
    copilot = run.copilot
    twin_retriever = ExcludingRetriever(run.kb, run.retriever.config)
    if copilot is not None:
        copilot = Copilot(
            run.kb, twin_retriever, copilot.composer, copilot.settings, copilot.generator
        )
    for ticket in dataset.tickets:
        if not ticket.has_gold:
            continue
        excluded = excluded_documents(run.kb, ticket.gold_doc_ids)
        twin = twin_of(ticket, excluded)
        twin_retriever.exclude(excluded)
        run.twin_retriever = twin_retriever
        twins.append(twin)
        run.records.append(_evaluate(run, twin, copilot))
        if progress:
            progress()
    run.twin_retriever = None
    return Dataset(tickets=(*dataset.tickets, *twins), report=dataset.report)


def _evaluate(run: EvalRun, ticket: Ticket, copilot: Copilot | None = None) -> TicketRecord:
    history = ticket.history_texts(HISTORY_ROLES[run.options.history])
    twin = run.twin_retriever
    expected = ticket.extras.get("expected")
    rec = TicketRecord(
        id=ticket.id,
        question=ticket.question,
        lang=ticket.lang,
        channel=ticket.channel,
        answerable=ticket.answerable,
        gold_doc_ids=list(ticket.gold_doc_ids),
        twin_of=ticket.extras.get("twin_of") if twin is not None else None,
        excluded_ids=sorted(twin.excluded) if twin is not None else [],
        expected=expected if isinstance(expected, str) else None,
    )
    for mode in run.options.modes:
        # A fresh retriever per mode: its query-vector cache must not let one mode ride on
        # the embedding another paid for (latency is per mode, cold).
        retriever = Retriever(run.kb, run.retriever.config)
        if twin is not None:
            retriever = ExcludingRetriever(run.kb, run.retriever.config)
            retriever.exclude(twin.excluded)
        filters = run.filters
        if run.options.in_language:
            filters = replace(filters, lang=ticket.lang)
        t0 = time.perf_counter()
        hits = retriever.search(
            ticket.question, k=run.options.k, filters=filters, mode=mode, history=history
        )
        rec.retrieval_ms[mode] = round((time.perf_counter() - t0) * 1000, 2)
        rec.rankings[mode] = [h.external_id for h in hits]
        if ticket.has_gold:
            rec.retrieval[mode] = ranking_metrics(rec.rankings[mode], ticket.gold_doc_ids)
    copilot = copilot or run.copilot
    if copilot is not None:
        _answer(run, copilot, ticket, history, rec)
    rec.slices = _slices(run, ticket, rec)
    return rec


def _answer(
    run: EvalRun, copilot: Copilot, ticket: Ticket, history: list[str], rec: TicketRecord
) -> None:
    t0 = time.perf_counter()
    composed: Composed | None
    if run.options.audience == "customer":
        answered = copilot.answer(ticket.question, history=history, locale=ticket.lang)
        rec.outcome, rec.reason, rec.confidence = (
            answered.outcome,
            answered.reason,
            answered.confidence,
        )
        composed = answered.composed
        rec.source_ids = [s.external_id for s in answered.sources]
        if answered.evidence is not None:
            rec.features = {k: round(v, 5) for k, v in answered.evidence.features.items()}
            rec.missing_terms = list(answered.evidence.missing[:5])
        rec.topics = [t.external_id for t in answered.topics]
        if answered.composed is not None:  # the pre-answerability rule, for before/after
            rec.features["legacy_confidence"] = confidence(
                answered.sources,
                answered.composed.draft.supported_share,
                copilot.settings.relevance_floor,
            )
        if run.inputs is not None:
            text = answered.composed.draft.text if answered.composed else None
            run.inputs[rec.id] = calibration.DecisionInput(
                ticket.question, tuple(history), tuple(answered.hits), text
            )
    else:
        roles = HISTORY_ROLES[run.options.history]
        thread = [(t.role, t.text) for t in ticket.history if t.role in roles]
        composed = copilot.reply([*thread, ("customer", ticket.question)], locale=ticket.lang)
        rec.outcome, rec.confidence = "drafted", composed.confidence
        rec.source_ids = [s.external_id for s in composed.sources]
    rec.answer_ms = round((time.perf_counter() - t0) * 1000, 2)
    if rec.lang is None:
        rec.lang = composed.lang if composed else None
    if composed is None:
        return
    draft = composed.draft
    by_number = {s.n: s.external_id for s in composed.sources}
    rec.cited_ids = list(dict.fromkeys(by_number[n] for n in draft.cited if n in by_number))
    rec.answer = draft.text
    rec.could_answer = bool(draft.cited)
    rec.generator_used, rec.fallback_reason = draft.generator_used, draft.fallback_reason
    rec.answer_metrics = _answer_metrics(ticket, draft, rec.cited_ids)


def _answer_metrics(ticket: Ticket, draft: Draft, cited: Sequence[str]) -> dict[str, float | None]:
    content = [s.supported for s in draft.sentences if not is_courtesy(s.text)]
    out: dict[str, float | None] = {"faithfulness": faithfulness(content)}
    if ticket.gold_answer:
        out["token_f1"] = token_f1(draft.text, ticket.gold_answer)
        out["rouge_l"] = rouge_l(draft.text, ticket.gold_answer)
    if ticket.has_gold:
        out["citation_precision"] = citation_precision(cited, ticket.gold_doc_ids)
        out["citation_recall"] = citation_recall(cited, ticket.gold_doc_ids)
    return out


def _slices(run: EvalRun, ticket: Ticket, rec: TicketRecord) -> dict[str, str]:
    out = {"lang": rec.lang or "unknown", "answerable": "yes" if ticket.answerable else "no"}
    if run.options.twins:
        out["twin"] = "yes" if rec.twin_of else "no"
    if ticket.channel:
        out["channel"] = ticket.channel
    if ticket.has_gold:
        types = {
            run.catalog[g].doc_type or run.catalog[g].kind
            for g in ticket.gold_doc_ids
            if g in run.catalog
        }
        out["gold_doc_type"] = "+".join(sorted(t for t in types if t))
    for name in run.options.slice_fields:
        value = ticket.extras.get(name)
        if value is not None and not isinstance(value, dict | list):
            out[name] = str(value)
    return out


def _similarities(run: EvalRun, dataset: Dataset) -> None:
    """Embedding cosine of each answer to its gold answer, batched with the store's embedder."""
    embedder = run.kb.embedder
    if embedder is None:
        return
    todo = [
        (rec, t.gold_answer)
        for rec, t in zip(run.records, dataset.tickets, strict=True)
        if rec.answer and t.gold_answer
    ]
    sims = embedding_similarities(embedder, [(rec.answer or "", gold) for rec, gold in todo])
    for (rec, _), sim in zip(todo, sims, strict=True):
        rec.answer_metrics["cosine"] = round(sim, 6)


def _judge(run: EvalRun, dataset: Dataset, judge: AnswerJudge) -> None:
    for rec, ticket in zip(run.records, dataset.tickets, strict=True):
        if rec.answer and ticket.gold_answer:
            verdict = judge.judge(ticket.question, ticket.gold_answer, rec.answer)
            rec.judge = verdict.as_dict()
            if verdict.correct is not None:
                rec.answer_metrics["judge_correct"] = 1.0 if verdict.correct else 0.0


def _correctness(run: EvalRun, dataset: Dataset) -> None:
    """Would answering be right? The judge's verdict when there is one, else gold cited."""
    for rec, ticket in zip(run.records, dataset.tickets, strict=True):
        if not ticket.answerable:
            rec.correct = False
        elif rec.judge is not None and rec.judge.get("correct") is not None:
            rec.correct = bool(rec.judge["correct"])
        elif ticket.has_gold:
            rec.correct = bool(set(rec.cited_ids) & set(ticket.gold_doc_ids))
