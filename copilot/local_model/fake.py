"""A deterministic stand-in for llama.cpp: the same streaming shape, a scripted reply.

Used by the tests (and selectable in the model server with ``--fake``) so the supervisor, the
queue, cancellation and streaming are exercised without weights; ``delay_s`` per token makes
a generation last long enough to be killed or cancelled mid-way.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

DEFAULT_REPLY = "You can export your bookings from Settings > Export [1]."


class ScriptedChatModel:
    """Streams ``reply`` word by word; with a JSON ``response_format`` it streams JSON instead."""

    def __init__(self, reply: str = DEFAULT_REPLY, *, delay_s: float = 0.0) -> None:
        self.reply = reply
        self.delay_s = delay_s
        self.calls: list[dict[str, Any]] = []

    def create_chat_completion(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        self.calls.append(kwargs)
        text = self.reply
        if (kwargs.get("response_format") or {}).get("type") == "json_object":
            text = json.dumps({"sentences": [{"text": self.reply, "sources": [1]}]})
        limit = int(kwargs.get("max_tokens") or 10_000)
        return self._stream(text.split(" ")[:limit])

    def _stream(self, words: list[str]) -> Iterator[dict[str, Any]]:
        for i, word in enumerate(words):
            if self.delay_s:
                time.sleep(self.delay_s)
            piece = word if i == 0 else " " + word
            yield {"choices": [{"delta": {"content": piece}, "finish_reason": None}]}
        yield {"choices": [{"delta": {}, "finish_reason": "stop"}]}

    def tokenize(self, text: bytes, add_bos: bool = True, special: bool = False) -> list[int]:
        return list(range(len(text.split()) + (1 if add_bos else 0)))
