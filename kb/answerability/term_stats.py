"""How specific a term is in this store: document frequency read from the keyword index.

A term no chunk contains ("Klarna", "HIPAA") is as specific as a term can be; a term most
chunks contain ("tv" in a TV manual) says little. Read from the store's keyword index (the
terms as given, no folding), cached per store generation.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from typing import Protocol

CACHE_SIZE = 4096


class TermStats(Protocol):
    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        """Inverse document frequency in [0, 1] per term (1: no chunk has it)."""
        ...


class FrequencySource(Protocol):
    """What term statistics read from a store (`kb.store.KnowledgeBase` is one)."""

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """Chunks holding each index term, looked up exactly as given."""
        ...

    def chunk_count(self) -> int: ...


class StoreTermStats:
    """IDF from a store's keyword index; the chunk total is read once until `reset`."""

    def __init__(self, store: FrequencySource, lock: threading.RLock | None = None) -> None:
        self.store = store
        self._lock = lock or threading.RLock()
        self._cache: dict[str, float] = {}
        self._ready = False
        self._total = 0

    def reset(self) -> None:
        """Forget cached frequencies (call when the store's generation changed)."""
        with self._lock:
            self._cache.clear()
            self._ready = False

    def _prepare(self) -> None:
        self._total = self.store.chunk_count()
        self._ready = True

    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        with self._lock:
            if not self._ready:
                self._prepare()
            todo = [t for t in dict.fromkeys(terms) if t not in self._cache]
            if todo:
                found = self.store.document_frequencies(todo)
                if len(self._cache) + len(todo) > CACHE_SIZE:
                    self._cache.clear()
                for term in todo:
                    self._cache[term] = scaled_idf(int(found.get(term, 0)), self._total)
            return {t: self._cache[t] for t in terms}


def scaled_idf(df: int, total: int) -> float:
    """log((N + 1) / (df + 0.5)) over its maximum, so 1 means "in no chunk"."""
    top = math.log((total + 1) / 0.5)
    if top <= 0:
        return 1.0
    return max(0.0, min(1.0, math.log((total + 1) / (df + 0.5)) / top))


class FixedTermStats:
    """Frequencies given up front (tests, and callers without a keyword index)."""

    def __init__(self, df: dict[str, int], total: int) -> None:
        self.df, self.total = df, total

    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        return {t: scaled_idf(self.df.get(t, 0), self.total) for t in terms}
