"""Answer quality against a gold answer and gold documents, and faithfulness to sources."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import numpy as np

from kb.embedders.base import Embedder

_WORD = re.compile(r"\w+", re.UNICODE)
_CITATION = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; citation markers like [1] are not words of the answer."""
    return _WORD.findall(_CITATION.sub(" ", text).lower())


def token_f1(candidate: str, reference: str) -> float:
    """SQuAD-style F1 over the multiset of tokens shared by candidate and reference."""
    cand, ref = tokens(candidate), tokens(reference)
    if not cand or not ref:
        return float(cand == ref)
    common: dict[str, int] = {}
    counts: dict[str, int] = {}
    for t in ref:
        counts[t] = counts.get(t, 0) + 1
    for t in cand:
        if counts.get(t, 0) > 0:
            counts[t] -= 1
            common[t] = common.get(t, 0) + 1
    overlap = sum(common.values())
    if overlap == 0:
        return 0.0
    precision, recall = overlap / len(cand), overlap / len(ref)
    return 2 * precision * recall / (precision + recall)


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    if len(a) < len(b):
        a, b = b, a
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, start=1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def rouge_l(candidate: str, reference: str) -> float:
    """ROUGE-L F1: longest common token subsequence over candidate and reference lengths."""
    cand, ref = tokens(candidate), tokens(reference)
    if not cand or not ref:
        return float(cand == ref)
    lcs = _lcs(cand, ref)
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(cand), lcs / len(ref)
    return 2 * precision * recall / (precision + recall)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of two vectors (0 when either is all zeros)."""
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0.0 or nb == 0.0:
        return 0.0
    return float(np.dot(a, b) / (na * nb))


def embedding_similarities(
    embedder: Embedder, pairs: Sequence[tuple[str, str]], batch: int = 64
) -> list[float]:
    """Cosine of (candidate, reference) embeddings, batched; citations stripped first."""
    out: list[float] = []
    for start in range(0, len(pairs), batch):
        part = pairs[start : start + batch]
        texts = [_CITATION.sub("", t) for pair in part for t in pair]
        vecs = np.asarray(embedder.embed(texts), dtype=np.float32)
        out.extend(cosine(vecs[2 * i], vecs[2 * i + 1]) for i in range(len(part)))
    return out


def citation_precision(cited: Collection[str], gold: Collection[str]) -> float | None:
    """Share of cited documents that are gold (None when nothing is cited)."""
    cited_set = set(cited)
    if not cited_set:
        return None
    return len(cited_set & set(gold)) / len(cited_set)


def citation_recall(cited: Collection[str], gold: Collection[str]) -> float:
    """Share of gold documents that the answer cites."""
    gold_set = set(gold)
    if not gold_set:
        raise ValueError("citation recall needs at least one gold document")
    return len(set(cited) & gold_set) / len(gold_set)


def faithfulness(supported: Sequence[bool]) -> float | None:
    """Share of content sentences supported by the retrieved sources (None: no content)."""
    if not supported:
        return None
    return sum(1 for s in supported if s) / len(supported)
