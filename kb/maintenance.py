"""Opening a store with the right embedder, re-embedding it, and describing it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from kb.embedders import DEFAULT_EMBEDDER, Embedder, get_embedder, name_for_model_id
from kb.models import Chunk
from kb.store import DB_NAME, KnowledgeBase, recorded_model
from kb.vectors import manifest_path_for


def open_store(data_dir: Path, embedder_name: str | None = None) -> KnowledgeBase:
    """Open (or create) the store; with no name, use the model the store was built with.

    Naming a different model than the store's raises ModelMismatch.
    """
    recorded = recorded_model(data_dir)
    if embedder_name is None:
        embedder_name = name_for_model_id(recorded) if recorded else DEFAULT_EMBEDDER
    return KnowledgeBase(data_dir, get_embedder(embedder_name))


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
    rows = kb.db.execute(
        "SELECT c.id, d.title, c.heading_path, c.text FROM chunks c "
        "JOIN documents d ON d.id = c.document_id ORDER BY c.id"
    ).fetchall()
    with kb.transaction() as db:
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            texts = [
                Chunk(0, text, tuple(json.loads(heading))).embedding_text(title)
                for _, title, heading, text in part
            ]
            vectors = np.asarray(embedder.embed(texts), dtype=np.float32)
            db.executemany(
                "UPDATE chunks SET embedding = ? WHERE id = ?",
                [(vec.tobytes(), row[0]) for vec, row in zip(vectors, part, strict=True)],
            )
            if progress:
                progress(len(part))
        kb._set_meta("model_id", embedder.model_id)
        kb._set_meta("dim", str(embedder.dim))
        kb._bump_generation()
    kb.embedder = embedder
    kb.rebuild_index()
    return len(rows)


def describe(kb: KnowledgeBase) -> dict[str, Any]:
    """Counts by kind, visibility and language; model, generation and file sizes."""

    def grouped(column: str) -> dict[str, int]:
        rows = kb.db.execute(f"SELECT COALESCE({column}, '?'), COUNT(*) FROM documents GROUP BY 1")
        return dict(rows.fetchall())

    (tokens,) = kb.db.execute("SELECT COALESCE(SUM(token_count), 0) FROM chunks").fetchone()
    files = [kb.data_dir / DB_NAME, kb.index_path, manifest_path_for(kb.index_path)]
    return {
        "data_dir": str(kb.data_dir),
        **kb.counts(),
        "tokens": tokens,
        "by_kind": grouped("kind"),
        "by_visibility": grouped("visibility"),
        "by_lang": grouped("lang"),
        "model_id": kb.model_id,
        "generation": kb.generation,
        "vector_index_fresh": kb.index_is_fresh(),
        "bytes": {f.name: f.stat().st_size for f in files if f.exists()},
    }
