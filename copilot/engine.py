"""The copilot's work, independent of HTTP: retrieve, compose, check support, score, log.

Routes call this; the eval harness calls this — one path for both.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from copilot.answer_verifier import LLMAnswerVerifier
from copilot.compose import Draft, ExtractiveComposer, Source, ThreadSummary, summarize_thread
from copilot.compose.safety import SensitiveFlagger, safe_url, screen_draft, screen_sources
from copilot.compose.types import Composer, ServedGenerator
from copilot.config import Settings
from copilot.handoff import handoff_reason
from copilot.language import customer_language
from kb.answerability import (
    AnswerabilityModel,
    Evidence,
    StoreTermStats,
    Topic,
    candidate_topics,
    extract,
    load_for_store,
)
from kb.models import Hit, SearchFilters
from kb.query_cleaning import clean_message
from kb.retrieval import Retriever
from kb.store import KnowledgeBase

# Cosine of a question to a passage: below the floor (Settings.relevance_floor) nothing is
# about the question; from there over SPAN, confidence in the retrieval rises linearly to 1.
RELEVANCE_SPAN = 0.40
PASSAGES_PER_SOURCE = 8  # best passages first, then the document's other sections in order


@dataclass(frozen=True)
class Composed:
    draft: Draft
    sources: list[Source]
    evidence: list[Source]  # similar resolved tickets, shown to agents, not composed from
    confidence: float
    lang: str
    seconds: float


@dataclass(frozen=True)
class Answered:
    outcome: Literal["answered", "handoff", "clarify"]
    reason: str | None
    composed: Composed | None
    lang: str
    confidence: float
    sources: list[Source]
    evidence: Evidence | None = None  # what the answerability decision read
    topics: list[Topic] = field(default_factory=list)  # clarify: the articles to choose from
    hits: list[Hit] = field(default_factory=list)  # what retrieval returned (for evaluation)


@dataclass
class _Decision:
    """The answerability model and the store's term statistics, per store generation."""

    model: AnswerabilityModel
    stats: StoreTermStats
    generation: int


def confidence(
    sources: Sequence[Source],
    supported_share: float,
    floor: float,
    answerability: float | None = None,
) -> float:
    """Customer answers: the answerability model's calibrated probability that answering from
    these sources is right. Agent drafts (no decision): retrieval relevance of the best source,
    tempered by how much of the text is supported."""
    if answerability is not None:
        return round(answerability, 4)
    if not sources:
        return 0.0
    best = max(s.relevance for s in sources)
    retrieval = min(1.0, max(0.0, (best - floor) / RELEVANCE_SPAN))
    return round(0.6 * retrieval + 0.4 * supported_share, 4)


