"""Two articles compared whole rather than passage by passage: a paraphrase that regroups
its sections, or a condensed rewrite of a long article, splits into other chunks, so no chunk
pair matches although the two say the same thing.

Two ways: short articles whose mean vectors are close (their passages' facts are then checked
as usual), and articles close enough to be about one topic whose whole texts state the same
facts and name the same things (`kb.flags.duplicate_facts`), which is the check itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np

from kb.flags.corpus import Article
from kb.flags.duplicate_facts import FactsConfig, fingerprint, shared_facts
from kb.flags.duplicates_semantic import (
    NOUNS_CAPITALISED,
    DocChunks,
    differing_names,
    name_mentions,
    names_differ,
)
from kb.flags.text import words

Hits = list[tuple[int, int, float]]


def own_names(articles: Iterable[Article]) -> frozenset[str]:
    """The help center's own name: the labels of its articles' URL hosts ("rondiva" of
    help.rondiva.example). Every page may name it; it never tells two pages apart."""
    hosts = {urlsplit(a.url).hostname or "" for a in articles if a.url}
    return frozenset(p for host in hosts for label in host.split(".") for p in label.split("-"))


def subject_names(article: Article, own: frozenset[str]) -> set[str]:
    """The names an article is about: written twice in its body, or in its body and its title.
    A name written once in passing ("£150 on Flex and on Plus", a link's title) does not make
    two articles about different things; two pages of one template name their city or plan
    throughout, and in their titles."""
    counts = Counter(name_mentions(article.body))
    title = set(words(article.title))
    return {n for n, c in counts.items() if n not in own and (c >= 2 or n in title)}


def name_other_things(
    a: Article,
    b: Article,
    own: frozenset[str],
    min_overlap: float,
    named: dict[str, set[str]] | None = None,
) -> bool:
    """Whether two articles are about different things by the names they are about (a
    template filled in for another place or plan). In a language that capitalises every
    noun the passages' names are compared, as `names_differ` does; `named` caches
    `subject_names` per article."""
    if a.lang in NOUNS_CAPITALISED:
        return names_differ(a.body, b.body, min_overlap, a.lang) is not None
    named = {} if named is None else named
    for art in (a, b):
        if art.external_id not in named:
            named[art.external_id] = subject_names(art, own)
    return differing_names(named[a.external_id], named[b.external_id], min_overlap) is not None


def cosine(a: DocChunks, b: DocChunks) -> float:
    """Cosine of the two articles' mean chunk vectors."""
    mean_a, mean_b = a.vectors.mean(axis=0), b.vectors.mean(axis=0)
    return float(mean_a @ mean_b) / float(np.linalg.norm(mean_a) * np.linalg.norm(mean_b))


def best_matches(a: DocChunks, b: DocChunks) -> Hits:
    """Each chunk of the shorter article with its closest chunk of the other, as (a, b)."""
    short, long_, flip = (a, b, False) if len(a.ids) <= len(b.ids) else (b, a, True)
    sims = short.vectors @ long_.vectors.T
    hits = []
    for i, j in enumerate(sims.argmax(axis=1)):
        pair = (long_.ids[int(j)], short.ids[i]) if flip else (short.ids[i], long_.ids[int(j)])
        hits.append((*pair, float(sims[i, j])))
    return hits


def short_wholes(a: DocChunks, b: DocChunks, min_cosine: float, max_chunks: int) -> Hits:
    """Two short articles (at most `max_chunks` each) whose mean vectors reach `min_cosine`:
    each chunk of the shorter with its best match, for the passage fact check; else []."""
    if max(len(a.ids), len(b.ids)) > max_chunks or cosine(a, b) < min_cosine:
        return []
    return best_matches(a, b)


@dataclass
class WholeFacts:
    """Pairs of articles about one topic (mean cosine at least `min_cosine`) whose texts
    state the same specific facts and do not name different things.

    A fact stated in more than `cfg.max_articles` of the articles read here (one language)
    is the help center's common knowledge or a template's ("**Note**", a tag limit every
    service's page repeats), not what makes two articles one: it does not count. So the
    pairs are decided together: fingerprints first (once per article, only for pairs that
    get this far), then each pair.

    The names compared are the ones each article is about (`subject_names`), not every name
    it mentions: a rewrite by another team names the brand and links the original by title,
    where the original names a plan in passing, and they are still one article."""

    articles: dict[str, Article]
    min_cosine: float
    min_name_overlap: float
    cfg: FactsConfig = field(default_factory=FactsConfig)

    def decide(
        self, pairs: list[tuple[str, str]], docs: dict[str, DocChunks]
    ) -> dict[tuple[str, str], tuple[Hits, float, list[str]]]:
        """pair -> (passages side by side, share of the smaller's facts, the shared facts)."""
        close = []
        named: dict[str, set[str]] = {}
        own = own_names(self.articles.values())
        for da, db in pairs:
            a, b = self.articles[da], self.articles[db]
            if cosine(docs[da], docs[db]) < self.min_cosine:
                continue
            # cheap, so first: a template filled in for another place or plan
            if not name_other_things(a, b, own, self.min_name_overlap, named):
                close.append((da, db))
        facts = {ext: fingerprint(self.articles[ext].body) for pair in close for ext in pair}

        def lang_of(ext: str) -> str:
            return self.articles[ext].lang or ""

        spread: Counter[tuple[str, str]] = Counter()
        for ext, found in facts.items():
            spread.update((lang_of(ext), key) for key in found)
        most = self.cfg.max_articles
        specific = {  # each article's facts few articles of its language state
            ext: {k: v for k, v in found.items() if spread[lang_of(ext), k] <= most}
            for ext, found in facts.items()
        }
        out = {}
        for da, db in close:
            texts = (self.articles[da].body, self.articles[db].body)
            common, share = shared_facts(specific[da], specific[db], self.cfg, texts)
            if common:
                out[(da, db)] = (best_matches(docs[da], docs[db]), share, common)
        return out
