"""One store fixture per backend: every conformance test runs on SQLite and on PostgreSQL.

PostgreSQL comes from `tests.pg_support` (a pgserver started once per session). Without it
the PostgreSQL cases skip, saying why, except in CI (`CI=true`), where that is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from kb.embedders import HashingEmbedder
from kb.models import Chunk, Document
from kb.store import DocumentWrite, KnowledgeBase

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    if request.param == "sqlite":
        yield None
        return
    try:
        from tests.pg_support import fresh_database
    except ImportError as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"PostgreSQL backend not available here: {exc}")
    with fresh_database() as url:
        yield url


@pytest.fixture
def open_store(tmp_path: Path, store_url: str | None) -> Iterator[Callable[[], KnowledgeBase]]:
    """Opens the store under test (again, for reopen tests); every opened one is closed."""
    opened: list[KnowledgeBase] = []

    def make() -> KnowledgeBase:
        kb = KnowledgeBase(tmp_path / "local", HashingEmbedder(64), store_url=store_url)
        opened.append(kb)
        return kb

    yield make
    for kb in opened:
        kb.close()


@pytest.fixture
def store(open_store: Callable[[], KnowledgeBase]) -> KnowledgeBase:
    return open_store()


def write(kb: KnowledgeBase, ext: str, texts: list[str], title: str = "", **kw: object) -> None:
    """Store a document whose chunks are `texts` (heading "Section"), embedded by the store."""
    doc = Document(external_id=ext, title=title or f"Title {ext}", body="\n\n".join(texts), **kw)  # type: ignore[arg-type]
    chunks = [Chunk(i, t, ("Section",), len(t.split()), doc.lang) for i, t in enumerate(texts)]
    assert kb.embedder is not None
    vectors = np.asarray(kb.embedder.embed([c.embedding_text(doc.title) for c in chunks]))
    hashes = [f"{ext}-{i}-{t}" for i, t in enumerate(texts)]
    kb.write([DocumentWrite(doc, chunks, hashes, vectors)])


def chunk_ids(kb: KnowledgeBase) -> set[int]:
    """Every stored chunk id (read through the embeddings the store hands out)."""
    return {int(i) for ids, _ in kb.iter_embeddings() for i in ids}
