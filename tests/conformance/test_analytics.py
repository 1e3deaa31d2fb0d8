"""Conformance: the analytics reads give the same hand-counted figures on every backend, and
the daily rollup they read stays in step with the answer log."""

from __future__ import annotations

from datetime import date

from kb.storage.analytics import Analytics, Window, parse_moment
from kb.storage.interactions import Interactions
from kb.store import KnowledgeBase
from tests.analytics_data import check_march, recount_days, rollup_rows, seed_march


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


def test_the_rollup_moves_with_every_write(store: KnowledgeBase) -> None:
    answers, _ = seed_march(store)
    crypto = ("2026-03-03", "de", "handoff", "no_relevant_article", 1)
    assert crypto in rollup_rows(store) and rollup_rows(store) == recount_days(store)
    assert ("2026-03-01", "en", "answered", "", 2) in rollup_rows(store)  # no reason: ''
    log = Interactions(store)
    log.date_answer(answers[4], "2026-03-10T08:00:00+00:00")  # the only answer of its row
    log.date_answer(answers[0], "2026-03-01T18:00:00+00:00")  # the same day: nothing moves
    log.date_answer(10_000, "2026-03-10T08:00:00+00:00")  # no such answer: nothing moves
    rows = rollup_rows(store)
    assert rows == recount_days(store)
    assert crypto not in rows and ("2026-03-10", *crypto[1:]) in rows
    assert ("2026-03-01", "en", "answered", "", 2) in rows
    exact = Analytics(store, rollup=False)
    for since, until in [
        ("2026-03-01", "2026-03-11"),
        ("2026-03-01T12:00:00", "2026-03-10T08:00:00"),
        ("2026-03-01T12:00:01", "2026-03-10T08:00:01"),
        ("2026-02-28T23:59:59", "2026-03-02"),
        ("2026-03-02T08:00:00", "2026-03-02T09:00:01"),
    ]:
        window = Window.of(parse_moment(since, "since"), parse_moment(until, "until"))
        for lang in (None, "de"):
            report = Analytics(store).report(window, lang)
            assert report == exact.report(window, lang), (since, until, lang)
            (answers_in,) = store.database.execute(
                "SELECT COUNT(*) FROM answer_log WHERE created_at >= ? AND created_at < ?"
                + (" AND lang = ?" if lang else ""),
                [*window.bounds(), *([lang] if lang else [])],
            ).fetchone()
            assert report.totals.answers == int(answers_in)
