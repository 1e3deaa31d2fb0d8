"""Flags: what the content-owner API lists, shows and changes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from kb.flags.model import Reason as FlagReason
from kb.flags.model import Severity
from kb.flags.model import Status as FlagStatus


class FlagOut(BaseModel):
    id: int
    document_id: str | None = Field(description="Article external id; null for missing_article")
    reason: FlagReason
    severity: Severity
    status: FlagStatus
    impact: float = Field(description="(1 + tickets/answers touching the article) x severity")
    evidence: dict[str, Any] = Field(description="Reason-specific evidence; always has `summary`")
    created_at: str
    updated_at: str
    status_changed_at: str
    note: str | None


class FlagListOut(BaseModel):
    flags: list[FlagOut]
    total: int
    counts: dict[str, dict[str, int]] = Field(description="reason -> status -> count, all flags")
    rechecked: list[str] = Field(description="Articles re-checked because they changed")


class ArticleText(BaseModel):
    external_id: str
    title: str
    url: str | None
    lang: str | None
    updated_at: str | None
    body: str = Field(description="Markdown")


class FlagDetailOut(FlagOut):
    article: ArticleText | None = Field(description="The flagged article, for side-by-side review")
    related: ArticleText | None = Field(
        None, description="The other article: duplicate's original or translation's source"
    )


class FlagPatch(BaseModel):
    status: FlagStatus | None = None
    note: str | None = Field(None, max_length=2000)
