"""Customer questions in; an answer with sources, or a hand-off with a reason, out."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from copilot.schemas.common import SentenceOut, SourceOut

HandoffReason = Literal[
    "no_relevant_article", "low_confidence", "verifier_no", "sensitive", "asked_for_human"
]


class HistoryTurn(BaseModel):
    role: Literal["customer", "agent"]
    text: str = Field(max_length=4000)


class AnswerIn(BaseModel):
    question: str = Field(min_length=1)
    history: list[HistoryTurn] = Field(default_factory=list, max_length=20)
    locale: str | None = Field(
        None, max_length=35, description="Browser locale, used when detection is unsure"
    )


class HandoffOut(BaseModel):
    reason: HandoffReason
    message: str
    url: str | None = None
    email: str | None = None
    articles: list[SourceOut] = Field(
        default_factory=list,
        description="Public articles that came close (low confidence only), to read meanwhile",
    )


class EvidenceOut(BaseModel):
    """What the answerability decision read (features in [0, 1] mostly, see kb.answerability)."""

    model_version: str
    probability: float
    threshold: float
    features: dict[str, float]
    contributions: dict[str, float] = Field(
        default_factory=dict, description="Each feature's push on the logit (+: answer)"
    )
    missing_terms: list[str] = Field(
        default_factory=list, description="Specific question terms no top passage contains"
    )


class TopicOut(BaseModel):
    title: str
    url: str | None = None


class ClarifyOut(BaseModel):
    """The question fits several articles about equally: ask which one the customer means."""

    message: str
    topics: list[TopicOut] = Field(min_length=2)


class AnswerOut(BaseModel):
    answer_id: int
    outcome: Literal["answered", "handoff", "clarify"]
    answer: str | None
    lang: str
    confidence: float
    sources: list[SourceOut]
    sentences: list[SentenceOut] = Field(default_factory=list)
    handoff: HandoffOut | None = None
    clarify: ClarifyOut | None = None
    evidence: EvidenceOut | None = None
    generator_used: str
    latency_ms: float
