"""Compose the stages: load -> chunk -> embed -> upsert, incrementally and safely.

Unchanged documents (same content hash) are skipped before chunking; unchanged chunks
reuse their stored vectors; each batch is one SQLite transaction, so a crash loses at
most the batch in flight and never what was stored before.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from ingest.chunking import chunk_document
from ingest.files import Failure
from ingest.sources import load
from kb.embedders.base import Embedder
from kb.errors import KBError
from kb.models import Chunk, Document, Kind, Visibility, content_hash
from kb.store import DocumentWrite, KnowledgeBase
from kb.text.language import detect_language, detectable_languages

DEFAULT_CHUNK_TOKENS = 200  # leaves room for title + heading path in MiniLM's 256-token window
BATCH_DOCUMENTS = 64
DEFAULT_LANG = "en"  # what detection answers for a text too short to tell
_BAD_RECORD = re.compile(r"(.+?)(?::\d+|\[\d+\])")  # `path:lineno`, `path[index]`


@dataclass
class IngestSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[Failure] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_reused: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def as_dict(self) -> dict[str, object]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "failed": [f.__dict__ for f in self.failed],
            "chunks_embedded": self.chunks_embedded,
            "chunks_reused": self.chunks_reused,
            "seconds": round(self.seconds, 3),
        }


def chunk_hash(doc: Document, chunk: Chunk) -> str:
    """Identity of a chunk's vector: everything the embedder sees."""
    return content_hash(chunk.embedding_text(doc.title))


def url_problem(url: str | None, hosts: Sequence[str] = ()) -> str | None:
    """Why a document URL may not be shown to customers, or None. Only http(s) URLs with a
    host (no `javascript:`, `data:`, credentials or whitespace); with `hosts`, the host must
    be one of them or a subdomain of one."""
    if url is None:
        return None
    if len(url) > 2000 or any(c.isspace() or ord(c) < 32 for c in url):
        return "url must be one http(s) URL of at most 2,000 characters, without spaces"
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return f"url must start with http:// or https:// and name a host, got {url[:80]!r}"
    if parts.username or parts.password:
        return "url must not carry a user name or password"
    host = parts.hostname.lower().rstrip(".")
    allowed = [h.strip().lower().lstrip(".") for h in hosts if h.strip()]
    if allowed and not any(host == h or host.endswith("." + h) for h in allowed):
        return f"url host {host!r} is not one of the help center's hosts ({', '.join(allowed)})"
    return None


def prepare(doc: Document, stored_hash: str | None = None) -> Document:
    """Fill what loaders may leave out: the language (detected, deterministic), as a bare
    lowercase code (`en-US` -> `en`) so language filters match.

    A document without a declared language that is stored unchanged (`stored_hash` is its
    hash under one of the languages detection can answer) takes that language without
    detection (~20 ms a document): a re-ingest of an unchanged corpus detects nothing, and
    detection is deterministic, so it would have answered the same — unless that language
    was declared by an earlier version of the file and the declaration alone was removed.
    """
    if doc.lang:
        doc.lang = doc.lang.replace("_", "-").split("-", 1)[0].strip().lower() or None
    if not doc.lang and stored_hash:
        doc.lang = doc.language_matching(stored_hash, detectable_languages() | {DEFAULT_LANG})
    if not doc.lang:
        doc.lang = detect_language(f"{doc.title}\n{doc.body}", default=DEFAULT_LANG)
    return doc


class _Batcher:
    """Chunks and embeds documents a batch at a time, then writes the batch to the store."""

    def __init__(
        self, kb: KnowledgeBase, embedder: Embedder, summary: IngestSummary, max_tokens: int
    ) -> None:
        self.kb, self.embedder, self.summary, self.max_tokens = kb, embedder, summary, max_tokens
        self.pending: list[tuple[Document, bool]] = []

    def add(self, doc: Document, is_new: bool) -> None:
        self.pending.append((doc, is_new))
        if len(self.pending) >= BATCH_DOCUMENTS:
            self.flush()

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        prepared: list[tuple[Document, bool, list[Chunk], list[str]]] = []
        for doc, is_new in batch:
            try:
                chunks = chunk_document(doc, self.embedder.count_tokens, self.max_tokens)
            except (KBError, ValueError, RecursionError) as exc:
                self.summary.failed.append(Failure(doc.source or doc.external_id, f"{exc}"))
                continue
            if not chunks:  # stored, it could never be found: say so instead
                self.summary.failed.append(
                    Failure(
                        doc.source or doc.external_id, "no text to index (empty or headings only)"
                    )
                )
                continue
            prepared.append((doc, is_new, chunks, [chunk_hash(doc, c) for c in chunks]))
        vectors = self._vectors(prepared)
        writes = [
            DocumentWrite(doc, chunks, hashes, _stack([vectors[h] for h in hashes], self.embedder))
            for doc, _, chunks, hashes in prepared
        ]
        self.kb.write(writes)
        for _, is_new, _, _ in prepared:
            if is_new:
                self.summary.added += 1
            else:
                self.summary.updated += 1

    def _vectors(self, prepared: Sequence[tuple[Document, bool, list[Chunk], list[str]]]) -> dict:
        hashes = [h for *_, hs in prepared for h in hs]
        known = self.kb.embeddings_for(hashes)
        todo: dict[str, str] = {}
        for doc, _, chunks, hs in prepared:
            for chunk, h in zip(chunks, hs, strict=True):
                if h not in known:
                    todo.setdefault(h, chunk.embedding_text(doc.title))
        self.summary.chunks_reused += sum(1 for h in hashes if h in known)
        if todo:
            embedded = self.embedder.embed(list(todo.values()))
            known.update(zip(todo, embedded, strict=True))
            self.summary.chunks_embedded += len(todo)
        return known


