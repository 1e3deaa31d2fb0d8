"""Per-sentence support of a draft by its sources — computed, never asked of an LLM.

Each content sentence is matched to the best window (a source sentence and its two
neighbours) among the sources it cites, or among all sources when it cites none.
Score = recall of the sentence's content words in the window, raised (never lowered) by
embedding cosine to the window's centre sentence when an embedder is given:
``score = max(recall, (recall + cosine) / 2)``; cosine only counts when recall ≥ 0.34.
A sentence is supported when score ≥ 0.6 (≥ 0.75 if it cites nothing) AND every number,
price, duration, version and bold/quoted UI label in it appears in the window AND its
negation matches the best-matching clause of the source sentence.

Courtesy lines (greetings, closings, "Here's how:") come back as supported=True,
score=1.0, no citations, evidence=None, and `supported_share` leaves them out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from copilot.compose.citations import citation_numbers, strip_citations
from copilot.compose.facts import missing_facts, numbers
from copilot.compose.types import SentenceSupport, Source
from kb.embedders.base import Embedder
from kb.text.sentences import PROSE_KINDS, Segment, split_segments
from kb.text.words import content_set, is_negated

SUPPORTED = 0.6  # score a cited sentence needs
SUPPORTED_UNCITED = 0.75  # an uncited sentence must match some source strongly
MIN_RECALL_FOR_COSINE = 0.34  # embeddings may lift a paraphrase, not a sentence sharing no words
MAX_EMBEDDED_CANDIDATES = 8  # per answer sentence: the best windows by recall

_GREETING = re.compile(
    r"^(hi|hello|hey|dear|good (morning|afternoon|evening)|greetings|hola|buen[oa]s"
    r"( d[ií]as| tardes| noches)?|estimad[oa]s?|hallo|guten (tag|morgen|abend)|liebe[rs]?"
    r"|sehr geehrte[rs]?|moin|servus|bonjour|bonsoir|salut|ch[eè]re?|ciao|buongiorno"
    r"|buonasera|salve|gentile|ol[aá]|oi|bom dia|boa (tarde|noite)|prezad[oa]|beste"
    r"|goedemorgen|goedemiddag|hoi)\b[^.!?]{0,40}[,:!.]?$",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"^(((best|kind|warm|warmest)\s+)?regards|best( wishes)?|cheers|sincerely|un saludo|saludos"
    r"( cordiales)?|atentamente|cordialmente|(viele|beste|liebe) gr(ü|ue)(ß|ss)e"
    r"|(mit )?freundlichen gr(ü|ue)(ß|ss)en|cordialement|bien (à vous|cordialement)"
    r"|bonne (journée|soirée)|cordiali saluti|(un )?salut[oi]|atenciosamente|abraços"
    r"|(met )?vriendelijke groet(en)?|groeten"
    # thanks as a whole line, or followed by what for: "Thanks for reaching out."
    r"|(thanks?|thank you|many thanks|(muchas )?gracias|vielen dank|danke|merci|grazie"
    r"|obrigad[oa]|bedankt)( (so much|again|a lot|beaucoup|mille))?"
    r"( (for|por|für|fuer|pour|de|per|pela|pelo|voor)\b[^.!?]*+)?)[\s,.!]*$",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"\b(hope (this|that) helps|let me know|feel free|(don't|do not) hesitate"
    r"|(happy|glad) to help|if you have any (other |further |more )?questions"
    r"|if (there is|there's) anything else|is there anything else"
    r"|espero que (esto |te |le )?(ayude|sirva)|no dud(es|e) en|cualquier (otra )?(duda|pregunta)"
    r"|si tienes (cualquier|alguna|otra)|quedo a (tu|su) disposici[oó]n|ich hoffe"
    r"|meld(e dich|en sie sich)|bei (weiteren )?fragen|wenn du (weitere|noch) fragen"
    r"|j'esp[eè]re que|n'h[eé]sitez pas|je reste [aà] (votre|ta) disposition"
    r"|si vous avez (d'autres|des) questions|spero (che|di)|non esitare|fammi sapere"
    r"|se tiver (outras|alguma)|espero que (isso )?ajude|[eé] s[oó] avisar|laat (het )?me weten"
    r"|ik hoop dat|als je (nog )?vragen hebt)",
    re.IGNORECASE,
)
MAX_COURTESY_WORDS = 12
MAX_CONNECTOR_WORDS = 8
MAX_SIGNATURE_WORDS = 4
# Linear: the contrast-word branch starts only where a run of whitespace starts (`(?<!\s)`,
# possessive), so a long run is scanned once, not once from each of its characters.
_CLAUSE = re.compile(
    r"[;:\n]\s*|(?<=[.!?])\s+"
    r"|,?(?<!\s)\s++\b(?:but|pero|aber|mais|ma|mas|maar|whereas|while)\b\s+",
    re.IGNORECASE,
)


def is_courtesy(text: str) -> bool:
    """Greeting, closing, pleasantry or a short connector ending in ':' — nothing to support."""
    plain = strip_citations(text).strip().strip("*_ ")
    words = plain.split()
    if not words or len(words) > MAX_COURTESY_WORDS or numbers(plain):
        return False
    if _GREETING.match(plain) or _CLOSING.match(plain):
        return True
    if citation_numbers(text):  # "Feel free to switch plans any time [1]." is a claim
        return False
    connector = plain.endswith(":") and len(words) <= MAX_CONNECTOR_WORDS and "**" not in text
    return connector or bool(_FILLER.search(plain))


def _is_sign_off(plain: str) -> bool:
    """A sign-off ("Best regards,", "Thanks,", "Saludos") — a name line may follow it."""
    short = len(plain.split()) <= 3
    return bool(_CLOSING.match(plain)) and short and not plain.endswith((".", "!"))


@dataclass(frozen=True)
class _Unit:
    """A source sentence with its window (itself and its neighbours in the same passage)."""

    source: int
    text: str  # the centre sentence as written (the evidence shown)
    plain: str
    window_text: str  # Markdown of the window: numbers and labels are checked here
    window_plain: str
    window_words: frozenset[str]
    words: frozenset[str]  # of the centre sentence: breaks ties between windows


@lru_cache(maxsize=512)
def _units(source: Source) -> tuple[_Unit, ...]:
    """Evidence windows of one source: its title, then every unit of every passage."""
    title = content_set(source.title)
    units = [_Unit(source.n, source.title, source.title, source.title, source.title, title, title)]
    for passage in source.passages:
        segs = [s for s in split_segments(passage) if s.plain]
        for i, seg in enumerate(segs):
            window = segs[max(0, i - 1) : i + 2]
            words = frozenset().union(*(content_set(w.plain) for w in window))
            units.append(_Unit(
                source.n, seg.text, seg.plain, "\n".join(w.text for w in window),
                "\n".join(w.plain for w in window), words, content_set(seg.plain),
            ))  # fmt: skip
    return tuple(units)


def _polarity_matches(sentence: str, words: frozenset[str], evidence: str) -> bool:
    """Negation of the sentence equals negation of the source clause it overlaps most."""
    clauses = [c for c in _CLAUSE.split(evidence) if c and c.strip()]
    # the clause sharing most words, then the shortest (most specific) one
    best = max(clauses, key=lambda c: (len(words & content_set(c)), -len(c)), default=evidence)
    return is_negated(sentence) == is_negated(best)


@dataclass
class _Claim:
    """One content sentence of the draft under check."""

    seg: Segment
    citations: tuple[int, ...]
    words: frozenset[str]
    candidates: list[tuple[float, _Unit]]  # (recall, unit), best first


def _inherit_list_citations(segs: list[Segment], cites: list[tuple[int, ...]]) -> None:
    """Uncited items of a list take the citations of the list's cited items ("... [1]" at end)."""
    by_block: dict[int, list[int]] = {}
    for seg, c in zip(segs, cites, strict=True):
        if seg.kind in ("step", "bullet"):
            for n in c:
                by_block.setdefault(seg.block, [])
                if n not in by_block[seg.block]:
                    by_block[seg.block].append(n)
    for i, seg in enumerate(segs):
        if seg.kind in ("step", "bullet") and not cites[i] and seg.block in by_block:
            cites[i] = tuple(by_block[seg.block])


