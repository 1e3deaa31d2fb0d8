"""Score a reply an agent sent against the help center: an automatic first pass a support lead
can check, with no LLM.

The reply is checked against the articles retrieved for the customer's question and for the
reply itself (an agent may use an article the question's words do not reach): every factual
sentence by the drafting path's own support check, every value by the flags' claim
comparison, its language by the detector answers use, the customer's questions by the same
similarity, personal data by the ticket redactor. Work is bounded: the reply's length and its
number of sentences are capped (413 past them), and each check is linear in what is left.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from copilot.compose.support import (
    EmbedLimits,
    check_support,
    evidence_source,
    supported_share,
)
from copilot.compose.types import SentenceSupport, Source
from copilot.language import customer_language
from copilot.qa.calibration import GroundedCut
from copilot.qa.contradictions import contradictions
from copilot.qa.privacy import exposed
from copilot.qa.questions import answered, share_answered
from copilot.qa.types import (
    ArticleRef,
    Contradiction,
    Criterion,
    CriterionName,
    PiiFinding,
    QuestionCheck,
    Scorecard,
    SentenceCheck,
)
from kb.embedders.base import Embedder
from kb.errors import InvalidInput, PayloadTooLarge
from kb.models import SearchFilters
from kb.query_cleaning import clean_message
from kb.store import KnowledgeBase
from kb.text.language import text_language
from kb.text.sentences import PROSE_KINDS, split_segments

# Share of the reply's factual sentences an article must support: a majority. Not fitted: an
# expert answer sent to the wrong ticket is still grounded (eval/qa_scorecard_eval.py), so that
# comparison cannot place it; "answered every question" is what catches it.
GROUNDED = 0.5
MAX_REPLY_CHARS = 6000
MAX_SENTENCES = 20  # sentences of a reply checked (past it: 413, not a slow request)
QUERY_CHARS = 1000  # of the reply, as a retrieval query
SOURCES_PER_QUERY = 4
# The embedder's work per scorecard, bounded: 4 windows per sentence (drafts: 8), 48 texts in
# all, 400 characters each (~100 tokens), so a 20-sentence reply or a manual's 1,000-character
# table row costs what a short one does (bench/RESULTS.md, "QA scorecards").
EMBED_LIMITS = EmbedLimits(windows=4, texts=48, chars=400)


class SourceFinder(Protocol):
    """Where the articles come from: `copilot.engine.Copilot` (the drafting path's retrieval,
    in the customer's language first)."""

    def sources_for(
        self, question: str, history: Sequence[str], filters: SearchFilters, lang: str, k: int
    ) -> list[Source]: ...

    def languages(self) -> set[str]: ...


class ScorecardChecker:
    """Scores sent replies against one store; `embedder` (the store's by default) lifts
    paraphrases in the support and question checks, None keeps them lexical. `grounded_cut`
    (the store's own, copilot.qa.calibration) judges grounded by the mean support score;
    None keeps the shipped rule (a majority of factual sentences supported)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        finder: SourceFinder,
        *,
        embedder: Embedder | None = None,
        sources_per_query: int = SOURCES_PER_QUERY,
        max_sentences: int = MAX_SENTENCES,
        grounded_cut: GroundedCut | None = None,
    ) -> None:
        self.kb, self.finder, self.grounded_cut = kb, finder, grounded_cut
        self.embedder = embedder if embedder is not None else kb.embedder
        self.k, self.max_sentences = sources_per_query, max_sentences

    def score(
        self,
        messages: Sequence[tuple[str, str]],
        reply: str,
        *,
        subject: str | None = None,
        locale: str | None = None,
    ) -> Scorecard:
        """The scorecard of `reply` sent to the thread `messages` ((author, body) pairs)."""
        started = time.perf_counter()
        customer = [body for author, body in messages if author == "customer"]
        if not customer:
            raise InvalidInput("the thread has no customer message to score a reply against")
        self._check_size(reply)
        cleaned = [clean_message(body) for body in customer]
        latest = cleaned[-1] or customer[-1]
        history = [subject or "", *cleaned[:-1]] if subject or len(cleaned) > 1 else []
        customer_lang = customer_language(cleaned[-2:], locale, self.finder.languages())
        reply_lang = text_language(reply)
        sources, supports, sentences = self._support(
            latest, history, reply, reply_lang or customer_lang
        )
        articles = list(self.kb.catalog.articles_named(s.external_id for s in sources))
        found = contradictions(reply, latest, articles, subject=subject or "",
                               relevance={s.external_id: s.relevance for s in sources})  # fmt: skip
        questions = answered(customer[-1], reply, self.embedder)
        published = [p for s in sources for p in s.passages]  # a support address, a hotline
        leaks = exposed(reply, [*customer, subject or "", *published])

        criteria = (
            _grounded(sentences, supports, self.grounded_cut),
            _contradicts(found, len(sentences)),
            _language(customer_lang, reply_lang),
            _answered(questions),
            _privacy(leaks),
        )
        failing = tuple(c.name for c in criteria if not c.passed)
        return Scorecard(
            passed=not failing,
            failing=failing,
            criteria=criteria,
            sentences=sentences,
            contradictions=found,
            questions=questions,
            pii=tuple(leaks),
            customer_lang=customer_lang,
            reply_lang=reply_lang,
            articles=tuple(s.external_id for s in sources),
            seconds=round(time.perf_counter() - started, 4),
        )

    def mean_support(self, question: str, reply: str, subject: str = "") -> float | None:
        """The mean support score of `reply`'s factual sentences as `score` reads them (None:
        it has none), for calibration (copilot.qa.calibration)."""
        self._check_size(reply)
        latest = clean_message(question) or question
        lang = text_language(reply) or customer_language([latest], None, self.finder.languages())
        _, _, sentences = self._support(latest, [subject] if subject else [], reply, lang)
        return _mean_score(sentences) if sentences else None

    def _support(
        self, question: str, history: Sequence[str], reply: str, lang: str
    ) -> tuple[list[Source], list[SentenceSupport], tuple[SentenceCheck, ...]]:
        sources = self._sources(question, history, reply, lang)
        supports = check_support(reply, sources, self.embedder, EMBED_LIMITS)
        sentences = tuple(_sentence_check(s, sources) for s in supports if _is_factual(s))
        return sources, supports, sentences

    def _check_size(self, reply: str) -> None:
        if not reply.strip():
            raise InvalidInput("the reply is empty")
        if len(reply) > MAX_REPLY_CHARS:
            raise PayloadTooLarge(
                f"the reply has {len(reply):,} characters; the limit is {MAX_REPLY_CHARS:,}"
            )
        count = sum(1 for s in split_segments(reply) if s.kind in PROSE_KINDS or s.kind == "table")
        if count > self.max_sentences:
            raise PayloadTooLarge(
                f"the reply has {count} sentences; a scorecard checks at most {self.max_sentences}"
            )

    def _sources(
        self, question: str, history: Sequence[str], reply: str, lang: str
    ) -> list[Source]:
        """Articles for the customer's question, then for the reply itself; one of each."""
        articles = SearchFilters.everything(kinds=frozenset({"article"}))
        found = self.finder.sources_for(question, history, articles, lang, self.k)
        query = clean_message(reply)[:QUERY_CHARS] or reply[:QUERY_CHARS]
        found += self.finder.sources_for(query, (), articles, lang, self.k)
        out: dict[str, Source] = {}
        for source in found:
            if source.kind == "article" and source.external_id not in out:
                out[source.external_id] = replace(source, n=len(out) + 1)
        return list(out.values())


