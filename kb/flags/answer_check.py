"""Does any article answer these questions? The decision a gap flag rests on.

`AnswerCheck` is the role (questions in, one verdict each out). `AnswerabilityCheck` asks
the calibrated answerability decision the customer answers use (`kb.answerability`).
`RetrievalAnswerCheck` reads retrieval evidence itself: it searches the public articles for each
question and measures how much of the question's specific vocabulary (its key terms,
weighted by how rare they are across the articles) one passage of a top article covers.
A question about "wine" that lands on the shipping-limits article covers "send" and
"parcel" but not "wine", so it is not answered; "what is the heaviest parcel I can send"
on the same article is.

Terms that appear in no article and in only one of the questions checked together are
dropped first (names and typos, not the topic), unless nothing else would be left.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from kb.flags.text import content_terms
from kb.models import SearchFilters
from kb.retrieval import Retriever
from kb.store import KnowledgeBase

PREFIX = 5  # terms of 5+ letters match on their first 5 (cancel / cancellation)
# How customers tell a story, not what they ask about: never a key term.
NARRATIVE = frozenset(
    """today yesterday tomorrow morning afternoon evening tonight monday tuesday wednesday
    thursday friday saturday sunday last ago week weeks month year anywhere anymore say says
    said tell told try tried trying keep left right wrong work worked working thing
    hoy ayer mañana manana tarde semana pasado pasada dice dijo intento lunes martes
    heute gestern morgen woche hier demain semaine hoje ontem amanha semana""".split()  # noqa: SIM905
)


_NARRATIVE_TERMS = frozenset().union(*(content_terms(w) for w in NARRATIVE))


@dataclass(frozen=True)
class AnswerVerdict:
    """One question's verdict: answered?, the nearest article and why (for the evidence)."""

    question: str
    answered: bool
    article_id: str | None = None
    article_title: str | None = None
    coverage: float = 0.0
    missing: tuple[str, ...] = ()
    passage: str = ""
    why: str = ""


class AnswerCheck(Protocol):
    """Decides, for each question, whether an existing article answers it."""

    def check(self, questions: Sequence[str]) -> list[AnswerVerdict]:
        """One verdict per question, in order; questions are checked together."""
        ...


@dataclass(frozen=True)
class AnswerCheckConfig:
    method: Literal["answerability", "coverage"] = "answerability"  # coverage: RetrievalAnswerCheck
    min_coverage: float = 0.6  # idf-weighted share of key terms one passage must hold
    articles: int = 3
    max_terms: int = 12


def _key(term: str) -> str:
    return term[:PREFIX] if len(term) >= PREFIX else term


class ArticleTermStats:
    """Document frequency of (prefix-keyed) content terms over the articles, built once."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.df: Counter[str] = Counter()
        self.total = 0
        for title, body in kb.catalog.iter_article_texts():
            self.total += 1
            self.df.update({_key(t) for t in content_terms(f"{title} {body}")})

    def idf(self, key: str) -> float:
        return math.log(1 + self.total / (1 + self.df.get(key, 0)))


class RetrievalAnswerCheck:
    """The default check: passage-level coverage of a question's key terms (see module doc)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        cfg: AnswerCheckConfig | None = None,
        *,
        filters: SearchFilters | None = None,
    ) -> None:
        self.kb = kb
        self.cfg = cfg or AnswerCheckConfig()
        self.filters = filters or SearchFilters.public()
        self._retriever = Retriever(kb)
        self._stats: ArticleTermStats | None = None

    @property
    def stats(self) -> ArticleTermStats:
        if self._stats is None:
            self._stats = ArticleTermStats(self.kb)
        return self._stats

    def _key_terms(self, questions: Sequence[str]) -> list[dict[str, str]]:
        """Per question: key -> surface term, without names/typos (see module doc)."""
        per_question = [
            {
                _key(t): t
                for t in content_terms(q, drop_generic=True) - _NARRATIVE_TERMS
                if len(t) > 1
            }
            for q in questions
        ]
        seen: Counter[str] = Counter(k for terms in per_question for k in terms)
        out = []
        for terms in per_question:
            kept = {
                k: t
                for k, t in terms.items()
                if self.stats.df.get(k, 0) > 0 or seen[k] > 1 or len(questions) == 1
            } or dict(terms)  # all of them unknown: they are the topic after all
            ranked = sorted(kept, key=lambda k: -self.stats.idf(k))[: self.cfg.max_terms]
            out.append({k: kept[k] for k in ranked})
        return out

    def check(self, questions: Sequence[str]) -> list[AnswerVerdict]:
        verdicts = []
        for question, terms in zip(questions, self._key_terms(questions), strict=True):
            verdicts.append(self._one(question, terms))
        return verdicts

    def _one(self, question: str, terms: dict[str, str]) -> AnswerVerdict:
        if not terms:
            return AnswerVerdict(question, False, why="nothing specific to look up")
        hits = self._retriever.search(question, k=self.cfg.articles, filters=self.filters)
        weights = {k: self.stats.idf(k) for k in terms}
        total = sum(weights.values())
        best: AnswerVerdict | None = None
        for hit in hits:
            context = f"{hit.title} "
            for chunk in hit.chunks:
                keys = {_key(t) for t in content_terms(context + " ".join(chunk.heading_path))} | {
                    _key(t) for t in content_terms(chunk.text)
                }
                covered = [k for k in terms if k in keys]
                coverage = sum(weights[k] for k in covered) / total
                if best is None or coverage > best.coverage:
                    missing = tuple(terms[k] for k in terms if k not in keys)
                    best = AnswerVerdict(
                        question,
                        coverage >= self.cfg.min_coverage,
                        hit.external_id,
                        hit.title,
                        round(coverage, 3),
                        missing,
                        chunk.text[:300],
                    )
        if best is None:
            return AnswerVerdict(question, False, why="no article comes up for it")
        if best.answered:
            why = f"{best.article_title!r} covers {best.coverage:.0%} of its key terms"
        else:
            why = (
                f"nearest article {best.article_title!r} covers only {best.coverage:.0%} of "
                f"its key terms; nothing on {', '.join(repr(m) for m in best.missing[:4])}"
            )
        return AnswerVerdict(
            best.question,
            best.answered,
            best.article_id,
            best.article_title,
            best.coverage,
            best.missing,
            best.passage,
            why,
        )