@dataclass(frozen=True)
class EmbedLimits:
    """What the embedder compares in one check: each sentence with its best `windows`; with
    `texts`, about that many texts in all (fewer windows per sentence when there are many
    sentences, at least one each); with `chars`, each text's first `chars` characters."""

    windows: int = MAX_EMBEDDED_CANDIDATES
    texts: int | None = None
    chars: int | None = None


def _cosines(
    embedder: Embedder, claims: list[_Claim], chars: int | None = None
) -> dict[tuple[int, str], float]:
    """Cosine of each claim to the centre sentence of each of its top candidates, one batch."""
    texts: list[str] = []
    index: dict[str, int] = {}
    for claim in claims:
        for text in [claim.seg.plain, *(u.plain for _, u in claim.candidates)]:
            if text not in index:
                index[text] = len(texts)
                texts.append(text)
    if not texts:
        return {}
    clipped = texts if chars is None else [t[:chars] for t in texts]
    vectors = np.asarray(embedder.embed(clipped), dtype=np.float32)
    out: dict[tuple[int, str], float] = {}
    for ci, claim in enumerate(claims):
        q = vectors[index[claim.seg.plain]]
        for _, unit in claim.candidates:
            out[(ci, unit.plain)] = float(vectors[index[unit.plain]] @ q)
    return out


