"""Typed data crossing the boundaries of the store."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["article", "ticket"]
Visibility = Literal["public", "internal"]
SearchMode = Literal["hybrid", "dense", "keyword"]

KINDS: tuple[Kind, ...] = ("article", "ticket")
VISIBILITIES: tuple[Visibility, ...] = ("public", "internal")
SEARCH_MODES: tuple[SearchMode, ...] = ("hybrid", "dense", "keyword")
_LANG_PART = 6  # where a document's language sits among the parts of its hash


def content_hash(*parts: str) -> str:
    """Stable SHA-256 over the given parts (used to skip unchanged documents and chunks)."""
    h = hashlib.sha256()
    _feed(h, parts)
    return h.hexdigest()


def _feed(h: Any, parts: Iterable[str]) -> None:
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage of a document, cut at heading boundaries."""

    ordinal: int
    text: str
    heading_path: tuple[str, ...] = ()
    token_count: int = 0
    lang: str | None = None

    @property
    def hash(self) -> str:
        return content_hash(" > ".join(self.heading_path), self.text)

    def embedding_text(self, title: str) -> str:
        """What the embedder sees: title and heading path give the passage its context."""
        context = [title, *self.heading_path] if title else list(self.heading_path)
        head = " > ".join(c for c in context if c)
        return f"{head}\n{self.text}" if head else self.text


@dataclass
class Document:
    """One help article or one resolved ticket (as a question/resolution pair).

    `body` is Markdown for articles; for tickets it is the redacted question and
    resolution. `source` is where it came from (a file path), used by `--prune`.
    """

    external_id: str
    title: str
    body: str
    kind: Kind = "article"
    visibility: Visibility = "public"
    url: str | None = None
    lang: str | None = None
    product: str | None = None
    tags: tuple[str, ...] = ()
    owner: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    translation_of: str | None = None
    source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind == "ticket":
            self.visibility = "internal"  # tickets are always internal

    @property
    def hash(self) -> str:
        """Hash of everything stored about the document (not only the text)."""
        return content_hash(*self._hashed_parts(self.lang or ""))

    def language_matching(self, stored_hash: str, languages: Iterable[str]) -> str | None:
        """The one of `languages` under which this document's `hash` is `stored_hash`, or None.

        Lets a re-ingest skip language detection for a document stored unchanged: the parts
        before the language (the body among them) are hashed once, not once per language.
        """
        parts = self._hashed_parts("")
        head = hashlib.sha256()
        _feed(head, parts[:_LANG_PART])
        for lang in sorted(languages):
            h = head.copy()
            _feed(h, [lang, *parts[_LANG_PART + 1 :]])
            if h.hexdigest() == stored_hash:
                return lang
        return None

    def _hashed_parts(self, lang: str) -> list[str]:
        return [
            self.external_id,
            self.title,
            self.body,
            self.kind,
            self.visibility,
            self.url or "",
            lang,  # index _LANG_PART
            self.product or "",
            ",".join(self.tags),
            self.owner or "",
            self.created_at or "",
            self.updated_at or "",
            self.translation_of or "",
            repr(sorted(self.meta.items())),
        ]

    @property
    def translation_group(self) -> str:
        """Translations of one article share the group of their source article."""
        return self.translation_of or self.external_id


@dataclass(frozen=True)
class SearchFilters:
    """Filters applied inside the store, before any result leaves it.

    `visibility` defaults to public only: callers must ask for internal content.
    """

    visibility: frozenset[Visibility] = frozenset({"public"})
    kinds: frozenset[Kind] | None = None
    lang: str | None = None
    product: str | None = None

    @classmethod
    def public(cls, **kw: Any) -> SearchFilters:
        return cls(visibility=frozenset({"public"}), kinds=frozenset({"article"}), **kw)

    @classmethod
    def everything(cls, **kw: Any) -> SearchFilters:
        return cls(visibility=frozenset({"public", "internal"}), **kw)


@dataclass(frozen=True)
class ChunkHit:
    chunk_id: int
    ordinal: int
    heading_path: tuple[str, ...]
    text: str
    score: float


@dataclass(frozen=True)
class Hit:
    """A document-level search result with its best passages and the scores behind it."""

    external_id: str
    title: str
    url: str | None
    kind: Kind
    visibility: Visibility
    lang: str | None
    score: float
    snippet: str
    heading_path: tuple[str, ...]
    chunks: tuple[ChunkHit, ...]
    dense_rank: int | None = None
    keyword_rank: int | None = None
    product: str | None = None
    dense_score: float | None = None  # cosine of the document's best chunk: absolute relevance
