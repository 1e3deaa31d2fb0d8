"""QA scorecards: a thread and the reply an agent sent in; verdicts with their evidence out."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from copilot.schemas.threads import ThreadBase

CriterionName = Literal["grounded", "contradicts", "language", "answered_every_question", "privacy"]


class ScorecardIn(ThreadBase):
    """The thread as /v1/replies takes it (same limits: 413 past them), plus the sent reply."""

    reply: str = Field(
        min_length=1,
        description="The reply the agent sent: at most 6,000 characters and 20 sentences (413)",
    )


class ArticleRefOut(BaseModel):
    external_id: str
    title: str
    url: str | None
    sentence: str = Field(description="The article sentence the verdict rests on")


class SentenceCheckOut(BaseModel):
    text: str
    supported: bool
    score: float
    support: ArticleRefOut | None = Field(
        None, description="Best-matching article sentence (also shown when not supported)"
    )


class ContradictionOut(BaseModel):
    kind: str
    sentence: str
    value: str
    article: ArticleRefOut
    article_value: str


class QuestionCheckOut(BaseModel):
    question: str
    answered: bool
    score: float
    sentence: str | None = Field(None, description="The reply sentence closest to the question")


class PiiOut(BaseModel):
    kind: Literal["email", "phone", "card", "iban"]
    shown: str = Field(description="Masked: the last characters only")


class CriterionOut(BaseModel):
    name: CriterionName
    passed: bool
    score: float
    detail: str


class ScorecardOut(BaseModel):
    passed: bool
    failing: list[CriterionName]
    criteria: list[CriterionOut]
    sentences: list[SentenceCheckOut]
    contradictions: list[ContradictionOut]
    questions: list[QuestionCheckOut]
    pii: list[PiiOut]
    customer_lang: str
    reply_lang: str | None = Field(None, description="None when the reply is too short to tell")
    articles: list[str] = Field(description="External ids of the articles checked against")
    latency_ms: float
