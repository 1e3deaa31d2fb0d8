"""duplicate: articles in the same language that say the same thing, with the matching
passages side by side. A translation is never a duplicate of its source.

Two passes. By wording (cheap, first): chunks are shingled (word 3-grams, crc32) and
MinHash-signed; LSH banding proposes chunk pairs, exact shingle Jaccard confirms them;
buckets shared by very many chunks are boilerplate and skipped. By meaning
(`duplicates_semantic`): article pairs close by their stored chunk embeddings, matched chunk
by chunk by cosine, which finds reworded copies. Either way a pair is a duplicate only if
its matched passages agree on their facts. A rewrite in other words and other chunks (a
marketing version of a support article, a condensed one) matches no passage pair: such pairs
are read whole (`duplicates_whole`), where the articles' facts and names decide. A targeted
re-check of a few articles proposes pairs from FAISS neighbours instead.
"""

from __future__ import annotations

import json
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kb.flags.corpus import Article, document_vectors, nearest_articles
from kb.flags.duplicate_facts import FactsConfig
from kb.flags.duplicates_drifted import forgotten_copies
from kb.flags.duplicates_semantic import (
    NAMES_DIFFER,
    MeaningConfig,
    candidate_pairs,
    fact_marks,
    facts_agree,
    load_doc_chunks,
    match_chunks,
    share_facts,
)
from kb.flags.duplicates_whole import WholeFacts, short_wholes
from kb.flags.links import links_to
from kb.flags.model import Finding, evidence_key
from kb.flags.text import sentences, words
from kb.store import KnowledgeBase

_PRIME = np.uint64((1 << 61) - 1)


@dataclass(frozen=True)
class DuplicateConfig:
    shingle: int = 3
    min_words: int = 12  # shorter chunks (a heading and a line) say too little
    num_perm: int = 64
    bands: int = 16
    max_bucket: int = 40  # bigger LSH buckets are boilerplate shared by many pages
    chunk_jaccard: float = 0.5
    min_share_small: float = 0.6  # of the shorter article's chunks that overlap
    min_share_large: float = 0.25
    by_meaning: bool = True
    meaning: MeaningConfig = field(default_factory=MeaningConfig)
    facts_checked: int = 3  # matched passage pairs whose facts must agree
    whole_below: int = 3  # articles of at most this many chunks are also compared whole
    whole_cosine: float = 0.8  # ... at no lower a cosine than this (a hash's 0.6 is too loose)
    whole_facts: FactsConfig = field(default_factory=FactsConfig)  # whole articles' facts


@dataclass
class _Chunk:
    id: int
    doc: str
    text_len: int
    shingles: np.ndarray


@dataclass
class _Match:
    hits: list[tuple[int, int, float]]
    share: float
    how: str
    facts: list[str] | None = None  # set when the whole articles' facts were compared


@dataclass
class DuplicateResult:
    findings: list[Finding] = field(default_factory=list)
    chunks: int = 0
    candidate_pairs: int = 0
    boilerplate_buckets: int = 0
    meaning_pairs: int = 0
    rejected_by_facts: int = 0


def shingles(text: str, n: int) -> np.ndarray:
    tokens = words(text)
    grams = {" ".join(tokens[i : i + n]) for i in range(max(0, len(tokens) - n + 1))}
    return np.unique(np.fromiter((zlib.crc32(g.encode()) for g in grams), dtype=np.uint64))


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter) if inter else 0.0


def _load_chunks(
    kb: KnowledgeBase, cfg: DuplicateConfig, docs: set[str] | None, langs: dict[str, str]
) -> list[_Chunk]:
    out = []
    for cid, ext, text in kb.catalog.article_chunk_texts():
        if (docs is not None and ext not in docs) or ext not in langs:
            continue
        sh = shingles(text, cfg.shingle)
        if len(sh) + cfg.shingle - 1 >= cfg.min_words:
            out.append(_Chunk(cid, ext, len(text), sh))
    return out


