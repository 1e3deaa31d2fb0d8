"""Sliding-window rate limits in memory, per key, per visitor and per client IP (one process)."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from kb.errors import RateLimited

MAX_NAMES = 100_000  # past this many buckets, idle ones are forgotten so memory stays bounded


class RateLimiter:
    """At most `limit` events per `window` seconds for each name; thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, window: float = 60.0) -> None:
        self.clock = clock
        self.window = window
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, name: str, limit: int) -> None:
        """Record one event for `name`, or raise RateLimited with a Retry-After in seconds."""
        with self._lock:
            now = self.clock()
            events = self._live(name, now)
            self._refuse_if_full(events, limit, now)
            events.append(now)
            self._forget_idle(now)

    def check(self, name: str, limit: int) -> None:
        """Raise RateLimited when `name` already has `limit` events in the window; record none
        (failed-auth buckets: only failures are counted, with `record`)."""
        with self._lock:
            now = self.clock()
            self._refuse_if_full(self._live(name, now), limit, now)

    def record(self, name: str) -> None:
        """Count one event for `name` without any limit check."""
        with self._lock:
            now = self.clock()
            self._live(name, now).append(now)
            self._forget_idle(now)

    def _live(self, name: str, now: float) -> deque[float]:
        events = self._events.setdefault(name, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        return events

    def _refuse_if_full(self, events: deque[float], limit: int, now: float) -> None:
        if len(events) >= limit:
            retry = max(1, math.ceil(events[0] + self.window - now))
            raise RateLimited(f"too many requests; try again in {retry} s", retry_after=retry)

    def _forget_idle(self, now: float) -> None:
        if len(self._events) > MAX_NAMES:
            self._events = {
                k: v for k, v in self._events.items() if v and v[-1] > now - self.window
            }
