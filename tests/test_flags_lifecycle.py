"""The flag lifecycle: open -> acknowledged -> fixed | dismissed, across scans and edits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest

from ingest.pipeline import upsert_documents
from ingest.tickets import ticket_to_document
from kb.embedders import HashingEmbedder
from kb.errors import InvalidInput, NotFound
from kb.flags import FlagStore, ScanConfig, run_scan
from kb.flags.scan import refresh_changed, still_detected
from kb.models import Document
from kb.storage.flags import AUTO_CLOSED
from kb.store import KnowledgeBase

NOW = datetime(2026, 11, 20, tzinfo=UTC)
CFG = ScanConfig(now=NOW, reasons=("contradicted_by_tickets",))


def trial(days: int, updated_at: str = "2026-06-01") -> Document:
    return Document(
        external_id="kb-trial",
        title="How the free trial works",
        lang="en",
        body=f"New workspaces start on a free trial. The trial lasts **{days} days** and doesn't "
        "need a card.",
        updated_at=updated_at,
    )


def ticket(ext: str, days: int, resolved: str) -> Document:
    doc = ticket_to_document(
        {
            "id": ext,
            "subject": "Trial length",
            "status": "solved",
            "resolved_at": resolved,
            "messages": [
                {"author": "customer", "body": "How long is the free trial?"},
                {"author": "agent", "body": f"New workspaces get a {days}-day trial now."},
            ],
        },
        source="test",
    )
    assert isinstance(doc, Document)
    return doc


@pytest.fixture
def kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    store = KnowledgeBase(tmp_path / "store", HashingEmbedder(256))
    add(store, trial(14), ticket("T-1", 30, "2026-10-01T00:00:00Z"))
    yield store
    store.database.close()


def add(kb: KnowledgeBase, *docs: Document) -> None:
    assert kb.embedder is not None
    assert upsert_documents(list(docs), kb, kb.embedder).failed == []


def only_flag(kb: KnowledgeBase) -> int:
    (flag,) = FlagStore(kb).list()
    return flag.id


def test_scan_opens_once_and_updates_on_rescan(kb: KnowledgeBase) -> None:
    first = run_scan(kb, CFG)
    assert first.changes.opened == 1
    second = run_scan(kb, CFG)
    assert (second.changes.opened, second.changes.updated) == (0, 1)
    assert FlagStore(kb).list()[0].status == "open"


def test_dismissed_evidence_stays_dismissed(kb: KnowledgeBase) -> None:
    run_scan(kb, CFG)
    store = FlagStore(kb)
    store.transition(only_flag(kb), "dismissed", "the 30-day trial was a promotion")
    again = run_scan(kb, CFG)
    assert again.changes.kept_dismissed == 1
    flag = store.get(only_flag(kb))
    assert flag.status == "dismissed" and flag.note == "the 30-day trial was a promotion"


def test_new_evidence_reopens_a_dismissed_flag(kb: KnowledgeBase) -> None:
    run_scan(kb, CFG)
    store = FlagStore(kb)
    store.transition(only_flag(kb), "dismissed")
    add(kb, ticket("T-2", 30, "2026-11-01T00:00:00Z"))
    assert run_scan(kb, CFG).changes.reopened == 1
    flag = store.get(only_flag(kb))
    assert flag.status == "open" and flag.evidence["ticket_ids"] == ["T-1", "T-2"]


def test_article_update_closes_the_flag(kb: KnowledgeBase) -> None:
    run_scan(kb, CFG)
    store = FlagStore(kb)
    store.transition(only_flag(kb), "acknowledged")
    add(kb, trial(30, updated_at="2026-11-15"))
    summary = refresh_changed(kb, CFG)  # what GET /v1/flags runs first
    assert summary is not None and summary.changes.auto_fixed == 1
    flag = store.get(only_flag(kb))
    assert flag.status == "fixed" and flag.note == AUTO_CLOSED
    assert refresh_changed(kb, CFG) is None  # nothing changed since


def test_marking_fixed_rechecks_the_article(kb: KnowledgeBase) -> None:
    run_scan(kb, CFG)
    store = FlagStore(kb)
    check = partial(still_detected, kb, cfg=CFG)
    with pytest.raises(InvalidInput, match="still detected"):
        store.transition(only_flag(kb), "fixed", still_detected=check)
    add(kb, trial(30))  # same date, corrected text: the ticket now agrees
    flag = store.transition(only_flag(kb), "fixed", "updated to 30 days", still_detected=check)
    assert flag.status == "fixed" and flag.note == "updated to 30 days"


def test_a_fixed_flag_detected_again_reopens(kb: KnowledgeBase) -> None:
    run_scan(kb, CFG)
    store = FlagStore(kb)
    add(kb, trial(30))
    store.transition(only_flag(kb), "fixed", still_detected=partial(still_detected, kb, cfg=CFG))
    add(kb, trial(21))  # a later edit brings a wrong number back
    assert run_scan(kb, CFG).changes.reopened == 1
    assert store.get(only_flag(kb)).status == "open"


def test_invalid_transitions_and_unknown_flags(kb: KnowledgeBase) -> None:
    run_scan(kb, CFG)
    store = FlagStore(kb)
    flag_id = only_flag(kb)
    store.transition(flag_id, "dismissed")
    with pytest.raises(InvalidInput, match="cannot become acknowledged"):
        store.transition(flag_id, "acknowledged")
    with pytest.raises(InvalidInput, match="unknown status"):
        store.transition(flag_id, "closed")
    assert store.transition(flag_id, "open").status == "open"
    with pytest.raises(NotFound):
        store.get(9999)
    with pytest.raises(InvalidInput):
        store.list(reason="nonsense")


def test_deleted_article_closes_its_flags(kb: KnowledgeBase) -> None:
    run_scan(kb, CFG)
    kb.delete(["kb-trial"])
    assert run_scan(kb, CFG).changes.auto_fixed == 1
