"""Resolved tickets as a helpdesk exports them, mapped onto the ticket record that
ingest/tickets.py reads (`id`, `subject`, `channel`, `status`, `resolved_at`, `tags`,
`messages` with an `author` role).

**Zendesk**: a Support API ticket object with its comments under `comments`, the way the
full JSON export and scripts over the Tickets and Ticket Comments APIs write them. A
comment by the ticket's `requester_id` is the customer's; a comment by anyone else is the
agent's. Private notes (`public: false`) are left out: the customer never saw them, and
they hold what the team keeps to itself. The id becomes `zendesk-ticket-<id>`, so it cannot
clash with an article id from a Guide export (`zendesk-<id>`). `resolved_at` is the
ticket's `solved_at` (or its metric set's), else `updated_at` once it is solved or closed.

**Intercom**: a conversation object (`"type": "conversation"`) with its
`conversation_parts`. The opening message (`source`) and every part with a body are the
thread; a part by a user, lead or contact is the customer's, by an admin or team the agent's;
bots' parts and notes (part types with "note") are left out. Bodies are HTML, converted as
article bodies are. A closed conversation counts as resolved (`resolved_at`: its
`statistics.last_close_at`, else `updated_at`). The id becomes `intercom-conversation-<id>`.

**Freshdesk**: a ticket of the v2 API with its `conversations`. The ticket's `description`
is the requester's first message; a conversation that is `incoming` (or by the requester) is
the customer's, any other the agent's; `private` notes are left out. Status 4 (resolved) and
5 (closed) count as resolved (`resolved_at`: `stats.resolved_at` or `stats.closed_at`, else
`updated_at`). The id becomes `freshdesk-ticket-<id>`.

A record in any other shape passes through unchanged.
"""

from __future__ import annotations

from typing import Any

from ingest.frontmatter import epoch_or_iso_date
from ingest.html import fragment_to_markdown

FRESHDESK_STATUSES = {2: "open", 3: "pending", 4: "resolved", 5: "closed"}
FRESHDESK_SOURCES = {1: "email", 2: "portal", 3: "phone", 7: "chat", 9: "widget", 10: "email"}
CUSTOMER_AUTHORS = frozenset({"user", "lead", "contact"})
AGENT_AUTHORS = frozenset({"admin", "team"})

Record = dict[str, Any]


def from_helpdesk(record: Any) -> Any:
    """`record` in the generic ticket shape when it is a helpdesk's own; else as it is."""
    if _has_thread(record, "comments"):
        return _zendesk(record)
    if isinstance(record, dict) and record.get("type") == "conversation":
        return _intercom(record)
    if _has_thread(record, "conversations"):
        return _freshdesk(record)
    return record


def _has_thread(record: Any, key: str) -> bool:
    """A helpdesk ticket (it names its requester) with its thread under `key`."""
    return (
        isinstance(record, dict)
        and "messages" not in record
        and "requester_id" in record
        and isinstance(record.get(key), list)
    )


def _zendesk(ticket: Record) -> Record:
    requester = ticket.get("requester_id")
    messages: list[Any] = []
    for comment in ticket["comments"]:
        if not isinstance(comment, dict):
            messages.append(comment)  # reported by the ticket check, with the ticket's id
            continue
        if comment.get("public") is False:
            continue
        author = "customer" if comment.get("author_id") == requester else "agent"
        body = comment.get("plain_body") or comment.get("body") or ""
        messages.append({"author": author, "body": body, "created_at": comment.get("created_at")})
    via = ticket.get("via")
    metrics = ticket.get("metric_set")
    solved_at = ticket.get("solved_at") or (
        metrics.get("solved_at") if isinstance(metrics, dict) else None
    )
    status = ticket.get("status")
    if not solved_at and str(status).lower() in ("solved", "closed"):
        solved_at = ticket.get("updated_at")
    ticket_id = ticket.get("id")
    return {
        "id": None if ticket_id in (None, "") else f"zendesk-ticket-{ticket_id}",
        "subject": ticket.get("subject") or ticket.get("raw_subject"),
        "channel": via.get("channel") if isinstance(via, dict) else None,
        "status": status,
        "resolved_at": solved_at,
        "tags": ticket.get("tags"),
        "messages": messages,
    }


