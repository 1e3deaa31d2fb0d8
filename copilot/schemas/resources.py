"""Search hits, document upserts and feedback."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class SearchHitOut(BaseModel):
    external_id: str
    title: str
    url: str | None
    kind: Literal["article", "ticket"]
    visibility: Literal["public", "internal"]
    lang: str | None
    product: str | None
    score: float
    heading_path: list[str]
    snippet: str


class SearchOut(BaseModel):
    query: str
    mode: str
    hits: list[SearchHitOut]


class ArticleIn(BaseModel):
    external_id: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=500)
    body: str = Field(min_length=1, description="Markdown")
    url: str | None = None
    lang: str | None = None
    visibility: Literal["public", "internal"] = "public"
    product: str | None = None
    tags: list[str] = Field(default_factory=list)
    owner: str | None = None
    updated_at: str | None = None
    translation_of: str | None = None


class DocumentIn(BaseModel):
    """One article, or one resolved ticket in the ingest ticket shape."""

    kind: Literal["article", "ticket"]
    article: ArticleIn | None = None
    ticket: dict[str, Any] | None = None


class DocumentOut(BaseModel):
    external_id: str
    kind: Literal["article", "ticket"]
    status: Literal["added", "updated", "unchanged"]
    chunks: int


class FeedbackIn(BaseModel):
    answer_id: int | None = None
    draft_id: int | None = None
    helpful: bool | None = None
    final_reply: str | None = Field(None, description="The reply the agent actually sent")
    comment: str | None = Field(None, max_length=2000)


class FeedbackOut(BaseModel):
    feedback_id: int
    edit_distance: float | None = None
