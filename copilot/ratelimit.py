"""Sliding-window rate limits in memory, per key and per client IP (one process)."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from kb.errors import RateLimited


class RateLimiter:
    """At most `limit` events per `window` seconds for each name; thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, window: float = 60.0) -> None:
        self.clock = clock
        self.window = window
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, name: str, limit: int) -> None:
        """Record one event for `name`, or raise RateLimited with a Retry-After in seconds."""
        now = self.clock()
        with self._lock:
            events = self._events.setdefault(name, deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= limit:
                retry = max(1, math.ceil(events[0] + self.window - now))
                raise RateLimited(f"too many requests; try again in {retry} s", retry_after=retry)
            events.append(now)
            if len(self._events) > 100_000:  # forget idle names so memory stays bounded
                self._events = {
                    k: v for k, v in self._events.items() if v and v[-1] > now - self.window
                }
