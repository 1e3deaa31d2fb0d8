"""Evidence that retrieved passages *answer* a question, not merely share its topic.

Pure: question, history, the retriever's hits (their best chunks and the dense / keyword
scores retrieval already computed) and, when there is one, the composed answer's text in;
named features in [0, 1] (mostly) and the terms that were looked for and not found out.
No model calls: the cost is tokenizing a few passages and one IDF lookup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kb.answerability.term_stats import TermStats
from kb.answerability.text import (
    TermIndex,
    named_things,
    numbers,
    slot,
    slot_filled,
    terms,
)
from kb.models import Hit

TOP_HITS = 3  # the passages an answer is composed from (Settings.answer_sources)
FOCUS_TERMS = 2  # the question's most specific terms: its focus
CONTEXT_TURNS = 2  # history turns whose named things the answer must be about

FEATURES: tuple[str, ...] = (
    "top_cosine",  # best chunk cosine of the top document
    "top_fused",  # the top document's fused (dense + keyword) score
    "cosine_gap",  # top cosine minus the next documents' best
    "fused_gap",  # fused-score margin between the first two documents
    "keyword_top",  # 1 / keyword rank of the top document (0: no keyword match)
    "rank_agree",  # dense and keyword both rank the top document first
    "coverage_best",  # IDF-weighted share of question terms in the best single passage
    "coverage_union",  # ... in the top passages together
    "coverage_gap",  # best passage's coverage minus the best of the other documents'
    "title_coverage",  # ... in the title and headings of a top document (its stated topic)
    "focus",  # share of the most specific question terms in the best passage
    "missing_rare",  # specificity of the most specific term no top passage has
    "numbers",  # share of the question's numbers found (1 when it has none)
    "slot",  # the asked-for slot (price, quantity, time) is filled in the best passage
    "context",  # named things of the recent history found in the best passage (1: none)
    "support",  # IDF-weighted share of question terms the answer text itself contains
    "missing_named",  # share of the question's names / technical tokens no top passage has
    "unknown",  # share of question terms no chunk of the store contains (not names)
    "terms",  # how many content terms the question has, over 10 (capped at 1)
)


# What the shipped default reads: the features that carried over between sets fitted
# leave-one-set-out (eval/RESULTS.md); a store's own `kbc calibrate` may use all of them.
DEFAULT_FEATURES: tuple[str, ...] = (
    "top_cosine",
    "fused_gap",
    "coverage_best",
    "focus",
    "missing_named",
    "support",
    "context",
)


@dataclass(frozen=True)
class Evidence:
    """What the decision read: its features and the specific terms it looked for."""

    features: dict[str, float]
    looked_for: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()  # specific terms no top passage has, most specific first
    best_passage: tuple[str, int] | None = None  # (document id, chunk ordinal)
    slot: str | None = None
    extras: dict[str, float] = field(default_factory=dict)

    def vector(self, names: Sequence[str] = FEATURES) -> list[float]:
        return [self.features.get(n, 0.0) for n in names]

    def as_dict(self) -> dict[str, object]:
        return {
            "features": {k: round(v, 4) for k, v in self.features.items()},
            "looked_for": list(self.looked_for),
            "missing": list(self.missing),
            "best_passage": list(self.best_passage) if self.best_passage else None,
            "slot": self.slot,
        }


@dataclass(frozen=True)
class _Passage:
    doc: str
    ordinal: int
    index: TermIndex
    text: str
    heading: TermIndex


def _passages(hits: Sequence[Hit]) -> list[_Passage]:
    out: list[_Passage] = []
    for hit in hits[:TOP_HITS]:
        for chunk in hit.chunks:
            head = " ".join([hit.title, *chunk.heading_path])
            text = f"{head} {chunk.text}"
            passage = _Passage(
                hit.external_id, chunk.ordinal, TermIndex.of(text), text, TermIndex.of(head)
            )
            out.append(passage)
    return out


def _share(found: Sequence[str], weights: dict[str, float]) -> float:
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum(weights[t] for t in found) / total


def extract(
    question: str,
    hits: Sequence[Hit],
    stats: TermStats,
    *,
    history: Sequence[str] = (),
    answer: str | None = None,
) -> Evidence:
    """Features of how well the top passages (and the answer) cover what is asked."""
    q_terms = terms(question)
    idf = stats.idf(q_terms) if q_terms else {}
    named = [t for t in named_things(question) if t in idf]
    # Words the store never uses are paraphrase or an unknown topic: dense similarity and
    # `unknown` speak for them; coverage weighs the store's own vocabulary (and names).
    weights = {t: (w if w < 1.0 or t in named else 0.0) for t, w in idf.items()}
    context = [t for t in named_things(" ".join(history[-CONTEXT_TURNS:])) if t not in idf]
    passages = _passages(hits)
    features = dict.fromkeys(FEATURES, 0.0)
    features["terms"] = min(1.0, len(q_terms) / 10)
    unknown = [t for t in q_terms if idf[t] >= 1.0 and t not in named]
    features["unknown"] = len(unknown) / len(q_terms) if q_terms else 0.0
    q_numbers = numbers(question)
    asked = slot(question)
    if not hits or not passages:
        features.update(numbers=0.0 if q_numbers else 1.0, context=0.0 if context else 1.0)
        features["missing_named"] = 1.0 if named else 0.0
        unseen = tuple(sorted(q_terms, key=lambda t: -weights.get(t, 0.0)))
        return Evidence(features, tuple(q_terms), unseen, None, asked)

    cosines = [h.dense_score or 0.0 for h in hits]
    features["top_cosine"] = cosines[0]
    features["top_fused"] = hits[0].score
    features["cosine_gap"] = cosines[0] - max(cosines[1:], default=0.0)
    features["fused_gap"] = hits[0].score - (hits[1].score if len(hits) > 1 else 0.0)
    top = hits[0]
    features["keyword_top"] = 1.0 / top.keyword_rank if top.keyword_rank else 0.0
    features["rank_agree"] = 1.0 if top.dense_rank == 1 and top.keyword_rank == 1 else 0.0

    def context_share(p: _Passage) -> float:
        return sum(1 for t in context if p.index.has(t)) / len(context) if context else 1.0

    def score(p: _Passage) -> float:
        return _share([t for t in q_terms if p.index.has(t)], weights) * context_share(p)

    best = max(passages, key=score)
    covered_best = [t for t in q_terms if best.index.has(t)]
    union = [t for t in q_terms if any(p.index.has(t) for p in passages)]
    features["coverage_best"] = _share(covered_best, weights)
    features["coverage_union"] = _share(union, weights)
    others = [score(p) for p in passages if p.doc != best.doc]
    features["coverage_gap"] = score(best) - max(others, default=0.0)
    features["title_coverage"] = max(
        _share([t for t in q_terms if p.heading.has(t)], weights) for p in passages
    )
    focus = sorted((t for t in q_terms if weights[t] > 0), key=lambda t: -weights[t])
    focus = focus[:FOCUS_TERMS]
    features["focus"] = sum(1 for t in focus if best.index.has(t)) / len(focus) if focus else 0.0
    missing = sorted((t for t in q_terms if t not in union), key=lambda t: -idf[t])
    features["missing_rare"] = max((weights[t] for t in missing), default=0.0)
    absent_named = [t for t in named if t not in union]
    features["missing_named"] = len(absent_named) / len(named) if named else 0.0
    found_numbers = [n for n in q_numbers if any(n in p.index.numbers for p in passages)]
    features["numbers"] = len(found_numbers) / len(q_numbers) if q_numbers else 1.0
    features["slot"] = 1.0 if slot_filled(asked, best.text) else 0.0
    features["context"] = context_share(best)
    if answer:
        said = TermIndex.of(answer)
        features["support"] = _share([t for t in q_terms if said.has(t)], weights)
    return Evidence(
        features,
        looked_for=tuple(q_terms + context),
        missing=tuple(missing),
        best_passage=(best.doc, best.ordinal),
        slot=asked,
    )
