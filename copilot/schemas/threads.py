"""Ticket threads in (same message shape as ingested tickets); replies and summaries out."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from copilot.schemas.common import SentenceOut, SourceOut


class MessageIn(BaseModel):
    model_config = ConfigDict(strict=True)

    author: Literal["customer", "agent"]
    body: str = Field(
        min_length=1, description="At most Settings.max_message_chars characters (413)"
    )
    created_at: str | None = Field(None, max_length=64)


class ThreadBase(BaseModel):
    """A ticket thread as the API takes it (its limits: 413 past them)."""

    model_config = ConfigDict(strict=True)  # "stream": 0 is not a boolean

    subject: str | None = Field(None, max_length=1000)
    channel: str | None = Field(None, max_length=100)
    locale: str | None = Field(None, max_length=35, description="Customer locale hint, e.g. es-ES")
    customer_name: str | None = Field(None, max_length=200)
    messages: list[MessageIn] = Field(
        min_length=1, description="At most Settings.max_thread_messages (413)"
    )


class ThreadIn(ThreadBase):
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
