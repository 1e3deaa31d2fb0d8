"""The FastAPI app factory: `create_app(settings)` wires the store, keys, limits and routes."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from copilot.config import Settings, get_settings
from copilot.errors import install_error_handlers
from copilot.middleware import BodyLimit, WidgetCors
from copilot.ratelimit import RateLimiter
from copilot.state import AppState
from kb.maintenance import open_store
from kb.retrieval import Retriever
from kb.storage.interactions import Interactions
from kb.storage.keys import KeyStore
from kb.store import KnowledgeBase

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


def _limit_threads(threads: int) -> None:
    """Cap the encoder's intra-op threads (ONNX Runtime, or torch for `minilm-torch`) and
    FAISS's OpenMP threads in the server (Settings.torch_threads): requests already run side
    by side, and threads spinning on busy cores cost more than they save (bench/RESULTS.md)."""
    import faiss

    from kb.embedders.base import set_encoder_threads

    faiss.omp_set_num_threads(threads)
    set_encoder_threads(threads)  # torch is never imported for this


def _warm_up(kb: KnowledgeBase) -> None:
    """Load at start what the first request would otherwise wait for: the embedding model and
    langdetect's language profiles (0.8 s, lazily loaded on the first detection)."""
    from kb.text.language import detect_language

    detect_language("Where can I change the password of my account?")
    if kb.embedder is not None:
        kb.embedder.embed(["warm up"])


def build_state(settings: Settings, kb: KnowledgeBase | None = None) -> AppState:
    """Open the store (unless given) and everything built on it."""
    _limit_threads(settings.torch_threads)
    kb = kb or open_store(settings.data_dir, settings.embedder, settings.store_url)
    _warm_up(kb)
    from copilot.engine import Copilot

    retriever = Retriever(kb)
    return AppState(
        settings=settings,
        kb=kb,
        keys=KeyStore(kb),
        retriever=retriever,
        interactions=Interactions(kb),
        engine=Copilot.from_settings(settings, kb, retriever),
        limiter=RateLimiter(),
    )


def create_app(settings: Settings | None = None, *, state: AppState | None = None) -> FastAPI:
    settings = settings or get_settings()
    state = state or build_state(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        state.engine.close()  # stops the local model's child process

    app = FastAPI(
        title="KB Copilot",
        version="0.1.0",
        description="Sourced replies, summaries and customer answers from your help center.",
        lifespan=lifespan,
    )
    app.state.kbc = state
    install_error_handlers(app)

    from copilot.pages.routes import router as pages_router
    from copilot.routes import (
        analytics,
        answers,
        documents,
        feedback,
        flags,
        qa,
        replies,
        search,
        summaries,
        triage,
        webhooks,
    )

    routers = (replies, summaries, triage, answers, search, documents, feedback, flags)
    for module in (*routers, analytics, qa, webhooks):
        app.include_router(module.router)
    app.include_router(pages_router)

    @app.get("/healthz", tags=["health"])
    def health() -> dict[str, object]:
        counts = state.kb.counts()
        return {
            "status": "ok",
            "model": state.kb.model_id,
            "generator": state.engine.generator_name,
            "llm": state.engine.generator_status(),
            **counts,
        }

    # Outermost last: CORS wraps everything so even a 413 reaches the widget readable.
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(WidgetCors, allowed_origins=state.widget_origins)
    return app
