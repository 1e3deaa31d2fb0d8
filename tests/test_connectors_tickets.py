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
from ingest.connectors.zendesk_tickets import ZendeskTickets
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
    source = ZendeskTickets(desk.url, "tok", email="agent@acme.test")
    since = datetime(2025, 10, 1, tzinfo=UTC)

    first = source.sync(kb, embedder, since=since)

    assert (first.pages, first.tickets_seen, first.not_resolved) == (2, 3, 1)
    assert first.ingest.added == 2 and not first.ingest.failed and not first.more
    doc = kb.get_document("zendesk-ticket-1")
    assert doc is not None and doc.kind == "ticket" and doc.visibility == "internal"
    assert "legacy plan" not in doc.body and "jo@example.com" not in doc.body
    assert "Billing > History" in doc.body
    assert kb.sync_cursor(source.source) == "c2"

    desk.seen.clear()
    again = source.sync(kb, embedder, since=since)
    assert [path for path, _ in desk.seen] == [
        "/api/v2/incremental/tickets/cursor.json?per_page=100&cursor=c2"
    ]
    assert again.pages == 1 and again.ingest.added == 0


def test_zendesk_tickets_sync_stops_within_its_budget_and_loses_nothing(
    desk: FakeHelpdesk, kb: KnowledgeBase, embedder: HashingEmbedder
) -> None:
    ticket_export(desk)
    source = ZendeskTickets(desk.url, "tok")
    since = datetime(2025, 10, 1, tzinfo=UTC)
    budget = source.sync(kb, embedder, since=since, max_requests=102)
    assert budget.more and budget.pages == 1 and kb.sync_cursor(source.source) == "c1"

    desk.route("/api/v2/tickets/3/comments.json", (500, {"error": "boom"}, {}))
    with pytest.raises(RemoteUnavailable, match="HTTP 500"):
        source.sync(kb, embedder)
    assert kb.sync_cursor(source.source) == "c1"  # page 2 was not written: it runs again
    assert kb.get_document("zendesk-ticket-1") is not None

    desk.route("/api/v2/tickets/3/comments.json", comments(3))
    assert source.sync(kb, embedder).ingest.added == 1
    assert kb.sync_cursor(source.source) == "c2"


def test_kbc_sync_tickets_refuses_prune_and_other_helpdesks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = ["--data-dir", str(tmp_path / "store"), "--embedder", "hashing"]
    monkeypatch.setenv("ZENDESK_TOKEN", "tok")
    monkeypatch.setenv("INTERCOM_TOKEN", "tok")
    runner = CliRunner()
    pruned = runner.invoke(
        main, [*base, "sync", "zendesk", "--url", "https://a.zendesk.com", "--tickets", "--prune"]
    )
    assert pruned.exit_code == 2 and "--prune does not apply" in pruned.output
    other = runner.invoke(main, [*base, "sync", "intercom", "--tickets"])
    assert other.exit_code == 2 and "Zendesk only" in other.output
