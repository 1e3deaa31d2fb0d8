"""Conformance: documents, chunks, embeddings, generations and transactions, every backend."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from kb.embedders import HashingEmbedder
from kb.errors import InvalidInput, ModelMismatch
from kb.models import Chunk, Document, SearchFilters
from kb.store import DocumentWrite, KnowledgeBase
from tests.conformance.conftest import chunk_ids, write


def test_a_document_round_trips_every_field(store: KnowledgeBase) -> None:
    doc = Document(
        external_id="kb/billing/refunds",
        title="Refunds — how long they take",
        body="Refunds take 5 business days.",
        url="https://help.example.com/refunds",
        lang="en",
        product="billing",
        tags=("money", "refund"),
        owner="ana@example.com",
        created_at="2026-01-02T03:04:05+00:00",
        updated_at="2026-02-03T04:05:06+00:00",
        translation_of=None,
        source="help-center/en/refunds.md",
        meta={"doc_type": "faq", "n": 3, "nested": {"ä": [1, 2]}},
    )
    chunk = Chunk(0, doc.body, ("Refunds", "Timing"), 5, "en")
    vec = np.asarray(store.embedder.embed([chunk.embedding_text(doc.title)]))
    store.write([DocumentWrite(doc, [chunk], ["h0"], vec)])
    assert store.get_document(doc.external_id) == doc
    assert store.document_hashes() == {doc.external_id: doc.hash}
    assert store.chunk_texts(doc.external_id) == [doc.body]
    (row,) = store.chunk_rows(chunk_ids(store)).values()
    assert (row.heading_path, row.title, row.url, row.kind, row.visibility) == (
        ("Refunds", "Timing"),
        doc.title,
        doc.url,
        "article",
        "public",
    )
    assert (row.lang, row.product, row.ordinal, row.external_id) == (
        "en",
        "billing",
        0,
        doc.external_id,
    )


def test_embeddings_round_trip_exactly_by_content_hash(store: KnowledgeBase) -> None:
    write(store, "a", ["first chunk text", "second chunk text"])
    stored = store.embeddings_for(["a-0-first chunk text", "a-1-second chunk text", "nope"])
    assert set(stored) == {"a-0-first chunk text", "a-1-second chunk text"}
    again = Chunk(0, "first chunk text", ("Section",), 3, None).embedding_text("Title a")
    expected = np.asarray(store.embedder.embed([again]))[0].astype(np.float32)
    assert stored["a-0-first chunk text"].dtype == np.float32
    assert np.array_equal(stored["a-0-first chunk text"], expected)
    batches = list(store.iter_embeddings(batch=1))
    assert [len(ids) for ids, _ in batches] == [1, 1]
    assert all(vecs.shape == (1, 64) for _, vecs in batches)


def test_replace_and_delete_leave_no_orphan_chunks(store: KnowledgeBase) -> None:
    write(store, "a", ["one", "two", "three"])
    write(store, "b", ["other"])
    first = chunk_ids(store)
    write(store, "a", ["only one now"])
    assert store.counts() == {"documents": 2, "chunks": 2}
    after = chunk_ids(store)
    assert len(after - first) == 1, "the replacement got a new id"
    assert store.delete(["a", "missing"]) == 1
    assert store.counts() == {"documents": 1, "chunks": 1}
    assert store.get_document("a") is None and store.chunk_texts("a") == []


def test_chunk_ids_are_never_reused(store: KnowledgeBase) -> None:
    write(store, "a", ["x one", "x two"])
    old = chunk_ids(store)
    store.delete(["a"])
    write(store, "b", ["y one", "y two"])
    assert not (old & chunk_ids(store))


def test_documents_from_sources_match_prefixes_literally(store: KnowledgeBase) -> None:
    write(store, "a", ["a"], source="help/en/a.md")
    write(store, "b", ["b"], source="help/en_us/b.md")  # `_` is not a wildcard
    write(store, "c", ["c"], source="help/en")
    assert store.documents_from_sources(["help/en"]) == {"a": "help/en/a.md", "c": "help/en"}
    assert store.documents_from_sources(["help/e%"]) == {}


def test_every_write_bumps_the_generation_once(store: KnowledgeBase) -> None:
    start = store.generation
    write(store, "a", ["one"])
    write(store, "b", ["two"])
    assert store.generation == start + 2
    store.delete(["missing"])
    assert store.generation == start + 2, "deleting nothing is not a change"
    store.delete(["a"])
    assert store.generation == start + 3


def test_a_failed_write_rolls_back_everything(store: KnowledgeBase) -> None:
    write(store, "a", ["kept"])
    generation = store.generation
    good = Document(external_id="b", title="B", body="b")
    bad = Document(external_id="c", title="C", body="c")
    vec = np.asarray(store.embedder.embed(["b"]))
    with pytest.raises(InvalidInput):
        store.write(
            [
                DocumentWrite(good, [Chunk(0, "b", (), 1, None)], ["hb"], vec),
                DocumentWrite(bad, [Chunk(0, "c", (), 1, None)], ["hc"], np.zeros((0, 64))),
            ]
        )
    assert store.generation == generation
    assert store.get_document("b") is None
    assert store.counts() == {"documents": 1, "chunks": 1}


def test_transactions_nest_and_roll_back_as_one(store: KnowledgeBase) -> None:
    write(store, "a", ["kept"])
    with pytest.raises(RuntimeError), store.transaction():
        with store.transaction():
            store.delete(["a"])
        raise RuntimeError("abort the outer transaction")
    assert store.get_document("a") is not None


def test_the_model_is_recorded_and_checked_on_reopen(
    open_store: Callable[[], KnowledgeBase], store: KnowledgeBase, store_url: str | None
) -> None:
    write(store, "a", ["text"])
    assert store.model_id == "hashing-64" and store.vector_dim() == 64
    store.close()
    again = open_store()
    assert again.counts() == {"documents": 1, "chunks": 1}
    assert again.get_document("a") is not None
    with pytest.raises(ModelMismatch):
        KnowledgeBase(again.data_dir, HashingEmbedder(32), store_url=store_url)


def test_internal_tickets_stay_internal(store: KnowledgeBase) -> None:
    write(store, "t1", ["customer asked about refunds"], kind="ticket", visibility="public")
    assert store.get_document("t1").visibility == "internal"  # type: ignore[union-attr]
    public = store.chunks_passing(sorted(chunk_ids(store)), SearchFilters.public())
    assert public == set()
