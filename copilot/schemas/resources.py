"""Search hits, document upserts and feedback."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from copilot.schemas.common import RowId
from ingest.pipeline import url_problem


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
    model_config = ConfigDict(strict=True)  # JSON types as documented, no coercion

    external_id: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=500)
    body: str = Field(
        min_length=1, description="Markdown (at most Settings.max_article_chars characters)"
    )
    url: str | None = Field(
        None, max_length=2000, description="http(s) only; hosts per Settings.article_url_hosts"
    )
    lang: str | None = Field(None, max_length=35)
    visibility: Literal["public", "internal"] = "public"
    product: str | None = Field(None, max_length=200)
    tags: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list, max_length=50)
    owner: str | None = Field(None, max_length=200)
    updated_at: str | None = Field(None, max_length=64)
    translation_of: str | None = Field(None, max_length=200)

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str | None) -> str | None:
        problem = url_problem(url)
        if problem:
            raise ValueError(problem)
        return url


class DocumentIn(BaseModel):
    model_config = ConfigDict(strict=True)  # JSON types as documented, no coercion

    """One article, or one resolved ticket in the ingest ticket shape."""

    kind: Literal["article", "ticket"]
    article: ArticleIn | None = None
    ticket: dict[str, Any] | None = None


class DocumentOut(BaseModel):
    external_id: str
    kind: Literal["article", "ticket"]
    status: Literal["added", "updated", "unchanged"]
    chunks: int


class AnswerFeedbackIn(BaseModel):
    """A customer's (or agent's) vote on an answer."""

    model_config = ConfigDict(strict=True, extra="forbid")

    answer_id: RowId
    helpful: bool
    comment: str | None = Field(None, max_length=2000)


class DraftFeedbackIn(BaseModel):
    """An agent's vote on a draft and/or the reply they actually sent (one of them at least)."""

    model_config = ConfigDict(strict=True, extra="forbid")

    draft_id: RowId
    helpful: bool | None = None
    final_reply: str | None = Field(
        None,
        description="The reply the agent actually sent (at most Settings.max_reply_chars)",
    )
    comment: str | None = Field(None, max_length=2000)


# exactly one of answer_id / draft_id, said in the schema (anyOf with no extra properties)
FeedbackIn = AnswerFeedbackIn | DraftFeedbackIn


class FeedbackOut(BaseModel):
    feedback_id: int
    edit_distance: float | None = None
