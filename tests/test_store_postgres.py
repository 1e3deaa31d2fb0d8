"""The PostgreSQL backend's own behaviour, beyond the conformance suite every backend passes:
placeholders, exact vectors, tokenization and IDF, HNSW, re-embedding, errors, schema."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kb.embedders import HashingEmbedder
from kb.errors import StoreCorrupt, StoreUnavailable
from kb.flags.model import Finding
from kb.models import Chunk, Document, SearchFilters
from kb.retrieval import Retriever
from kb.storage.flags import FlagStore
from kb.storage.interactions import Interactions, LoggedAnswer
from kb.storage.keys import KeyStore
from kb.storage.postgres import to_pyformat
from kb.storage.postgres_schema import MIGRATIONS as PG_MIGRATIONS
from kb.store import DocumentWrite, KnowledgeBase
from tests.helpcenter import write_help_center

try:
    from tests.pg_support import fresh_database
except ImportError as exc:  # pragma: no cover - depends on the install
    if os.environ.get("CI") == "true":
        raise
    pytest.skip(
        f"PostgreSQL backend not available here ({exc}): pip install -e '.[postgres]'",
        allow_module_level=True,
    )

EVERYTHING = SearchFilters.everything()


@pytest.fixture
def url() -> Iterator[str]:
    with fresh_database() as fresh:
        yield fresh


@pytest.fixture
def pg(tmp_path: Path, url: str) -> Iterator[KnowledgeBase]:
    kb = KnowledgeBase(tmp_path, HashingEmbedder(64), store_url=url)
    yield kb
    kb.close()


def put(kb: KnowledgeBase, ext: str, text: str, title: str = "", **kw: object) -> None:
    doc = Document(external_id=ext, title=title or ext, body=text, **kw)  # type: ignore[arg-type]
    chunk = Chunk(0, text, ("Section",), len(text.split()), doc.lang)
    assert kb.embedder is not None
    vec = np.asarray(kb.embedder.embed([chunk.embedding_text(doc.title)]))
    kb.write([DocumentWrite(doc, [chunk], [f"{ext}:{text}"], vec)])


def docs(kb: KnowledgeBase, hits: list[tuple[int, float]]) -> list[str]:
    rows = kb.chunk_rows(cid for cid, _ in hits)
    return [rows[cid].external_id for cid, _ in hits]


def test_placeholders_are_rewritten_outside_literals_and_percent_escaped() -> None:
    sql = "SELECT COALESCE(x, '?'), 'it''s ?', \"c?\" FROM t WHERE a = ? AND b LIKE '5%' -- ?"
    expected = (
        "SELECT COALESCE(x, '?'), 'it''s ?', \"c?\" FROM t WHERE a = %s AND b LIKE '5%%' -- ?"
    )
    assert to_pyformat(sql) == expected
    assert to_pyformat("SELECT 10 % 3, ?") == "SELECT 10 %% 3, %s"


def test_literal_percent_and_question_marks_reach_the_server_intact(pg: KnowledgeBase) -> None:
    row = pg.database.execute("SELECT '?', '100%', 7 % 4, ?", ("x",)).fetchone()
    assert tuple(row) == ("?", "100%", 3, "x")
    put(pg, "a", "plain words", lang=None)
    assert pg.catalog.grouped_counts("lang") == {"?": 1}


def test_embeddings_round_trip_bit_for_bit(pg: KnowledgeBase) -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(20, 64)).astype(np.float32)
    vectors[0, :4] = [1e-30, -5.6929504e-33, 3.4e38, 1.1754944e-38]
    doc = Document(external_id="v", title="v", body="x")
    chunks = [Chunk(i, f"chunk {i}", (), 2, None) for i in range(20)]
    pg.write([DocumentWrite(doc, chunks, [f"h{i}" for i in range(20)], vectors)])
    stored = pg.embeddings_for([f"h{i}" for i in range(20)])
    for i in range(20):
        assert stored[f"h{i}"].dtype == np.float32
        assert stored[f"h{i}"].tobytes() == vectors[i].tobytes()
    ((ids, vecs),) = list(pg.iter_embeddings())
    assert vecs.tobytes() == vectors.tobytes() and len(ids) == 20


def test_keyword_search_folds_diacritics_and_splits_punctuation(pg: KnowledgeBase) -> None:
    put(pg, "es", "Restablece tu contraseña desde la página de inicio.", lang="es")
    put(pg, "de", "Die Dateigrösse des Anhangs ist begrenzt.", lang="de")
    put(pg, "ver", "Requires version 3.14 and an e-mail address (user@example.com).")
    assert docs(pg, pg.keyword_search("contrasena pagina", EVERYTHING, 5)) == ["es"]
    assert docs(pg, pg.keyword_search("CONTRASEÑA", EVERYTHING, 5)) == ["es"]
    assert docs(pg, pg.keyword_search("DATEIGROSSE", EVERYTHING, 5)) == ["de"]
    assert docs(pg, pg.keyword_search("14", EVERYTHING, 5)) == ["ver"]
    assert docs(pg, pg.keyword_search("mail", EVERYTHING, 5)) == ["ver"]
    assert docs(pg, pg.keyword_search("example", EVERYTHING, 5)) == ["ver"]
    assert pg.document_frequencies(["contrasena", "contraseña", "3", "14"]) == {
        "contrasena": 1,
        "contraseña": 0,
        "3": 1,
        "14": 1,
    }


def test_a_rare_term_outweighs_a_common_one(pg: KnowledgeBase) -> None:
    for i in range(8):
        put(pg, f"common{i}", f"calendar settings page number {i}")
    put(pg, "rare", "the zanzibar integration guide")
    put(pg, "both", "calendar calendar calendar notes")
    hits = docs(pg, pg.keyword_search("calendar zanzibar", EVERYTHING, 10))
    assert hits[0] == "rare", "IDF: the term 1 chunk holds beats the one 9 hold"
    assert set(hits) == {"rare", "both", *(f"common{i}" for i in range(8))}


def test_a_long_query_ranks_its_rarest_terms_one_by_one() -> None:
    from kb.storage.postgres_search import RANKED_TERMS, score_expression

    df = {f"t{i:02d}": 10 + i for i in range(RANKED_TERMS + 5)}
    sql, params = score_expression(df, 1000)
    assert sql.count("ts_rank(") == RANKED_TERMS + 1
    assert params[1] == "'t00'" and params[-1] == " | ".join(f"'t{i:02d}'" for i in range(8, 13))
    assert params[0] > params[2] > 0, "rarer terms weigh more"


def test_document_frequencies_follow_writes_and_deletes(tmp_path: Path, url: str) -> None:
    with KnowledgeBase(tmp_path, HashingEmbedder(64), store_url=url) as a:
        put(a, "x", "alpha beta")
        put(a, "y", "alpha gamma")
        with KnowledgeBase(tmp_path, HashingEmbedder(64), store_url=url) as b:
            assert b.document_frequencies(["alpha", "beta"]) == {"alpha": 2, "beta": 1}
            b.delete(["x"])
            put(b, "y", "delta only")
        assert a.document_frequencies(["alpha", "beta", "delta"]) == {
            "alpha": 0,
            "beta": 0,
            "delta": 1,
        }
        assert a.vectors.count == 1


def test_vector_search_uses_hnsw_and_returns_deep_k(pg: KnowledgeBase) -> None:
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(300, 64)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    doc = Document(external_id="many", title="many", body="x")
    chunks = [Chunk(i, f"c{i}", (), 1, None) for i in range(300)]
    pg.write([DocumentWrite(doc, chunks, [f"h{i}" for i in range(300)], vectors)])
    index = pg.vectors
    hits = index.search(vectors[7], 250)
    assert len(hits) == 250 and abs(hits[0][1] - 1.0) < 1e-5
    exact = np.argsort(-(vectors @ vectors[7]))[:10]
    ids = np.concatenate([i for i, _ in pg.iter_embeddings()])
    assert {c for c, _ in index.search(vectors[7], 10)} == set(ids[exact].tolist())
    pg.database.execute("ANALYZE chunks")
    pg.database.execute("SET enable_seqscan = off")
    plan = " ".join(
        str(r[0])
        for r in pg.database.execute(
            "EXPLAIN SELECT id FROM chunks WHERE vector_dims(embedding) = 64 "
            "ORDER BY (embedding::vector(64)) <#> ?::vector(64) LIMIT 5",
            (vectors[0],),
        )
    )
    assert "chunks_embedding_hnsw_64" in plan


def test_reembedding_to_another_dimension_moves_the_index(tmp_path: Path, url: str) -> None:
    from kb.maintenance import reembed

    with KnowledgeBase(tmp_path, HashingEmbedder(64), store_url=url) as kb:
        put(kb, "a", "export bookings to csv")
        put(kb, "b", "reset your password")
        assert reembed(kb, HashingEmbedder(32)) == 2
        query = np.asarray(kb.embedder.embed(["reset your password"]))[0]
        assert docs(kb, kb.vectors.search(query, 1)) == ["b"]
        names = {
            r[0]
            for r in kb.database.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'chunks'"
            )
        }
        assert "chunks_embedding_hnsw_32" in names and "chunks_embedding_hnsw_64" not in names


def test_hybrid_search_never_leaks_internal_documents(pg: KnowledgeBase) -> None:
    put(pg, "pub", "Reset your password from the login page.", title="Password reset")
    put(pg, "int", "Password resets for VIP accounts.", title="VIP", visibility="internal")
    put(pg, "tk", "Customer could not reset password.", kind="ticket", visibility="internal")
    for mode in ("hybrid", "dense", "keyword"):
        hits = Retriever(pg).search("reset password", k=5, mode=mode)  # type: ignore[arg-type]
        assert [h.external_id for h in hits] == ["pub"], mode
    everything = Retriever(pg).search("reset password", k=5, filters=EVERYTHING)
    assert {h.external_id for h in everything} == {"pub", "int", "tk"}


def test_a_failed_statement_rolls_back_the_transaction(pg: KnowledgeBase) -> None:
    import psycopg

    with pytest.raises(psycopg.IntegrityError), pg.transaction():
        pg.database.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
        pg.database.execute("INSERT INTO meta (key, value) VALUES ('k', 'again')")
    assert pg.documents.meta("k") is None
    pg.documents.set_meta("k", "after")  # the connection is usable again
    assert pg.documents.meta("k") == "after"


def test_an_unreachable_server_names_the_url_without_its_password(tmp_path: Path) -> None:
    bad = "postgresql://kbc:s3cret@127.0.0.1:1/kb?connect_timeout=2"
    with pytest.raises(StoreUnavailable) as caught:
        KnowledgeBase(tmp_path, store_url=bad)
    assert "kbc:***@127.0.0.1:1/kb" in caught.value.message
    assert "s3cret" not in caught.value.message
    assert caught.value.exit_code == 9 and caught.value.http_status == 503


def test_schema_is_migrated_once_and_a_newer_one_is_refused(tmp_path: Path, url: str) -> None:
    with KnowledgeBase(tmp_path, store_url=url) as kb:
        versions = [r[0] for r in kb.database.execute("SELECT version FROM kbc_schema")]
        assert versions == list(range(1, len(PG_MIGRATIONS) + 1))
    with KnowledgeBase(tmp_path, store_url=url) as kb:
        again = [r[0] for r in kb.database.execute("SELECT version FROM kbc_schema")]
        assert again == versions
        kb.database.execute("INSERT INTO kbc_schema (version) VALUES (99)")
    with pytest.raises(StoreCorrupt, match="newer than this kbc"):
        KnowledgeBase(tmp_path, store_url=url)


def test_stats_describe_the_store_without_password(pg: KnowledgeBase) -> None:
    from kb.maintenance import describe

    put(pg, "a", "some words here")
    info = describe(pg)
    assert info["store"].startswith("postgresql://") and info["vector_index_fresh"] is True
    assert info["bytes"]["chunks"] > 0 and info["chunks"] == 1


def _kbc(*args: str) -> Any:
    from click.testing import CliRunner

    from copilot.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _sqlite_store_with_everything(data_dir: Path, src: Path) -> tuple[str, int]:
    """A SQLite store with articles, a deleted one, a key, answers, a draft, feedback and a
    flag; returns the key and the highest chunk id ever handed out."""
    ingested = _kbc("--data-dir", str(data_dir), "--embedder", "hashing", "ingest", str(src))
    assert ingested.exit_code == 0, ingested.output
    with KnowledgeBase(data_dir, HashingEmbedder(256)) as kb:
        put(kb, "gone", "an article that is deleted again")
        highest = max(int(i) for ids, _ in kb.iter_embeddings() for i in ids)
        kb.delete(["gone"])
        key = KeyStore(kb).create("widget", name="site", origins=("https://shop.example.com",))
        log = Interactions(kb)
        answer = LoggedAnswer(
            "How do I reset?",
            "en",
            "answered",
            None,
            0.8125,
            ["kb-password"],
            "Use the link [1].",
            12.5,
            "extractive",
            None,
            "visitor-1",
        )
        answer_id = log.log_answer(answer)
        draft_id = log.log_draft(
            "Hi, use the link.",
            lang="en",
            sources=["kb-password"],
            confidence=0.5,
            generator="extractive",
            key_id=None,
        )
        log.add_feedback(answer_id=answer_id, helpful=True, client="visitor-1")
        log.add_feedback(draft_id=draft_id, final_reply="Hello, use the link.", edit_distance=0.25)
        finding = Finding(
            "review_due", "kb-password", "review_due:kb-password", "low", {"age_days": 400}, "k1"
        )
        FlagStore(kb).apply([finding], in_scope=lambda _f: True)
    return key, highest


def test_migrate_copies_a_sqlite_store_into_postgresql(tmp_path: Path, url: str) -> None:
    data_dir = tmp_path / "store"
    key, highest = _sqlite_store_with_everything(data_dir, write_help_center(tmp_path / "hc"))
    result = _kbc("--data-dir", str(data_dir), "migrate", "--to", url, "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["rows"]
    assert rows["api_keys"] == 1 and rows["answer_log"] == 1 and rows["feedback"] == 2

    with KnowledgeBase(data_dir) as lite, KnowledgeBase(data_dir, store_url=url) as pg:
        assert (pg.model_id, pg.generation) == (lite.model_id, lite.generation)
        assert pg.documents.meta("dim") == lite.documents.meta("dim") == "256"
        assert pg.document_hashes() == lite.document_hashes()
        assert rows["documents"] == len(lite.document_hashes())
        for ext in lite.document_hashes():
            assert pg.get_document(ext) == lite.get_document(ext)
        ((lite_ids, lite_vecs),) = list(lite.iter_embeddings())
        ((pg_ids, pg_vecs),) = list(pg.iter_embeddings())
        assert lite_ids.tolist() == pg_ids.tolist() and lite_vecs.tobytes() == pg_vecs.tobytes()
        assert pg.chunk_rows(lite_ids.tolist()) == lite.chunk_rows(lite_ids.tolist())
        assert KeyStore(pg).verify(key) == KeyStore(lite).verify(key)
        assert Interactions(pg).recent_answers() == Interactions(lite).recent_answers()
        assert FlagStore(pg).list() == FlagStore(lite).list()
        assert pg.vectors.count == len(lite_ids)
        words = ["password", "csv", "bookings", "absent"]
        assert pg.document_frequencies(words) == lite.document_frequencies(words)

    # the next chunk id continues past every id SQLite ever handed out
    with KnowledgeBase(data_dir, HashingEmbedder(256), store_url=url) as pg:
        put(pg, "new", "a new article after the move")
        assert min(int(i) for i in pg.chunk_rows(range(highest + 1, highest + 50))) > highest

    found = _kbc("--data-dir", str(data_dir), "--store-url", url, "search", "export csv", "--json")
    assert found.exit_code == 0, found.output
    assert json.loads(found.output)[0]["external_id"] == "kb-export"
    stats = json.loads(
        _kbc("--data-dir", str(data_dir), "--store-url", url, "stats", "--json").output
    )
    assert stats["store"].startswith("postgresql://postgres:***@/kbc_test_") and stats["chunks"]

    again = _kbc("--data-dir", str(data_dir), "migrate", "--to", url)
    assert again.exit_code == 2 and "not empty" in again.output


def test_migrate_refuses_a_missing_source_and_a_non_postgres_target(tmp_path: Path) -> None:
    assert _kbc("--data-dir", str(tmp_path / "none"), "migrate", "--to", "sqlite:").exit_code == 2
    missing = _kbc("--data-dir", str(tmp_path / "none"), "migrate", "--to", "postgresql://x@/db")
    assert missing.exit_code == 2 and "no SQLite store" in missing.output


def test_the_api_serves_a_postgresql_store(tmp_path: Path, url: str) -> None:
    from fastapi.testclient import TestClient

    from copilot.app import create_app
    from copilot.config import Settings

    data_dir, src = tmp_path / "local", write_help_center(tmp_path / "hc")
    base = ["--data-dir", str(data_dir), "--store-url", url]
    assert _kbc(*base, "--embedder", "hashing", "ingest", str(src)).exit_code == 0
    key = _kbc(*base, "keys", "create", "--role", "agent").output.strip()
    assert not (data_dir / "kb.sqlite3").exists(), "nothing went to a SQLite store"
    settings = Settings(data_dir=data_dir, store_url=url)
    with TestClient(create_app(settings)) as client:
        r = client.get(
            "/v1/search",
            params={"q": "export bookings csv"},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert r.status_code == 200, r.text
        assert r.json()["hits"][0]["external_id"] == "kb-export"