class Copilot:
    """Drafts replies, answers customers and summarizes threads from one store."""

    def __init__(
        self,
        kb: KnowledgeBase,
        retriever: Retriever,
        composer: Composer,
        settings: Settings,
        generator: ServedGenerator | None = None,
        *,
        answer_composer: Composer | None = None,
        verifier: LLMAnswerVerifier | None = None,
    ) -> None:
        self.kb, self.retriever, self.settings = kb, retriever, settings
        self.composer = composer
        self.generator = generator
        # Customers never wait on a slow model: answers use the extractive composer unless
        # Settings.answer_llm_budget_s lets the LLM answer within a budget of its own.
        self.answer_composer = answer_composer or composer
        # Optional second opinion (Settings.answer_verifier): an LLM's constrained yes/no on
        # "does this passage answer this question?" before a customer is answered.
        self.verifier = verifier
        self._languages: tuple[int, set[str]] | None = None

    @classmethod
    def from_settings(cls, settings: Settings, kb: KnowledgeBase, retriever: Retriever) -> Copilot:
        # Lexical sentence scoring: the sources are already semantically retrieved, and
        # embedding candidate sentences per request would cost more than the 60 ms budget.
        extractive = ExtractiveComposer(None, known_urls=cls._known_urls(kb))
        if settings.llm_model == "extractive":
            return cls(kb, retriever, extractive, settings)
        from copilot.compose import LLMComposer
        from copilot.llm import LLMGateway
        from copilot.local_model import ServerOptions

        gateway = LLMGateway(
            settings.llm_model,
            timeout_s=settings.llm_timeout_s,
            retries=settings.llm_retries,
            max_tokens=settings.llm_max_tokens,
            api_base=settings.llm_api_base,
            local_options=ServerOptions(
                threads=settings.llm_threads,
                max_queue=settings.llm_max_queue,
                max_seconds=max(settings.llm_timeout_s, 1.0) + 5,
                max_tokens=settings.llm_max_tokens,
            ),
        )
        composer = LLMComposer(gateway, extractive, kb.embedder, known_urls=cls._known_urls(kb))
        answers = composer if settings.answer_llm_budget_s > 0 else extractive
        verifier = None
        if settings.answer_verifier:
            verifier = LLMAnswerVerifier(gateway, timeout_s=settings.answer_verifier_timeout_s)
        return cls(kb, retriever, composer, settings, generator=gateway, answer_composer=answers,
                   verifier=verifier)  # fmt: skip

    def close(self) -> None:
        """Stop what the engine started (the local model's child process)."""
        if self.generator is not None:
            self.generator.close()

    @staticmethod
    def _known_urls(kb: KnowledgeBase) -> set[str]:
        """URLs a draft may link: public articles' only (an intranet URL quoted in a public
        article is dropped from what customers see)."""
        return kb.catalog.public_article_urls()

    def languages(self) -> set[str]:
        """Languages the help center has articles in (cached per store generation)."""
        generation = self.kb.generation
        if self._languages is None or self._languages[0] != generation:
            self._languages = (generation, self.kb.catalog.article_languages() | {"en"})
        return self._languages[1]

    @property
    def generator_name(self) -> str:
        return self.generator.model if self.generator is not None else "extractive"

    def generator_status(self) -> dict[str, Any]:
        """The generator's state for /healthz (the local model's child process, if any)."""
        if self.generator is None:
            return {"model": "extractive", "state": "ready"}
        return dict(self.generator.status())

    # -- retrieval ------------------------------------------------------------------------

    def sources_for(
        self, question: str, history: Sequence[str], filters: SearchFilters, lang: str, k: int
    ) -> list[Source]:
        """Articles for `question`, in the customer's language first when any are relevant."""
        hits = self._hits_for(question, history, filters, lang, k)
        return self._screened(
            [self._source(n, h, self._passages(h)) for n, h in enumerate(hits, start=1)],
            customer="internal" not in filters.visibility,
        )

    @cached_property
    def _sensitive_flags(self) -> SensitiveFlagger:
        return SensitiveFlagger(self.kb)

    def _public_urls(self) -> set[str]:
        """Public articles' URLs, re-read when the store changes."""
        cached = getattr(self, "_public_urls_at", None)
        if cached is None or cached[0] != self.kb.generation:
            cached = (self.kb.generation, self._known_urls(self.kb))
            self._public_urls_at = cached
        return cached[1]

    def _screened(self, sources: list[Source], *, customer: bool) -> list[Source]:
        """Sources without sentences that ask customers for secrets or off-product payment
        (copilot/compose/safety.py); their articles are flagged for the content owner. For
        customers, links in passages keep only their text unless a public article owns them."""
        screened = screen_sources(sources, self._public_urls() if customer else None)
        if screened.dropped:
            try:
                self._sensitive_flags.flag(screened.dropped)
            except Exception:  # a flag write must never cost the customer the answer
                logging.getLogger("kbc").exception("could not flag sensitive sentences")
        return screened.sources

    def _hits_for(
        self, question: str, history: Sequence[str], filters: SearchFilters, lang: str, k: int
    ) -> list[Hit]:
        articles = SearchFilters(visibility=filters.visibility, kinds=frozenset({"article"}))
        in_lang = SearchFilters(visibility=articles.visibility, kinds=articles.kinds, lang=lang)
        hits = self.retriever.search(question, k=k, filters=in_lang, history=history)
        if not hits or (hits[0].dense_score or 0.0) < self.settings.relevance_floor:
            hits = self.retriever.search(question, k=k, filters=articles, history=history)
        return hits

    def _passages(self, hit: Hit) -> tuple[str, ...]:
        """The hit's best passages, then the rest of the document (a procedure often sits in a
        section the question's words do not reach)."""
        best = [c.text for c in hit.chunks]
        rest = [t for t in self.kb.chunk_texts(hit.external_id) if t not in best]
        return tuple((best + rest)[:PASSAGES_PER_SOURCE])

    def ticket_evidence(self, question: str, history: Sequence[str], start: int) -> list[Source]:
        filters = SearchFilters.everything(kinds=frozenset({"ticket"}))
        hits = self.retriever.search(question, k=2, filters=filters, history=history)
        return [
            self._source(n, h, tuple(c.text for c in h.chunks))
            for n, h in enumerate(hits, start=start)
        ]

    @staticmethod
    def _source(n: int, hit: Hit, passages: tuple[str, ...]) -> Source:
        return Source(
            n=n,
            external_id=hit.external_id,
            title=hit.title,
            url=safe_url(hit.url) if hit.visibility == "public" else None,
            kind=hit.kind,
            lang=hit.lang,
            passages=passages,
            relevance=float(hit.dense_score or 0.0),
        )

    # -- jobs -----------------------------------------------------------------------------

    def reply(
        self,
        messages: Sequence[tuple[str, str]],
        *,
        subject: str | None = None,
        locale: str | None = None,
        customer_name: str | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Composed:
        """Draft an agent's reply to the thread's latest customer messages; ``on_token``
        receives an LLM's text as it is written (the checked draft comes at the end)."""
        started = time.perf_counter()
        customer = [clean_message(body) for author, body in messages if author == "customer"]
        latest = customer[-1] if customer else clean_message(messages[-1][1])
        history = [subject or "", *customer[:-1]] if subject or len(customer) > 1 else []
        lang = customer_language(customer[-2:] or [latest], locale, self.languages())
        sources = self.sources_for(
            latest, history, SearchFilters.everything(), lang, self.settings.reply_sources
        )
        evidence = self.ticket_evidence(latest, history, start=len(sources) + 1)
        draft = self._compose(
            latest, sources, lang=lang, style="reply", customer_name=customer_name,
            on_token=on_token,
        )  # fmt: skip
        score = confidence(sources, draft.supported_share, self.settings.relevance_floor)
        return Composed(draft, sources, evidence, score, lang, time.perf_counter() - started)

    def answer(
        self, question: str, *, history: Sequence[str] = (), locale: str | None = None
    ) -> Answered:
        """Answer a customer from public articles only, ask which article they mean, or hand
        off with a reason; the answerability decision reads the passages, not the topic."""
        lang = customer_language([question], locale, self.languages())
        reason = handoff_reason(question)
        if reason:
            return Answered("handoff", reason, None, lang, 0.0, [])
        k = self.settings.answer_sources
        hits = self._hits_for(question, history, SearchFilters.public(), lang, k)
        sources = self._screened(
            [self._source(n, h, self._passages(h)) for n, h in enumerate(hits, start=1)],
            customer=True,
        )
        decision = self._decision()
        if not sources or max(s.relevance for s in sources) < self.settings.relevance_floor:
            evidence = extract(question, hits, decision.stats, history=history)
            return Answered(
                "handoff", "no_relevant_article", None, lang, 0.0, sources, evidence, hits=hits
            )
        topics = candidate_topics(question, hits, history) if self.settings.clarify else []
        if topics:
            evidence = extract(question, hits, decision.stats, history=history)
            score = confidence(sources, 0.0, 0.0, decision.model.probability(evidence))
            return Answered("clarify", None, None, lang, score, sources, evidence, topics, hits)
        started = time.perf_counter()
        draft = self._compose(question, sources, lang=lang, style="answer")
        evidence = extract(question, hits, decision.stats, history=history, answer=draft.text)
        probability = decision.model.probability(evidence)
        score = confidence(sources, draft.supported_share, 0.0, probability)
        composed = Composed(draft, sources, [], score, lang, time.perf_counter() - started)
        if score < self.answer_threshold or not draft.cited:
            return Answered(
                "handoff", "low_confidence", composed, lang, score, sources, evidence, hits=hits
            )
        if self.verifier is not None and self.verifier.verify(question, sources).answers is False:
            return Answered(
                "handoff", "verifier_no", composed, lang, score, sources, evidence, hits=hits
            )
        return Answered("answered", None, composed, lang, score, sources, evidence, hits=hits)

    @property
    def answer_threshold(self) -> float:
        """The setting when given, else the threshold calibrated with the model."""
        if self.settings.answer_threshold is not None:
            return self.settings.answer_threshold
        return self._decision().model.threshold

    @property
    def answerability_model(self) -> AnswerabilityModel:
        return self._decision().model

    def _decision(self) -> _Decision:
        """The store's calibrated model (`kbc calibrate`) or the shipped default; term
        statistics are re-read when the store changes."""
        current: _Decision | None = getattr(self, "_answerability", None)
        generation = self.kb.generation
        if current is None:
            current = _Decision(
                load_for_store(self.kb.data_dir, self.kb.model_id),
                StoreTermStats(self.kb),
                generation,
            )
            self._answerability = current
        elif current.generation != generation:
            current.stats.reset()
            current.generation = generation
        return current

    def _compose(
        self,
        question: str,
        sources: list[Source],
        *,
        on_token: Callable[[str], None] | None = None,
        **kw: Any,
    ) -> Draft:
        """Compose with the configured composer; an LLM streams so time-to-first-token is known.

        Answers use ``answer_composer`` under their own budget; replies may take the LLM's
        full timeout and stream to ``on_token``."""
        composer = self.answer_composer if kw.get("style") == "answer" else self.composer
        if self.generator is not None and composer is self.composer:
            kw["stream"] = True
            if kw.get("style") == "answer":
                kw["timeout_s"] = self.settings.answer_llm_budget_s
            elif on_token is not None:
                kw["on_token"] = on_token
        draft = composer.compose(question, sources, **kw)
        return screen_draft(draft)  # an LLM may write a sensitive instruction on its own

    def summarize(self, messages: Sequence[tuple[str, str]]) -> ThreadSummary:
        return summarize_thread(messages, self.generator)
