"""A gap is a question no article answers: the answer check decides, and a cluster an
article answers but tickets resolve differently is evidence against that article."""

from __future__ import annotations

from collections.abc import Sequence

from kb.flags import ScanConfig
from kb.flags.answer_check import (
    AnswerabilityCheck,
    AnswerCheckConfig,
    AnswerVerdict,
    RetrievalAnswerCheck,
    cluster_answered,
    default_check,
)
from kb.flags.gaps import GapConfig, find_gaps
from kb.flags.scan import detect
from tests.test_flags_signals import NOW, add, article, found, store, ticket  # noqa: F401
from tests.test_flags_usage import _ask

UPLOADS = (
    "Invitees can attach files to the booking form. Each file upload can be at most 10 MB; "
    "PDF, JPG and PNG files are accepted."
)
PASSWORD = "To change your password, open **Profile > Security** and choose **Change password**."


class FixedCheck:
    """A fake AnswerCheck: every question answered (or not) by one article."""

    def __init__(self, answered: bool, article_id: str = "uploads") -> None:
        self.answered = answered
        self.article_id = article_id
        self.seen: list[str] = []

    def check(self, questions: Sequence[str]) -> list[AnswerVerdict]:
        self.seen.extend(questions)
        return [
            AnswerVerdict(
                q, self.answered, self.article_id, "Uploads", 0.9 if self.answered else 0.1
            )
            for q in questions
        ]


def _waitlist_questions(kb) -> None:  # type: ignore[no-untyped-def]
    add(kb, article("uploads", "File uploads on the booking form", UPLOADS))
    add(kb, article("password", "Change your password", PASSWORD))
    for i, q in enumerate(
        [
            "Can people join a waitlist when my class is full?",
            "How do I add a waitlist to a full group event?",
            "Is there a waitlist option for workshops?",
        ]
    ):
        _ask(kb, q, days_ago=i + 1)


def test_retrieval_check_answers_what_an_article_covers(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _waitlist_questions(store)
    check = RetrievalAnswerCheck(store)
    yes, no = check.check(["How do I change my password?", "Can I pay with bitcoin?"])
    assert yes.answered and yes.article_id == "password"
    assert not no.answered and "bitcoin" in no.why


def test_answerability_decision_is_the_default_check(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _waitlist_questions(store)
    check = default_check(store)
    assert isinstance(check, AnswerabilityCheck)
    assert isinstance(
        default_check(store, AnswerCheckConfig(method="coverage")), RetrievalAnswerCheck
    )
    yes, no = check.check(["How do I change my password?", "Can I pay with bitcoin?"])
    assert yes.answered and yes.article_id == "password"
    assert not no.answered and no.why


def test_no_gap_when_the_check_says_an_article_answers(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _waitlist_questions(store)
    unanswered = find_gaps(store, now=NOW, checker=FixedCheck(False))
    assert len(unanswered.findings) == 1
    ev = unanswered.findings[0].evidence
    assert ev["nearest_article"]["id"] == "uploads" and ev["answer_check"]
    answered = find_gaps(store, now=NOW, checker=FixedCheck(True))
    assert answered.findings == []
    assert [c.article_id for c in answered.answered] == ["uploads"]


def test_default_check_keeps_the_real_gap(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _waitlist_questions(store)
    flags = found(store, "missing_article")
    assert len(flags) == 1
    assert "waitlist" in flags[0].evidence["why_not_answered"]


def test_answered_cluster_of_contradicting_tickets_is_contradiction_not_gap(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    add(store, article("uploads", "File uploads on the booking form", UPLOADS))
    for i, size in enumerate((18, 20, 22)):
        add(
            store,
            ticket(
                f"t-up-{i}",
                f"Upload of a {size} MB file failed?",
                f"An invitee tried to upload a {size} MB PDF to the booking form. Is that allowed?",
                "Yes: since the October update each file upload on the booking form can be up "
                "to 25 MB, so the PDF is fine.",
                f"2026-11-{10 + i}T10:00:00Z",
            ),
        )
    # every ticket a gap candidate: only the answer check stands between them and a gap
    cfg = ScanConfig(now=NOW, gaps=GapConfig(cover_threshold=1.01, cluster_threshold=0.2))
    summary = detect(store, cfg, reasons=["missing_article", "contradicted_by_tickets"])
    reasons = [f.reason for f in summary.findings]
    assert "missing_article" not in reasons
    assert summary.details["gaps"]["answered_clusters"][0]["article"] == "uploads"
    contradiction = next(f for f in summary.findings if f.reason == "contradicted_by_tickets")
    assert contradiction.document_id == "uploads"
    assert contradiction.evidence["answered_questions_count"] == 3


def test_cluster_answered_needs_half_the_questions() -> None:
    yes = AnswerVerdict("q", True, "a")
    no = AnswerVerdict("q", False, "a")
    assert cluster_answered([yes, no]) == (True, "a")
    assert cluster_answered([yes, no, no]) == (False, "a")
    assert cluster_answered([no, no]) == (False, None)