def _lsh_pairs(
    chunks: list[_Chunk], cfg: DuplicateConfig, result: DuplicateResult
) -> set[tuple[int, int]]:
    rng = np.random.default_rng(7)
    a = rng.integers(1, 1 << 61, cfg.num_perm, dtype=np.uint64)
    b = rng.integers(0, 1 << 61, cfg.num_perm, dtype=np.uint64)
    rows = cfg.num_perm // cfg.bands
    buckets: list[dict[bytes, list[int]]] = [defaultdict(list) for _ in range(cfg.bands)]
    for i, ch in enumerate(chunks):
        # (a*x + b) mod p with uint64 wrap-around is a fine universal-ish hash for MinHash.
        sig = ((np.outer(ch.shingles, a) + b) % _PRIME).min(axis=0)
        for band in range(cfg.bands):
            buckets[band][sig[band * rows : (band + 1) * rows].tobytes()].append(i)
    pairs: set[tuple[int, int]] = set()
    for table in buckets:
        for members in table.values():
            if len(members) < 2:
                continue
            if len(members) > cfg.max_bucket:
                result.boilerplate_buckets += 1
                continue
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    i, j = members[x], members[y]
                    if chunks[i].doc != chunks[j].doc:
                        pairs.add((i, j))
    return pairs


def find_duplicates(
    kb: KnowledgeBase,
    articles_by_id: dict[str, Article],
    *,
    cfg: DuplicateConfig | None = None,
    only: Iterable[str] | None = None,
    overdue: Callable[[Article], bool] | None = None,
) -> DuplicateResult:
    """Near-duplicate article pairs; with `only`, just the pairs involving those articles.
    With `overdue` (past its review date?), the pairs rejected for their values are read
    once more for an older copy left behind (`duplicates_drifted`)."""
    cfg = cfg or DuplicateConfig()
    result = DuplicateResult()
    langs = {ext: (a.lang or "") for ext, a in articles_by_id.items()}
    groups = {ext: (a.translation_of or ext) for ext, a in articles_by_id.items()}
    only_pairs: set[tuple[str, str]] | None = None
    if only is None:
        chunks = _load_chunks(kb, cfg, None, langs)
        pairs = _lsh_pairs(chunks, cfg, result)
    else:
        targets = set(only) & set(articles_by_id)
        neighbours = set(targets)
        only_pairs = set()
        for ext in targets:
            _, vecs = document_vectors(kb, ext)
            if len(vecs):
                near = {d for d, _ in nearest_articles(kb, vecs, k=10, exclude=ext)}
                near &= set(articles_by_id)
                neighbours |= near
                only_pairs |= {(ext, d) if ext < d else (d, ext) for d in near}
        chunks = _load_chunks(kb, cfg, neighbours, langs)
        pairs = {
            (i, j)
            for i in range(len(chunks))
            for j in range(i + 1, len(chunks))
            if chunks[i].doc != chunks[j].doc
            and (chunks[i].doc in targets or chunks[j].doc in targets)
        }
    result.chunks = len(chunks)
    result.candidate_pairs = len(pairs)
    counts: dict[str, int] = defaultdict(int)
    for ch in chunks:
        counts[ch.doc] += 1
    matched: dict[tuple[str, str], list[tuple[int, int, float]]] = defaultdict(list)
    for i, j in pairs:
        ci, cj = chunks[i], chunks[j]
        if langs[ci.doc] != langs[cj.doc] or groups[ci.doc] == groups[cj.doc]:
            continue
        score = _jaccard(ci.shingles, cj.shingles)
        if score >= cfg.chunk_jaccard:
            a, b = sorted((ci, cj), key=lambda c: c.doc)
            matched[(a.doc, b.doc)].append((a.id, b.id, score))
    found: dict[tuple[str, str], _Match] = {}
    for (da, db), hits in matched.items():
        share_a = len({h[0] for h in hits}) / counts[da]
        share_b = len({h[1] for h in hits}) / counts[db]
        if _enough(share_a, share_b, cfg):
            found[(da, db)] = _Match(hits, max(share_a, share_b), "wording")
    eligible = {ch.id for ch in chunks}  # long enough to judge, as the wording pass saw
    article_cos, chunk_cos = cfg.meaning.thresholds(kb.model_id)
    wholes = WholeFacts(
        articles_by_id,
        min(cfg.meaning.fact_cosine, article_cos, chunk_cos),
        cfg.meaning.min_name_overlap,
        cfg.whole_facts,
    )
    unmatched: list[tuple[str, str]] = []  # pairs no passage matched, to be read whole
    if cfg.by_meaning:
        unmatched = _by_meaning(kb, cfg, langs, groups, only_pairs, found, result, eligible, wholes)
    keep = max(3, cfg.facts_checked)
    for match in found.values():
        match.hits = sorted(match.hits, key=lambda h: -h[2])[:keep]
    texts = _chunk_texts(kb, {c for m in found.values() for h in m.hits for c in h[:2]})
    rejected: list[tuple[str, str]] = []  # pairs whose values, or too few facts, disagree
    for (da, db), match in found.items():
        finding = _finding(articles_by_id[da], articles_by_id[db], match, cfg, texts)
        if isinstance(finding, Finding):
            result.findings.append(finding)
        elif cfg.by_meaning and (match.how != "wording" or finding == "names"):
            # passages that disagree: the whole articles decide (not for a pair whose passages
            # share their very wording and differ in values: a template filled in twice)
            unmatched.append((da, db))
        else:
            result.rejected_by_facts += 1
            if finding == "values":
                rejected.append((da, db))
    if unmatched:
        rejected += _read_whole(kb, unmatched, wholes, eligible, cfg, texts, result)
    if overdue is not None and rejected:
        result.findings += forgotten_copies(
            kb, rejected, articles_by_id, overdue, eligible, cfg.meaning.min_name_overlap
        )
    return result


