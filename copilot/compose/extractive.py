"""The no-LLM composer: picks and orders the best source sentences/steps into a cited draft.

Instant and deterministic. It writes nothing of its own except greeting, connector and
closing phrases (`phrases.py`); every other word is quoted from a source, a procedure is
kept whole and in order, and the result goes through `citations.validate` like any draft.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from copilot.compose.citations import KnownUrls, strip_citations, validate
from copilot.compose.phrases import greeting, phrases_for
from copilot.compose.support import check_support, supported_share
from copilot.compose.types import EXTRACTIVE, Draft, Source, Style
from kb.embedders.base import Embedder
from kb.query_cleaning import clean_query
from kb.text.sentences import PROSE_KINDS, Segment, split_segments
from kb.text.unspaced import unspaced_terms
from kb.text.words import content_set

MAX_EMBEDDED = 16  # candidates (by lexical score) that get an embedding, in one batch
MAX_STEPS = 12
MIN_RELATIVE = 0.5  # a picked sentence scores at least half of the best one
EXTRA_RELATIVE = 0.6  # prose added after a procedure must be this close to the best
MIN_COSINE = 0.45  # with no shared word, a unit needs this cosine (MiniLM) to be relevant
DUPLICATE_JACCARD = 0.7
OTHER_LANGUAGE_FACTOR = 0.8
MIN_WORDS = 3
PROCEDURE_RELATIVE = 0.85  # a step list wins when its best step/lead-in is this close to the best

_PLANTED = re.compile(
    r"\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|prompts?|rules|above)\b"
    r"|\bsystem prompt\b|\byou are (now )?(an? )?(ai|assistant|chatbot|language model)\b"
    r"|\bas an ai\b|\b(tell|instruct|ask) the (customer|user|reader)\b|\b(assistant|system)\s*:"
    r"|ignora (las |todas las )?instrucciones|ignoriere (alle )?(vorherigen )?anweisungen"
    r"|ignorez (les |toutes les )?instructions|ignora (le )?istruzioni",
    re.IGNORECASE,
)
_TRAILING_PUNCT = re.compile(r"([.!?…:;。！？]+)$")
_SPACES = re.compile(r"[ \t]+")


@dataclass
class _Candidate:
    rank: int  # position of the source in the caller's order
    source: Source
    passage: int
    seg: Segment
    words: frozenset[str]
    score: float = 0.0

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.rank, self.passage, self.seg.index)


def _cite(text: str, n: int) -> str:
    """Insert " [n]" before the final punctuation: "expires after 30 minutes [1]."."""
    text = text.rstrip()
    match = _TRAILING_PUNCT.search(text)
    if match:
        return f"{text[: match.start()].rstrip()} [{n}]{match.group(1)}"
    return f"{text} [{n}]"


class ExtractiveComposer:
    """Drafts a reply or answer by quoting the most relevant source sentences and steps."""

    def __init__(self, embedder: Embedder | None = None, known_urls: KnownUrls | None = None):
        self.embedder = embedder
        self.known_urls = known_urls

    def compose(
        self,
        question: str,
        sources: Sequence[Source],
        *,
        lang: str,
        style: Style,
        customer_name: str | None = None,
        max_sentences: int = 4,
        stream: bool = False,
        timeout_s: float | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Draft:
        """A cited draft in `style`; with no sources, a hand-off line in `lang`. Quoting is
        instant: ``stream``, ``timeout_s`` and ``on_token`` (the `Composer` role's) are unused."""
        started = time.perf_counter()
        if not sources:
            return self._handoff(lang, style, customer_name, started)
        qwords = content_set(clean_query(question))
        candidates, segments = self._candidates(sources)
        self._score(question, qwords, candidates, lang)
        picks, intro = self._select(candidates, segments, lang, max(1, max_sentences))
        if not picks:  # nothing quotable is about the question: hand off, cite nothing
            return self._handoff(lang, style, customer_name, started)
        body = self._render(picks, intro)
        text = self._wrap(
            body, lang, style, customer_name, procedure=_has_steps(picks) and not intro
        )
        text, cited = validate(text, sources, self.known_urls)
        supports = check_support(text, sources, None)
        return Draft(
            text=text, sentences=tuple(supports), cited=cited, generator_used=EXTRACTIVE,
            fallback_reason=None, lang=lang, supported_share=supported_share(supports),
            seconds=time.perf_counter() - started,
        )  # fmt: skip

    # -- candidates and scores ------------------------------------------------------------

    @staticmethod
    def _candidates(
        sources: Sequence[Source],
    ) -> tuple[list[_Candidate], dict[tuple[int, int], list[Segment]]]:
        """Every quotable unit of every passage, and each passage's segments (for intros)."""
        out: list[_Candidate] = []
        segments: dict[tuple[int, int], list[Segment]] = {}
        for rank, source in enumerate(sources):
            for p, passage in enumerate(source.passages):
                segs = split_segments(passage)
                segments[(rank, p)] = segs
                for seg in segs:
                    if seg.kind not in PROSE_KINDS or _PLANTED.search(seg.plain):
                        continue
                    words = content_set(seg.plain)
                    if not words:
                        continue
                    # Chinese/Japanese/Thai write no spaces: their letter pairs count as words
                    size = len(seg.plain.split()) + len(unspaced_terms(seg.plain))
                    if seg.kind == "sentence" and size < MIN_WORDS:
                        continue
                    out.append(_Candidate(rank, source, p, seg, words))
        return out, segments

    def _score(
        self, question: str, qwords: frozenset[str], cands: list[_Candidate], lang: str
    ) -> None:
        """Lexical overlap (Ochiai) blended with embedding cosine, plus small source priors."""
        for c in cands:
            shared = len(qwords & c.words)
            lexical = shared / math.sqrt(len(qwords) * len(c.words)) if qwords else 0.0
            title = len(qwords & content_set(c.source.title)) / len(qwords) if qwords else 0.0
            prior = (0.1 * min(max(c.source.relevance, 0.0), 1.0) + 0.05 * title
                     - 0.02 * c.rank - 0.003 * min(c.seg.index, 10))  # fmt: skip
            factor = 1.0 if _same_language(c.source.lang, lang) else OTHER_LANGUAGE_FACTOR
            c.score = (lexical + prior) * factor if shared else -1.0 + prior
        if self.embedder is None or not cands:
            return
        top = sorted(cands, key=lambda c: -c.score)[:MAX_EMBEDDED]
        vectors = np.asarray(
            self.embedder.embed([clean_query(question), *(c.seg.plain for c in top)]),
            dtype=np.float32,
        )
        chosen = {id(c) for c in top}
        for c, vec in zip(top, vectors[1:], strict=True):
            cosine = float(vec @ vectors[0])
            lexical = c.score if c.score > -0.5 else 0.0
            if c.score > -0.5 or cosine >= MIN_COSINE:
                c.score = 0.5 * lexical + 0.5 * cosine
        for c in cands:
            if id(c) not in chosen:
                c.score = min(c.score, -1.0)

    # -- selection ------------------------------------------------------------------------

    def _select(
        self,
        cands: list[_Candidate],
        segments: dict[tuple[int, int], list[Segment]],
        lang: str,
        max_sentences: int,
    ) -> tuple[list[_Candidate], Segment | None]:
        """The units to quote (in reading order) and the intro line of a procedure, if any."""
        if not cands:
            return [], None
        relevant = [c for c in cands if c.score > -0.5]
        in_lang = [c for c in relevant if _same_language(c.source.lang, lang)]
        pool = in_lang or relevant
        if not pool:  # nothing in the sources is about the question: say so, cite nothing
            return [], None
        pool.sort(key=lambda c: (-c.score, c.key))
        best = pool[0]
        block = self._procedure(pool, cands, segments, best)
        picks: list[_Candidate] = []
        intro: Segment | None = None
        if block:
            picks = block
            intro = _intro(segments[(block[0].rank, block[0].passage)], block[0].seg)
            limit, bar = max_sentences - 1 - (intro is not None), EXTRA_RELATIVE * best.score
        else:
            limit, bar = max_sentences, MIN_RELATIVE * best.score
        prose = [c for c in pool if c.seg.kind != "step" and not _is_lead_in(c.seg)]
        for c in prose:
            if limit <= 0 or c.score < bar:
                break
            if c in picks or any(_duplicate(c, p) for p in picks):
                continue
            picks.append(c)
            limit -= 1
        return sorted(picks, key=lambda c: c.key), intro

    @staticmethod
    def _procedure(
        pool: list[_Candidate],
        cands: list[_Candidate],
        segments: dict[tuple[int, int], list[Segment]],
        best: _Candidate,
    ) -> list[_Candidate]:
        """The whole step list whose best step (or lead-in) is (nearly) the best unit, else []."""
        for anchor in pool:
            if anchor.score < PROCEDURE_RELATIVE * best.score:
                return []
            first = anchor.seg
            if _is_lead_in(anchor.seg):
                segs = segments[(anchor.rank, anchor.passage)]
                nxt = segs[anchor.seg.index + 1] if anchor.seg.index + 1 < len(segs) else None
                if nxt is None or nxt.kind != "step":
                    continue
                first = nxt
            elif anchor.seg.kind != "step":
                continue
            where = (anchor.rank, anchor.passage, first.block)
            block = [c for c in cands if (c.rank, c.passage, c.seg.block) == where]
            return sorted(block, key=lambda c: c.key)[:MAX_STEPS]
        return []

    # -- rendering ------------------------------------------------------------------------

    @staticmethod
    def _render(picks: list[_Candidate], intro: Segment | None) -> str:
        """Paragraphs of cited sentences; list items as a list with the citation on the last."""
        paragraphs: list[str] = []
        prose: list[str] = []
        items: list[_Candidate] = []

        def flush_prose() -> None:
            if prose:
                paragraphs.append(" ".join(prose))
                prose.clear()

        def flush_items() -> None:
            if items:
                lines = [
                    "   " * c.seg.depth + f"{c.seg.marker} {_clean(c.seg.body)}".strip()
                    for c in items
                ]
                lines[-1] = _cite(lines[-1], items[-1].source.n)
                paragraphs.append("\n".join(lines))
                items.clear()

        previous: _Candidate | None = None
        for c in picks:
            is_item = c.seg.kind in ("step", "bullet")
            same_list = previous is not None and previous.seg.kind in ("step", "bullet") and (
                (previous.rank, previous.passage, previous.seg.block)
                == (c.rank, c.passage, c.seg.block)
            )  # fmt: skip
            if not is_item or not same_list:
                flush_items()
            if is_item:
                flush_prose()
                if not items and intro is not None and c.seg.kind == "step":
                    paragraphs.append(_clean(intro.text))
                    intro = None
                items.append(c)
            else:
                if previous is not None and previous.rank != c.rank:
                    flush_prose()
                prose.append(_cite(_clean(c.seg.text), c.source.n))
            previous = c
        flush_items()
        flush_prose()
        return "\n\n".join(paragraphs)

    @staticmethod
    def _wrap(body: str, lang: str, style: Style, name: str | None, *, procedure: bool) -> str:
        phrases = phrases_for(lang)
        if procedure and style == "reply":
            body = f"{phrases.steps_intro}\n\n{body}"
        if style != "reply":
            return body
        parts = [greeting(lang, name), body, phrases.closing, phrases.sign_off]
        return "\n\n".join(p for p in parts if p)

    def _handoff(self, lang: str, style: Style, name: str | None, started: float) -> Draft:
        text = phrases_for(lang).no_article
        if style == "reply":
            phrases = phrases_for(lang)
            text = "\n\n".join([greeting(lang, name), text, phrases.sign_off])
        supports = check_support(text, (), None)
        return Draft(
            text=text, sentences=tuple(supports), cited=(), generator_used=EXTRACTIVE,
            fallback_reason=None, lang=lang, supported_share=0.0,
            seconds=time.perf_counter() - started,
        )  # fmt: skip


def _clean(text: str) -> str:
    """Source Markdown made quotable: its own citation markers dropped, spaces tidied."""
    return _SPACES.sub(" ", strip_citations(text)).strip()


def _intro(segs: list[Segment], first: Segment) -> Segment | None:
    """The lead-in sentence right before a step list ("To reset it from the app:")."""
    before = [s for s in segs if s.index < first.index]
    if before and before[-1].kind == "sentence" and before[-1].plain.endswith(":"):
        return None if _PLANTED.search(before[-1].plain) else before[-1]
    return None


def _is_lead_in(seg: Segment) -> bool:
    return seg.kind == "sentence" and seg.plain.endswith(":")


def _duplicate(a: _Candidate, b: _Candidate) -> bool:
    union = a.words | b.words
    return bool(union) and len(a.words & b.words) / len(union) >= DUPLICATE_JACCARD


def _has_steps(picks: list[_Candidate]) -> bool:
    return any(c.seg.kind == "step" for c in picks)


def _same_language(source_lang: str | None, lang: str) -> bool:
    if not source_lang or not lang:
        return True
    return source_lang.split("-", 1)[0].lower() == lang.split("-", 1)[0].lower()
