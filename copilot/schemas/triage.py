"""Triage: an incoming thread in; suggested tags, urgency, language and related documents out."""

from __future__ import annotations

import dataclasses
from typing import Literal

from pydantic import BaseModel, Field

from copilot.triage import Triage


class TagOut(BaseModel):
    tag: str
    share: float = Field(description="Share of the nearest resolved tickets' vote, 0..1")
    tickets: list[str] = Field(description="Resolved tickets that carry the tag, nearest first")


class RelatedOut(BaseModel):
    external_id: str
    title: str
    url: str | None
    score: float


class TriageOut(BaseModel):
    lang: str = Field(description="The customer's language")
    sentiment: Literal["positive", "neutral", "negative"]
    urgency: Literal["low", "normal", "high"]
    tags: list[TagOut] = Field(
        description="The nearest resolved ticket's tags, and any with >= 0.4 of the vote"
    )
    similar_tickets: list[RelatedOut]
    articles: list[RelatedOut]

    @classmethod
    def of(cls, triage: Triage) -> TriageOut:
        return cls.model_validate(dataclasses.asdict(triage))