def _read_whole(
    kb: KnowledgeBase,
    pairs: list[tuple[str, str]],
    wholes: WholeFacts,
    eligible: set[int],
    cfg: DuplicateConfig,
    texts: dict[int, str],
    result: DuplicateResult,
) -> list[tuple[str, str]]:
    """Pairs no passage matched, and pairs whose matched passages disagree, read whole: the
    articles' facts and names decide. A passage's few capitalised words ("tap **Reservar**")
    or values read without their subject (two plans' speeds in one list) may disagree where
    the whole articles state the same facts and name the same things. Returns the pairs
    rejected."""
    docs = load_doc_chunks(kb, {d for pair in pairs for d in pair}, eligible)
    matches = wholes.decide([p for p in pairs if p[0] in docs and p[1] in docs], docs)
    result.rejected_by_facts += len(pairs) - len(matches)
    keep = max(3, cfg.facts_checked)
    wanted = {c for hits, _, _ in matches.values() for h in hits[:keep] for c in h[:2]}
    texts.update(_chunk_texts(kb, wanted - set(texts)))  # one batched read for all pairs
    for (da, db), (hits, share, common) in matches.items():
        match = _Match(hits[:keep], share, "facts, whole articles", common)
        finding = _finding(wholes.articles[da], wholes.articles[db], match, cfg, texts)
        assert isinstance(finding, Finding)  # checked whole: never rejected by passages
        result.findings.append(finding)
    return [p for p in pairs if p not in matches]


def _enough(share_a: float, share_b: float, cfg: DuplicateConfig) -> bool:
    return min(share_a, share_b) >= cfg.min_share_large and max(share_a, share_b) >= (
        cfg.min_share_small
    )


def _by_meaning(
    kb: KnowledgeBase,
    cfg: DuplicateConfig,
    langs: dict[str, str],
    groups: dict[str, str],
    only_pairs: set[tuple[str, str]] | None,
    found: dict[tuple[str, str], _Match],
    result: DuplicateResult,
    eligible: set[int],
    wholes: WholeFacts,
) -> list[tuple[str, str]]:
    """Add the pairs whose passages match by embedding cosine (reworded copies), and below
    that cosine the pairs that state the same specific facts (reworded in another language,
    where embeddings score paraphrases lower). Returns the proposed pairs no passage matched
    (a rewrite in other words and chunks may still be one), for `_read_whole`."""
    article_cos, chunk_cos = cfg.meaning.thresholds(kb.model_id)
    fact_cos = wholes.min_cosine  # the lowest cosine any pass reads a pair at
    if only_pairs is None:
        proposed = candidate_pairs(kb, langs, groups, cfg.meaning, fact_cos)
    else:
        proposed = {
            p for p in only_pairs if langs[p[0]] == langs[p[1]] and groups[p[0]] != groups[p[1]]
        }
    proposed -= set(found)
    result.meaning_pairs = len(proposed)
    docs = load_doc_chunks(kb, {d for pair in proposed for d in pair}, eligible)
    marks: dict[str, frozenset[str]] = {}

    def marks_of(ext: str) -> frozenset[str]:
        if ext not in marks:
            marks[ext] = fact_marks(wholes.articles[ext].body)
        return marks[ext]

    unmatched = []
    for da, db in sorted(proposed):
        if da not in docs or db not in docs:
            continue
        hits, share_a, share_b = match_chunks(docs[da], docs[db], chunk_cos)
        how = "meaning"
        if (
            not (hits and _enough(share_a, share_b, cfg))
            and fact_cos < chunk_cos
            and share_facts(marks_of(da), marks_of(db), cfg.meaning)
        ):
            hits, share_a, share_b = match_chunks(docs[da], docs[db], fact_cos)
            how = "meaning and facts"
        if not (hits and _enough(share_a, share_b, cfg)):
            min_cos = max(article_cos, cfg.whole_cosine)
            hits = short_wholes(docs[da], docs[db], min_cos, cfg.whole_below)
            share_a = share_b = 1.0
            how = "meaning, whole articles"
        if hits and _enough(share_a, share_b, cfg):
            found[(da, db)] = _Match(hits, max(share_a, share_b), how)
        else:
            unmatched.append((da, db))
    return unmatched


