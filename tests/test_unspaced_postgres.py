"""PostgreSQL migration 2: `kbc_segment` makes exactly the bigrams kb/text/unspaced.py makes
at query time, and an existing store re-indexes its Chinese/Japanese/Korean/Thai chunks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.embedders import HashingEmbedder
from kb.models import SearchFilters
from kb.storage.postgres_schema import MIGRATIONS
from kb.store import KnowledgeBase
from kb.text.unspaced import segment_unspaced
from tests.test_unspaced_index import ROWS, SAMPLES

try:
    import psycopg

    from tests.pg_support import fresh_database
except ImportError as exc:  # pragma: no cover - depends on the install
    if os.environ.get("CI") == "true":
        raise
    pytest.skip(f"PostgreSQL backend not available here ({exc})", allow_module_level=True)


@pytest.fixture
def url() -> Iterator[str]:
    with fresh_database() as fresh:
        yield fresh


def test_postgres_segments_exactly_as_the_query_side_does(tmp_path: Path, url: str) -> None:
    with KnowledgeBase(tmp_path, store_url=url) as kb:
        for text in SAMPLES:
            (got,) = kb.database.execute("SELECT kbc_segment(?)", (text,)).fetchone()
            assert got == segment_unspaced(text), text


def test_a_postgres_store_of_version_1_reindexes_its_unspaced_chunks(
    tmp_path: Path, url: str
) -> None:
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(
            "CREATE TABLE kbc_schema (version INTEGER PRIMARY KEY, applied_at "
            "TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        con.execute(MIGRATIONS[0]())
        con.execute("INSERT INTO kbc_schema (version) VALUES (1)")
        for i, (ext, title, text) in enumerate(ROWS, start=1):
            con.execute(
                "INSERT INTO documents (id, external_id, kind, title, body, visibility, "
                "translation_group, content_hash, ingested_at) VALUES (%s, %s, 'article', %s, "
                "%s, 'public', %s, 'h', 't')",
                (i, ext, title, text, ext),
            )
            con.execute(
                "INSERT INTO chunks (document_id, ordinal, text, token_count, content_hash, "
                "embedding) VALUES (%s, 0, %s, 3, 'h', '[1,0]')",
                (i, text),
            )
    with KnowledgeBase(tmp_path, HashingEmbedder(64), store_url=url) as kb:
        hits = kb.keyword_search("無料で取り消したい", SearchFilters.everything(), 10)
        assert [cid for cid, _ in hits] == [1]
        assert kb.document_frequencies(["取り", "cancel"]) == {"取り": 1, "cancel": 1}
