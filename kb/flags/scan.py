"""Run every signal over the store, write the findings through FlagStore, time each signal.

`run_scan` checks everything; `recheck_documents` re-checks a few articles (after an edit);
`still_detected` answers "is this flag's problem still there?" for a fix to be accepted.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from kb.flags.answer_check import AnswerCheck
from kb.flags.contradictions import ClaimVerifier, ContradictionConfig, find_contradictions
from kb.flags.corpus import Article, articles, now_utc
from kb.flags.duplicates import DuplicateConfig, find_duplicates
from kb.flags.feedback import FeedbackConfig, find_unhelpful
from kb.flags.gaps import GapConfig, covered, find_gaps
from kb.flags.links import LinkIndex, find_broken_links
from kb.flags.model import REASONS, Finding, Flag
from kb.flags.review import ReviewPolicy, find_review_due, overdue
from kb.flags.translations import find_outdated_translations
from kb.storage.flags import ApplyCounts, FlagStore
from kb.store import KnowledgeBase

DOCUMENT_REASONS = tuple(r for r in REASONS if r != "missing_article")
POLICY_FILE = "review_policy.json"


@dataclass
class ScanConfig:
    """Every knob of a scan; `now` is fixed in tests and benchmarks for repeatable results."""

    now: datetime | None = None
    reasons: tuple[str, ...] = REASONS
    review: ReviewPolicy = field(default_factory=ReviewPolicy)
    contradictions: ContradictionConfig = field(default_factory=ContradictionConfig)
    duplicates: DuplicateConfig = field(default_factory=DuplicateConfig)
    feedback: FeedbackConfig = field(default_factory=FeedbackConfig)
    gaps: GapConfig = field(default_factory=GapConfig)
    help_center_hosts: tuple[str, ...] = ()
    verifier: ClaimVerifier | None = None
    answer_check: AnswerCheck | None = None  # None: retrieval evidence (answer_check.py)

    def when(self) -> datetime:
        return self.now or now_utc()

    @classmethod
    def for_store(
        cls,
        data_dir: Path,
        policy: Path | None = None,
        *,
        ticket_max_age_days: int | None = None,
    ) -> ScanConfig:
        """Defaults, with the review policy from `policy` or `<data_dir>/review_policy.json`;
        `ticket_max_age_days` caps how old a contradicting ticket may be (None: no cap)."""
        path = policy or Path(data_dir) / POLICY_FILE
        cfg = cls(review=ReviewPolicy.load(path)) if policy is not None or path.exists() else cls()
        cfg.contradictions = replace(cfg.contradictions, max_age_days=ticket_max_age_days)
        return cfg


@dataclass
class ScanSummary:
    articles: int = 0
    found: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    changes: ApplyCounts = field(default_factory=ApplyCounts)
    details: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def total_seconds(self) -> float:
        return round(sum(self.seconds.values()), 3)

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "found": self.found,
            "seconds": self.seconds,
            "total_seconds": self.total_seconds,
            "changes": self.changes.as_dict(),
            "details": self.details,
        }


def _usage(kb: KnowledgeBase) -> Counter[str]:
    """How many logged answers and drafts cite each article."""
    counts: Counter[str] = Counter()
    for sources in kb.catalog.cited_sources():
        counts.update(set(sources))
    return counts


def detect(
    kb: KnowledgeBase,
    cfg: ScanConfig,
    *,
    only: Iterable[str] | None = None,
    reasons: Iterable[str] | None = None,
) -> ScanSummary:
    """Findings of the chosen signals (all articles, or just `only`), without writing them."""
    summary = ScanSummary()
    wanted = set(reasons or cfg.reasons)
    now = cfg.when()
    clock = time.perf_counter()
    by_id: dict[str, Article] = {a.external_id: a for a in articles(kb)}
    targets = list(by_id.values()) if only is None else [by_id[i] for i in only if i in by_id]
    summary.articles = len(targets)
    summary.seconds["load"] = round(time.perf_counter() - clock, 3)
    only_ids = None if only is None else {a.external_id for a in targets}
    touches: Counter[str] = _usage(kb)
    findings: list[Finding] = []
    answered: dict[str, tuple[set[str], list[str]]] = {}

    def timed(name: str, run: Callable[[], list[Finding]]) -> None:
        if name not in wanted:
            return
        start = time.perf_counter()
        found = run()
        summary.seconds[name] = round(time.perf_counter() - start, 3)
        summary.found[name] = len(found)
        findings.extend(found)

    def contradictions() -> list[Finding]:
        result = find_contradictions(
            kb,
            now=now,
            cfg=cfg.contradictions,
            verifier=cfg.verifier,
            only=only_ids,
            articles_by_id=by_id,
            answered=answered,
        )
        touches.update(result.touches)
        summary.details["contradictions"] = {
            "candidates": result.candidates,
            "rejected_by_verifier": result.rejected_by_verifier,
        }
        return result.findings

    def duplicates() -> list[Finding]:
        result = find_duplicates(
            kb,
            by_id,
            cfg=cfg.duplicates,
            only=only_ids,
            overdue=lambda article: overdue(article, cfg.review, now),
        )
        summary.details["duplicates"] = {
            "chunks": result.chunks,
            "candidate_pairs": result.candidate_pairs,
            "boilerplate_buckets": result.boilerplate_buckets,
            "meaning_pairs": result.meaning_pairs,
            "rejected_by_facts": result.rejected_by_facts,
        }
        return result.findings

    def gaps() -> list[Finding]:
        result = find_gaps(kb, now=now, cfg=cfg.gaps, checker=cfg.answer_check)
        for cluster in result.answered:
            tickets, questions = answered.setdefault(cluster.article_id, (set(), []))
            tickets.update(cluster.ticket_ids)
            questions.extend(cluster.questions)
        summary.details["gaps"] = {
            "items": result.items,
            "uncovered": result.uncovered,
            "answered_clusters": [
                {"article": c.article_id, "questions": len(c.questions)} for c in result.answered
            ],
        }
        return result.findings

    def links() -> list[Finding]:
        return find_broken_links(targets, LinkIndex.build(by_id.values(), cfg.help_center_hosts))

    if only is None:  # first: clusters an article answers feed its contradiction evidence
        timed("missing_article", gaps)
    timed("contradicted_by_tickets", contradictions)
    timed("duplicate", duplicates)
    timed("broken_link", links)
    timed("review_due", lambda: find_review_due(targets, cfg.review, now=now))
    timed("translation_outdated", lambda: find_outdated_translations(targets, by_id))
    timed(
        "unhelpful",
        lambda: [
            f
            for f in find_unhelpful(kb, by_id, cfg.feedback)
            if only_ids is None or f.document_id in only_ids
        ],
    )
    findings = _answered_but_contradicted(findings, summary)
    summary.findings = [
        f if f.document_id is None else replace(f, touches=f.touches + touches[f.document_id])
        for f in findings
    ]
    return summary


def _answered_but_contradicted(findings: list[Finding], summary: ScanSummary) -> list[Finding]:
    """A question cluster holding a ticket that contradicts an article its questions were
    checked against is about that article — answered, but out of date — so it is evidence
    on the article's contradicted_by_tickets flag, not a missing article (the answer check
    can miss it: the article's figure is the one the tickets say is wrong)."""
    contradicted = {
        tid: f
        for f in findings
        if f.reason == "contradicted_by_tickets"
        for tid in f.evidence.get("ticket_ids", [])
    }
    kept: list[Finding] = []
    moved: list[dict[str, object]] = []
    for f in findings:
        owners: list[Finding] = []
        if f.reason == "missing_article":
            nearest = {c.get("nearest") for c in f.evidence.get("answer_check", [])}
            owners = [
                contradicted[t]
                for t in f.evidence.get("ticket_ids", [])
                if t in contradicted and contradicted[t].document_id in nearest
            ]
        if not owners:
            kept.append(f)
            continue
        owner = owners[0]
        questions = owner.evidence.setdefault("answered_questions", [])
        for q in f.evidence.get("examples", []):
            if q not in questions and len(questions) < 6:
                questions.append(q)
        moved.append({"cluster": f.subject, "article": owner.document_id})
    if moved:
        summary.details["gaps_answered_by_contradicted_articles"] = moved
    return kept