def _points(passage: str, other: Article, cfg: DuplicateConfig) -> bool:
    """Whether a passage only points to `other`: without its sentences that link there, it
    says too little to judge (fewer than `cfg.min_words` words). A copy may link to its
    original; a pointer ("see [Watch on other devices](...)") is not a copy of it."""
    marks = [other.external_id, *(m for m in (other.url,) if m)]
    marks += [m.rstrip("/").rsplit("/", 1)[-1].split(".")[0] for m in marks]
    if not any(m and m in passage for m in marks) or not links_to(passage, other):
        return False  # (a substring test first: most passages name no other article)
    rest = [s.text for s in sentences(passage) if not links_to(s.text, other)]
    return len(words(" ".join(rest))) < cfg.min_words


def _chunk_texts(kb: KnowledgeBase, ids: set[int]) -> dict[int, str]:
    """Chunk id -> text, in batched reads (one query per 500 ids, not one per pair)."""
    return kb.catalog.chunk_texts_by_id(ids)


def _finding(
    a: Article, b: Article, match: _Match, cfg: DuplicateConfig, texts: dict[int, str]
) -> Finding | str:
    """The flag on the newer copy, or why not when the matched passages disagree ("names",
    "values", or "reference": a passage that links to the other article refers to it, it does
    not copy it); a match of whole articles by their facts was checked whole instead."""
    hits, share, how = match.hits, match.share, match.how
    if match.facts is None:
        hits = [
            h for h in hits if not (_points(texts[h[0]], b, cfg) or _points(texts[h[1]], a, cfg))
        ]
        if not hits:
            return "reference"
    newer, older = (
        (a, b)
        if (a.updated_at or "", a.external_id) > (b.updated_at or "", b.external_id)
        else (b, a)
    )
    agreement = "same facts"
    if match.facts is not None:
        agreement = "the same facts in both: " + "; ".join(match.facts[:8])
    else:
        for ca, cb, _ in hits[: cfg.facts_checked]:
            agree, why = facts_agree(texts[ca], texts[cb], cfg.meaning.min_name_overlap, a.lang)
            if not agree:
                return "names" if why.startswith(NAMES_DIFFER) else "values"
            agreement = why
    passages: list[dict[str, Any]] = []
    for ca, cb, score in hits[:3]:
        this, other = (ca, cb) if newer is a else (cb, ca)
        passages.append(
            {"this": texts[this][:400], "other": texts[other][:400], "similarity": round(score, 3)}
        )
    measure = {
        "meaning": "embedding cosine",
        "meaning, whole articles": "embedding cosine of the whole articles",
        "meaning and facts": "embedding cosine, with the same figures and labels",
        "facts, whole articles": "the whole articles' facts (values, paths, labels) and names",
    }.get(how, "word 3-gram Jaccard")
    return Finding(
        reason="duplicate",
        document_id=newer.external_id,
        subject=f"duplicate:{a.external_id}|{b.external_id}",
        severity="high" if share >= 0.9 else "medium",
        evidence={
            "summary": f"{share:.0%} of this article says the same as {older.title!r} "
            f"({older.external_id})"
            + (", in other words" if how != "wording" else "")
            + (" (share of its facts)" if match.facts is not None else ""),
            "duplicate_of": older.external_id,
            "duplicate_title": older.title,
            "article_title": newer.title,
            "overlap_share": round(share, 3),
            "matched_by": how,
            "similarity_measure": measure,
            "facts": agreement,
            "passages": passages,
        },
        key=evidence_key(
            a.external_id, b.external_id, json.dumps(sorted(p["this"][:120] for p in passages))
        ),
    )
