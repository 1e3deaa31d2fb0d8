"""Ask instead of guessing: a short question that several distinct articles fit about equally.

"How do I cancel?" fits cancelling a subscription and cancelling a booking; answering either
is a guess. The rule is deliberately narrow (few content terms, no conversation to
disambiguate, two or more articles close in cosine that each contain every asked term) so it
does not fire on questions that name what they want (measured in eval/RESULTS.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kb.answerability.text import TermIndex, terms
from kb.models import Hit

MAX_TERMS = 2  # a question naming more than this says what it wants
CLOSE = 0.12  # cosine within this of the best: fits about equally (MiniLM)
MIN_COSINE = 0.30  # every candidate must be about the question at all
MAX_TOPICS = 3
CANDIDATE_HITS = 5


@dataclass(frozen=True)
class Topic:
    external_id: str
    title: str
    url: str | None


def candidate_topics(
    question: str, hits: Sequence[Hit], history: Sequence[str] = ()
) -> list[Topic]:
    """The distinct articles to offer, or [] when the question is specific enough to answer."""
    if any(h.strip() for h in history):
        return []
    q_terms = terms(question)
    if not q_terms or len(q_terms) > MAX_TERMS or len(hits) < 2:
        return []
    best = hits[0].dense_score or 0.0
    topics: list[Topic] = []
    titles: set[str] = set()
    for hit in hits[:CANDIDATE_HITS]:
        cos = hit.dense_score or 0.0
        if cos < max(MIN_COSINE, best - CLOSE):
            continue
        text = " ".join([hit.title, *(" ".join([*c.heading_path, c.text]) for c in hit.chunks)])
        index = TermIndex.of(text)
        title = hit.title.strip().lower()
        if all(index.has(t) for t in q_terms) and title not in titles:
            titles.add(title)
            topics.append(Topic(hit.external_id, hit.title, hit.url))
    if len(topics) < 2:
        return []
    # One candidate whose title names every asked term is the article the question names.
    named = [t for t in topics if all(TermIndex.of(t.title).has(term) for term in q_terms)]
    if len(named) == 1:
        return []
    return topics[:MAX_TOPICS]
