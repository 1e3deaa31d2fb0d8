"""POST /v1/documents, DELETE /v1/documents/{id} — one article or resolved ticket at a time,
through the same ingest stages as `kbc ingest` (chunk, redact, embed, upsert)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from fastapi import Path as PathParam

from copilot.config import Settings
from copilot.deps import DocumentCaller, State
from copilot.schemas.common import ERROR_RESPONSES, NOT_FOUND
from copilot.schemas.resources import DocumentIn, DocumentOut
from ingest.pipeline import upsert_documents, url_problem
from kb.errors import InvalidInput, NotFound, PayloadTooLarge
from kb.models import Document

router = APIRouter(prefix="/v1", tags=["documents"], responses=ERROR_RESPONSES)


def _document(body: DocumentIn) -> Document:
    if body.kind == "article":
        if body.article is None or body.ticket is not None:
            raise InvalidInput("an article upsert needs `article` (and no `ticket`)")
        a = body.article
        return Document(
            external_id=a.external_id,
            title=a.title,
            body=a.body,
            kind="article",
            visibility=a.visibility,
            url=a.url,
            lang=a.lang,
            product=a.product,
            tags=tuple(a.tags),
            owner=a.owner,
            updated_at=a.updated_at,
            translation_of=a.translation_of,
            source="api",
        )
    if body.ticket is None or body.article is not None:
        raise InvalidInput("a ticket upsert needs `ticket` (and no `article`)")
    from ingest.tickets import ticket_to_document

    doc = ticket_to_document(body.ticket, source="api")
    if not isinstance(doc, Document):
        raise InvalidInput(doc.reason)
    return doc


def check_limits(doc: Document, settings: Settings) -> None:
    """Body size (413) and the help center's URL host policy (422), before any work."""
    if len(doc.body) > settings.max_article_chars:
        raise PayloadTooLarge(
            f"body has {len(doc.body):,} characters; the limit is {settings.max_article_chars:,}"
        )
    hosts = [h for h in settings.article_url_hosts.split(",") if h.strip()]
    problem = url_problem(doc.url, hosts)
    if problem:
        raise InvalidInput(problem)


@router.post("/documents", response_model=DocumentOut)
def upsert(state: State, caller: DocumentCaller, body: DocumentIn) -> DocumentOut:
    doc = _document(body)
    check_limits(doc, state.settings)
    kb = state.kb
    assert kb.embedder is not None
    summary = upsert_documents([doc], kb, kb.embedder)
    if summary.failed:
        raise InvalidInput(summary.failed[0].reason)
    status: Literal["added", "updated", "unchanged"] = (
        "added" if summary.added else "updated" if summary.updated else "unchanged"
    )
    chunks = kb.catalog.chunk_count_of(doc.external_id)
    return DocumentOut(external_id=doc.external_id, kind=doc.kind, status=status, chunks=chunks)


# `:path`: external ids may hold slashes (every aws-docs id does); Starlette decodes %2F too.
@router.delete("/documents/{external_id:path}", status_code=204, responses=NOT_FOUND)
def delete(
    state: State,
    caller: DocumentCaller,
    external_id: Annotated[str, PathParam(max_length=500)],
) -> None:
    if state.kb.delete([external_id]) == 0:
        raise NotFound(f"no document with id {external_id!r}")
    state.kb.save_index()
