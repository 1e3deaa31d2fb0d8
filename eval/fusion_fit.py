"""Fit hybrid search's dense share per language on labelled questions, and say how well the
fitted share does on questions it was not fitted on.

Each question is retrieved once (dense and keyword candidates); every share on a grid then
re-fuses the same candidates, so a fit costs one retrieval per question. A share is fitted
only for a language with at least `min_questions` labelled questions; the others keep the
store's defaults (kb.fusion_shares). The report is cross-validated: the questions of each
language are split into folds by a hash of their id, and each fold is scored with the share
fitted on the other folds (`held_out`), next to the unfitted default share, dense alone and
keyword alone on the same questions.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from math import sqrt
from statistics import fmean, stdev

from eval.dataset import Role, Ticket
from eval.retrieval_metrics import ndcg_at_k
from kb.models import SearchFilters
from kb.retrieval import Candidates, Retriever

GRID = tuple(round(0.05 * i, 2) for i in range(21))
MIN_QUESTIONS = 10
SIGNIFICANCE = 2.0  # standard errors (a conventional level, not tuned on a set)


@dataclass
class LanguageFit:
    lang: str
    questions: int
    share: float | None  # fitted on all its questions; None: too few to fit
    default_share: float
    held_out: float | None  # nDCG@10 with shares fitted on the other folds
    default: float  # nDCG@10 with the default share (nothing fitted)
    dense: float
    keyword: float
    by_share: dict[float, float] = field(default_factory=dict)  # in-sample curve


@dataclass
class FusionFit:
    folds: int
    languages: list[LanguageFit]

    @property
    def shares(self) -> dict[str, float]:
        return {f.lang: f.share for f in self.languages if f.share is not None}

    @property
    def questions(self) -> dict[str, int]:
        return {f.lang: f.questions for f in self.languages if f.share is not None}


@dataclass
class _Scored:
    id: str
    by_share: dict[float, float]
    dense: float
    keyword: float


def fit_fusion(
    retriever: Retriever,
    tickets: Sequence[Ticket],
    filters: SearchFilters,
    *,
    folds: int = 5,
    min_questions: int = MIN_QUESTIONS,
    history_roles: Collection[Role] = ("customer", "agent"),
    in_language: bool = True,
) -> FusionFit:
    """Per language of the labelled `tickets` (those with gold documents): the share that
    maximizes mean nDCG@10 of hybrid search, and its cross-validated nDCG. The prior (and
    the `default` column) is the share the store gives a language with nothing fitted.
    `in_language`: retrieve among the ticket's language only, as POST /v1/answers does."""
    unfitted = replace(retriever.shares, fitted={}, version="default")
    by_lang: dict[str, list[_Scored]] = {}
    for ticket in tickets:
        if not ticket.has_gold or not ticket.lang:
            continue  # a share is per language: a ticket without one says nothing
        where = replace(filters, lang=ticket.lang) if in_language else filters
        pool = retriever.candidates(
            ticket.question, where, ticket.history_texts(history_roles), k=10
        )
        by_lang.setdefault(ticket.lang, []).append(_score(retriever, pool, ticket))
    fits = [
        _fit_language(lang, scored, unfitted.share_for(lang), folds, min_questions)
        for lang, scored in sorted(by_lang.items())
    ]
    return FusionFit(folds=folds, languages=fits)


def _score(retriever: Retriever, pool: Candidates, ticket: Ticket) -> _Scored:
    gold = ticket.gold_doc_ids

    def ndcg(share: float | None, which: str = "hybrid") -> float:
        if which == "dense":
            pool_ = Candidates(pool.question, pool.dense, [], pool.k)
        elif which == "keyword":
            pool_ = Candidates(pool.question, [], pool.keyword, pool.k)
        else:
            pool_ = pool
        return ndcg_at_k([h.external_id for h in retriever.fuse(pool_, share)], gold)

    return _Scored(
        id=ticket.id,
        by_share={share: ndcg(share) for share in GRID},
        dense=ndcg(None, "dense"),
        keyword=ndcg(None, "keyword"),
    )


def best_share(scored: Sequence[_Scored], prior: float) -> float:
    """The grid share with the highest mean nDCG@10 — if it beats the prior share clearly:
    its per-question gain over the prior must exceed SIGNIFICANCE standard errors (a paired
    test). Tens of questions give a noisy curve whose maximum is partly luck; without the
    test a fitted share did worse on held-out questions than the prior in three of seven
    languages of examples/multilingual."""
    start = nearest(prior)
    best = max(
        GRID, key=lambda s: (round(fmean(q.by_share[s] for q in scored), 9), -abs(s - prior))
    )
    gains = [q.by_share[best] - q.by_share[start] for q in scored]
    if len(gains) < 2 or best == start:
        return start
    spread = stdev(gains) / sqrt(len(gains))
    return best if fmean(gains) > SIGNIFICANCE * spread else start


def nearest(share: float) -> float:
    return min(GRID, key=lambda s: abs(s - share))


def _fold(ticket_id: str, folds: int) -> int:
    return zlib.crc32(ticket_id.encode("utf-8")) % folds


def _fit_language(
    lang: str, scored: list[_Scored], prior: float, folds: int, min_questions: int
) -> LanguageFit:
    default_share = nearest(prior)
    fit = LanguageFit(
        lang=lang,
        questions=len(scored),
        share=None,
        default_share=prior,
        held_out=None,
        default=fmean(q.by_share[default_share] for q in scored),
        dense=fmean(q.dense for q in scored),
        keyword=fmean(q.keyword for q in scored),
        by_share={s: fmean(q.by_share[s] for q in scored) for s in GRID},
    )
    if len(scored) < min_questions:
        return fit
    fit.share = best_share(scored, prior)
    held: list[float] = []
    for k in range(folds):
        test = [q for q in scored if _fold(q.id, folds) == k]
        train = [q for q in scored if _fold(q.id, folds) != k]
        if not test or not train:
            continue
        share = best_share(train, prior)
        held += [q.by_share[share] for q in test]
    fit.held_out = fmean(held) if held else None
    return fit
