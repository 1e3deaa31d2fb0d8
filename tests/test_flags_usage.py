"""Flags from how articles are used: unhelpful votes, heavily edited drafts, and gaps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.embedders import HashingEmbedder
from kb.flags.feedback import binomial_tail, wilson_lower
from kb.storage.interactions import Interactions, LoggedAnswer
from kb.store import KnowledgeBase
from tests.test_flags_signals import NOW, add, article, found


@pytest.fixture
def store(tmp_path: Path) -> Iterator[KnowledgeBase]:
    kb = KnowledgeBase(tmp_path / "store", HashingEmbedder(256))
    yield kb
    kb.close()


# --- unhelpful ----------------------------------------------------------------------------


def _votes(kb: KnowledgeBase, source: str, helpful: int, unhelpful: int) -> None:
    log = Interactions(kb)
    for value in [True] * helpful + [False] * unhelpful:
        answer = log.log_answer(
            LoggedAnswer("q", "en", "answered", None, 0.7, [source], None, 1.0, "test", None)
        )
        log.add_feedback(answer_id=answer, helpful=value)


def test_unhelpful_needs_votes_and_significance(store: KnowledgeBase) -> None:
    add(
        store,
        article("kb-bad", "Bad", "Bad article."),
        article("kb-few", "Few", "Few votes."),
        article("kb-ok", "Ok", "Good article."),
    )
    _votes(store, "kb-bad", 2, 8)
    _votes(store, "kb-few", 0, 2)  # two votes never flag
    _votes(store, "kb-ok", 25, 3)
    (flag,) = found(store, "unhelpful")
    assert flag.document_id == "kb-bad"
    assert flag.evidence["votes"]["not_helpful"] == 8 and flag.evidence["votes"]["p_value"] < 0.05


def test_heavy_edits_on_drafts_flag_the_cited_article(store: KnowledgeBase) -> None:
    add(store, article("kb-hooks", "Webhooks", "Create webhooks."), article("kb-x", "X", "Fine."))
    log = Interactions(store)
    for distance, source in [(0.8, "kb-hooks")] * 6 + [(0.05, "kb-x")] * 8:
        draft = log.log_draft(
            "d", lang="en", sources=[source], confidence=0.5, generator="t", key_id=None
        )
        log.add_feedback(draft_id=draft, final_reply="f", edit_distance=distance)
    (flag,) = found(store, "unhelpful")
    assert flag.document_id == "kb-hooks" and flag.evidence["edits"]["heavy_edits"] == 6


def test_statistics() -> None:
    assert wilson_lower(2, 2) < 0.5 < wilson_lower(9, 10)
    assert binomial_tail(0, 5, 0.3) == 1.0
    assert binomial_tail(9, 10, 0.2) < 0.001


# --- missing_article ----------------------------------------------------------------------


def _ask(
    kb: KnowledgeBase, question: str, days_ago: int, reason: str = "no_relevant_article"
) -> None:
    log = Interactions(kb)
    aid = log.log_answer(
        LoggedAnswer(question, "en", "handoff", reason, 0.1, [], None, 1.0, "t", None)
    )
    log.date_answer(aid, NOW.replace(day=20 - days_ago).isoformat())


def test_missing_article_cluster_with_suggested_title(store: KnowledgeBase) -> None:
    add(store, article("kb-cancel", "Cancel a booking", "Invitees can cancel from the email."))
    for i, q in enumerate(
        [
            "Can people join a waitlist when my class is full?",
            "How do I add a waitlist to a full group event?",
            "Is there a waitlist option for workshops?",
        ]
    ):
        _ask(store, q, i + 1)
    for q in ["I want to talk to a human", "Can I speak to a real person", "human please"]:
        _ask(store, q, 2, reason="asked_for_human")
    (flag,) = found(store, "missing_article")
    assert flag.document_id is None and flag.evidence["cluster_size"] == 3
    assert "waitlist" in flag.evidence["words_no_article_uses"]
    assert flag.evidence["suggested_title"].startswith("How to")
    assert flag.evidence["trend"] == "new"


def test_two_questions_are_not_a_cluster(store: KnowledgeBase) -> None:
    add(store, article("kb-cancel", "Cancel a booking", "Invitees can cancel from the email."))
    _ask(store, "Is there a dark mode for the dashboard?", 1)
    _ask(store, "dark mode for the web app?", 2)
    assert found(store, "missing_article") == []
