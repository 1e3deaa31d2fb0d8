"""Words no article uses, read across languages, for the gap signal (kb.flags.gaps).

A topic missing from a help center in three languages is named in three words ("alquiler",
"huur", "rent"): questions sharing a word the articles never use group it in one language
only. A cross-lingual embedder places a word near its translations, so each unknown word
stands for the words it embeds close to (complete linkage: every pair in a concept close).
Grouping by those concepts still splits each group by the questions' own cosine, so a concept
only proposes questions; kb.flags.gaps decides which groups are gaps.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from kb.flags.clusters import centroid_clusters
from kb.flags.text import content_terms
from kb.text.sentences import split_sentences

_WORD = re.compile(r"[^\W\d_][\w'-]*")
MAX_WORDS = 400  # pairwise cosines of at most this many distinct words per scan
# How close two words' vectors must be to stand for one concept (USE multilingual), read
# on a probe of common words: translations score 0.8-0.95 (rent/alquiler 0.86, tariff/
# tarifa 0.82, window/ventana 0.95), related words of one topic 0.6-0.75 (husband/wife 0.74,
# many/hoeveel 0.68), unrelated ones 0.3-0.56.
WORD_COSINE = 0.8


def word_concepts(
    embed: Callable[[Sequence[str]], np.ndarray],
    surfaces: Mapping[str, str],
    threshold: float = WORD_COSINE,
) -> dict[str, str]:
    """Each term's concept: the smallest term of the group whose surface words' vectors are
    all pairwise close. Terms past `MAX_WORDS` (by sorted order) stand for themselves."""
    terms = sorted(surfaces)[:MAX_WORDS]
    concept = {t: t for t in surfaces}
    if len(terms) < 2:
        return concept
    vecs = np.asarray(embed([surfaces[t] for t in terms]), dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True).clip(min=1e-9)
    sims = vecs @ vecs.T
    # complete linkage: two groups merge only if every word of one is close to every word
    # of the other, so short function words that embed near many others cannot chain
    # unrelated words into one concept ("wein" - "habt" - "wurde")
    members = {i: [i] for i in range(len(terms))}
    of = list(range(len(terms)))
    pairs = np.argwhere(np.triu(sims, k=1) >= threshold).tolist()
    for a, b in sorted(pairs, key=lambda ab: (-sims[ab[0], ab[1]], ab[0], ab[1])):
        ga, gb = of[a], of[b]
        if ga == gb or sims[np.ix_(members[ga], members[gb])].min() < threshold:
            continue
        kept, gone = min(ga, gb), max(ga, gb)
        for i in members.pop(gone):
            of[i] = kept
            members[kept].append(i)
    for i, t in enumerate(terms):
        concept[t] = terms[of[i]]
    return concept


def group_by_unknown(
    candidates: Sequence[int],
    terms: Mapping[int, frozenset[str]],
    asked: Mapping[int, frozenset[str]],
    vecs: np.ndarray,
    min_size: int,
    cohesion: float,
) -> list[list[int]]:
    """Items sharing a word (or concept) the help center never uses and close to each other,
    biggest first.

    `terms` are each item's words no article uses, with those its agent's reply adds;
    `asked` only the question's own, which rank the words and found a group (a word only a
    reply adds extends one). The word alone is not enough ("client" may simply be a word the
    articles avoid): each group is split by cosine and only coherent parts of `min_size` or
    more are kept.
    """
    by_term: dict[str, list[int]] = {}
    count: Counter[str] = Counter()
    for n in candidates:
        count.update(asked[n])
        for term in terms[n]:
            by_term.setdefault(term, []).append(n)
    groups: list[list[int]] = []
    taken: set[int] = set()
    ranked = sorted(by_term.items(), key=lambda kv: (-count[kv[0]], -len(kv[1]), kv[0]))
    for term, members in ranked:
        free = [m for m in members if m not in taken]
        if len(free) < min_size or count[term] < 2:
            continue
        for part in centroid_clusters(vecs[free], cohesion):
            if len(part) >= min_size:
                chosen = [free[i] for i in part]
                groups.append(chosen)
                taken.update(chosen)
    return groups


def capitalised_names(text: str) -> set[str]:
    """Content terms of the words written capitalised after a sentence's first word."""
    out: set[str] = set()
    for sentence in split_sentences(text):
        for m in _WORD.finditer(sentence):
            if m.start() > 0 and m.group(0)[0].isupper() and not m.group(0).isupper():
                out |= content_terms(m.group(0), drop_generic=True)
    return out
