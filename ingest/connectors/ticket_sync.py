"""Resolved tickets synced incrementally from a helpdesk's API, one page at a time.

A feed (ingest/connectors/ticket_feeds.py: Zendesk, Freshdesk) lists the tickets changed
since a cursor, a page at a time, and reads a resolved ticket's thread. Each ticket goes
through the same reader as that helpdesk's ticket export (ingest/helpdesk_tickets.py,
ingest/tickets.py): the customer's and agents' public messages only, PII redacted before
anything is stored.

Each page is written, and only then its cursor saved in the store, so a run that stops (a
failure, or the request budget) loses nothing and the next run resumes after the last page
written. A run stays within a request budget: before a page it checks there is room for the
page and one thread request per ticket on it, and otherwise stops, saying more is left (a
thread longer than one page takes more, at most MAX_THREAD_PAGES). Tickets are never pruned:
an incremental run sees only what changed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from ingest.connectors.http import JsonClient
from ingest.files import Failure
from ingest.pipeline import IngestSummary, upsert_documents
from ingest.tickets import ticket_to_document
from kb.embedders.base import Embedder
from kb.models import Document
from kb.store import KnowledgeBase

TICKETS_PER_PAGE = 100
MAX_REQUESTS = 1_000
MAX_THREAD_PAGES = 20  # per ticket: 2,000 comments
DEFAULT_DAYS = 90


@dataclass(frozen=True)
class FeedPage:
    tickets: list[Any]
    cursor: str | None  # where the next run starts once this page is written
    done: bool  # no page after this one


class TicketFeed(Protocol):
    """One helpdesk account's changed tickets."""

    system: str
    source: str
    client: JsonClient

    def pages(self, cursor: str | None, since: datetime) -> Iterator[FeedPage]:
        """The pages of tickets changed since `cursor` (None: since `since`), oldest change
        first; each page is fetched only when the one before it was written."""
        ...

    def resolved(self, ticket: dict[str, Any]) -> bool: ...

    def with_thread(self, ticket: dict[str, Any]) -> dict[str, Any]:
        """The ticket with its messages, in the shape its export reader takes."""
        ...


@dataclass
class TicketSyncSummary:
    system: str
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
            "system": self.system,
            "source": self.source,
            "pages": self.pages,
            "tickets_seen": self.tickets_seen,
            "not_resolved": self.not_resolved,
            "requests": self.requests,
            "more": self.more,
            **self.ingest.as_dict(),
        }


def sync_tickets(
    feed: TicketFeed,
    kb: KnowledgeBase,
    embedder: Embedder,
    *,
    since: datetime | None = None,
    max_requests: int = MAX_REQUESTS,
) -> TicketSyncSummary:
    """Write the tickets changed since the saved cursor (first run: since `since`, default
    the last DEFAULT_DAYS days), page by page, within `max_requests`."""
    started = time.perf_counter()
    summary = TicketSyncSummary(feed.system, feed.source, cursor=kb.sync_cursor(feed.source))
    start = since or datetime.fromtimestamp(time.time() - DEFAULT_DAYS * 86400, UTC)
    first = feed.client.requests
    pages = feed.pages(summary.cursor, start)
    while True:
        if feed.client.requests - first + 1 + TICKETS_PER_PAGE > max_requests:
            summary.more = True
            break
        page = next(pages, None)
        if page is None:  # the feed stopped short of the end (a page cap): go on next run
            summary.more = True
            break
        summary.pages += 1
        docs, failed = _documents(feed, page.tickets, summary)
        written = upsert_documents(docs, kb, embedder)
        _add(summary.ingest, written, failed)
        if page.cursor:
            kb.set_sync_cursor(feed.source, page.cursor)
            summary.cursor = page.cursor
        if page.done:
            break
    summary.requests = feed.client.requests - first
    summary.ingest.seconds = time.perf_counter() - started
    return summary


def _documents(
    feed: TicketFeed, tickets: list[Any], summary: TicketSyncSummary
) -> tuple[list[Document], list[Failure]]:
    docs: list[Document] = []
    failed: list[Failure] = []
    for index, ticket in enumerate(tickets):
        where = f"{feed.source}page{summary.pages}[{index}]"
        summary.tickets_seen += 1
        if not isinstance(ticket, dict) or "id" not in ticket:
            failed.append(Failure(where, "expected a ticket object with an id"))
            continue
        if not feed.resolved(ticket):
            summary.not_resolved += 1  # open, pending or deleted: nothing to learn yet
            continue
        item = ticket_to_document(feed.with_thread(ticket), source=feed.source, where=where)
        if isinstance(item, Failure):
            failed.append(item)
        else:
            docs.append(item)
    return docs, failed


def _add(total: IngestSummary, part: IngestSummary, failed: list[Failure]) -> None:
    total.added += part.added
    total.updated += part.updated
    total.unchanged += part.unchanged
    total.chunks_embedded += part.chunks_embedded
    total.chunks_reused += part.chunks_reused
    total.failed += failed + part.failed
