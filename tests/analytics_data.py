"""A small, hand-countable answer log for analytics tests (both backends).

The window under test is [2026-03-01, 2026-03-04). Five answers fall in it, one sits exactly
on `until` (excluded) and one a second before `since` (excluded); two drafts fall in it, one
after it. The expected figures in `check_march` are counted by hand from the rows below.
`rollup_rows` and `recount_days` read the daily rollup and recount it from the answers.
"""

from __future__ import annotations

import numpy as np

from kb.models import Chunk, Document
from kb.storage.analytics import Report
from kb.storage.interactions import Interactions, LoggedAnswer
from kb.store import DocumentWrite, KnowledgeBase

SINCE, UNTIL = "2026-03-01", "2026-03-04"

LOW, NO_ARTICLE, OK, OFF = "low_confidence", "no_relevant_article", "answered", "handoff"
# (created_at, question, lang, outcome, reason, latency_ms, sources)
ANSWERS = [
    ("2026-03-01T00:00:00+00:00", "Reset my password", "en", OK, None, 10.0, ["kb-a", "kb-b"]),
    ("2026-03-01T12:00:00.000+00:00", "Export bookings", "en", OK, None, 20.0, ["kb-a"]),
    ("2026-03-02T08:00:00+00:00", "How do I cancel my plan?", "en", OFF, LOW, 30.0, []),
    ("2026-03-02T09:00:00+00:00", "how do I cancel my  plan", "de", OFF, LOW, 40.0, []),
    ("2026-03-03T23:59:59.999+00:00", "Can I pay with crypto?", "de", OFF, NO_ARTICLE, 50.0, []),
    ("2026-03-04T00:00:00+00:00", "On the edge", "en", OK, None, 60.0, ["kb-b"]),
    ("2026-02-28T23:59:59+00:00", "Too early", "en", OFF, "asked_for_human", 70.0, []),
]  # fmt: skip

# (created_at, lang, sources)
DRAFTS = [
    ("2026-03-02T10:00:00+00:00", "en", ["kb-a"]),
    ("2026-03-03T10:00:00+00:00", "de", ["kb-c"]),
    ("2026-03-05T10:00:00+00:00", "en", ["kb-a"]),
]


def _article(kb: KnowledgeBase, ext: str, title: str) -> None:
    doc = Document(external_id=ext, title=title, body=f"{title}: open Settings.")
    chunks = [Chunk(0, doc.body, ("Section",), 4, doc.lang)]
    assert kb.embedder is not None
    vectors = np.asarray(kb.embedder.embed([c.embedding_text(doc.title) for c in chunks]))
    kb.write([DocumentWrite(doc, chunks, [f"{ext}-0"], vectors)])


def seed_march(kb: KnowledgeBase) -> tuple[list[int], list[int]]:
    """Articles kb-a and kb-b (kb-c is cited but not stored), the log, drafts and feedback."""
    _article(kb, "kb-a", "Reset your password")
    _article(kb, "kb-b", "Export bookings")
    log = Interactions(kb)
    answers = []
    for created_at, question, lang, outcome, reason, latency, sources in ANSWERS:
        answer_id = log.log_answer(
            LoggedAnswer(question, lang, outcome, reason, 0.5, sources, None, latency, "x", None)
        )
        log.date_answer(answer_id, created_at)
        answers.append(answer_id)
    drafts = []
    for created_at, lang, sources in DRAFTS:
        draft_id = log.log_draft(
            "Hi, do this.", lang=lang, sources=sources, confidence=0.5, generator="x", key_id=None
        )
        log.date_draft(draft_id, created_at)
        drafts.append(draft_id)
    a = answers
    log.add_feedback(answer_id=a[0], helpful=True, client="c1")
    log.add_feedback(answer_id=a[0], helpful=False, client="c2")
    log.add_feedback(answer_id=a[1], helpful=True, comment="spot on", client="c1")
    log.add_feedback(answer_id=a[2], helpful=False, client="c1")
    log.add_feedback(answer_id=a[5], helpful=True, client="c1")  # outside the window
    d = drafts
    log.add_feedback(draft_id=d[0], final_reply="Hi, do that.", edit_distance=0.2, client="x")
    log.add_feedback(draft_id=d[0], final_reply="Hello.", edit_distance=0.4, client="y")
    log.add_feedback(draft_id=d[1], helpful=True, client="x")
    log.add_feedback(draft_id=d[2], final_reply="Other.", edit_distance=0.9, client="x")
    return answers, drafts


