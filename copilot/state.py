"""Everything a request needs, built once per app by `create_app` (no globals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from copilot.config import Settings
from copilot.ratelimit import RateLimiter
from kb.retrieval import Retriever
from kb.storage.interactions import Interactions
from kb.storage.keys import KeyStore
from kb.store import KnowledgeBase

if TYPE_CHECKING:  # the engine pulls in the composers; a route's state never needs it imported
    from copilot.engine import Copilot


@dataclass
class AppState:
    settings: Settings
    kb: KnowledgeBase
    keys: KeyStore
    retriever: Retriever
    interactions: Interactions
    engine: Copilot
    limiter: RateLimiter = field(default_factory=RateLimiter)

    def widget_origins(self) -> set[str]:
        """Every origin any active widget key allows (for CORS preflights)."""
        return {
            o
            for k in self.keys.list()
            if k.role == "widget" and not k.revoked_at
            for o in k.origins
        }
