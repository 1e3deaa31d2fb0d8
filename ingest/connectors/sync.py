"""One sync of a live help center into the store: fetch every page, then write.

The whole help center is fetched before anything is written, so a sync that fails on the
way (network, credentials, a page that is not what the API documents) changes nothing, and
the next run starts again. Writing goes through the same pipeline as `kbc ingest`: unchanged
articles are not re-embedded. With `prune`, stored documents of this help center (and only
this one: documents carry its `source`) that the API no longer returned are deleted — but
only after a run in which every record was read and written, so a record that failed never
costs its stored article.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ingest.connectors.helpdesks import Connector
from ingest.files import Failure
from ingest.helpcenter_exports import export_documents
from ingest.pipeline import IngestSummary, upsert_documents
from kb.embedders.base import Embedder
from kb.errors import RemoteUnavailable
from kb.models import Document, Visibility
from kb.store import KnowledgeBase

MAX_DOCUMENTS = 200_000


@dataclass
class Fetched:
    """What one connector returned: documents, records that could not be read, pages."""

    documents: list[Document] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    pages: int = 0
    seconds: float = 0.0

    def languages(self) -> set[str]:
        return {d.lang for d in self.documents if d.lang}


@dataclass
class SyncSummary:
    system: str
    source: str
    pages: int
    fetch_seconds: float
    ingest: IngestSummary
    prune_skipped: str | None = None  # why --prune deleted nothing, when it was asked

    def as_dict(self) -> dict[str, object]:
        return {
            "system": self.system,
            "source": self.source,
            "pages": self.pages,
            "fetch_seconds": round(self.fetch_seconds, 3),
            **self.ingest.as_dict(),
            "prune_skipped": self.prune_skipped,
        }


def fetch(
    connector: Connector, visibility: Visibility = "public", max_documents: int = MAX_DOCUMENTS
) -> Fetched:
    """Every published article of the help center, read into documents (nothing written)."""
    started = time.perf_counter()
    out = Fetched()
    for page in connector.pages(visibility):
        out.pages += 1
        for item in export_documents(
            page.data, source=connector.source, where=page.where, visibility=page.visibility
        ):
            if isinstance(item, Failure):
                out.failed.append(item)
            else:
                out.documents.append(item)
        if len(out.documents) > max_documents:
            raise RemoteUnavailable(
                f"{connector.system} returned more than {max_documents} articles; stopped"
            )
    out.seconds = time.perf_counter() - started
    return out


def write(
    connector: Connector,
    fetched: Fetched,
    kb: KnowledgeBase,
    embedder: Embedder,
    *,
    prune: bool = False,
) -> SyncSummary:
    """Upsert what `fetch` returned; with `prune`, delete this help center's documents that
    it no longer returned (skipped, with the reason, when anything failed)."""
    ingest = upsert_documents(fetched.documents, kb, embedder)
    ingest.failed[:0] = fetched.failed
    summary = SyncSummary(
        connector.system, connector.source, fetched.pages, fetched.seconds, ingest
    )
    if prune:
        if ingest.failed:
            summary.prune_skipped = f"{len(ingest.failed)} record(s) failed; nothing was removed"
        else:
            seen = {d.external_id for d in fetched.documents}
            stored = kb.documents_from_sources([connector.source])
            ingest.removed = kb.delete([ext for ext in stored if ext not in seen])
            kb.save_index()
    return summary
