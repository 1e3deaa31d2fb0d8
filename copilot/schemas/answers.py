"""Customer questions in; an answer with sources, or a hand-off with a reason, out."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from copilot.schemas.common import SentenceOut, SourceOut

HandoffReason = Literal["no_relevant_article", "low_confidence", "sensitive", "asked_for_human"]


class HistoryTurn(BaseModel):
    role: Literal["customer", "agent"]
    text: str


class AnswerIn(BaseModel):
    question: str = Field(min_length=1)
    history: list[HistoryTurn] = Field(default_factory=list, max_length=20)
    locale: str | None = Field(None, description="Browser locale, used when detection is unsure")


class HandoffOut(BaseModel):
    reason: HandoffReason
    message: str
    url: str | None = None
    email: str | None = None


class AnswerOut(BaseModel):
    answer_id: int
    outcome: Literal["answered", "handoff"]
    answer: str | None
    lang: str
    confidence: float
    sources: list[SourceOut]
    sentences: list[SentenceOut] = Field(default_factory=list)
    handoff: HandoffOut | None = None
    generator_used: str
    latency_ms: float
