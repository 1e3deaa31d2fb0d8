"""Closed Intercom conversations synced incrementally: the search query and its pointer,
each conversation read whole (notes and bots left out, PII redacted), the cursor that keeps
a stream's start time until the stream ends, and a pointer the API no longer takes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from copilot.cli import main
from ingest.connectors import ticket_feeds, ticket_sync
from ingest.connectors.ticket_feeds import IntercomTicketFeed
from ingest.connectors.ticket_sync import sync_tickets
from kb.embedders import HashingEmbedder
from kb.store import KnowledgeBase
from tests.helpdesk_server import FakeHelpdesk
from tests.intercom_payloads import listed, whole

SINCE = datetime(2026, 10, 1, tzinfo=UTC)
SEARCH = "/conversations/search"
T0 = int(SINCE.timestamp())


def pages(desk: FakeHelpdesk, *replies: Any) -> None:
    desk.route(SEARCH, *replies)


def search_page(found: list[dict[str, Any]], pointer: str | None) -> dict[str, Any]:
    nxt = {"page": 2, "starting_after": pointer} if pointer else None
    return {"type": "conversation.list", "conversations": found, "pages": {"next": nxt}}


def query(body: Any) -> tuple[int, str | None]:
    """The posted search's `updated_at >` value and its pointer."""
    (updated, state) = body["query"]["value"]
    assert state == {"field": "state", "operator": "=", "value": "closed"}
    assert updated["field"] == "updated_at" and updated["operator"] == ">"
    return updated["value"], body["pagination"].get("starting_after")


def test_intercom_conversations_sync_and_the_next_run_starts_at_the_newest(
    desk: FakeHelpdesk, kb: KnowledgeBase, embedder: HashingEmbedder
) -> None:
    pages(
        desk,
        search_page([listed("11", T0 + 100), listed("12", T0 + 900, "open")], "p2"),
        search_page([listed("13", T0 + 500)], None),
    )
    for key, stamp in (("11", T0 + 100), ("13", T0 + 500)):
        desk.route(f"/conversations/{key}", whole(key, stamp))
    feed = IntercomTicketFeed("ic-token", desk.url)

    summary = sync_tickets(feed, kb, embedder, since=SINCE)

    assert (summary.pages, summary.tickets_seen, summary.not_resolved) == (2, 3, 1)
    assert summary.ingest.added == 2 and not summary.ingest.failed and not summary.more
    doc = kb.get_document("intercom-conversation-11")
    assert doc is not None and doc.visibility == "internal" and doc.kind == "ticket"
    assert "within 5 working days" in doc.body and "arrived broken" in doc.body
    assert "Second refund" not in doc.body and "bot is looking" not in doc.body
    assert "jo@example.com" not in doc.body
    assert [query(body) for body in desk.posted] == [
        (T0, None),
        (T0, "p2"),  # the stream keeps its start time
    ]
    assert all(h.get("Intercom-Version") and h["Authorization"] == "Bearer ic-token"
               for _, h in desk.seen)  # fmt: skip

    desk.posted.clear()
    pages(desk, search_page([], None))
    again = sync_tickets(feed, kb, embedder)
    # the newest conversation read was T0 + 900 (open): that second is read again
    assert [query(body) for body in desk.posted] == [(T0 + 899, None)]
    assert again.ingest.added == 0


def test_a_run_cut_by_its_budget_resumes_and_an_expired_pointer_restarts_the_stream(
    desk: FakeHelpdesk,
    kb: KnowledgeBase,
    embedder: HashingEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ticket_sync, "TICKETS_PER_PAGE", 2)
    monkeypatch.setattr(ticket_feeds, "TICKETS_PER_PAGE", 2)
    pages(desk, search_page([listed("21", T0 + 100), listed("22", T0 + 200)], "p2"))
    for key, stamp in (("21", T0 + 100), ("22", T0 + 200), ("23", T0 + 300)):
        desk.route(f"/conversations/{key}", whole(key, stamp))
    feed = IntercomTicketFeed("ic-token", desk.url)

    cut = sync_tickets(feed, kb, embedder, since=SINCE, max_requests=5)

    assert cut.more and cut.pages == 1 and cut.ingest.added == 2
    saved = json.loads(kb.sync_cursor(feed.source) or "")
    assert saved == {"after": T0, "next": "p2", "newest": T0 + 200}

    desk.posted.clear()
    pages(
        desk,
        (400, {"type": "error.list", "errors": [{"code": "parameter_invalid"}]}, {}),
        search_page([listed("21", T0 + 100), listed("23", T0 + 300)], None),
    )
    resumed = sync_tickets(feed, kb, embedder)

    assert [query(body) for body in desk.posted] == [
        (T0, "p2"),
        (T0, None),  # the pointer was refused: from the stream's start
    ]
    assert (resumed.ingest.added, resumed.ingest.unchanged) == (1, 1)
    assert json.loads(kb.sync_cursor(feed.source) or "")["after"] == T0 + 299


def test_kbc_sync_intercom_tickets(
    desk: FakeHelpdesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages(desk, search_page([listed("31", T0 + 100)], None))
    desk.route("/conversations/31", whole("31", T0 + 100))
    monkeypatch.setenv("INTERCOM_TOKEN", "ic-token")
    store = ["--data-dir", str(tmp_path / "store"), "--embedder", "hashing"]

    result = CliRunner().invoke(
        main,
        [*store, "sync", "intercom", "--url", desk.url, "--tickets", "--since", "2026-10-01",
         "--json"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["system"], summary["added"], summary["requests"]) == ("intercom", 1, 2)
