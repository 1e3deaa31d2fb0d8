"""Resolved Zendesk tickets synced incrementally: comments read per ticket, private notes and
PII kept out, the cursor saved after each written page, the request budget, and a failed
page that runs again."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from copilot.cli import main
from ingest.connectors import ticket_feeds, ticket_sync
from ingest.connectors.ticket_feeds import FreshdeskTicketFeed, ZendeskTicketFeed
from ingest.connectors.ticket_sync import sync_tickets
from kb.embedders import HashingEmbedder
from kb.errors import RemoteUnavailable
from kb.store import KnowledgeBase
from tests.helpdesk_server import FakeHelpdesk


def ticket(ticket_id: int, status: str = "solved", **fields: Any) -> dict[str, Any]:
    return {
        "id": ticket_id,
        "subject": f"Ticket {ticket_id}: invoice missing",
        "status": status,
        "requester_id": 500,
        "created_at": "2026-10-01T09:00:00Z",
        "updated_at": "2026-10-02T09:00:00Z",
        "tags": ["billing"],
        **fields,
    }


def comments(ticket_id: int) -> dict[str, Any]:
    return {
        "comments": [
            {
                "author_id": 500,
                "public": True,
                "plain_body": f"Where is invoice {ticket_id}? Mail me at jo@example.com",
            },
            {
                "author_id": 7,
                "public": False,
                "plain_body": "Internal: customer is on the legacy plan.",
            },
            {"author_id": 7, "public": True, "plain_body": "Invoices are under Billing > History."},
        ],
        "meta": {"has_more": False},
        "links": {"next": None},
    }


def ticket_export(desk: FakeHelpdesk) -> None:
    """Two export pages (cursor c1 after the first, c2 at the end of the stream)."""
    export = "/api/v2/incremental/tickets/cursor.json"
    desk.route(
        f"{export}?start_time=1759276800",
        {"tickets": [ticket(1), ticket(2, "open")], "after_cursor": "c1", "end_of_stream": False},
    )
    desk.route(
        f"{export}?cursor=c1",
        {"tickets": [ticket(3, "closed")], "after_cursor": "c2", "end_of_stream": True},
    )
    desk.route(f"{export}?cursor=c2", {"tickets": [], "after_cursor": "c2", "end_of_stream": True})
    for ticket_id in (1, 3):
        desk.route(f"/api/v2/tickets/{ticket_id}/comments.json", comments(ticket_id))


def test_zendesk_tickets_sync_resumes_from_its_cursor(
    desk: FakeHelpdesk, kb: KnowledgeBase, embedder: HashingEmbedder
) -> None:
    ticket_export(desk)
    source = ZendeskTicketFeed(desk.url, "tok", email="agent@acme.test")
    since = datetime(2025, 10, 1, tzinfo=UTC)

    first = sync_tickets(source, kb, embedder, since=since)

    assert (first.pages, first.tickets_seen, first.not_resolved) == (2, 3, 1)
    assert first.ingest.added == 2 and not first.ingest.failed and not first.more
    doc = kb.get_document("zendesk-ticket-1")
    assert doc is not None and doc.kind == "ticket" and doc.visibility == "internal"
    assert "legacy plan" not in doc.body and "jo@example.com" not in doc.body
    assert "Billing > History" in doc.body
    assert kb.sync_cursor(source.source) == "c2"

    desk.seen.clear()
    again = sync_tickets(source, kb, embedder, since=since)
    assert [path for path, _ in desk.seen] == [
        "/api/v2/incremental/tickets/cursor.json?per_page=100&cursor=c2"
    ]
    assert again.pages == 1 and again.ingest.added == 0


def test_zendesk_tickets_sync_stops_within_its_budget_and_loses_nothing(
    desk: FakeHelpdesk, kb: KnowledgeBase, embedder: HashingEmbedder
) -> None:
    ticket_export(desk)
    source = ZendeskTicketFeed(desk.url, "tok")
    since = datetime(2025, 10, 1, tzinfo=UTC)
    budget = sync_tickets(source, kb, embedder, since=since, max_requests=102)
    assert budget.more and budget.pages == 1 and kb.sync_cursor(source.source) == "c1"

    desk.route("/api/v2/tickets/3/comments.json", (500, {"error": "boom"}, {}))
    with pytest.raises(RemoteUnavailable, match="HTTP 500"):
        sync_tickets(source, kb, embedder)
    assert kb.sync_cursor(source.source) == "c1"  # page 2 was not written: it runs again
    assert kb.get_document("zendesk-ticket-1") is not None

    desk.route("/api/v2/tickets/3/comments.json", comments(3))
    assert sync_tickets(source, kb, embedder).ingest.added == 1
    assert kb.sync_cursor(source.source) == "c2"


def test_kbc_sync_tickets_refuses_prune_and_a_missing_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = ["--data-dir", str(tmp_path / "store"), "--embedder", "hashing"]
    monkeypatch.setenv("ZENDESK_TOKEN", "tok")
    monkeypatch.setenv("FRESHDESK_API_KEY", "tok")
    runner = CliRunner()
    pruned = runner.invoke(
        main, [*base, "sync", "zendesk", "--url", "https://a.zendesk.com", "--tickets", "--prune"]
    )
    assert pruned.exit_code == 2 and "--prune does not apply" in pruned.output
    no_url = runner.invoke(main, [*base, "sync", "freshdesk", "--tickets"])
    assert no_url.exit_code == 2 and "freshdesk needs --url" in no_url.output


def freshdesk_ticket(ticket_id: int, status: int, updated_at: str) -> dict[str, Any]:
    return {
        "id": ticket_id,
        "subject": f"Label {ticket_id} will not print",
        "status": status,
        "requester_id": 900,
        "source": 1,
        "description_text": f"Label {ticket_id} prints blank. Call me on +44 20 7946 0958",
        "created_at": "2026-10-01T09:00:00Z",
        "updated_at": updated_at,
        "stats": {"resolved_at": updated_at if status in (4, 5) else None},
    }


def test_freshdesk_tickets_page_by_updated_since_and_resume(
    desk: FakeHelpdesk,
    kb: KnowledgeBase,
    embedder: HashingEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ticket_sync, "TICKETS_PER_PAGE", 2)
    monkeypatch.setattr(ticket_feeds, "TICKETS_PER_PAGE", 2)
    first = "2026-10-01T00:00:00Z"
    desk.route(
        "/api/v2/tickets?page=1",
        [
            freshdesk_ticket(1, 4, "2026-10-02T10:00:00Z"),
            freshdesk_ticket(2, 2, "2026-10-03T10:00:00Z"),
        ],
    )
    desk.route("/api/v2/tickets?page=2", [freshdesk_ticket(3, 5, "2026-10-04T10:00:00Z")])
    thread = [
        {
            "body_text": "Set the printer to 100% scale and print again.",
            "incoming": False,
            "private": False,
            "user_id": 7,
        },
        {
            "body_text": "Customer owes us for two months.",
            "incoming": False,
            "private": True,
            "user_id": 7,
        },
    ]
    for ticket_id in (1, 3):
        desk.route(f"/api/v2/tickets/{ticket_id}/conversations", thread)
    feed = FreshdeskTicketFeed(desk.url, "fd-key")
    since = datetime(2026, 10, 1, tzinfo=UTC)

    summary = sync_tickets(feed, kb, embedder, since=since)

    assert (summary.pages, summary.tickets_seen, summary.not_resolved) == (2, 3, 1)
    assert summary.ingest.added == 2 and not summary.ingest.failed
    doc = kb.get_document("freshdesk-ticket-1")
    assert doc is not None and "100% scale" in doc.body
    assert "owes us" not in doc.body and "7946 0958" not in doc.body
    listed = [path for path, _ in desk.seen if path.startswith("/api/v2/tickets?")]
    assert all(f"updated_since={first.replace(':', '%3A')}" in path for path in listed)
    assert kb.sync_cursor(feed.source) == "2026-10-04T10:00:00Z"

    desk.seen.clear()
    desk.route("/api/v2/tickets?page=1", [])
    sync_tickets(feed, kb, embedder)
    assert "updated_since=2026-10-04T10%3A00%3A00Z" in desk.seen[0][0]