def cluster_answered(verdicts: Sequence[AnswerVerdict]) -> tuple[bool, str | None]:
    """(answered, the article answering most of them): a cluster is answered when at least
    half of its questions are, so it is not a coherent gap."""
    answering = Counter(v.article_id for v in verdicts if v.answered and v.article_id)
    if not answering:
        return False, None
    article = answering.most_common(1)[0][0]
    return 2 * sum(answering.values()) >= len(verdicts), article


class AnswerabilityCheck:
    """The answers path's calibrated decision (`kb.answerability`) as an AnswerCheck: the
    store's model (`kbc calibrate`) or the shipped default, at its own threshold."""

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        articles: int = 3,
        filters: SearchFilters | None = None,
    ) -> None:
        from kb.answerability import StoreTermStats, load_for_store

        self.model = load_for_store(kb.data_dir, kb.model_id)
        self.stats = StoreTermStats(kb)
        self.articles = articles
        self.filters = filters or SearchFilters.public()
        self._retriever = Retriever(kb)

    def check(self, questions: Sequence[str]) -> list[AnswerVerdict]:
        from kb.answerability import extract

        out = []
        for question in questions:
            hits = self._retriever.search(question, k=self.articles, filters=self.filters)
            if not hits:
                out.append(AnswerVerdict(question, False, why="no article comes up for it"))
                continue
            evidence = extract(question, hits, self.stats)
            p = self.model.probability(evidence)
            answered = p >= self.model.threshold
            doc, ordinal = evidence.best_passage or (hits[0].external_id, -1)
            hit = next((h for h in hits if h.external_id == doc), hits[0])
            passage = next((c.text for c in hit.chunks if c.ordinal == ordinal), hit.snippet)
            if answered:
                why = f"{hit.title!r} answers it (answerability {p:.2f})"
            else:
                missing = ", ".join(repr(m) for m in evidence.missing[:4])
                why = f"nearest article {hit.title!r} does not answer it (answerability {p:.2f})"
                why += f"; nothing on {missing}" if missing else ""
            out.append(
                AnswerVerdict(
                    question,
                    answered,
                    hit.external_id,
                    hit.title,
                    round(p, 3),
                    tuple(evidence.missing),
                    passage[:300],
                    why,
                )
            )
        return out


def default_check(kb: KnowledgeBase, cfg: AnswerCheckConfig | None = None) -> AnswerCheck:
    """The check gaps use unless told otherwise (see `AnswerCheckConfig.method`)."""
    cfg = cfg or AnswerCheckConfig()
    if cfg.method == "answerability":
        return AnswerabilityCheck(kb, articles=cfg.articles)
    return RetrievalAnswerCheck(kb, cfg)
