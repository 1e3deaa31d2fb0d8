"""Intercom's webhook on the real app (hashing embedder): a signed closed conversation becomes a
redacted internal ticket, again is unchanged; other topics are ignored; a wrong signature is
401 and repeated ones 429; no secret configured is 404; a bad notification is a clear 4xx."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from copilot.app import build_state, create_app
from copilot.config import Settings
from kb.embedders import HashingEmbedder
from kb.store import KnowledgeBase
from tests.intercom_payloads import whole

SECRET = "0123456789abcdef-intercom-client-secret"
URL = "/v1/webhooks/intercom"


def _app(tmp_path: Path, **settings: Any) -> Iterator[tuple[TestClient, KnowledgeBase]]:
    kb = KnowledgeBase(tmp_path / "store", HashingEmbedder(256))
    config = Settings.model_validate(
        {"data_dir": tmp_path / "store", "embedder": "hashing-256", **settings}
    )
    state = build_state(config, kb)
    with TestClient(create_app(config, state=state)) as client:
        yield client, kb
    kb.database.close()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[tuple[TestClient, KnowledgeBase]]:
    yield from _app(tmp_path, intercom_webhook_secret=SECRET,
                    rate_limit_failed_auth_per_minute=3)  # fmt: skip


def _send(client: TestClient, note: Any, secret: str = SECRET) -> Any:
    raw = json.dumps(note).encode()
    signature = "sha1=" + hmac.new(secret.encode(), raw, hashlib.sha1).hexdigest()
    headers = {"X-Hub-Signature": signature, "Content-Type": "application/json"}
    return client.post(URL, content=raw, headers=headers)


def closed(conversation_id: str) -> dict[str, Any]:
    return {
        "type": "notification_event",
        "topic": "conversation.admin.closed",
        "data": {"type": "notification_event_data", "item": whole(conversation_id, 1_790_900_000)},
    }


def test_a_closed_conversation_becomes_a_redacted_ticket(
    app: tuple[TestClient, KnowledgeBase],
) -> None:
    client, kb = app
    first = _send(client, closed("41"))
    assert first.status_code == 200, first.text
    assert first.json() == {"topic": "conversation.admin.closed", "status": "added",
                            "external_id": "intercom-conversation-41"}  # fmt: skip
    doc = kb.get_document("intercom-conversation-41")
    assert doc is not None and doc.kind == "ticket" and doc.visibility == "internal"
    assert "within 5 working days" in doc.body and "jo@example.com" not in doc.body
    assert "Second refund" not in doc.body  # the note stays out
    assert _send(client, closed("41")).json()["status"] == "unchanged"
    ping = _send(client, {"type": "notification_event", "topic": "ping", "data": {}})
    assert ping.status_code == 200 and ping.json()["status"] == "ignored"


def test_a_wrong_signature_is_refused_and_repeated_ones_rate_limited(
    app: tuple[TestClient, KnowledgeBase],
) -> None:
    client, kb = app
    forged = _send(client, closed("42"), secret="another-secret-of-some-length")
    assert forged.status_code == 401 and forged.json()["error"]["code"] == "unauthorized"
    unsigned = client.post(URL, json=closed("42"))
    assert unsigned.status_code == 401
    assert kb.get_document("intercom-conversation-42") is None
    _send(client, closed("42"), secret="another-secret-of-some-length")
    limited = _send(client, closed("42"))  # even signed: this IP refused 3 times this minute
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"


def test_bad_notifications_are_clear_errors(app: tuple[TestClient, KnowledgeBase]) -> None:
    client, _ = app
    not_json = b"{not json"
    signature = "sha1=" + hmac.new(SECRET.encode(), not_json, hashlib.sha1).hexdigest()
    bad = client.post(URL, content=not_json, headers={"X-Hub-Signature": signature})
    assert bad.status_code == 422 and "not JSON" in bad.json()["error"]["message"]
    no_item = _send(client, {"topic": "conversation.admin.closed", "data": {}})
    assert no_item.status_code == 422 and "data.item" in no_item.json()["error"]["message"]
    empty = closed("43")
    empty["data"]["item"]["conversation_parts"] = {"conversation_parts": []}
    agentless = _send(client, empty)
    assert agentless.status_code == 422 and "no agent message" in agentless.text


def test_a_conversation_past_the_document_size_limit_is_413(tmp_path: Path) -> None:
    for client, kb in _app(tmp_path, intercom_webhook_secret=SECRET, max_article_chars=1000):
        long = closed("45")
        long["data"]["item"]["source"]["body"] = "<p>" + "My order is broken. " * 100 + "</p>"
        refused = _send(client, long)
        assert refused.status_code == 413 and refused.json()["error"]["code"] == "payload_too_large"
        assert kb.get_document("intercom-conversation-45") is None


def test_without_a_secret_the_route_is_off(tmp_path: Path) -> None:
    for client, _ in _app(tmp_path):
        off = _send(client, closed("44"))
        assert off.status_code == 404 and "not configured" in off.text


def test_a_placeholder_secret_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="client secret"):
        Settings.model_validate({"intercom_webhook_secret": "changeme"})