def rollup_rows(kb: KnowledgeBase) -> list[tuple[str, str, str, str, int]]:
    """Every `answer_days` row, in key order."""
    rows = kb.database.execute(
        "SELECT day, lang, outcome, reason, answers FROM answer_days "
        "ORDER BY day, lang, outcome, reason"
    ).fetchall()
    return [(str(d), str(g), str(o), str(r), int(n)) for d, g, o, r, n in rows]


def recount_days(kb: KnowledgeBase) -> list[tuple[str, str, str, str, int]]:
    """What `answer_days` should hold, counted from every answer of `answer_log`."""
    rows = kb.database.execute(
        "SELECT substr(created_at, 1, 10), COALESCE(lang, ''), outcome, COALESCE(reason, ''), "
        "COUNT(*) FROM answer_log GROUP BY substr(created_at, 1, 10), COALESCE(lang, ''), "
        "outcome, COALESCE(reason, '')"
    ).fetchall()
    return sorted((str(d), str(g), str(o), str(r), int(n)) for d, g, o, r, n in rows)


def check_march(r: Report) -> None:
    """Every figure of the all-languages report for [SINCE, UNTIL), counted by hand."""
    assert (r.totals.answers, r.totals.answered, r.totals.handoffs) == (5, 2, 3)
    assert r.totals.deflection_rate == 0.4
    assert [(x.reason, x.count) for x in r.handoff_reasons] == [
        ("low_confidence", 2),
        ("no_relevant_article", 1),
    ]
    assert [(x.lang, x.answers, x.answered, x.handoffs) for x in r.languages] == [
        ("en", 3, 2, 1),
        ("de", 2, 0, 2),
    ]
    assert [(x.day, x.answers, x.answered, x.handoffs) for x in r.days] == [
        ("2026-03-01", 2, 2, 0),
        ("2026-03-02", 2, 0, 2),
        ("2026-03-03", 1, 0, 1),
    ]
    # nearest rank over 10, 20, 30, 40, 50: p50 the 3rd, p95 the 5th
    assert (r.latency.p50_ms, r.latency.p95_ms) == (30.0, 50.0)
    assert (r.latency.sample.read, r.latency.sample.of, r.latency.sample.sampled) == (5, 5, False)
    assert [(x.external_id, x.title, x.answers, x.drafts) for x in r.top_articles] == [
        ("kb-a", "Reset your password", 2, 1),
        ("kb-b", "Export bookings", 1, 0),
        ("kb-c", None, 0, 1),
    ]
    assert [(s.read, s.of) for s in r.articles_sample] == [(5, 5), (2, 2)]
    fb = r.answer_feedback
    assert (fb.helpful, fb.not_helpful, fb.comments, fb.helpful_rate) == (2, 2, 1, 0.5)
    df = r.draft_feedback
    assert (df.drafts, df.final_replies, df.helpful, df.not_helpful) == (2, 2, 1, 0)
    assert df.mean_edit_distance is not None and abs(df.mean_edit_distance - 0.3) < 1e-9
    assert [(g.question, g.count, g.reasons) for g in r.content_gaps] == [
        ("how do I cancel my  plan", 2, ("low_confidence",)),
        ("Can I pay with crypto?", 1, ("no_relevant_article",)),
    ]
    assert r.content_gaps[0].last_asked == "2026-03-02T09:00:00+00:00"
    assert (r.gaps_sample.read, r.gaps_sample.of) == (3, 3)
