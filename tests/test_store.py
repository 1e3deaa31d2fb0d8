"""The store: writes, deletes, FTS and FAISS in step, crash recovery, model mismatch."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from kb.embedders import HashingEmbedder
from kb.errors import ModelMismatch, StoreCorrupt
from kb.maintenance import describe, open_store, reembed
from kb.models import Chunk, Document, SearchFilters
from kb.storage.faiss_index import FaissIndex, read_manifest
from kb.storage.sqlite_fts import keyword_search, match_expression
from kb.store import INDEX_NAME, DocumentWrite, KnowledgeBase


def _write(kb: KnowledgeBase, ext: str, texts: list[str], **kw: object) -> None:
    doc = Document(external_id=ext, title=f"Title {ext}", body="\n\n".join(texts), **kw)  # type: ignore[arg-type]
    chunks = [Chunk(i, t, ("Section",), len(t.split()), "en") for i, t in enumerate(texts)]
    assert kb.embedder is not None
    vectors = kb.embedder.embed([c.embedding_text(doc.title) for c in chunks])
    kb.write([DocumentWrite(doc, chunks, [f"{ext}-{i}-{t}" for i, t in enumerate(texts)], vectors)])


def _chunk_ids(kb: KnowledgeBase) -> set[int]:
    return {r[0] for r in kb.database.execute("SELECT id FROM chunks")}


def _index_ids(kb: KnowledgeBase) -> set[int]:
    index = kb.vectors._index
    return {int(index.id_map.at(i)) for i in range(index.ntotal)}


def test_write_replace_and_delete_keep_fts_and_vectors_in_step(kb: KnowledgeBase) -> None:
    _write(kb, "a", ["reset your password from the login page", "two factor codes"])
    _write(kb, "b", ["export bookings to csv"])
    assert kb.counts() == {"documents": 2, "chunks": 3}
    assert _index_ids(kb) == _chunk_ids(kb)

    _write(kb, "a", ["reset your password by email"])  # replace: old chunks leave FTS and FAISS
    assert kb.counts() == {"documents": 2, "chunks": 2}
    assert _index_ids(kb) == _chunk_ids(kb)
    everything = SearchFilters.everything()
    assert keyword_search(kb.database, "factor", everything, 10) == []
    assert len(keyword_search(kb.database, "password", everything, 10)) == 1

    assert kb.delete(["a", "missing"]) == 1
    assert keyword_search(kb.database, "password", everything, 10) == []
    assert _index_ids(kb) == _chunk_ids(kb)
    assert kb.get_document("a") is None and kb.get_document("b") is not None


def test_generation_counts_every_change_and_index_saves_with_manifest(
    kb: KnowledgeBase,
) -> None:
    start = kb.generation
    _write(kb, "a", ["one"])
    _write(kb, "b", ["two"])
    kb.delete(["b"])
    assert kb.generation == start + 3
    assert kb.vectors.count == 1
    kb.save_index()
    manifest = read_manifest(kb.data_dir / INDEX_NAME)
    assert manifest is not None
    assert (manifest.generation, manifest.count, manifest.model_id) == (
        kb.generation,
        1,
        "hashing-256",
    )


def test_crash_between_commit_and_index_save_recovers(tmp_path: Path) -> None:
    embedder = HashingEmbedder(64)
    kb = KnowledgeBase(tmp_path, embedder)
    _write(kb, "a", ["alpha text"])
    _write(kb, "b", ["beta text"])
    kb.close()  # index saved at generation 2

    kb = KnowledgeBase(tmp_path, embedder)
    _ = kb.vectors
    _write(kb, "c", ["gamma text"])  # committed to SQLite ...
    kb.delete(["a"])
    kb.database.close()  # ... and the process dies before the index is saved

    kb = KnowledgeBase(tmp_path, embedder)
    assert not kb.index_is_fresh()
    assert _index_ids(kb) == _chunk_ids(kb)  # rebuilt from stored embeddings
    vec = embedder.embed(["gamma text"])[0]
    top_id, _ = kb.vectors.search(vec, 1)[0]
    (ext,) = kb.database.execute(
        "SELECT d.external_id FROM chunks c JOIN documents d ON d.id = c.document_id "
        "WHERE c.id = ?",
        (top_id,),
    ).fetchone()
    assert ext == "c"
    assert kb.index_is_fresh()
    kb.close()


def test_unreadable_index_file_is_rebuilt(tmp_path: Path) -> None:
    embedder = HashingEmbedder(64)
    with KnowledgeBase(tmp_path, embedder) as kb:
        _write(kb, "a", ["alpha"])
        _ = kb.vectors
    (tmp_path / "vectors.faiss").write_bytes(b"garbage")
    with KnowledgeBase(tmp_path, embedder) as kb:
        assert kb.vectors.count == 1


def test_model_mismatch_is_a_clear_error(tmp_path: Path) -> None:
    KnowledgeBase(tmp_path, HashingEmbedder(64)).close()
    with pytest.raises(ModelMismatch, match=r"kbc reindex --re-embed"):
        KnowledgeBase(tmp_path, HashingEmbedder(32))
    # Opening with no explicit model picks the store's own.
    with open_store(tmp_path) as kb:
        assert kb.embedder is not None and kb.embedder.model_id == "hashing-64"


def test_reembed_switches_model_and_rebuilds(tmp_path: Path) -> None:
    with KnowledgeBase(tmp_path, HashingEmbedder(64)) as kb:
        _write(kb, "a", ["alpha", "beta"])
    with KnowledgeBase(tmp_path) as kb:
        assert reembed(kb, HashingEmbedder(32)) == 2
    with KnowledgeBase(tmp_path, HashingEmbedder(32)) as kb:
        assert kb.vectors.count == 2 and kb.vectors.dim == 32
        stored = kb.database.execute("SELECT embedding FROM chunks LIMIT 1").fetchone()[0]
        assert len(np.frombuffer(stored, dtype=np.float32)) == 32


def test_tickets_are_always_internal(kb: KnowledgeBase) -> None:
    doc = Document(external_id="t1", title="t", body="b", kind="ticket", visibility="public")
    assert doc.visibility == "internal"
    with pytest.raises(sqlite3.IntegrityError):
        kb.database.execute(
            "INSERT INTO documents (external_id, kind, title, body, visibility, "
            "translation_group, content_hash, ingested_at) "
            "VALUES ('x', 'ticket', 't', 'b', 'public', 'x', 'h', 'now')"
        )


def test_visibility_filter_in_keyword_search(kb: KnowledgeBase) -> None:
    _write(kb, "pub", ["refund policy for annual plans"])
    _write(kb, "int", ["refund exceptions secret canary"], visibility="internal")
    public = keyword_search(kb.database, "refund canary", SearchFilters.public(), 10)
    both = keyword_search(kb.database, "refund canary", SearchFilters.everything(), 10)
    assert len(public) == 1 and len(both) == 2
    assert keyword_search(kb.database, "canary", SearchFilters(visibility=frozenset()), 10) == []


def test_match_expression_quotes_terms_and_drops_stopwords() -> None:
    assert match_expression('How do I "reset" my password? OR NOT') == '"reset" OR "password"'
    assert match_expression("the and of") is None


def test_describe_reports_counts(kb: KnowledgeBase) -> None:
    _write(kb, "a", ["alpha"], lang="es")
    info = describe(kb)
    assert info["documents"] == 1 and info["by_lang"] == {"es": 1}
    assert info["model_id"] == "hashing-256"


def test_corrupt_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "kb.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreCorrupt):
        KnowledgeBase(tmp_path, HashingEmbedder(64))


def test_float16_index_agrees_with_the_exact_one() -> None:
    rng = np.random.default_rng(3)
    vecs = rng.standard_normal((2000, 64)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = np.arange(10, 2010, dtype=np.int64)
    exact, half = FaissIndex(64, "flat-ip"), FaissIndex(64, "fp16-ip")
    for index in (exact, half):
        index.add(ids, vecs)
        index.remove([10, 11])
    for row, q in enumerate(vecs[100:120], start=100):
        want, got = exact.search(q, 20), half.search(q, 20)
        assert got[0][0] == want[0][0] == ids[row]  # the vector itself, cosine ~1
        assert np.allclose([s for _, s in got], [s for _, s in want], atol=2e-3)
        # Near-ties may swap, but nothing outside the exact top-20's score band comes in.
        true_score = {int(i): float(vecs[int(i) - 10] @ q) for i, _ in got}
        assert min(true_score.values()) >= want[-1][1] - 2e-3
    assert half.count == exact.count == 1998
    with pytest.raises(ValueError, match="unknown index type"):
        FaissIndex(64, "hnsw")


def test_store_switches_to_float16_when_it_grows_past_the_threshold(tmp_path: Path) -> None:
    embedder = HashingEmbedder(64)
    with KnowledgeBase(tmp_path, embedder, fp16_from_chunks=3) as kb:
        _write(kb, "a", ["alpha text", "beta text"])
        assert kb.vectors.index_type == "flat-ip"  # 2 chunks: exact
        _write(kb, "b", ["gamma text"])  # mirrored into the loaded index as is
        assert kb.vectors.index_type == "flat-ip" and kb.vectors.count == 3
    manifest = read_manifest(tmp_path / "vectors.faiss")
    assert manifest is not None and (manifest.index_type, manifest.count) == ("flat-ip", 3)
    with KnowledgeBase(tmp_path, embedder, fp16_from_chunks=3) as kb:
        assert kb.vectors.index_type == "fp16-ip"  # reopened at 3 chunks: rebuilt as float16
        assert _index_ids(kb) == _chunk_ids(kb)
        cid, blob = kb.database.execute(
            "SELECT id, embedding FROM chunks WHERE text = 'gamma text'"
        ).fetchone()
        top_id, score = kb.vectors.search(np.frombuffer(blob, dtype=np.float32), 1)[0]
        assert (top_id, score) == (cid, pytest.approx(1.0, abs=2e-3))
    manifest = read_manifest(tmp_path / "vectors.faiss")
    assert manifest is not None and manifest.index_type == "fp16-ip"
    with KnowledgeBase(tmp_path, embedder, fp16_from_chunks=3) as kb:
        mtime = (kb.data_dir / INDEX_NAME).stat().st_mtime_ns
        assert kb.vectors.index_type == "fp16-ip"
        assert (kb.data_dir / INDEX_NAME).stat().st_mtime_ns == mtime  # loaded, not rebuilt again
