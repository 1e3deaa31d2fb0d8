"""Values of a reply that disagree with the articles it was checked against.

The reply is read exactly as the flags read a resolved ticket against an article
(kb.flags.claim_match): claims are extracted per sentence (numbers with their units,
durations, prices, percentages, versions), compared only with an article claim of the same
kind on the same subject, ranges and business-day spans read as the flags read them; a
disagreement that several articles could own goes to the one it matches most closely
(`attribute`). Here only values count, not UI labels or step order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from copilot.qa.types import ArticleRef, Contradiction
from kb.flags.claim_match import Judgement, Sides, judge, sides_of
from kb.flags.contradictions import attribute
from kb.flags.corpus import Article, Ticket

VALUE_KINDS = frozenset({"duration", "price", "percent", "quantity", "version"})


@lru_cache(maxsize=256)
def _article_sides(external_id: str, content_hash: str, body: str) -> list[Sides]:
    """An article's claim-bearing sentences (cached per content: the same articles come back)."""
    return sides_of(body)


def contradictions(
    reply: str,
    question: str,
    articles: Sequence[Article],
    *,
    subject: str = "",
    relevance: dict[str, float] | None = None,
) -> tuple[Contradiction, ...]:
    """Each reply value that an article on the same subject states differently, with the
    article sentence; `relevance` (article id -> retrieval score) breaks ties between
    articles that match a claim equally closely."""
    reply_sides = sides_of(reply)
    if not reply_sides or not articles:
        return ()
    ticket = Ticket("reply", subject, question, reply, None, None)
    scores = relevance or {}
    judged: list[tuple[str, float, Judgement]] = []
    for article in articles:
        sides = _article_sides(article.external_id, article.content_hash, article.body)
        judgement = judge(article, ticket, sides, reply_sides, set())
        judged.append((article.external_id, scores.get(article.external_id, 0.0), judgement))
    groups = {a.external_id: a.translation_of or a.external_id for a in articles}
    by_id = {a.external_id: a for a in articles}
    out: list[Contradiction] = []
    for external_id, items in attribute(judged, groups).items():
        article = by_id[external_id]
        for item in items:
            if item["kind"] not in VALUE_KINDS:
                continue
            ref = ArticleRef(article.external_id, article.title, article.url,
                             item["article_sentence"])  # fmt: skip
            out.append(Contradiction(item["kind"], item["ticket_sentence"], item["ticket_value"],
                                     ref, item["article_value"]))  # fmt: skip
    return tuple(_in_reply_order(out, reply))


def _in_reply_order(found: Iterable[Contradiction], reply: str) -> list[Contradiction]:
    return sorted(found, key=lambda c: (reply.find(c.sentence), c.article.external_id))
