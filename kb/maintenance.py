"""Opening a store with the right embedder, re-embedding it, and describing it."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

import numpy as np

from kb.embedders import DEFAULT_EMBEDDER, Embedder, get_embedder, name_for_model_id
from kb.embedders.coverage import embedder_for_languages, reembed_hint, uncovered_languages
from kb.fusion_shares import load_shares
from kb.models import Chunk
from kb.retrieval import FusionConfig
from kb.store import KnowledgeBase, recorded_model


def open_store(
    data_dir: Path,
    embedder_name: str | None = None,
    store_url: str | None = None,
    *,
    languages: Callable[[], Collection[str]] | None = None,
) -> KnowledgeBase:
    """Open (or create) the store; with no name, use the model the store was built with.

    A new store with no name given gets the embedder that covers `languages()` (those of
    its first documents; called only then) — MiniLM for English, else the multilingual
    model. Naming a different model than the store's raises ModelMismatch. `store_url`
    picks the backend (None: the embedded SQLite store in `data_dir`).
    """
    if embedder_name is None:
        recorded = _recorded(data_dir, store_url)
        if recorded:
            embedder_name = name_for_model_id(recorded)
        elif languages is not None:
            embedder_name = embedder_for_languages(languages())
        else:
            embedder_name = DEFAULT_EMBEDDER
    return KnowledgeBase(data_dir, get_embedder(embedder_name), store_url=store_url)


def _recorded(data_dir: Path, store_url: str | None) -> str | None:
    if not store_url:
        return recorded_model(data_dir)  # read-only: never creates a store to ask
    with KnowledgeBase(data_dir, store_url=store_url) as probe:
        return probe.model_id


def reembed(
    kb: KnowledgeBase,
    embedder: Embedder,
    *,
    batch: int = 256,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Re-embed every chunk with `embedder` in one transaction, then rebuild the index.

    Interrupted, it rolls back: the store keeps its previous model and vectors.
    """
    rows = kb.catalog.chunks_for_embedding()
    with kb.transaction():
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            texts = [
                Chunk(0, text, tuple(json.loads(heading))).embedding_text(title)
                for _, title, heading, text in part
            ]
            vectors = np.asarray(embedder.embed(texts), dtype=np.float32)
            kb.documents.replace_embeddings(
                [(row[0], vec) for vec, row in zip(vectors, part, strict=True)]
            )
            if progress:
                progress(len(part))
        kb.set_model(embedder)
    kb.rebuild_index()
    return len(rows)


def describe(kb: KnowledgeBase) -> dict[str, Any]:
    """Counts by kind, visibility and language; model, generation and file sizes."""

    grouped = kb.catalog.grouped_counts
    tokens = kb.catalog.token_total()
    by_lang = grouped("lang")
    return {
        "data_dir": str(kb.data_dir),
        **kb.counts(),
        "tokens": tokens,
        "by_kind": grouped("kind"),
        "by_visibility": grouped("visibility"),
        "by_lang": by_lang,
        "model_id": kb.model_id,
        "languages_not_covered": uncovered_languages(kb.model_id, by_lang),
        "embedder_hint": reembed_hint(kb.model_id, by_lang),
        "fusion": load_shares(kb.documents, FusionConfig().dense_share).describe(),
        "generation": kb.generation,
        "vector_index_fresh": kb.index_is_fresh(),
        "store": kb.backend.describe(),
        "bytes": kb.backend.sizes(),
    }
