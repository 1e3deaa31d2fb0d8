"""Duplicates by meaning: article pairs proposed by their stored chunk embeddings, matched
passage by passage by cosine, and accepted only when the matched passages agree on their
facts (numbers with units, prices, durations, versions, and the names they mention).

A reworded copy shares few word 3-grams but nearly all of its meaning, so MinHash alone
misses it; two articles built from one template ("Connect Google Calendar" / "Connect
Outlook Calendar", islands with their own delivery days) share meaning but not facts, which
is why cosine alone is not enough. Proposals come from the articles' mean vectors: exact
inner products for a small language group, an IVF index (a C library, near-linear) for a
large one, so the cost stays near-linear in articles.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from kb.flags.claim_compare import comparable, conflicts
from kb.flags.claims import Claim, extract_claims
from kb.flags.corpus import embedding_family
from kb.flags.text import content_terms, strip_inline
from kb.store import KnowledgeBase
from kb.text import CALENDAR_WORDS, MONTHS, number_pattern, parse_number
from kb.text.words import STOPWORDS

_NUMBER = re.compile(number_pattern(), re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_FIGURE = re.compile(r"\d+(?:[.,:]\d+)?")
_BOLD_LABEL = re.compile(r"\*\*([^*\n]{1,80})\*\*")
# A capitalised word inside a sentence: after a word or a comma and one space, never after
# ". " or at a line start, so sentence-initial words are not taken for names.
_MID_NAME = re.compile(r"(?<=[^\W_][ ,;:(/]|[,;:(] )([A-ZÀ-ÖØ-Þ][\w-]*)")
_NUMERIC = frozenset({"duration", "price", "percent", "quantity", "version"})
# (article, chunk) cosines by how the store's model scores (kb.flags.corpus.embedding_family)
_MEANING_COSINES = {"hashing": (0.6, 0.6), "cross-lingual": (0.8, 0.8), "sentence": (0.8, 0.86)}
NOUNS_CAPITALISED = frozenset({"de", "lb"})  # German, Luxembourgish: every noun capitalised
# Word overlap (content terms, Jaccard) from which two passages read as one template filled
# in twice rather than one text said twice; set a priori, between a paraphrase's ~0.25 and
# a template pair's most-words-shared.
TEMPLATE_OVERLAP = 0.5
NAMES_DIFFER = "they name different things"


@dataclass(frozen=True)
class MeaningConfig:
    """Cosines are per embedding model (a bag-of-words hash scores paraphrases lower)."""

    neighbours: int = 2
    article_cosine: float | None = None  # None: chosen by the embedding model
    chunk_cosine: float | None = None
    exact_below: int = 4000  # language groups up to this size use exact inner products
    min_name_overlap: float = 0.34
    # Below the cosines, a pair that states the same specific facts (the same figures and
    # **labels**: at least 3, and 40% of either's) is matched down to `fact_cosine`: a
    # paraphrase outside English scores lower by embedding (USE: 0.66-0.79 for the Portuguese
    # and German ones of the fifth flag set) and keeps its facts; on the five flag sets no
    # two articles of one language that are not duplicates share more than 2, or 20%.
    fact_cosine: float = 0.6
    min_shared_facts: int = 3
    min_fact_overlap: float = 0.4

    def thresholds(self, model_id: str | None) -> tuple[float, float]:
        """(article, chunk) cosines. USE multilingual scores a paraphrase lower than MiniLM
        (an Italian one 0.81): 0.8 for both, chosen on the four earlier flag sets, where the
        closest pair that is not a duplicate (a short troubleshooting page inside a longer
        one) scores 0.79 — a narrow margin, kept honest by the fact check after it."""
        article, chunk = _MEANING_COSINES[embedding_family(model_id)]
        return (
            article if self.article_cosine is None else self.article_cosine,
            chunk if self.chunk_cosine is None else self.chunk_cosine,
        )


@dataclass
class DocChunks:
    ids: list[int]
    vectors: np.ndarray


def article_means(kb: KnowledgeBase, docs: set[str]) -> tuple[list[str], np.ndarray]:
    """(ids, L2-normalised mean chunk vector) of the given articles, streamed from SQLite."""
    ids: list[str] = []
    means: list[np.ndarray] = []
    current: str | None = None
    total: np.ndarray | None = None
    for ext, vec in kb.catalog.iter_article_vectors():
        if ext not in docs:
            continue
        if ext != current:
            if current is not None and total is not None:
                ids.append(current)
                means.append(total)
            current, total = ext, vec.astype(np.float32, copy=True)
        elif total is not None:
            total += vec
    if current is not None and total is not None:
        ids.append(current)
        means.append(total)
    if not means:
        return [], np.zeros((0, 0), dtype=np.float32)
    matrix = np.vstack(means)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-12
    return ids, matrix


def _neighbours(matrix: np.ndarray, k: int, exact_below: int) -> tuple[np.ndarray, np.ndarray]:
    """(scores, indices) of each row's k nearest rows by inner product (itself included)."""
    n = len(matrix)
    k = min(k, n)
    if n <= exact_below:
        sims = matrix @ matrix.T
        idx = np.argsort(-sims, axis=1)[:, :k]
        return np.take_along_axis(sims, idx, axis=1), idx
    import faiss

    nlist = max(16, int(2 * np.sqrt(n)))
    quantizer = faiss.IndexFlatIP(matrix.shape[1])
    index = faiss.IndexIVFFlat(quantizer, matrix.shape[1], nlist, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(7)
    sample = matrix[rng.choice(n, size=min(n, 40 * nlist), replace=False)]
    index.train(sample)
    index.add(matrix)
    index.nprobe = 8
    scores, idx = index.search(matrix, k)
    return scores, idx


def candidate_pairs(
    kb: KnowledgeBase,
    langs: dict[str, str],
    groups: dict[str, str],
    cfg: MeaningConfig,
    article_cosine: float,
) -> set[tuple[str, str]]:
    """Same-language article pairs whose mean vectors are close (translations excluded)."""
    ids, matrix = article_means(kb, set(langs))
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, ext in enumerate(ids):
        by_lang[langs[ext]].append(i)
    pairs: set[tuple[str, str]] = set()
    for members in by_lang.values():
        if len(members) < 2:
            continue
        scores, idx = _neighbours(matrix[members], cfg.neighbours + 1, cfg.exact_below)
        for row, (srow, irow) in enumerate(zip(scores, idx, strict=True)):
            a = ids[members[row]]
            for score, j in zip(srow, irow, strict=True):
                if j < 0 or j == row or score < article_cosine:
                    continue
                b = ids[members[int(j)]]
                if groups[a] != groups[b]:
                    pairs.add((a, b) if a < b else (b, a))
    return pairs


def fact_marks(text: str) -> frozenset[str]:
    """The specific facts a text states, cheaply: its figures and its **bold** labels."""
    plain = text.replace("__", "**")
    return frozenset(_FIGURE.findall(plain)) | frozenset(
        "**" + m.strip().lower() for m in _BOLD_LABEL.findall(plain)
    )


def share_facts(a: frozenset[str], b: frozenset[str], cfg: MeaningConfig) -> bool:
    shared = len(a & b)
    return shared >= cfg.min_shared_facts and shared / len(a | b) >= cfg.min_fact_overlap


def load_doc_chunks(
    kb: KnowledgeBase, docs: Iterable[str], eligible: set[int]
) -> dict[str, DocChunks]:
    """Chunk ids and vectors of these articles (texts are read later, only for the pairs
    that match); only `eligible` chunk ids (long enough to judge, per the wording pass)."""
    wanted = sorted(set(docs))
    parts: dict[str, tuple[list[int], list[np.ndarray]]] = {}
    for ext, cid, vec in kb.catalog.chunk_vectors_of(wanted):
        if cid not in eligible:
            continue
        ids, vecs = parts.setdefault(ext, ([], []))
        ids.append(cid)
        vecs.append(vec)
    return {ext: DocChunks(i, np.vstack(v)) for ext, (i, v) in parts.items()}


def match_chunks(
    a: DocChunks, b: DocChunks, chunk_cosine: float
) -> tuple[list[tuple[int, int, float]], float, float]:
    """(chunk pairs at or above the cosine, share of a's chunks matched, share of b's)."""
    sims = a.vectors @ b.vectors.T
    best_j = sims.argmax(axis=1)
    best = sims[np.arange(len(a.ids)), best_j]
    if best.max() < chunk_cosine:
        return [], 0.0, 0.0
    hits = [
        (a.ids[i], b.ids[int(best_j[i])], float(best[i]))
        for i in np.flatnonzero(best >= chunk_cosine)
    ]
    matched_b = int((sims.max(axis=0) >= chunk_cosine).sum())
    return hits, len(hits) / len(a.ids), matched_b / len(b.ids)


def names(text: str) -> set[str]:
    """Capitalised words that are not a sentence's first word: the things a passage names
    (weekdays and months aside, "Dec" too: capitalised by orthography, they are values, not
    names)."""
    return set(name_mentions(text))


def name_mentions(text: str) -> list[str]:
    """Each mention of a name in `text` (see `names`), lower case, in order."""
    plain = strip_inline(text).replace("*", "").replace("`", "")
    found = (w.lower() for w in _MID_NAME.findall(plain))
    return [w for w in found if w not in STOPWORDS and w not in CALENDAR_WORDS and w not in MONTHS]


def wording_overlap(text_a: str, text_b: str) -> float:
    return term_overlap(content_terms(text_a), content_terms(text_b))


def term_overlap(a: set[str], b: set[str]) -> float:
    """Jaccard of two texts' content words (`content_terms`); two empty texts are alike."""
    return len(a & b) / len(a | b) if a | b else 1.0


def _number_values(text: str) -> list[float]:
    return sorted(v for m in _NUMBER.finditer(text) if (v := parse_number(m.group(0))) is not None)


def _same_numbers(text_a: str, text_b: str) -> bool:
    if sorted(_DIGITS.findall(text_a)) != sorted(_DIGITS.findall(text_b)):
        return False  # cheap and usually decisive; number words only when digits agree
    return _number_values(text_a) == _number_values(text_b)


def _numeric(claims: list[Claim]) -> list[Claim]:
    return [c for c in claims if c.kind in _NUMERIC]


def names_differ(
    text_a: str, text_b: str, min_name_overlap: float = 0.34, lang: str | None = None
) -> str | None:
    """Why two texts name different things ("they name different things (...)"), or None.

    In a language that capitalises every noun (German) capitalised words are mostly not
    names: a paraphrase says "Manometer" where its twin says "Druckanzeige". There the
    names are compared only between texts worded alike (a template filled in twice),
    which is where different names mean different things."""
    if lang in NOUNS_CAPITALISED and wording_overlap(text_a, text_b) < TEMPLATE_OVERLAP:
        return None
    return differing_names(names(text_a), names(text_b), min_name_overlap)


def differing_names(names_a: set[str], names_b: set[str], min_overlap: float) -> str | None:
    """Why two sets of names differ (overlap below `min_overlap`), or None."""
    if names_a and names_b:
        overlap = len(names_a & names_b) / len(names_a | names_b)
        if overlap < min_overlap:
            only = sorted(names_a ^ names_b)[:4]
            return f"{NAMES_DIFFER} ({', '.join(only)})"
    return None


def facts_agree(
    text_a: str, text_b: str, min_name_overlap: float = 0.34, lang: str | None = None
) -> tuple[bool, str]:
    """Whether two passages state the same facts: (agree, why not / what they share)."""
    differ = names_differ(text_a, text_b, min_name_overlap, lang)
    if differ:
        return False, differ
    if _same_numbers(text_a, text_b):
        return True, "same numbers"
    claims_a = _numeric(extract_claims(text_a, numbers_only=True))
    claims_b = _numeric(extract_claims(text_b, numbers_only=True))
    for ca in claims_a:
        pairs = [cb for cb in claims_b if comparable(ca, cb)]
        if pairs and all(conflicts(ca, cb) for cb in pairs):
            other = pairs[0]
            return False, f"{ca.value!r} here, {other.value!r} there"
    return True, "same facts"
