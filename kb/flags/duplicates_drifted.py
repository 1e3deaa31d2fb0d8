"""duplicate, the copy left behind: an older version of an article that was never deleted.
Said in the same words as a newer article and naming the same things, but stating other
values, because only one of the two was kept up to date.

The duplicate passes reject such a pair, rightly for what they see: the same wording with
other values is also what a template filled in twice looks like (two plans, two routes).
What tells the two apart is upkeep, not text: a template's pages are written and reviewed
together, while a forgotten copy is past its review date (the store's review policy) and its
twin is not. So a pair the other passes rejected is a forgotten copy when its whole texts
share their wording (`TEMPLATE_OVERLAP`), the articles name the same things, a matched
passage pair differs in a value, and exactly one of the two is overdue for review. The flag
goes on the overdue copy, the one to delete or merge, with the values that drifted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kb.flags.corpus import Article
from kb.flags.duplicates_semantic import (
    NAMES_DIFFER,
    NOUNS_CAPITALISED,
    TEMPLATE_OVERLAP,
    differing_names,
    facts_agree,
    load_doc_chunks,
    term_overlap,
)
from kb.flags.duplicates_whole import best_matches, name_other_things, own_names, subject_names
from kb.flags.model import Finding, evidence_key
from kb.flags.text import content_terms
from kb.store import KnowledgeBase

_SHOWN = 3  # matched passage pairs shown, those whose values drifted first
_READ = 12  # matched passage pairs read for drifted values (an article's sections)


def forgotten_copies(
    kb: KnowledgeBase,
    pairs: Iterable[tuple[str, str]],
    articles: dict[str, Article],
    overdue: Callable[[Article], bool],
    eligible: set[int],
    min_name_overlap: float,
) -> list[Finding]:
    """A finding for each pair that is an older copy left behind (see the module's text)."""
    own = own_names(articles.values())
    named: dict[str, set[str]] = {}
    terms: dict[str, set[str]] = {}  # each article's content words, read once
    candidates = []
    old: set[str] = set()  # the overdue one of each candidate pair
    for da, db in pairs:
        a, b = articles[da], articles[db]
        if overdue(a) == overdue(b):  # first: cheap, and most pairs (or dateless corpora) stop
            continue
        if _overlap(terms, a, b) < TEMPLATE_OVERLAP:
            continue
        differ = name_other_things(a, b, own, min_name_overlap, named)
        if a.lang in NOUNS_CAPITALISED and not differ:  # nouns hide a German template's cities
            differ = bool(
                differing_names(subject_names(a, own), subject_names(b, own), min_name_overlap)
            )
        if not differ:
            candidates.append((da, db))
            old.add(da if overdue(a) else db)
    if not candidates:
        return []
    docs = load_doc_chunks(kb, {d for pair in candidates for d in pair}, eligible)
    matched = {
        pair: sorted(best_matches(docs[pair[0]], docs[pair[1]]), key=lambda h: -h[2])[:_READ]
        for pair in candidates
        if pair[0] in docs and pair[1] in docs
    }
    texts = kb.catalog.chunk_texts_by_id(
        {c for hits in matched.values() for h in hits for c in h[:2]}
    )
    findings = []
    for (da, db), hits in matched.items():
        drifted, same = [], []
        for hit in hits:
            agree, why = facts_agree(
                texts[hit[0]], texts[hit[1]], min_name_overlap, articles[da].lang
            )
            if not agree and not why.startswith(NAMES_DIFFER):
                drifted.append((hit, why))
            else:
                same.append(hit)
        if drifted:
            shown = ([h for h, _ in drifted] + same)[:_SHOWN]
            whys = [why for _, why in drifted]
            findings.append(_finding(articles[da], articles[db], da in old, shown, texts, whys))
    return findings


def _overlap(terms: dict[str, set[str]], a: Article, b: Article) -> float:
    """Content-word Jaccard of the two whole articles (as `wording_overlap`), cached."""
    for art in (a, b):
        if art.external_id not in terms:
            terms[art.external_id] = content_terms(art.body)
    return term_overlap(terms[a.external_id], terms[b.external_id])


def _finding(
    a: Article,
    b: Article,
    a_is_older: bool,
    hits: list[tuple[int, int, float]],
    texts: dict[int, str],
    drifted: list[str],
) -> Finding:
    older, newer = (a, b) if a_is_older else (b, a)
    passages = []
    for ca, cb, score in hits:
        this, other = (ca, cb) if older is a else (cb, ca)
        passages.append(
            {"this": texts[this][:400], "other": texts[other][:400], "similarity": round(score, 3)}
        )
    since = (older.updated_at or "")[:10] or "unknown"
    return Finding(
        reason="duplicate",
        document_id=older.external_id,
        subject=f"duplicate:{a.external_id}|{b.external_id}",
        severity="high",
        evidence={
            "summary": f"an older copy of {newer.title!r} ({newer.external_id}) in the same "
            f"words, past its review date (last edited {since}), whose values have drifted: "
            + "; ".join(dict.fromkeys(drifted)),
            "duplicate_of": newer.external_id,
            "duplicate_title": newer.title,
            "article_title": older.title,
            "matched_by": "wording, values drifted",
            "similarity_measure": "content-word overlap of the whole articles",
            "facts": "values differ: " + "; ".join(dict.fromkeys(drifted)),
            "passages": passages,
        },
        key=evidence_key(a.external_id, b.external_id, "drifted", *sorted(dict.fromkeys(drifted))),
    )
