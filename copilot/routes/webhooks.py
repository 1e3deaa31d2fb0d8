"""POST /v1/webhooks/intercom: Intercom's webhook. A conversation is stored as a resolved ticket
the moment it is closed, through the same reader and redaction as `kbc sync intercom --tickets`.

Intercom signs each notification with the app's client secret: `X-Hub-Signature: sha1=<hex
HMAC-SHA1 of the raw body>`. Without KBC_INTERCOM_WEBHOOK_SECRET the route is off (404). A
missing or wrong signature is a 401 that counts toward the caller IP's refusals (429 after too
many), as a bad API key does. Topics other than a closed conversation (the subscription's
`ping`, ...) are acknowledged and ignored. The work is one ticket's ingest, within the sizes
POST /v1/documents allows.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from copilot.deps import State, request_ip
from copilot.routes.documents import check_limits
from copilot.schemas.common import ERROR_RESPONSES, ErrorBody
from copilot.state import AppState
from ingest.pipeline import upsert_documents
from ingest.tickets import ticket_to_document
from kb.errors import InvalidInput, NotFound, Unauthorized
from kb.models import Document

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"], responses=ERROR_RESPONSES)
CLOSED = frozenset({"conversation.admin.closed"})
SOURCE = "intercom-webhook"


class WebhookOut(BaseModel):
    topic: str
    status: Literal["added", "updated", "unchanged", "ignored"]
    external_id: str | None = None


NOTIFICATION = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
        "description": "An Intercom notification (`topic`, `data.item`), signed in X-Hub-Signature",
    }
}


@router.post(
    "/intercom",
    response_model=WebhookOut,
    responses={404: {"model": ErrorBody, "description": "The webhook is not configured"}},
    openapi_extra=NOTIFICATION,
)
async def intercom(request: Request, state: State) -> WebhookOut:
    secret = state.settings.intercom_webhook_secret
    if secret is None:
        raise NotFound("the Intercom webhook is not configured (KBC_INTERCOM_WEBHOOK_SECRET)")
    failures = f"failed-auth:{request_ip(request, state)}"
    state.limiter.check(failures, state.settings.rate_limit_failed_auth_per_minute)
    raw = await request.body()
    if not _signed(raw, request.headers.get("x-hub-signature"), secret.get_secret_value()):
        state.limiter.record(failures)
        raise Unauthorized("missing or wrong X-Hub-Signature for this webhook's secret")
    note = _notification(raw)
    topic = str(note.get("topic") or "")
    if topic not in CLOSED:
        return WebhookOut(topic=topic, status="ignored")
    doc = _conversation(note)
    check_limits(doc, state.settings)  # the size POST /v1/documents allows, 413 past it
    return await run_in_threadpool(_store, state, topic, doc)


def _signed(raw: bytes, header: str | None, secret: str) -> bool:
    scheme, _, given = (header or "").partition("=")
    expected = hmac.new(secret.encode("utf-8"), raw, hashlib.sha1).hexdigest()
    return scheme.strip().lower() == "sha1" and hmac.compare_digest(given.strip(), expected)


def _notification(raw: bytes) -> dict[str, Any]:
    try:
        note = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"the notification is not JSON: {exc}") from exc
    if not isinstance(note, dict):
        raise InvalidInput("the notification must be a JSON object")
    return note


def _conversation(note: dict[str, Any]) -> Document:
    data = note.get("data")
    item = data.get("item") if isinstance(data, dict) else None
    if not isinstance(item, dict) or item.get("type") != "conversation":
        raise InvalidInput("a conversation notification needs `data.item`, a conversation")
    doc = ticket_to_document(item, source=SOURCE)
    if not isinstance(doc, Document):
        raise InvalidInput(doc.reason)
    return doc


def _store(state: AppState, topic: str, doc: Document) -> WebhookOut:
    kb = state.kb
    assert kb.embedder is not None
    summary = upsert_documents([doc], kb, kb.embedder)
    if summary.failed:
        raise InvalidInput(summary.failed[0].reason)
    status: Literal["added", "updated", "unchanged"] = (
        "added" if summary.added else "updated" if summary.updated else "unchanged"
    )
    return WebhookOut(topic=topic, status=status, external_id=doc.external_id)