def _intercom(conversation: Record) -> Record:
    parts = conversation.get("conversation_parts")
    listed = parts.get("conversation_parts") if isinstance(parts, dict) else parts
    thread = [conversation.get("source"), *(listed if isinstance(listed, list) else [])]
    messages: list[Any] = []
    for part in thread:
        if not isinstance(part, dict):
            if part is not None:
                messages.append(part)  # reported by the ticket check
            continue
        if "note" in str(part.get("part_type") or ""):
            continue
        author = part.get("author")
        kind = str(author.get("type") if isinstance(author, dict) else "").lower()
        role = (
            "customer" if kind in CUSTOMER_AUTHORS else "agent" if kind in AGENT_AUTHORS else None
        )
        body = part.get("body")
        if role is None or not isinstance(body, str) or not body.strip():
            continue
        created = epoch_or_iso_date(part.get("created_at"), "created_at")
        messages.append({"author": role, "body": fragment_to_markdown(body), "created_at": created})
    state = str(conversation.get("state") or "").lower()
    stats = conversation.get("statistics")
    closed_at = stats.get("last_close_at") if isinstance(stats, dict) else None
    if state == "closed" and not closed_at:
        closed_at = conversation.get("updated_at")
    tags = conversation.get("tags")
    tag_items = tags.get("tags") if isinstance(tags, dict) else tags
    tag_items = tag_items if isinstance(tag_items, list) else []
    source = conversation.get("source")
    subject = source.get("subject") if isinstance(source, dict) else None
    conversation_id = conversation.get("id")
    return {
        "id": None if conversation_id in (None, "") else f"intercom-conversation-{conversation_id}",
        "subject": conversation.get("title") or subject,
        "channel": source.get("delivered_as") if isinstance(source, dict) else None,
        "status": state or None,
        "resolved_at": epoch_or_iso_date(closed_at, "last_close_at"),
        "tags": [t.get("name") if isinstance(t, dict) else t for t in tag_items],
        "messages": messages,
    }


def _freshdesk(ticket: Record) -> Record:
    requester = ticket.get("requester_id")
    messages: list[Any] = []
    first = _freshdesk_body(ticket, "description_text", "description")
    if first:
        messages.append({"author": "customer", "body": first})
    for reply in ticket["conversations"]:
        if not isinstance(reply, dict):
            messages.append(reply)  # reported by the ticket check
            continue
        if reply.get("private") is True:
            continue
        incoming = reply.get("incoming") is True or reply.get("user_id") == requester
        messages.append(
            {
                "author": "customer" if incoming else "agent",
                "body": _freshdesk_body(reply, "body_text", "body"),
                "created_at": reply.get("created_at"),
            }
        )
    code = ticket.get("status")
    status = FRESHDESK_STATUSES.get(code, code) if isinstance(code, int) else code
    stats = ticket.get("stats")
    resolved_at = (
        (stats.get("resolved_at") or stats.get("closed_at")) if isinstance(stats, dict) else None
    )
    if not resolved_at and status in ("resolved", "closed"):
        resolved_at = ticket.get("updated_at")
    source = ticket.get("source")
    ticket_id = ticket.get("id")
    return {
        "id": None if ticket_id in (None, "") else f"freshdesk-ticket-{ticket_id}",
        "subject": ticket.get("subject"),
        "channel": FRESHDESK_SOURCES.get(source) if isinstance(source, int) else source,
        "status": status,
        "resolved_at": resolved_at,
        "tags": ticket.get("tags"),
        "messages": messages,
    }


def _freshdesk_body(item: Record, text_key: str, html_key: str) -> Any:
    """The plain-text field when the export has it, else the HTML one converted."""
    text = item.get(text_key)
    if text:
        return text
    html = item.get(html_key)
    return fragment_to_markdown(html) if isinstance(html, str) and html.strip() else html
