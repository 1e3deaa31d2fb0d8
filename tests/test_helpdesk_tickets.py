"""Zendesk tickets with their comments: roles from the requester, private notes left out,
PII redacted, one object per line under a .json name, and bad tickets reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ingest.files import Failure
from ingest.tickets import iter_ticket_documents
from kb.errors import SourceError
from kb.models import Document


def zendesk_ticket(ticket_id: int, status: str = "solved", **fields: Any) -> dict[str, Any]:
    ticket: dict[str, Any] = {
        "id": ticket_id,
        "subject": "Refund for a double charge",
        "status": status,
        "via": {"channel": "email"},
        "tags": ["billing", "refund"],
        "requester_id": 11,
        "assignee_id": 22,
        "created_at": "2026-10-01T09:00:00Z",
        "updated_at": "2026-10-02T14:11:00Z",
        "comments": [
            {
                "id": 1,
                "author_id": 11,
                "public": True,
                "body": "I was charged twice this month. Reach me at jo@example.com.",
                "created_at": "2026-10-01T09:00:00Z",
            },
            {
                "id": 2,
                "author_id": 22,
                "public": False,
                "body": "Internal: customer is on the legacy plan, approve silently.",
                "created_at": "2026-10-01T10:00:00Z",
            },
            {
                "id": 3,
                "author_id": 22,
                "public": True,
                "plain_body": "I refunded the second charge; it shows in 5-10 business days.",
                "body": "<p>I refunded the second charge</p>",
                "created_at": "2026-10-02T14:10:00Z",
            },
        ],
    }
    ticket.update(fields)
    return ticket


def loaded(path: Path) -> tuple[dict[str, Document], list[Failure]]:
    docs: dict[str, Document] = {}
    failures: list[Failure] = []
    for item in iter_ticket_documents(path):
        if isinstance(item, Failure):
            failures.append(item)
        else:
            docs[item.external_id] = item
    return docs, failures


def test_zendesk_ticket_becomes_a_redacted_question_and_resolution(tmp_path: Path) -> None:
    path = tmp_path / "tickets.json"
    path.write_text(json.dumps({"tickets": [zendesk_ticket(4101)]}), encoding="utf-8")
    docs, failures = loaded(path)
    assert failures == []
    doc = docs["zendesk-ticket-4101"]
    assert doc.kind == "ticket" and doc.visibility == "internal"
    assert doc.title == "Refund for a double charge"
    assert "charged twice" in doc.body and "jo@example.com" not in doc.body
    assert "5-10 business days" in doc.body  # plain_body preferred over the HTML body
    assert "legacy plan" not in doc.body  # a private note never reaches the store
    assert doc.meta["channel"] == "email" and doc.tags == ("billing", "refund")
    assert doc.updated_at == "2026-10-02T14:11:00Z"  # solved: its last update


def test_one_ticket_per_line_under_a_json_name(tmp_path: Path) -> None:
    path = tmp_path / "export.json"  # Zendesk's full JSON export: one object per line
    lines = [
        zendesk_ticket(1, solved_at="2026-10-03T08:00:00Z"),
        zendesk_ticket(2, status="open"),
        zendesk_ticket(3, comments=[{"author_id": 22, "public": True, "body": "Any news?"}]),
        zendesk_ticket(4, comments=[{"author_id": 22, "public": False, "body": "note"}]),
    ]
    path.write_text("\n".join(json.dumps(t) for t in lines) + "\n", encoding="utf-8")
    docs, failures = loaded(path)
    assert list(docs) == ["zendesk-ticket-1"]
    assert docs["zendesk-ticket-1"].meta["resolved_at"] == "2026-10-03T08:00:00Z"
    assert [f.source.rsplit(":", 1)[1] for f in failures] == ["2", "3", "4"]
    reasons = [f.reason for f in failures]
    assert "not resolved (status 'open')" in reasons[0]
    assert "no customer message" in reasons[1]
    assert "has no messages" in reasons[2]  # only a private note


def test_a_broken_json_file_is_still_an_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"tickets": [', encoding="utf-8")
    with pytest.raises(SourceError, match="invalid JSON"):
        list(iter_ticket_documents(path))


def intercom_conversation(
    conversation_id: str, state: str = "closed", **fields: Any
) -> dict[str, Any]:
    def part(part_type: str, author: str, body: str | None, at: int) -> dict[str, Any]:
        return {
            "type": "conversation_part",
            "id": f"p{at}",
            "part_type": part_type,
            "body": body,
            "created_at": at,
            "author": {"type": author, "id": f"{author}-1"},
        }

    conversation: dict[str, Any] = {
        "type": "conversation",
        "id": conversation_id,
        "title": None,
        "created_at": 1759309200,
        "updated_at": 1759420000,
        "state": state,
        "source": {
            "type": "conversation",
            "delivered_as": "customer_initiated",
            "subject": "",
            "body": "<p>How do I export my bookings to <b>CSV</b>? I'm on +44 20 7946 0958.</p>",
            "author": {"type": "user", "id": "u1"},
        },
        "conversation_parts": {
            "type": "conversation_part.list",
            "conversation_parts": [
                part("comment", "bot", "<p>Here are some articles that may help.</p>", 1759309260),
                part("note", "admin", "<p>VIP account, be quick.</p>", 1759309300),
                part("assignment", "admin", None, 1759309320),
                part("comment", "admin", "<p>Open <b>Settings &gt; Export</b>.</p>", 1759309400),
                part("close", "admin", "<p>Closing this, write back any time.</p>", 1759309500),
            ],
            "total_count": 5,
        },
        "tags": {"type": "tag.list", "tags": [{"type": "tag", "name": "export"}]},
        "statistics": {"last_close_at": 1759309500},
    }
    conversation.update(fields)
    return conversation


def test_intercom_conversation_keeps_customer_and_admin_parts(tmp_path: Path) -> None:
    path = tmp_path / "conversations.json"
    records = [
        intercom_conversation("501"),
        intercom_conversation("502", state="open"),
        intercom_conversation("503", statistics={"last_close_at": "yesterday"}),
    ]
    path.write_text(json.dumps(records), encoding="utf-8")
    docs, failures = loaded(path)
    doc = docs["intercom-conversation-501"]
    assert "export my bookings to **CSV**" in doc.body and "7946" not in doc.body  # redacted
    assert "**Settings > Export**" in doc.body and "write back any time" in doc.body
    assert "articles that may help" not in doc.body  # the bot's part
    assert "VIP account" not in doc.body  # an internal note
    assert doc.title.startswith("How do I export my bookings")
    assert doc.tags == ("export",) and doc.meta["resolved_at"] == "2025-10-01T09:05:00+00:00"
    assert list(docs) == ["intercom-conversation-501"]
    assert "not resolved (status 'open')" in failures[0].reason
    assert "last_close_at: 'yesterday' is not an ISO date" in failures[1].reason


def test_freshdesk_ticket_with_conversations(tmp_path: Path) -> None:
    def ticket(ticket_id: int, status: int) -> dict[str, Any]:
        return {
            "id": ticket_id,
            "subject": "Cannot add a teammate",
            "description": "<div>The invite button is grey. My number is 020 7946 0958.</div>",
            "description_text": "The invite button is grey. My number is 020 7946 0958.",
            "status": status,
            "source": 2,
            "requester_id": 5,
            "tags": ["seats"],
            "created_at": "2026-03-01T09:00:00Z",
            "updated_at": "2026-03-02T09:00:00Z",
            "stats": {"resolved_at": "2026-03-01T15:00:00Z", "closed_at": None},
            "conversations": [
                {"body_text": "Seat limit hit, upsell?", "private": True, "user_id": 9},
                {
                    "body": "<p>Your plan has no free seats; remove one under Team.</p>",
                    "incoming": False,
                    "private": False,
                    "user_id": 9,
                },
                {"body_text": "That worked, thanks!", "incoming": True, "user_id": 5},
            ],
        }

    path = tmp_path / "freshdesk.json"
    path.write_text(json.dumps([ticket(880, 4), ticket(881, 3)]), encoding="utf-8")
    docs, failures = loaded(path)
    doc = docs["freshdesk-ticket-880"]
    assert "invite button is grey" in doc.body and "7946" not in doc.body
    assert "remove one under Team" in doc.body and "upsell" not in doc.body
    assert doc.body.index("That worked") < doc.body.index("## Resolution")  # customer's
    assert doc.meta["channel"] == "portal" and doc.meta["resolved_at"] == "2026-03-01T15:00:00Z"
    assert list(docs) == ["freshdesk-ticket-880"]
    assert "not resolved (status 'pending')" in failures[0].reason
