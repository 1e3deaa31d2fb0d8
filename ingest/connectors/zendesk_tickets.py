"""Resolved Zendesk tickets, synced incrementally from the Support API.

The incremental ticket export (`/api/v2/incremental/tickets/cursor.json`) lists every ticket
changed since a start time, a page at a time, with a cursor to resume from. Each solved or
closed ticket's comments (`/api/v2/tickets/<id>/comments.json`) are then read and the ticket
goes through the same reader as a Zendesk ticket export (ingest/helpdesk_tickets.py,
ingest/tickets.py): requester's comments are the customer's, private notes are left out,
PII is redacted before anything is stored.

Each page is written, and only then its cursor saved in the store, so a run that stops (a
failure, or the request budget) loses nothing and the next run resumes after the last page
written. A run stays within a request budget: before a page it checks there is room for the
page and one comments request per ticket, and otherwise stops, saying more is left (a thread
longer than 100 comments takes more, at most MAX_COMMENT_PAGES).
Tickets are never pruned: an incremental run sees only what changed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ingest.connectors.helpdesks import zendesk_auth
from ingest.connectors.http import JsonClient
from ingest.files import Failure
from ingest.pipeline import IngestSummary, upsert_documents
from ingest.tickets import ticket_to_document
from kb.embedders.base import Embedder
from kb.errors import RemoteUnavailable
from kb.models import Document
from kb.store import KnowledgeBase

TICKETS_PER_PAGE = 100
MAX_REQUESTS = 1_000
MAX_COMMENT_PAGES = 20  # per ticket: 2,000 comments
RESOLVED = frozenset({"solved", "closed"})
EXPORT = "/api/v2/incremental/tickets/cursor.json"


@dataclass
class TicketSyncSummary:
    source: str
    pages: int = 0
    tickets_seen: int = 0
    not_resolved: int = 0
    requests: int = 0
    more: bool = False  # the budget ran out before the end of the stream
    cursor: str | None = None
    ingest: IngestSummary = field(default_factory=IngestSummary)

    def as_dict(self) -> dict[str, object]:
        return {
            "system": "zendesk",
            "source": self.source,
            "pages": self.pages,
            "tickets_seen": self.tickets_seen,
            "not_resolved": self.not_resolved,
            "requests": self.requests,
            "more": self.more,
            **self.ingest.as_dict(),
        }


class ZendeskTickets:
    """One Zendesk account's resolved tickets; `email` with an API token, or OAuth alone."""

    def __init__(self, url: str, token: str, email: str | None = None) -> None:
        self.client = JsonClient(url, {"Authorization": zendesk_auth(token, email)})
        self.source = f"zendesk-tickets:{self.client.base}/"

    def sync(
        self,
        kb: KnowledgeBase,
        embedder: Embedder,
        *,
        since: datetime | None = None,
        max_requests: int = MAX_REQUESTS,
    ) -> TicketSyncSummary:
        """Write the tickets changed since the saved cursor (first run: since `since`,
        default the last 90 days), page by page, within `max_requests`."""
        started = time.perf_counter()
        summary = TicketSyncSummary(self.source, cursor=kb.sync_cursor(self.source))
        first = self.client.requests
        params: dict[str, str | int] = {"per_page": TICKETS_PER_PAGE}
        if summary.cursor:
            params["cursor"] = summary.cursor
        else:
            start = since or datetime.fromtimestamp(time.time() - 90 * 86400, UTC)
            params["start_time"] = int(start.timestamp())
        while True:
            if self.client.requests - first + 1 + TICKETS_PER_PAGE > max_requests:
                summary.more = True
                break
            page = self.client.get(EXPORT, params)
            tickets = page.get("tickets") if isinstance(page, dict) else None
            if not isinstance(tickets, list):
                raise RemoteUnavailable(
                    f"Zendesk's ticket export page {summary.pages + 1} had no tickets list"
                )
            summary.pages += 1
            docs, failed = self._documents(tickets, summary)
            written = upsert_documents(docs, kb, embedder)
            _add(summary.ingest, written, failed)
            cursor = page.get("after_cursor")
            if isinstance(cursor, str) and cursor:
                kb.set_sync_cursor(self.source, cursor)
                summary.cursor = cursor
            if page.get("end_of_stream") is not False or not cursor:
                break
            params = {"per_page": TICKETS_PER_PAGE, "cursor": cursor}
        summary.requests = self.client.requests - first
        summary.ingest.seconds = time.perf_counter() - started
        return summary

    def _documents(
        self, tickets: list[Any], summary: TicketSyncSummary
    ) -> tuple[list[Document], list[Failure]]:
        docs: list[Document] = []
        failed: list[Failure] = []
        for index, ticket in enumerate(tickets):
            where = f"{self.source}page{summary.pages}[{index}]"
            summary.tickets_seen += 1
            if not isinstance(ticket, dict) or "id" not in ticket:
                failed.append(Failure(where, "expected a ticket object with an id"))
                continue
            if ticket.get("status") not in RESOLVED:
                summary.not_resolved += 1  # open, pending or deleted: nothing to learn yet
                continue
            record = {**ticket, "comments": list(self._comments(ticket["id"]))}
            item = ticket_to_document(record, source=self.source, where=where)
            if isinstance(item, Failure):
                failed.append(item)
            else:
                docs.append(item)
        return docs, failed

    def _comments(self, ticket_id: object) -> Iterator[Any]:
        page: Any = self.client.get(
            f"/api/v2/tickets/{ticket_id}/comments.json", {"page[size]": 100}
        )
        for _ in range(MAX_COMMENT_PAGES):
            comments = page.get("comments") if isinstance(page, dict) else None
            if not isinstance(comments, list):
                raise RemoteUnavailable(f"Zendesk returned no comments list for ticket {ticket_id}")
            yield from comments
            nxt = (page.get("links") or {}).get("next")
            if not (page.get("meta") or {}).get("has_more") or not isinstance(nxt, str):
                return
            page = self.client.get(nxt)


def _add(total: IngestSummary, part: IngestSummary, failed: list[Failure]) -> None:
    total.added += part.added
    total.updated += part.updated
    total.unchanged += part.unchanged
    total.chunks_embedded += part.chunks_embedded
    total.chunks_reused += part.chunks_reused
    total.failed += failed + part.failed
