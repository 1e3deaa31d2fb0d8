"""Hybrid, dense and keyword retrieval over a real temp store (hashing embedder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import run
from kb.embedders import HashingEmbedder
from kb.errors import InvalidInput
from kb.models import SearchFilters
from kb.query_cleaning import clean_query
from kb.retrieval import Retriever
from kb.store import KnowledgeBase
from tests.helpcenter import write_help_center


@pytest.fixture
def retriever(tmp_path: Path, embedder: HashingEmbedder) -> Retriever:
    kb = KnowledgeBase(tmp_path / "store", embedder)
    src = write_help_center(tmp_path / "hc")
    ticket = tmp_path / "tickets.jsonl"
    ticket.write_text(
        '{"id": "T-1", "subject": "refund", "status": "solved", "channel": "email", '
        '"resolved_at": "2026-10-01T00:00:00Z", "tags": [], "messages": ['
        '{"author": "customer", "body": "Can I get a refund? SECRET-CANARY-42"}, '
        '{"author": "agent", "body": "Refund issued as an exception. SECRET-CANARY-42"}]}\n'
    )
    assert run([src], kb, embedder).failed == []
    assert run([ticket], kb, embedder, kind="ticket").failed == []
    return Retriever(kb)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "keyword"])
def test_each_mode_finds_the_right_article(retriever: Retriever, mode: str) -> None:
    hits = retriever.search("export bookings to a CSV file", k=3, mode=mode)  # type: ignore[arg-type]
    assert hits[0].external_id == "kb-export"
    assert hits[0].url == "https://help.test/kb-export"


def test_results_are_grouped_by_document(retriever: Retriever) -> None:
    hits = retriever.search("reset password mobile app sign-in page", k=10)
    ids = [h.external_id for h in hits]
    assert len(ids) == len(set(ids))
    top = hits[0]
    assert top.external_id == "kb-password" and len(top.chunks) >= 1
    assert top.heading_path and top.snippet
    assert top.dense_rank is not None and top.keyword_rank is not None


def test_public_filter_never_returns_internal_content(retriever: Retriever) -> None:
    """The planted secret is the best match, yet a public search cannot see it."""
    everything = retriever.search("SECRET-CANARY-42", k=10, filters=SearchFilters.everything())
    assert {"kb-refund-exceptions", "T-1"} <= {h.external_id for h in everything}
    for mode in ("hybrid", "dense", "keyword"):
        public = retriever.search("SECRET-CANARY-42", k=10, mode=mode)  # type: ignore[arg-type]
        assert all(h.visibility == "public" and h.kind == "article" for h in public)
        assert all("CANARY" not in c.text for h in public for c in h.chunks)


def test_kind_and_language_filters(retriever: Retriever) -> None:
    tickets = retriever.search(
        "refund", k=10, filters=SearchFilters.everything(kinds=frozenset({"ticket"}))
    )
    assert [h.external_id for h in tickets] == ["T-1"]
    spanish = retriever.search("contraseña", k=10, filters=SearchFilters.public(lang="es"))
    assert [h.external_id for h in spanish] == ["kb-password-es"]
    billing = retriever.search("cancel", k=10, filters=SearchFilters.public(product="billing"))
    assert {h.external_id for h in billing} == {"kb-refunds"}


def test_history_carries_the_topic_the_last_message_leaves_out(retriever: Retriever) -> None:
    hits = retriever.search(
        "and how long is the link valid?", k=1, history=["I forgot my password, help"]
    )
    assert hits[0].external_id == "kb-password"


def test_quoted_history_and_signature_do_not_steer_search(retriever: Retriever) -> None:
    message = (
        "Hi team,\n\nHow do I export my bookings as CSV?\n\nThanks,\nMaria\n"
        "On Mon, Oct 3, 2026 at 9:14 AM Support <s@test> wrote:\n"
        "> refunds cancellations billing subscription refunds"
    )
    assert clean_query(message) == "How do I export my bookings as CSV?"
    assert retriever.search(message, k=1)[0].external_id == "kb-export"


def test_bad_arguments_are_clear_errors(retriever: Retriever) -> None:
    with pytest.raises(InvalidInput, match="mode"):
        retriever.search("x", mode="fuzzy")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="k must be"):
        retriever.search("x", k=0)
    assert retriever.search("   ") == []
