"""Citations for the sentences of an LLM draft that carry none.

Small local models often answer from the sources correctly but forget the `[n]` markers.
Each uncited sentence that a source clearly supports (the support checker's stricter
threshold for uncited sentences, numbers and labels included) gets that source's marker;
the marker comes from the evidence, never from a guess. Sentences no source supports stay
uncited, and the support check still marks them unsupported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from copilot.compose.support import SentenceSupport, check_support, evidence_source
from copilot.compose.types import Source
from kb.embedders.base import Embedder

_END_PUNCT = re.compile(r"[.!?:;]*$")


def _sentence_span(text: str, sentence: str, start: int) -> tuple[int, int] | None:
    """Where `sentence` (whitespace collapsed) sits in `text`, searching from `start`."""
    words = sentence.split()
    if not words:
        return None
    found = re.compile(r"\s+".join(re.escape(w) for w in words)).search(text, start)
    return (found.start(), found.end()) if found else None


def attribute_citations(
    text: str, sources: Sequence[Source], embedder: Embedder | None = None
) -> tuple[str, list[SentenceSupport]]:
    """`text` with a `[n]` added to each uncited sentence that source n supports, and the
    per-sentence support of the returned text (checked again only when markers were added)."""
    supports = check_support(text, sources, embedder)
    pieces: list[str] = []
    cursor = 0  # text before this is in `pieces`
    search_from = 0  # each sentence is looked for after the previous one
    added = 0
    for support in supports:
        span = _sentence_span(text, support.text, search_from)
        if span is None:
            continue
        start, end = span
        search_from = end
        n = None
        if support.supported and not support.citations and support.evidence is not None:
            n = evidence_source(support.evidence, sources)
        if n is None:
            continue
        sentence = text[start:end]
        punct = _END_PUNCT.search(sentence)
        cut = punct.start() if punct else len(sentence)
        pieces.append(text[cursor:start] + f"{sentence[:cut].rstrip()} [{n}]{sentence[cut:]}")
        cursor = end
        added += 1
    if not added:
        return text, supports
    attributed = "".join([*pieces, text[cursor:]])
    return attributed, check_support(attributed, sources, embedder)
