"""Intercom conversations as its API and webhooks send them, for the connector and webhook tests."""

from __future__ import annotations

from typing import Any


def listed(conversation_id: str, updated_at: int, state: str = "closed") -> dict[str, Any]:
    """A conversation as the search lists it (no parts)."""
    return {"type": "conversation", "id": conversation_id, "state": state, "updated_at": updated_at}


def whole(conversation_id: str, updated_at: int) -> dict[str, Any]:
    """The same conversation as `/conversations/<id>` returns it."""

    def part(kind: str, author: str, body: str) -> dict[str, Any]:
        return {"part_type": kind, "author": {"type": author}, "body": body, "created_at": 1}

    return {
        **listed(conversation_id, updated_at),
        "title": f"Refund for order {conversation_id}",
        "source": {
            "author": {"type": "user"},
            "body": f"<p>Order {conversation_id} arrived broken. I am jo@example.com</p>",
            "delivered_as": "customer_initiated",
        },
        "statistics": {"last_close_at": updated_at},
        "tags": {"tags": [{"name": "refunds"}]},
        "conversation_parts": {
            "conversation_parts": [
                part("note", "admin", "<p>Second refund this month for this customer.</p>"),
                part("comment", "bot", "<p>Our bot is looking into it.</p>"),
                part("comment", "admin", "<p>Refunds go out within 5 working days.</p>"),
                part("close", "admin", ""),
            ]
        },
    }
