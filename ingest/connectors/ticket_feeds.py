"""The changed tickets of Zendesk and Freshdesk accounts, for ingest/connectors/ticket_sync.py.

- **Zendesk**: the incremental ticket export (`/api/v2/incremental/tickets/cursor.json`,
  `start_time` on the first run, then the export's own `after_cursor`); a solved or closed
  ticket's comments from `/api/v2/tickets/<id>/comments.json` (cursor pages).
- **Freshdesk**: `/api/v2/tickets` with `updated_since`, oldest change first, 100 a page and
  the description included; the cursor is the last `updated_at` of a written page, so a run
  resumes there (a ticket changed at that instant is read again: unchanged, it is skipped by
  its content hash). A resolved (4) or closed (5) ticket's replies and notes from
  `/api/v2/tickets/<id>/conversations` (pages of 100); private notes are left out by the
  reader.
- **Intercom**: closed conversations from `POST /conversations/search` (`updated_at` after the
  cursor, `state` closed, 100 a page, `pages.next.starting_after`), each read whole from
  `/conversations/<id>` (its parts; notes and bots' parts are left out by the reader). The
  search is not ordered, so a stream keeps its start time to the end: the cursor holds that
  time, the next page's pointer and the newest `updated_at` seen, and once the stream ends the
  next run starts from the newest (that second included: unchanged, it is skipped by its
  content hash). A pointer the API no longer takes restarts the stream from its start time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ingest.connectors.helpdesks import basic_auth, intercom_headers, zendesk_auth
from ingest.connectors.http import JsonClient
from ingest.connectors.ticket_sync import MAX_THREAD_PAGES, TICKETS_PER_PAGE, FeedPage
from kb.errors import RemoteUnavailable

ZENDESK_EXPORT = "/api/v2/incremental/tickets/cursor.json"
ZENDESK_RESOLVED = frozenset({"solved", "closed"})
FRESHDESK_RESOLVED = frozenset({4, 5})
FRESHDESK_MAX_PAGE = 300
INTERCOM_SEARCH = "/conversations/search"


class ZendeskTicketFeed:
    """One Zendesk account; `email` with an API token, or an OAuth token alone."""

    system = "zendesk"

    def __init__(self, url: str, token: str, email: str | None = None) -> None:
        self.client = JsonClient(url, {"Authorization": zendesk_auth(token, email)})
        self.source = f"zendesk-tickets:{self.client.base}/"

    def pages(self, cursor: str | None, since: datetime) -> Iterator[FeedPage]:
        number = 0
        while True:
            number += 1
            params: dict[str, str | int] = {"per_page": TICKETS_PER_PAGE}
            if cursor:
                params["cursor"] = cursor
            else:
                params["start_time"] = int(since.timestamp())
            page = self.client.get(ZENDESK_EXPORT, params)
            tickets = page.get("tickets") if isinstance(page, dict) else None
            if not isinstance(tickets, list):
                raise RemoteUnavailable(f"Zendesk's ticket export page {number} had no tickets")
            after = page.get("after_cursor")
            cursor = after if isinstance(after, str) and after else None
            done = page.get("end_of_stream") is not False or cursor is None
            yield FeedPage(tickets, cursor, done)
            if done:
                return

    def resolved(self, ticket: dict[str, Any]) -> bool:
        return ticket.get("status") in ZENDESK_RESOLVED

    def with_thread(self, ticket: dict[str, Any]) -> dict[str, Any]:
        return {**ticket, "comments": list(self._comments(ticket["id"]))}

    def _comments(self, ticket_id: object) -> Iterator[Any]:
        page: Any = self.client.get(
            f"/api/v2/tickets/{ticket_id}/comments.json", {"page[size]": 100}
        )
        for _ in range(MAX_THREAD_PAGES):
            comments = page.get("comments") if isinstance(page, dict) else None
            if not isinstance(comments, list):
                raise RemoteUnavailable(f"Zendesk returned no comments list for ticket {ticket_id}")
            yield from comments
            nxt = (page.get("links") or {}).get("next")
            if not (page.get("meta") or {}).get("has_more") or not isinstance(nxt, str):
                return
            page = self.client.get(nxt)


class FreshdeskTicketFeed:
    """One Freshdesk account, with an API key."""

    system = "freshdesk"

    def __init__(self, url: str, api_key: str) -> None:
        self.client = JsonClient(url, {"Authorization": basic_auth(api_key, "X")})
        self.source = f"freshdesk-tickets:{self.client.base}/"

    def pages(self, cursor: str | None, since: datetime) -> Iterator[FeedPage]:
        """Pages 1, 2, ... of one `updated_since` (Freshdesk lists at most FRESHDESK_MAX_PAGE
        pages of one query: the next run goes on from the cursor)."""
        updated_since = cursor or since.strftime("%Y-%m-%dT%H:%M:%SZ")
        for number in range(1, FRESHDESK_MAX_PAGE + 1):
            params: dict[str, str | int] = {
                "updated_since": updated_since,
                "order_by": "updated_at",
                "order_type": "asc",
                "include": "description",
                "per_page": TICKETS_PER_PAGE,
                "page": number,
            }
            tickets = self.client.get("/api/v2/tickets", params)
            if not isinstance(tickets, list):
                raise RemoteUnavailable(f"Freshdesk's tickets page {number} was not a list")
            stamps = [t.get("updated_at") for t in tickets if isinstance(t, dict)]
            cursor = next((s for s in reversed(stamps) if isinstance(s, str) and s), cursor)
            done = len(tickets) < TICKETS_PER_PAGE
            yield FeedPage(tickets, cursor, done)
            if done:
                return

    def resolved(self, ticket: dict[str, Any]) -> bool:
        return ticket.get("status") in FRESHDESK_RESOLVED

    def with_thread(self, ticket: dict[str, Any]) -> dict[str, Any]:
        replies: list[Any] = []
        for number in range(1, MAX_THREAD_PAGES + 1):
            page = self.client.get(
                f"/api/v2/tickets/{ticket['id']}/conversations",
                {"per_page": TICKETS_PER_PAGE, "page": number},
            )
            if not isinstance(page, list):
                raise RemoteUnavailable(f"Freshdesk returned no conversations for {ticket['id']}")
            replies += page
            if len(page) < TICKETS_PER_PAGE:
                break
        return {**ticket, "conversations": replies}


@dataclass(frozen=True)
class _IntercomCursor:
    after: int  # the stream's query: updated_at > after
    pointer: str | None = None  # the next page of that stream; None: a new stream
    newest: int = 0  # the newest updated_at read in the stream so far

    def dumps(self) -> str:
        return json.dumps({"after": self.after, "next": self.pointer, "newest": self.newest})

    @classmethod
    def loads(cls, text: str | None, since: datetime) -> _IntercomCursor:
        """The saved cursor; none, or one this version did not write: a new stream from
        `since` (what it reads again is skipped by its content hash)."""
        try:
            data = json.loads(text or "")
            after, pointer, newest = data["after"], data.get("next"), data.get("newest", 0)
        except (ValueError, TypeError, KeyError):
            return cls(int(since.timestamp()))
        valid = isinstance(after, int) and isinstance(newest, int)
        if not valid or not (pointer is None or isinstance(pointer, str)):
            return cls(int(since.timestamp()))
        return cls(after, pointer, newest)


class IntercomTicketFeed:
    """One Intercom workspace's closed conversations, with an access token."""

    system = "intercom"

    def __init__(self, token: str, url: str = "https://api.intercom.io") -> None:
        self.client = JsonClient(url, intercom_headers(token))
        self.source = f"intercom-conversations:{self.client.base}/"

    def pages(self, cursor: str | None, since: datetime) -> Iterator[FeedPage]:
        state = _IntercomCursor.loads(cursor, since)
        number = 0
        while True:
            number += 1
            page = self._search(state, resumed=number == 1)
            found = page.get("conversations") if isinstance(page, dict) else None
            if not isinstance(found, list):
                raise RemoteUnavailable(f"Intercom's conversation search page {number} had no list")
            stamps = [c.get("updated_at") for c in found if isinstance(c, dict)]
            newest = max([state.newest, *(t for t in stamps if isinstance(t, int))])
            nxt = ((page.get("pages") or {}).get("next") or {}).get("starting_after")
            if isinstance(nxt, str) and nxt and found:
                state = _IntercomCursor(state.after, nxt, newest)
                yield FeedPage(found, state.dumps(), False)
                continue
            # the stream is read: the next one starts at its newest second, included
            after = max(state.after, newest - 1)
            yield FeedPage(found, _IntercomCursor(after).dumps(), True)
            return

    def _search(self, state: _IntercomCursor, resumed: bool) -> Any:
        pagination: dict[str, Any] = {"per_page": TICKETS_PER_PAGE}
        if state.pointer:
            pagination["starting_after"] = state.pointer
        query = {
            "operator": "AND",
            "value": [
                {"field": "updated_at", "operator": ">", "value": state.after},
                {"field": "state", "operator": "=", "value": "closed"},
            ],
        }
        try:
            return self.client.post(INTERCOM_SEARCH, {"query": query, "pagination": pagination})
        except RemoteUnavailable:
            if not (resumed and state.pointer):
                raise
            # a pointer saved by an earlier run may have expired: the stream again from its start
            pagination.pop("starting_after")
            return self.client.post(INTERCOM_SEARCH, {"query": query, "pagination": pagination})

    def resolved(self, ticket: dict[str, Any]) -> bool:
        return str(ticket.get("state") or "").lower() == "closed"

    def with_thread(self, ticket: dict[str, Any]) -> dict[str, Any]:
        key = str(ticket["id"])
        if not key.isalnum():
            raise RemoteUnavailable(f"Intercom returned a conversation id that is not one: {key!r}")
        conversation = self.client.get(f"/conversations/{key}")
        if not isinstance(conversation, dict) or conversation.get("type") != "conversation":
            raise RemoteUnavailable(f"Intercom returned no conversation for {key}")
        return conversation