def check_support(
    text: str,
    sources: Sequence[Source],
    embedder: Embedder | None = None,
    limits: EmbedLimits | None = None,
) -> list[SentenceSupport]:
    """Support of every sentence/step of `text` (see the module docstring for the rule);
    `limits`: how much the embedder may compare (the cost of a check; default: drafts')."""
    segs = [s for s in split_segments(text) if s.kind in PROSE_KINDS or s.kind == "table"]
    cites = [citation_numbers(s.text) for s in segs]
    _inherit_list_citations(segs, cites)
    by_n = {s.n: s for s in sources}
    results: list[SentenceSupport | None] = []
    claims: list[_Claim] = []
    after_closing = False
    for seg, cited in zip(segs, cites, strict=True):
        words = content_set(seg.plain)
        signature = after_closing and len(seg.plain.split()) <= MAX_SIGNATURE_WORDS
        if not words or signature or is_courtesy(seg.text):
            after_closing = after_closing or _is_sign_off(seg.plain)
            results.append(SentenceSupport(seg.text, (), True, 1.0, None))
            continue
        pool = [by_n[n] for n in cited if n in by_n] if cited else list(sources)
        scored = [(len(words & u.window_words) / len(words), u) for s in pool for u in _units(s)]
        scored.sort(key=lambda pair: (-pair[0], -len(words & pair[1].words)))
        claims.append(_Claim(seg, cited, words, scored))
        results.append(None)
    cosines: dict[tuple[int, str], float] = {}
    if embedder is not None:
        limits = limits or EmbedLimits()
        per_claim = limits.windows
        if limits.texts is not None and claims:
            per_claim = min(per_claim, max(1, limits.texts // len(claims) - 1))
        for claim in claims:
            del claim.candidates[per_claim:]
        cosines = _cosines(embedder, claims, limits.chars)
    judged = iter(_judge(ci, claim, cosines) for ci, claim in enumerate(claims))
    return [r if r is not None else next(judged) for r in results]


def _judge(ci: int, claim: _Claim, cosines: dict[tuple[int, str], float]) -> SentenceSupport:
    """Pick the best window for one claim and apply the hard rules."""
    sentence = strip_citations(claim.seg.body)
    threshold = SUPPORTED if claim.citations else SUPPORTED_UNCITED
    best: tuple[bool, float, _Unit] | None = None
    for recall, unit in claim.candidates:
        score = recall
        cosine = cosines.get((ci, unit.plain))
        if cosine is not None and recall >= MIN_RECALL_FOR_COSINE:
            score = max(recall, (recall + max(cosine, 0.0)) / 2)
        if best is not None and (best[0] or score + 1e-9 < best[1]) and score < threshold:
            continue  # cannot beat what we have: skip the costly checks
        ok = (
            score >= threshold
            and not missing_facts(sentence, unit.window_text)
            and _polarity_matches(claim.seg.plain, claim.words, unit.window_plain)
        )
        if best is None or (ok, score) > (best[0], best[1]):
            best = (ok, score, unit)
    if best is None:
        return SentenceSupport(claim.seg.text, claim.citations, False, 0.0, None)
    ok, score, unit = best
    return SentenceSupport(claim.seg.text, claim.citations, ok, round(min(score, 1.0), 4),
                           unit.text)  # fmt: skip


def supported_share(supports: Sequence[SentenceSupport]) -> float:
    """Share of content sentences that are supported (courtesy lines excluded; none -> 0)."""
    content = [s for s in supports if s.evidence is not None or not s.supported]
    if not content:
        return 0.0
    return round(sum(s.supported for s in content) / len(content), 4)


def evidence_source(evidence: str, sources: Sequence[Source]) -> int | None:
    """Citation number of the first source holding `evidence` (a sentence `_judge` chose)."""
    for source in sources:
        if any(unit.text == evidence for unit in _units(source)):
            return source.n
    return None
