"""Conformance: API keys, the answer log, drafts, feedback, flags, sync cursors and saved
calibrations on every backend."""

from __future__ import annotations

import pytest

from kb.errors import InvalidInput, NotFound, Unauthorized
from kb.flags.model import Finding
from kb.storage.flags import FlagStore
from kb.storage.interactions import Interactions, LoggedAnswer
from kb.storage.keys import KeyStore
from kb.store import KnowledgeBase
from tests.conformance.conftest import write


def test_keys_are_created_verified_touched_and_revoked(store: KnowledgeBase) -> None:
    keys = KeyStore(store)
    secret = keys.create("widget", name="site", origins=("https://Shop.example.com/",))
    key = keys.verify(secret)
    assert (key.role, key.name, key.origins) == ("widget", "site", ("https://shop.example.com",))
    assert key.last_used_at is None
    keys.touch(key.id)
    assert keys.list()[0].last_used_at is not None
    with pytest.raises(Unauthorized):
        keys.verify(secret[:-1] + ("x" if secret[-1] != "x" else "y"))
    keys.revoke(key.prefix)
    with pytest.raises(Unauthorized):
        keys.verify(secret)
    with pytest.raises(NotFound):
        keys.revoke(key.prefix)


def _answer(question: str, client: str | None = "visitor-1") -> LoggedAnswer:
    return LoggedAnswer(
        question=question,
        lang="en",
        outcome="answered",
        reason=None,
        confidence=0.8125,
        sources=["pw"],
        answer="Reset it from the login page [1].",
        latency_ms=12.5,
        generator="extractive",
        key_id=None,
        client=client,
    )


def test_answers_drafts_and_feedback_round_trip(store: KnowledgeBase) -> None:
    log = Interactions(store)
    first = log.log_answer(_answer("how do I reset my password?"))
    second = log.log_answer(_answer("and export?"))
    assert second > first
    assert log.answer_owner(first) == (None, "visitor-1", ["pw"])
    recent = log.recent_answers(10)
    assert [r["id"] for r in recent] == [second, first]
    assert recent[0]["confidence"] == 0.8125 and recent[0]["latency_ms"] == 12.5
    draft = log.log_draft(
        "Hi, reset it [1].",
        lang="en",
        sources=["pw"],
        confidence=0.5,
        generator="extractive",
        key_id=None,
    )
    assert log.draft_text(draft) == ("Hi, reset it [1].", ["pw"])
    with pytest.raises(NotFound):
        log.draft_text(draft + 100)
    with pytest.raises(NotFound):
        log.answer_owner(second + 100)


def test_one_vote_per_answer_per_client(store: KnowledgeBase) -> None:
    log = Interactions(store)
    answer = log.log_answer(_answer("q"))
    vote = log.add_feedback(answer_id=answer, helpful=False, client="visitor-1")
    assert log.add_feedback(answer_id=answer, helpful=True, client="visitor-1") == vote
    other = log.add_feedback(answer_id=answer, helpful=False, client="visitor-2")
    assert other != vote
    with pytest.raises(InvalidInput):
        log.add_feedback(helpful=True)
    with pytest.raises(NotFound):
        log.add_feedback(answer_id=answer + 100, helpful=True)


def _finding(doc: str, key: str = "k1", reason: str = "review_due") -> Finding:
    return Finding(
        reason=reason,  # type: ignore[arg-type]
        document_id=doc,
        subject=f"{reason}:{doc}",
        severity="medium",
        evidence={"why": "older than 365 days", "días": 2},
        key=key,
        touches=3,
    )


def test_flags_follow_their_lifecycle(store: KnowledgeBase) -> None:
    write(store, "pw", ["Reset your password."])
    flags = FlagStore(store)
    counts = flags.apply(
        [_finding("pw")], in_scope=lambda f: True, document_hashes=store.document_hashes()
    )
    assert counts.opened == 1
    (flag,) = flags.list()
    assert (flag.reason, flag.status, flag.evidence["días"]) == ("review_due", "open", 2)
    assert flags.counts() == {"review_due": {"open": 1}}
    flags.transition(flag.id, "dismissed", note="fine as is")
    again = flags.apply([_finding("pw")], in_scope=lambda f: True)
    assert again.kept_dismissed == 1 and flags.get(flag.id).status == "dismissed"
    reopened = flags.apply([_finding("pw", key="k2")], in_scope=lambda f: True)
    assert reopened.reopened == 1 and flags.get(flag.id).status == "open"
    closed = flags.apply([], in_scope=lambda f: True)
    assert closed.auto_fixed == 1 and flags.get(flag.id).status == "fixed"
    with pytest.raises(NotFound):
        flags.get(flag.id + 100)
    with pytest.raises(InvalidInput):
        flags.list(reason="not-a-reason")


def test_flags_notice_articles_changed_since_their_check(store: KnowledgeBase) -> None:
    write(store, "pw", ["Reset your password."])
    flags = FlagStore(store)
    flags.apply([_finding("pw")], in_scope=lambda f: True, document_hashes=store.document_hashes())
    assert flags.stale_documents() == []
    write(store, "pw", ["Reset your password from the login page."])
    assert flags.stale_documents() == ["pw"]


def test_sync_cursors_and_calibrations_are_kept_apart_and_overwritten(
    store: KnowledgeBase,
) -> None:
    assert store.sync_cursor("zendesk-tickets:https://a/") is None
    assert store.calibration("qa_grounded") is None
    store.set_sync_cursor("zendesk-tickets:https://a/", "c1")
    store.set_calibration("qa_grounded", '{"cut": 0.25}')
    store.set_sync_cursor("zendesk-tickets:https://a/", "c2")
    assert store.sync_cursor("zendesk-tickets:https://a/") == "c2"
    assert store.sync_cursor("zendesk-tickets:https://b/") is None
    assert store.calibration("qa_grounded") == '{"cut": 0.25}'