def _stack(rows: list[np.ndarray], embedder: Embedder) -> np.ndarray:
    if not rows:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.vstack(rows).astype(np.float32)


def run(
    paths: Iterable[Path],
    kb: KnowledgeBase,
    embedder: Embedder,
    *,
    kind: Kind = "article",
    visibility: Visibility = "public",
    prune: bool = False,
    max_tokens: int = DEFAULT_CHUNK_TOKENS,
    on_document: Callable[[], None] | None = None,
) -> IngestSummary:
    """Ingest `paths` into `kb`; with `prune`, remove documents whose source disappeared."""
    started = time.perf_counter()
    paths = [Path(p) for p in paths]
    items = (item for path in paths for item in load(path, kind=kind, visibility=visibility))
    summary, seen, failed_sources = _ingest(items, kb, embedder, max_tokens, on_document)
    if prune:
        summary.removed = _prune(kb, paths, seen, failed_sources)
    kb.save_index()
    summary.seconds = time.perf_counter() - started
    return summary


def upsert_documents(
    docs: Iterable[Document],
    kb: KnowledgeBase,
    embedder: Embedder,
    *,
    max_tokens: int = DEFAULT_CHUNK_TOKENS,
) -> IngestSummary:
    """Ingest documents that did not come from files (the API, webhooks) — same stages."""
    started = time.perf_counter()
    summary, _, _ = _ingest(docs, kb, embedder, max_tokens, None)
    kb.save_index()
    summary.seconds = time.perf_counter() - started
    return summary


def _ingest(
    items: Iterable[Document | Failure],
    kb: KnowledgeBase,
    embedder: Embedder,
    max_tokens: int,
    on_document: Callable[[], None] | None,
) -> tuple[IngestSummary, dict[str, str], set[str]]:
    summary = IngestSummary()
    _ = kb.vectors  # load (or rebuild) now so writes land in it and the run saves it fresh
    existing = kb.document_hashes()
    seen: dict[str, str] = {}
    failed_sources: set[str] = set()
    batcher = _Batcher(kb, embedder, summary, min(max_tokens, embedder.max_tokens))
    for item in items:
        if on_document:
            on_document()
        if isinstance(item, Failure):
            summary.failed.append(item)
            failed_sources.add(_source_file(item.source))
            continue
        doc = prepare(item, existing.get(item.external_id))
        ext = doc.external_id
        problem = url_problem(doc.url)
        if problem:
            summary.failed.append(Failure(doc.source or ext, problem))
            failed_sources.add(_source_file(doc.source or ext))
            continue
        if ext in seen:
            summary.failed.append(
                Failure(doc.source or ext, f"duplicate id {ext!r} (first seen in {seen[ext]})")
            )
            continue
        seen[ext] = doc.source or ""
        if existing.get(ext) == doc.hash:
            summary.unchanged += 1
        else:
            batcher.add(doc, is_new=ext not in existing)
    batcher.flush()
    return summary, seen, failed_sources


def _source_file(source: str) -> str:
    """`path:lineno` or `path[index]` (a bad record) -> `path`; a plain path stays as it is."""
    record = _BAD_RECORD.fullmatch(source)
    return record.group(1) if record else source


def _prune(kb: KnowledgeBase, paths: list[Path], seen: dict[str, str], failed: set[str]) -> int:
    """Delete stored documents under `paths` not seen this run — except from files that failed."""
    candidates = kb.documents_from_sources(str(p.resolve()) for p in paths if p.exists())
    gone = [ext for ext, src in candidates.items() if ext not in seen and src not in failed]
    return kb.delete(gone)