def _is_factual(s: SentenceSupport) -> bool:
    """Courtesy lines come back supported with no evidence; every other sentence is a claim."""
    return s.evidence is not None or not s.supported


def _sentence_check(s: SentenceSupport, sources: Sequence[Source]) -> SentenceCheck:
    ref = None
    if s.evidence is not None and (n := evidence_source(s.evidence, sources)) is not None:
        source = sources[n - 1]
        ref = ArticleRef(source.external_id, source.title, source.url, s.evidence)
    return SentenceCheck(s.text, s.supported, s.score, ref)


def _grounded(
    sentences: Sequence[SentenceCheck],
    supports: Sequence[SentenceSupport],
    cut: GroundedCut | None,
) -> Criterion:
    if not sentences:
        return Criterion("grounded", True, 1.0, "no factual sentence to check")
    supported = sum(s.supported for s in sentences)
    detail = f"{supported} of {len(sentences)} factual sentences supported by an article"
    if cut is not None:
        mean = _mean_score(sentences)
        detail = f"mean support {mean:.2f} ({detail}); {cut.describe()}"
        return Criterion("grounded", mean >= cut.cut, mean, detail)
    share = supported_share(supports)
    return Criterion("grounded", share >= GROUNDED, share, detail)


def _mean_score(sentences: Sequence[SentenceCheck]) -> float:
    return round(sum(s.score for s in sentences) / len(sentences), 4)


def _contradicts(found: Sequence[Contradiction], factual: int) -> Criterion:
    if not found:
        return Criterion("contradicts", True, 1.0, "no value differs from the articles")
    wrong = len({c.sentence for c in found})
    first = found[0]
    detail = (
        f"{wrong} sentence(s) state a value an article states differently: "
        f"{first.value!r} where {first.article.title!r} says {first.article_value!r}"
    )
    return Criterion("contradicts", False, round(max(0.0, 1 - wrong / max(factual, 1)), 4), detail)


def _language(customer_lang: str, reply_lang: str | None) -> Criterion:
    if reply_lang is None:
        detail = f"reply too short to tell; customer wrote in {customer_lang}"
        return Criterion("language", True, 1.0, detail)
    same = reply_lang == customer_lang
    detail = f"reply in {reply_lang}, customer wrote in {customer_lang}"
    return Criterion("language", same, 1.0 if same else 0.0, detail)


def _answered(questions: Sequence[QuestionCheck]) -> Criterion:
    if not questions:
        return Criterion("answered_every_question", True, 1.0, "the message asks nothing")
    missed = [q.question for q in questions if not q.answered]
    detail = (
        f"all {len(questions)} question(s) answered"
        if not missed
        else f"{len(missed)} of {len(questions)} question(s) not answered: {missed[0]!r}"
    )
    return Criterion("answered_every_question", not missed, share_answered(questions), detail)


def _privacy(leaks: Sequence[PiiFinding]) -> Criterion:
    if not leaks:
        return Criterion("privacy", True, 1.0, "no personal data beyond the customer's own")
    kinds = ", ".join(sorted({leak.kind for leak in leaks}))
    return Criterion("privacy", False, 0.0, f"the reply exposes personal data: {kinds}")


def criterion(card: Scorecard, name: CriterionName) -> Criterion:
    """One criterion of a scorecard by name."""
    return next(c for c in card.criteria if c.name == name)
