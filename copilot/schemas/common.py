"""Shapes shared by several resources: errors, sources, sentence support."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    code: str = Field(examples=["unauthorized"])
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class SourceOut(BaseModel):
    """A cited source: an article (with its URL) or a similar resolved ticket (internal)."""

    n: int = Field(description="Citation number used in the text, e.g. [1]")
    external_id: str
    title: str
    url: str | None
    kind: Literal["article", "ticket"]
    lang: str | None
    snippet: str
    relevance: float


class SentenceOut(BaseModel):
    text: str
    citations: list[int]
    supported: bool
    score: float
    evidence: str | None = None


ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorBody, "description": "Missing or invalid API key"},
    403: {"model": ErrorBody, "description": "Role or origin not allowed"},
    413: {"model": ErrorBody, "description": "Request or thread too large"},
    422: {"model": ErrorBody, "description": "Invalid request"},
    429: {"model": ErrorBody, "description": "Rate limited (see Retry-After)"},
}