def _hashes(kb: KnowledgeBase) -> dict[str, str]:
    return kb.document_hashes()


def run_scan(kb: KnowledgeBase, cfg: ScanConfig | None = None) -> ScanSummary:
    """Check every article for the configured reasons and write the flags."""
    cfg = cfg or ScanConfig()
    summary = detect(kb, cfg)
    start = time.perf_counter()
    reasons = set(cfg.reasons)
    summary.changes = FlagStore(kb).apply(
        summary.findings, in_scope=lambda f: f.reason in reasons, document_hashes=_hashes(kb)
    )
    summary.seconds["write"] = round(time.perf_counter() - start, 3)
    return summary


def recheck_documents(
    kb: KnowledgeBase, ids: Iterable[str], cfg: ScanConfig | None = None
) -> ScanSummary:
    """Re-check a few articles (and their translations) after they changed."""
    cfg = cfg or ScanConfig()
    targets = set(ids)
    if targets:
        targets |= kb.catalog.translations_of(targets)
    reasons = [r for r in cfg.reasons if r in DOCUMENT_REASONS]
    summary = detect(kb, cfg, only=sorted(targets), reasons=reasons)
    summary.details["ids"] = sorted(targets)

    def in_scope(flag: Flag) -> bool:
        if flag.reason not in reasons:
            return False
        if flag.document_id in targets:
            return True
        pair = flag.subject.split(":", 1)[1].split("|") if flag.reason == "duplicate" else []
        return any(p in targets for p in pair)

    summary.changes = FlagStore(kb).apply(
        summary.findings, in_scope=in_scope, document_hashes=_hashes(kb)
    )
    return summary


def refresh_changed(kb: KnowledgeBase, cfg: ScanConfig | None = None) -> ScanSummary | None:
    """Re-check articles edited since their flags were computed (None when there are none)."""
    stale = FlagStore(kb).stale_documents()
    return recheck_documents(kb, stale, cfg) if stale else None


def still_detected(kb: KnowledgeBase, flag: Flag, cfg: ScanConfig | None = None) -> str | None:
    """The problem's summary if a fresh check still finds this flag's problem, else None."""
    cfg = cfg or ScanConfig()
    if flag.reason == "missing_article":
        examples = [str(q) for q in flag.evidence.get("examples", [])]
        if covered(kb, examples, cfg.gaps, cfg.answer_check):
            return None
        return "no article covers these questions yet"
    if flag.document_id is None or kb.get_document(flag.document_id) is None:
        return None
    summary = detect(kb, cfg, only=[flag.document_id], reasons=[flag.reason])
    for f in summary.findings:
        if f.subject == flag.subject:
            return f.summary()
    return None


__all__ = [
    "DOCUMENT_REASONS",
    "ContradictionConfig",
    "DuplicateConfig",
    "FeedbackConfig",
    "GapConfig",
    "ReviewPolicy",
    "ScanConfig",
    "ScanSummary",
    "detect",
    "recheck_documents",
    "refresh_changed",
    "run_scan",
    "still_detected",
]
