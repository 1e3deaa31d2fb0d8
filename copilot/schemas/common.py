"""Shapes shared by several resources: errors, sources, sentence support."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

# SQLite rowids are signed 64-bit: a larger id is a 422, never an OverflowError (500).
MAX_ROW_ID = 2**63 - 1
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]


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
    note: str | None = Field(
        None, description="The article's language when not the reply's: \"(Artikel auf Englisch)\""
    )


class SentenceOut(BaseModel):
    text: str
    citations: list[int]
    supported: bool
    score: float
    evidence: str | None = None


ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorBody, "description": "Body is not JSON or not UTF-8 (`invalid_json`)"},
    401: {"model": ErrorBody, "description": "Missing or invalid API key (`unauthorized`)"},
    403: {"model": ErrorBody, "description": "Role or origin not allowed (`forbidden`)"},
    413: {"model": ErrorBody, "description": "Request or a field too large (`payload_too_large`)"},
    422: {
        "model": ErrorBody,
        "description": "Invalid request (`invalid_request`, `invalid_input`)",
    },
    429: {
        "model": ErrorBody,
        "description": "Rate limited, also after repeated 401/403 (`rate_limited`, Retry-After)",
    },
}
NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorBody, "description": "No such answer, draft, document or flag"}
}
