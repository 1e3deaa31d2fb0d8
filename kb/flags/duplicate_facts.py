"""Whether two articles state the same facts, read whole: each article's fact fingerprint
(its claims' values in one unit each, number words read: durations, prices, percentages,
counts, versions, menu paths and labels) and the things it names.

A marketing rewrite of a support article, or a condensed version of a long one, splits into
other chunks and words ("in einer Dreiviertelstunde", "vier Wochen"), so no passage pair
matches by cosine, yet the shorter one's facts are nearly all in the other. A template
filled in twice (two cities, two plans) shares many facts too, but names other places: the
names decide there, as they do passage by passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.flags.claims import Claim, extract_claims
from kb.flags.text import sentences, stem, strip_inline, words
from kb.text import (
    HOW_MANY,
    MONTHS,
    fold,
    number_pattern,
    parse_number,
    trie_pattern,
    whole_months,
)

_NAMED = ("path", "label")  # facts that name a control; the others state a value
MAX_SENTENCES = 60  # read per article (a help article's length): a long page costs no more


@dataclass(frozen=True)
class FactsConfig:
    """Set a priori: "most of the shorter article's facts, and at least three of them"."""

    min_shared: int = 3
    min_values: int = 1  # of them, stated with a number: the same screen gives the same labels
    min_share_of_smaller: float = 0.6
    max_articles: int = 5  # a fact more articles state is common knowledge or a template's


_MONTH_STEMS = {stem(fold(name)): n for name, n in MONTHS.items()}
_HOW_MANY = re.compile(rf"(?<!\w)(?:{trie_pattern(list(HOW_MANY))})\s*+([^\W\d_]+)", re.I)
_BARE_NUMBER = re.compile(rf"(?<![\w.,]){number_pattern()}(?![\w.,]*\d)", re.I)


def _key(claim: Claim) -> str:
    if claim.kind == "quantity" and claim.low is not None and claim.unit in _MONTH_STEMS:
        return f"date:{_MONTH_STEMS[claim.unit]}-{claim.low:g}"  # "16 Dec" is "16 December"
    if claim.kind in ("path", "label"):
        return f"{claim.kind}:{' '.join(stem(w) for w in words(claim.value))}"
    if claim.low is not None and claim.high is not None:
        if claim.kind == "duration" and claim.unit == "time":
            low, high = whole_months(claim.low), whole_months(claim.high)
            if low is not None and high is not None:  # "24 months" is "two years"
                return f"duration:{low}-{high}:months"
        return f"{claim.kind}:{claim.low:g}-{claim.high:g}:{claim.unit}"
    return f"{claim.kind}:{claim.value.lower()}"


def fingerprint(body: str) -> dict[str, str]:
    """An article's facts: normalised key -> the value as first written (for the evidence)."""
    out: dict[str, str] = {}
    for sentence in sentences(body)[:MAX_SENTENCES]:
        claims = extract_claims(strip_inline(sentence.text))
        for claim in claims:
            out.setdefault(_key(claim), claim.value)
        counted = _HOW_MANY.search(sentence.heading) if sentence.heading else None
        if counted and not any(c.kind == "quantity" for c in claims):
            # an FAQ answer's bare count is of what its question asks ("Three at a time.")
            number = _BARE_NUMBER.search(sentence.text)
            value = parse_number(number.group(0)) if number else None
            if value is not None:
                noun = stem(fold(counted.group(1).lower()))
                out.setdefault(f"quantity:{value:g}-{value:g}:{noun}", f"{value:g} {noun}")
    return out


def shared_facts(
    a: dict[str, str],
    b: dict[str, str],
    cfg: FactsConfig | None = None,
    texts: tuple[str, str] | None = None,
) -> tuple[list[str], float]:
    """(the facts both state, as written in `a`; their share of the smaller fingerprint) when
    they are enough to call the two texts one, else ([], share). Two procedures on one
    screen share its labels and paths; a copy keeps the numbers too, so at least one shared
    fact must be a value (a duration, price, count, percentage or version). With the two
    `texts`, a label one article sets in bold and the other writes plainly is shared too,
    once two facts are."""
    cfg = cfg or FactsConfig()
    common = sorted(set(a) & set(b) | _paths_within(a, b))
    if texts is not None and len(common) >= cfg.min_shared - 1:
        # weaker evidence than a fact both fingerprints hold: it completes a match of two or
        # more facts, it cannot make one from a single fact (a one-step article and a broad
        # guide that has the step name the same controls)
        plain = _labels_written(a, b, texts[1]) | _labels_written(b, a, texts[0])
        common = sorted(set(common) | plain)
    smaller = min(len(a), len(b))
    share = min(1.0, len(common) / smaller) if smaller else 0.0
    values = sum(1 for k in common if k.split(":", 1)[0] not in _NAMED)
    if len(common) < cfg.min_shared or values < cfg.min_values or share < cfg.min_share_of_smaller:
        return [], share
    shown = {**b, **a}  # a label found the other way round as the other wrote it
    return [shown[k] for k in common], share


def _labels_written(a: dict[str, str], b: dict[str, str], b_text: str) -> set[str]:
    """`a`'s labels that `b` does not set as labels but writes in its text ("choose **Use
    system certificates**" / "choose to use system certificates")."""
    text = " " + " ".join(words(b_text)) + " "
    return {
        k
        for k, v in a.items()
        if k.startswith("label:") and k not in b and f" {' '.join(words(v))} " in text
    }


def _paths_within(a: dict[str, str], b: dict[str, str]) -> set[str]:
    """`a`'s menu paths that start one of `b`'s, or that one of `b`'s starts: a path written
    without bold stops at its first lowercase word ("Guests > Wi-Fi code" read as "Guests >
    Wi-Fi"), and a step may end one label earlier than its copy."""
    mine = [k for k in a if k.startswith("path:") and k not in b]
    theirs = [k for k in b if k.startswith("path:")]
    return {k for k in mine if any(o.startswith(k + " ") or k.startswith(o + " ") for o in theirs)}
