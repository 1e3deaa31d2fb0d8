"""missing_article: clusters of questions no article answers.

Items are customer questions that ended in a hand-off for lack of content (or a
low-confidence answer), and recently resolved tickets that use a word no article uses
("waitlist", "zapier") or that no article comes close to by embedding. Items are grouped
by shared unknown words first (embedder-independent; read across languages by
kb.flags.gap_words), the rest greedily by cosine. A group of at least `min_size` grouped by
cosine becomes a flag only if the answer check (`answer_check.AnswerCheck`) says no article
answers its questions (a group asked in several languages with a word no article uses is
flagged whatever it says: no article answers what none names); a group an article answers
is reported back (`GapResult.answered`) so its tickets can count as evidence against that
article instead.
The flag shows example questions, size, trend, the nearest article with why it does not
answer, and a suggested title/outline.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from kb.flags.answer_check import (
    AnswerCheck,
    AnswerCheckConfig,
    AnswerVerdict,
    cluster_answered,
    default_check,
)
from kb.flags.clusters import centroid_clusters
from kb.flags.corpus import embedding_family, nearest_articles, parse_time, tickets
from kb.flags.gap_words import capitalised_names, group_by_unknown, word_concepts
from kb.flags.model import Finding, evidence_key
from kb.flags.text import GENERIC, content_terms, stem, words
from kb.store import KnowledgeBase
from kb.text import CALENDAR_WORDS, DURATION_UNITS, fold
from kb.text.language import text_language
from kb.text.sentences import split_sentences
from kb.text.stopwords import DECISION_STOPWORDS

GAP_REASONS = ("no_relevant_article", "low_confidence")
# (cover, cluster) cosines by how the store's model scores (kb.flags.corpus.embedding_family)
_GAP_COSINES = {"hashing": (0.15, 0.35), "cross-lingual": (0.45, 0.55), "sentence": (0.45, 0.6)}
_REPLY_CHARS = 1000
_ATTACH_MARGIN = 0.05  # how much lower a lone question may join a formed group (centroid_clusters)
# Words that say how or when something is asked, never what about: request words ("puedo",
# "kann"), weekdays and months, and duration units ("Woche", "semana"). A help center may
# never use one of them, but questions sharing it are not about one missing topic.
_SCAFFOLD = frozenset(
    stem(fold(w)) for w in (*DECISION_STOPWORDS, *CALENDAR_WORDS, *DURATION_UNITS)
)
_HOW = re.compile(
    r"^(?:how (?:do|can|should) (?:i|we|you)|how to|can (?:i|we|you)|is (?:it|there) "
    r"(?:possible|a way) to|is there a way to|where (?:do|can) (?:i|we) (?:find|see)|"
    r"i (?:want|need|would like) to|do you support)\s+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class GapConfig:
    window_days: int = 90
    low_confidence: float = 0.3
    cover_threshold: float | None = None  # None: chosen by the embedding model
    cluster_threshold: float | None = None
    min_size: int = 3
    answer_check: AnswerCheckConfig = field(default_factory=AnswerCheckConfig)

    def thresholds(self, model_id: str | None) -> tuple[float, float]:
        """(cover, cluster) cosines; a hashing embedder scores lower than a sentence model,
        and a cross-lingual one scores one question asked in two languages lower than two
        wordings in one (0.55: chosen on the three earlier flag sets, examples/flags,
        -holdout and -holdout2, where 0.6 left gaps asked in en/de/fr unclustered)."""
        cover, cluster = _GAP_COSINES[embedding_family(model_id)]
        if self.cover_threshold is not None:
            cover = self.cover_threshold
        if self.cluster_threshold is not None:
            cluster = self.cluster_threshold
        return cover, cluster


@dataclass
class _Item:
    text: str
    source: str  # "answer:<id>" or "ticket:<id>"
    when: datetime | None
    best_article: tuple[str, float] | None = None
    resolution: str = ""
    unknown: frozenset[str] = frozenset()
    ask: str = ""  # the question as the answer check reads it
    reply: str = ""  # a ticket's whole resolution (bounded): it may name the topic
    linked: frozenset[str] = frozenset()  # unknown words, plus reply words others asked with
    concepts: frozenset[str] = frozenset()  # `linked`, each word read as its concept


@dataclass(frozen=True)
class AnsweredCluster:
    """A group of questions an article answers: not a gap (its tickets may contradict it)."""

    article_id: str
    questions: tuple[str, ...]
    ticket_ids: tuple[str, ...]


@dataclass
class GapResult:
    findings: list[Finding] = field(default_factory=list)
    items: int = 0
    uncovered: int = 0
    answered: list[AnsweredCluster] = field(default_factory=list)


def _items(kb: KnowledgeBase, now: datetime, cfg: GapConfig) -> list[_Item]:
    since = now - timedelta(days=cfg.window_days)
    out = []
    for row in kb.catalog.logged_questions():
        when = parse_time(row.created_at)
        if when is not None and not since <= when <= now:
            continue
        if (row.outcome == "handoff" and row.reason in GAP_REASONS) or (
            row.outcome == "answered" and row.confidence < cfg.low_confidence
        ):
            out.append(_Item(row.question, f"answer:{row.id}", when, ask=row.question))
    for t in tickets(kb):
        if t.resolved_at is not None and since <= t.resolved_at <= now and t.question:
            first = split_sentences(t.resolution)[:1]
            opening = " ".join(split_sentences(t.question[:500])[:1])
            out.append(
                _Item(
                    t.title + ". " + t.question[:500],
                    f"ticket:{t.external_id}",
                    t.resolved_at,
                    resolution=first[0] if first else "",
                    ask=f"{t.title}. {opening}",
                    reply=t.resolution[:_REPLY_CHARS],
                )
            )
    return out


def find_gaps(
    kb: KnowledgeBase,
    *,
    now: datetime,
    cfg: GapConfig | None = None,
    checker: AnswerCheck | None = None,
) -> GapResult:
    cfg = cfg or GapConfig()
    result = GapResult()
    if kb.embedder is None:
        return result
    items = _items(kb, now, cfg)
    result.items = len(items)
    if not items:
        return result
    cover, cluster_at = cfg.thresholds(kb.model_id)
    vocabulary = help_center_vocabulary(kb)
    vecs = np.asarray(kb.embedder.embed([i.text for i in items]), dtype=np.float32)
    keep: list[int] = []
    for n, (item, vec) in enumerate(zip(items, vecs, strict=True)):
        near = nearest_articles(kb, vec.reshape(1, -1), k=1)
        item.best_article = near[0] if near else None
        item.unknown = frozenset(
            t
            for t in content_terms(item.text, drop_generic=True) - vocabulary - _SCAFFOLD
            if len(t) > 2
        )
        if item.unknown or _uncovered(item, cover):
            keep.append(n)
    result.uncovered = len(keep)
    _link_through_replies(items, keep, vocabulary)
    languages = kb.catalog.article_languages()
    # a help center of one language has no cross-lingual cosines to make up for
    multilingual = len(languages) > 1
    concept: dict[str, str] = {}
    if multilingual and embedding_family(kb.model_id) == "cross-lingual":
        concept = word_concepts(kb.embedder.embed, _surfaces(items, keep))
    for n in keep:
        items[n].concepts = frozenset(concept.get(t, t) for t in items[n].linked)
    terms = {n: items[n].concepts for n in keep}
    asked = {n: frozenset(concept.get(t, t) for t in items[n].unknown) for n in keep}
    grouped: set[int] = set()
    groups = group_by_unknown(keep, terms, asked, vecs, cfg.min_size, cluster_at * 0.75)
    by_word = len(groups)  # groups[:by_word] share a word no article uses
    for members in groups:
        grouped.update(members)
    rest = [n for n in keep if n not in grouped and _uncovered(items[n], cover)]
    rest_langs = [text_language(items[n].text, languages) if multilingual else None for n in rest]
    attach = (cluster_at - _ATTACH_MARGIN, rest_langs)
    for members in centroid_clusters(vecs[rest], cluster_at, attach=attach) if rest else []:
        if len(members) >= cfg.min_size:
            groups.append([rest[m] for m in members])
    checker = checker or default_check(kb, cfg.answer_check)
    for g, members in enumerate(groups):
        cluster = [items[m] for m in members]
        verdicts = checker.check([i.ask or i.text for i in cluster])
        answered, article = cluster_answered(verdicts)
        # asked in several languages with a word (or its translations) no article uses: no
        # article answers it, whatever a topically close one scores; in one language the
        # word may be the customers' name for what articles call otherwise ("PDF", "file")
        unnamed = g < by_word and multilingual and _languages(cluster, languages) > 1
        if answered and article is not None and not unnamed:
            result.answered.append(
                AnsweredCluster(
                    article,
                    tuple(i.ask or i.text for i in cluster),
                    tuple(
                        i.source.split(":", 1)[1] for i in cluster if i.source.startswith("ticket:")
                    ),
                )
            )
            continue
        result.findings.append(_finding(cluster, vecs[members], now, verdicts))
    return result


def _languages(cluster: list[_Item], languages: set[str]) -> int:
    """How many of the help center's languages a group's questions are written in."""
    return len({text_language(i.text, languages) for i in cluster} - {None})


def _uncovered(item: _Item, cover: float) -> bool:
    return item.best_article is None or item.best_article[1] < cover


def help_center_vocabulary(kb: KnowledgeBase) -> set[str]:
    """Every content word the articles use (stemmed)."""
    vocab: set[str] = set()
    for title, body in kb.catalog.iter_article_texts():
        vocab |= content_terms(f"{title} {body}")
    return vocab


def _link_through_replies(items: list[_Item], candidates: list[int], vocabulary: set[str]) -> None:
    """A ticket joins the words other questions use that its agent's reply names.

    Customers name one gap several ways ("Tenerife", "Canarias", "Las Palmas"); the agent
    who answered the Tenerife ticket wrote "Canarias", which ties it to the questions that
    said so. Only names (capitalised inside a sentence) that some other candidate question
    uses count: a reply's ordinary words ("since", "session") or its signature link nothing.
    """
    asked: Counter[str] = Counter()
    for n in candidates:
        asked.update(items[n].unknown)
    for n in candidates:
        item = items[n]
        bridged: set[str] = set()
        if item.reply:
            named = capitalised_names(item.reply) - vocabulary - _SCAFFOLD
            bridged = {t for t in named - item.unknown if asked[t] and len(t) > 2}
        item.linked = item.unknown | bridged


def _surfaces(items: list[_Item], candidates: list[int]) -> dict[str, str]:
    """Each unknown term's word as a candidate question wrote it, for its vector: lower
    case with its accents, which the embedder reads ("coréen" is "Korean" at 0.87,
    "coreen" at 0.64)."""
    out: dict[str, str] = {}
    for n in candidates:
        item = items[n]
        for word in words(f"{item.text} {item.reply}"):
            w = word.lower().split("'", 1)[0].split("’", 1)[0]
            t = stem(fold(w))
            if t in item.linked:
                out.setdefault(t, w)
        for t in item.linked:
            out.setdefault(t, t)
    return out


def suggest_title(questions: Sequence[str], terms: Sequence[str]) -> str:
    """A title from the questions, most typical first: a how-to ("How do I x?" -> "How to
    x"), else the most typical one's first sentence (a ticket's subject: "Selling the
    house"), which names the topic in the customer's words where a list of shared words
    cannot (a gap asked in three languages shares few)."""
    for q in questions:
        text = q.strip().rstrip("?.! ")
        m = _HOW.match(text)
        if m and len(text) - m.end() > 8:
            rest = text[m.end() :]
            return ("How to " + rest)[:120]
    first = split_sentences(questions[0])[:1] if questions else []
    if first:
        return first[0].strip()[:120]
    return "About " + ", ".join(terms[:3]) if terms else ""


def _finding(
    cluster: list[_Item], vecs: np.ndarray, now: datetime, verdicts: Sequence[AnswerVerdict]
) -> Finding:
    centroid = vecs.mean(axis=0)
    order = np.argsort(-(vecs @ centroid))
    ordered = [cluster[int(i)] for i in order]
    typical = verdicts[int(order[0])]
    counts: Counter[str] = Counter()
    for item in cluster:
        counts.update(content_terms(item.text, drop_generic=True))
    surface: dict[str, str] = {}
    for item in cluster:
        for w in words(item.text):
            surface.setdefault(stem(w), w)
    terms = [surface.get(t, t) for t, n in counts.most_common(8) if n >= 2 and t not in GENERIC]
    questions = list(dict.fromkeys(_question(i.text) for i in ordered))
    recent = sum(1 for i in cluster if i.when and i.when >= now - timedelta(days=14))
    before = sum(
        1
        for i in cluster
        if i.when and now - timedelta(days=28) <= i.when < now - timedelta(days=14)
    )
    trend = (
        "new"
        if recent and not before
        else "rising"
        if recent > before * 1.5
        else ("falling" if recent < before / 1.5 else "steady")
    )
    title = suggest_title(questions, terms)
    outline = [f"What it is: {', '.join(terms[:4])}"] if terms else []
    outline += [f"Q: {q}" for q in questions[1:5]]
    outline += [f"Known fix: {i.resolution}" for i in ordered if i.resolution][:2]
    size = len(cluster)
    nearest = ordered[0].best_article
    shared_unknown = frozenset.intersection(*(i.concepts or i.linked for i in cluster))
    key_terms = sorted(shared_unknown)[:3] or sorted(terms[:3]) or [questions[0][:40]]
    evidence: dict[str, Any] = {
        "summary": f"{size} unanswered questions about {', '.join(terms[:3]) or questions[0]!r}",
        "cluster_size": size,
        "examples": questions[:6],
        "trend": trend,
        "last_14_days": recent,
        "previous_14_days": before,
        "sources": dict(Counter(i.source.split(":", 1)[0] for i in cluster)),
        "ticket_ids": [
            i.source.split(":", 1)[1] for i in ordered if i.source.startswith("ticket:")
        ][:10],
        "suggested_title": title,
        "suggested_outline": outline,
        "terms": terms,
        "nearest_article": _nearest(typical, nearest),
        "why_not_answered": _why(typical, shared_unknown),
        "answer_check": [
            {"question": _question(v.question), "nearest": v.article_id, "coverage": v.coverage}
            for v in verdicts[:6]
        ],
        "words_no_article_uses": sorted(shared_unknown),
    }
    return Finding(
        reason="missing_article",
        document_id=None,
        subject="missing_article:" + "-".join(key_terms),
        severity="high" if size >= 10 else "medium" if size >= 5 else "low",
        evidence=evidence,
        key=evidence_key("missing_article", key_terms, size.bit_length()),
        touches=size,
    )


def _why(verdict: AnswerVerdict, unnamed: frozenset[str]) -> str:
    """Why the nearest article does not answer; for a check that said it does, the words the
    questions share that no article uses (the group's own)."""
    if not verdict.answered or not unnamed:
        return verdict.why
    return (
        f"no article uses {', '.join(sorted(unnamed))!r}: {verdict.article_title!r} is close"
        f" in topic (answerability {verdict.coverage:.2f}) but never names it"
    )


def _question(text: str) -> str:
    return " ".join(text.split())[:200]


def _nearest(verdict: AnswerVerdict, by_vector: tuple[str, float] | None) -> dict[str, Any] | None:
    """The article the answer check read for the typical question (else the nearest vector)."""
    if verdict.article_id:
        return {
            "id": verdict.article_id,
            "title": verdict.article_title,
            "coverage": verdict.coverage,
            "missing_terms": list(verdict.missing[:6]),
            "passage": verdict.passage,
        }
    if by_vector:
        return {"id": by_vector[0], "similarity": round(by_vector[1], 3)}
    return None


def covered(
    kb: KnowledgeBase,
    questions: Sequence[str],
    cfg: GapConfig | None = None,
    checker: AnswerCheck | None = None,
) -> bool:
    """Whether an article now answers most of these questions (a gap flag's re-check)."""
    cfg = cfg or GapConfig()
    if kb.embedder is None or not questions:
        return False
    checker = checker or default_check(kb, cfg.answer_check)
    return cluster_answered(checker.check(list(questions)))[0]
