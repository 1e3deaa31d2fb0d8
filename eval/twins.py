"""Leave-gold-out twins: each answerable ticket again, with its gold documents (and their
translations) taken out of retrieval. The same question with nothing that answers it left:
the copilot must hand it off. Every labelled set gets unanswerable questions this way.

Exclusion happens inside retrieval (dense candidates and BM25 both), so the twin sees the
store as it would be without those documents — not the original results minus a few rows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import replace

from eval.dataset import Ticket
from kb.models import SearchFilters
from kb.retrieval import Retriever
from kb.store import KnowledgeBase

TWIN_SUFFIX = "~twin"


def twin_of(ticket: Ticket, excluded: Collection[str]) -> Ticket:
    """The unanswerable twin of `ticket` (its gold documents are in `excluded`)."""
    return replace(
        ticket,
        id=f"{ticket.id}{TWIN_SUFFIX}",
        gold_doc_ids=(),
        gold_answer=None,
        answerable=False,
        extras={**ticket.extras, "twin_of": ticket.id, "excluded": sorted(excluded)},
        unknown_gold_ids=(),
    )


def excluded_documents(kb: KnowledgeBase, gold_ids: Iterable[str]) -> set[str]:
    """The gold documents and every document of their translation groups."""
    return kb.catalog.translation_family(gold_ids)


class ExcludingRetriever(Retriever):
    """A Retriever that never returns chunks of the documents set with `exclude`."""

    def __init__(self, kb: KnowledgeBase, config: object = None) -> None:
        super().__init__(kb, config)  # type: ignore[arg-type]
        self._excluded_docs: frozenset[str] = frozenset()
        self._excluded_chunks: frozenset[int] = frozenset()

    def exclude(self, external_ids: Collection[str]) -> None:
        self._excluded_docs = frozenset(external_ids)
        self._excluded_chunks = frozenset(self.kb.catalog.chunk_ids_of(self._excluded_docs))

    @property
    def excluded(self) -> frozenset[str]:
        return self._excluded_docs

    def _allowed(self, chunk_ids: list[int], filters: SearchFilters) -> set[int]:
        return super()._allowed(chunk_ids, filters) - self._excluded_chunks

    def _keyword(
        self, text: str, context: str, filters: SearchFilters, want: int
    ) -> list[tuple[int, float]]:
        if not self._excluded_chunks:
            return super()._keyword(text, context, filters, want)
        extra = want + len(self._excluded_chunks)
        scored = super()._keyword(text, context, filters, extra)
        return [(c, s) for c, s in scored if c not in self._excluded_chunks][:want]
