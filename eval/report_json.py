"""The report schema (report.json): stable, versioned, machine-readable.

`headline` is the flat map the regression gate compares; every value in it is a
higher-is-better share in [0, 1]. Add fields freely; rename or remove only with a new
`schema_version`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

SCHEMA_VERSION = 1


class Latency(BaseModel):
    n: int = 0
    mean_ms: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    max_ms: float | None = None


class TicketRecord(BaseModel):
    """Everything measured for one ticket (the rows the summaries are computed from)."""

    id: str
    question: str
    lang: str | None = None
    channel: str | None = None
    answerable: bool = True
    gold_doc_ids: list[str] = Field(default_factory=list)
    slices: dict[str, str] = Field(default_factory=dict)
    rankings: dict[str, list[str]] = Field(default_factory=dict)  # mode -> top-k document ids
    retrieval: dict[str, dict[str, float]] = Field(default_factory=dict)  # mode -> metrics
    retrieval_ms: dict[str, float] = Field(default_factory=dict)
    outcome: str | None = None  # answered | handoff | drafted (agent replies)
    reason: str | None = None
    confidence: float | None = None
    could_answer: bool = False
    answer: str | None = None
    source_ids: list[str] = Field(default_factory=list)
    cited_ids: list[str] = Field(default_factory=list)
    answer_metrics: dict[str, float | None] = Field(default_factory=dict)
    answer_ms: float | None = None
    generator_used: str | None = None
    fallback_reason: str | None = None
    correct: bool | None = None
    judge: dict[str, Any] | None = None
    twin_of: str | None = None  # leave-gold-out twin of this original ticket
    excluded_ids: list[str] = Field(default_factory=list)  # kept out of the twin's retrieval
    features: dict[str, float] = Field(default_factory=dict)  # what the decision read
    missing_terms: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)  # clarify: the offered articles
    expected: str | None = None  # labelled outcome, e.g. "clarify" for ambiguous questions


class RetrievalSummary(BaseModel):
    mode: str
    n: int  # tickets with a resolvable gold document
    metrics: dict[str, float]
    recall_curve: list[float]  # recall@1..10
    latency: Latency


class AnswerSummary(BaseModel):
    generator: str
    audience: str
    n: int
    drafted: int
    answered: int
    outcomes: dict[str, int]
    fallbacks: dict[str, int]  # LLM drafts that fell back to extractive, by reason
    metrics: dict[str, float | None]
    counts: dict[str, int]  # how many tickets each metric averages over
    latency: Latency
    judge_model: str | None = None  # set only when the LLM judge was used


class CurvePointModel(BaseModel):
    threshold: float
    answered: int
    correct: int
    precision: float | None
    coverage: float


class HandoffSummary(BaseModel):
    threshold: float
    precision: float | None
    coverage: float
    target_precision: float
    recommended_threshold: float | None
    correctness: str  # how "correct" was decided: gold_cited | llm_judge
    curve: list[CurvePointModel]


class SliceRow(BaseModel):
    dimension: str
    value: str
    n: int
    n_with_gold: int
    retrieval: dict[str, dict[str, float]]  # mode -> headline retrieval metrics
    answers: dict[str, float | None]


class ArticleRow(BaseModel):
    """Per-article scorecard: how often it is the gold, retrieved, cited, and how faithful."""

    external_id: str
    title: str
    gold: int
    retrieved_when_gold: int  # in the primary mode's top-k when it was the gold
    retrieved: int  # in the primary mode's top-k at all
    cited: int
    cited_when_gold: int
    faithfulness: float | None  # mean over answers citing it


class StoreInfo(BaseModel):
    data_dir: str
    model_id: str | None
    documents: int
    chunks: int


class RunConfig(BaseModel):
    tickets_path: str
    modes: list[str]
    primary_mode: str
    k: int
    generator: str
    audience: str
    history: str
    answer_threshold: float | None
    limit: int | None
    judge: str | None
    slice_fields: list[str]
    fusion: str = ""


class Report(BaseModel):
    schema_version: int = SCHEMA_VERSION
    created_at: str
    seconds: float
    config: RunConfig
    store: StoreInfo
    dataset: dict[str, Any]
    retrieval: dict[str, RetrievalSummary]
    answers: AnswerSummary | None = None
    handoff: HandoffSummary | None = None
    answerability: dict[str, Any] | None = None  # eval.calibration figures (with --twins)
    slices: list[SliceRow] = Field(default_factory=list)
    articles: list[ArticleRow] = Field(default_factory=list)
    headline: dict[str, float] = Field(default_factory=dict)
    tickets: list[TicketRecord] = Field(default_factory=list)


def write_json(report: Report, path: Path) -> Path:
    path.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    return path


def read_json(path: Path) -> Report:
    return Report.model_validate_json(Path(path).read_text(encoding="utf-8"))


def read_headline(path: Path) -> dict[str, float]:
    """Only the headline map (lets the gate read reports from older or newer schemas)."""
    import json

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    headline = data.get("headline") if isinstance(data, dict) else None
    if not isinstance(headline, dict):
        raise ValueError(f"{path} has no 'headline' metrics: is it a kbc eval report.json?")
    return {str(k): float(v) for k, v in headline.items() if isinstance(v, int | float)}
