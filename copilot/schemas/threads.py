"""Ticket threads in (same message shape as ingested tickets); replies and summaries out."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from copilot.schemas.common import SentenceOut, SourceOut


class MessageIn(BaseModel):
    author: Literal["customer", "agent"]
    body: str = Field(min_length=1)
    created_at: str | None = None


class ThreadIn(BaseModel):
    subject: str | None = None
    channel: str | None = None
    locale: str | None = Field(None, description="Customer locale hint, e.g. es-ES")
    customer_name: str | None = None
    messages: list[MessageIn] = Field(min_length=1)
    stream: bool = Field(
        False,
        description="Replies only: answer as server-sent events, `token` events while an LLM "
        "writes, then one `reply` event with the checked draft (ReplyOut) or one `error`.",
    )


class SummaryOut(BaseModel):
    problem: str
    tried: list[str]
    current_state: str
    next_step: str
    sentiment: Literal["positive", "neutral", "negative"]
    urgency: Literal["low", "normal", "high"]
    text: str
    generator_used: str


class ReplyOut(BaseModel):
    draft_id: int = Field(description="Send the final reply to /v1/feedback with this id")
    text: str
    lang: str
    confidence: float
    sources: list[SourceOut]
    sentences: list[SentenceOut]
    supported_share: float
    generator_used: str
    fallback_reason: str | None = None
    summary: SummaryOut | None = None
    latency_ms: float
    llm_tokens: int = Field(0, description="Tokens the LLM generated (0 for extractive)")
    llm_first_token_ms: float | None = None
