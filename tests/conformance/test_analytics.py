"""Conformance: the analytics reads give the same hand-counted figures on every backend."""

from __future__ import annotations

from datetime import date

from kb.storage.analytics import Analytics, Window
from kb.store import KnowledgeBase
from tests.analytics_data import check_march, seed_march


def test_every_figure_by_hand(store: KnowledgeBase) -> None:
    seed_march(store)
    check_march(Analytics(store).report(Window.of(date(2026, 3, 1), date(2026, 3, 4))))


def test_language_filter_and_empty_window(store: KnowledgeBase) -> None:
    seed_march(store)
    analytics = Analytics(store)
    german = analytics.report(Window.of(date(2026, 3, 1), date(2026, 3, 4)), "de")
    assert (german.totals.answers, german.totals.handoffs) == (2, 2)
    assert [(a.external_id, a.drafts) for a in german.top_articles] == [("kb-c", 1)]
    empty = analytics.report(Window.of(date(2025, 3, 1), date(2025, 3, 4)))
    assert (empty.totals.answers, empty.draft_feedback.drafts) == (0, 0)
    assert empty.latency.p50_ms is None and empty.answer_feedback.helpful_rate is None
    assert [d.answers for d in empty.days] == [0, 0, 0]
