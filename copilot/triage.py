"""Triage of an incoming ticket: the tags the team would give it, how pressing it is, its
language, and what an agent will want open — the resolved tickets most like it and the
articles that answer it. No LLM, nothing trained: every suggestion names its evidence.

Tags come from the nearest resolved tickets (hybrid search over `kind = ticket`, the
customer's latest message with the earlier ones as history): the nearest ticket's tags, and
any other tag with at least TAG_SHARE of a vote in which each neighbour counts by its share of
the neighbours' fused scores. Each suggestion names its share and the tickets it came from.
Sentiment and urgency are the summary's lexicons (copilot/compose/summary.py), the language
the one answers use (copilot/language.py).
Work is bounded: NEIGHBOURS tickets and ARTICLES articles are searched, one document read per
neighbour, and the thread's limits are the ones /v1/replies has.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from copilot.compose.summary import Sentiment, Urgency, mood
from copilot.language import customer_language
from kb.errors import InvalidInput
from kb.models import Hit, SearchFilters
from kb.query_cleaning import clean_message
from kb.retrieval import Retriever
from kb.store import KnowledgeBase

NEIGHBOURS = 10
ARTICLES = 3
SIMILAR_SHOWN = 3
# Beside the nearest ticket's tags, a tag with at least this share of the neighbours' vote. The
# rule and the share were chosen on one half of examples/tickets (ids by hash) and read on the
# other: eval/triage_eval.py, eval/RESULTS.md "Triage".
TAG_SHARE = 0.4


@dataclass(frozen=True)
class TagSuggestion:
    tag: str
    share: float  # of the neighbours' vote, 0..1
    tickets: tuple[str, ...]  # the resolved tickets that carry it, nearest first


@dataclass(frozen=True)
class Related:
    external_id: str
    title: str
    url: str | None
    score: float


@dataclass(frozen=True)
class Triage:
    lang: str
    sentiment: Sentiment
    urgency: Urgency
    tags: tuple[TagSuggestion, ...]
    similar_tickets: tuple[Related, ...]
    articles: tuple[Related, ...]


class Triager:
    """Triage against one store; `exclude` leaves tickets out of the neighbours (an
    evaluation scoring a ticket that is itself in the store)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        retriever: Retriever,
        *,
        languages: Collection[str] | None = None,
        tag_share: float = TAG_SHARE,
    ) -> None:
        self.kb, self.retriever = kb, retriever
        self.languages, self.tag_share = languages, tag_share

    def triage(
        self,
        messages: Sequence[tuple[str, str]],
        *,
        subject: str | None = None,
        locale: str | None = None,
        exclude: Collection[str] = (),
    ) -> Triage:
        customer = [body for author, body in messages if author == "customer" and body.strip()]
        if not customer:
            raise InvalidInput("the thread has no customer message to triage")
        cleaned = [clean_message(body) or body.strip() for body in customer]
        history = [h for h in (subject or "", *cleaned[:-1]) if h]
        sentiment, urgency = mood(cleaned)
        lang = customer_language(cleaned[-2:], locale, self.languages)
        tickets = SearchFilters.everything(kinds=frozenset({"ticket"}))
        found = self.retriever.search(
            cleaned[-1], k=NEIGHBOURS + len(exclude), filters=tickets, history=history
        )
        neighbours = [h for h in found if h.external_id not in exclude][:NEIGHBOURS]
        articles = self.retriever.search(
            cleaned[-1],
            k=ARTICLES,
            filters=SearchFilters.everything(kinds=frozenset({"article"})),
            history=history,
        )
        return Triage(
            lang=lang,
            sentiment=sentiment,
            urgency=urgency,
            tags=self._tags(neighbours),
            similar_tickets=tuple(_related(h) for h in neighbours[:SIMILAR_SHOWN]),
            articles=tuple(_related(h) for h in articles),
        )

    def _tags(self, neighbours: list[Hit]) -> tuple[TagSuggestion, ...]:
        total = sum(max(h.score, 0.0) for h in neighbours)
        if total <= 0:
            return ()
        votes: dict[str, float] = {}
        carriers: dict[str, list[str]] = {}
        for hit in neighbours:
            doc = self.kb.get_document(hit.external_id)
            for tag in dict.fromkeys(doc.tags if doc else ()):
                votes[tag] = votes.get(tag, 0.0) + max(hit.score, 0.0) / total
                carriers.setdefault(tag, []).append(hit.external_id)
        nearest = neighbours[0].external_id
        chosen = [
            t for t, share in votes.items() if share >= self.tag_share or carriers[t][0] == nearest
        ]
        chosen.sort(key=lambda t: (-votes[t], t))
        return tuple(TagSuggestion(t, round(votes[t], 4), tuple(carriers[t])) for t in chosen)


def _related(hit: Hit) -> Related:
    return Related(hit.external_id, hit.title, hit.url, round(hit.score, 4))
