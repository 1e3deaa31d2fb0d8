"""Claim extraction: the checkable facts of a sentence (numbers with units, durations,
prices, percentages, measures, versions, UI labels, menu paths), normalised so two
sentences' claims can be compared value for value, in every language `kb.text` reads
(number words, decimal commas, units and menu verbs in en/es/de/fr/pt).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from kb.flags.claim_labels import paths_and_labels
from kb.flags.text import content_terms, stem, words
from kb.text import (
    BUSINESS_AFTER,
    BUSINESS_BEFORE,
    CALENDAR_BEFORE,
    CURRENCY_SYMBOLS,
    CURRENCY_WORDS,
    DURATION_PHRASES,
    DURATION_UNITS,
    MEASURE_UNITS,
    PERIOD_ADJECTIVES,
    PERIOD_LEADS,
    PERIOD_WORDS,
    cents_after,
    duration_unit,
    measure_unit,
    number_pattern,
    parse_number,
    qualifier,
    words_pattern,
)
from kb.text.words import STOPWORDS

ClaimKind = Literal["duration", "price", "percent", "quantity", "version", "label", "path"]

_NUM = number_pattern()
_QUALIFIER_REACH = 80  # characters before a number handed to kb.text's qualifier (reads 40)
_RANGE = rf"{_NUM}(?:\s*+(?:-|–|to|a|bis|à|y|e|al|até)\s*+{_NUM})?"
# Linear patterns (issue 16): a repeat that can start anywhere inside a long run of spaces or
# capitals starts only where the run starts (`(?<!\s)`, `(?<![A-Z…])`, `(?<!\d)`) and is
# possessive or bounded, so the run is scanned once instead of once from each character.
_RANGE_SPLIT = re.compile(
    r"(?<!\s)\s*+(?:-|–|\bto\b|\ba\b|\bbis\b|\bà\b|\by\b|\be\b|\bal\b|\baté\b)\s*+"
)


_DURATION = re.compile(
    rf"(?<![\w.]){_RANGE}[\s-]*(?:({words_pattern((*BUSINESS_BEFORE, *CALENDAR_BEFORE))})[\s-]+)?"
    rf"({words_pattern(DURATION_UNITS)})\.?(?!\w)(?:\s+({words_pattern(BUSINESS_AFTER)})(?!\w))?",
    re.IGNORECASE,
)
# a person's age, not how long something takes: "your 7-year-old", "5 Jahre alt", "aged 3"
_AGE_AFTER = re.compile(r"[\s-]*+(?:old|alt|oud|de edad|d'âge|di età)(?!\w)", re.IGNORECASE)
_AGE_BEFORE = re.compile(r"(?<!\w)(?:aged|im alter von|âgée?s? de)\s*+$", re.IGNORECASE)
# a time of day, not a number of hours: "18:00 h", "tot 18.00 uur" (Dutch "uur" is o'clock too)
_CLOCK = re.compile(r"\d:\d{2}(?!\d)|\d\.\d{2}(?=\s*+uur\b)", re.IGNORECASE)
# "(a) half an hour", "een kwartier": a fraction of an hour in words, not after a number
_DURATION_PHRASE = re.compile(
    rf"(?<![\w'’])(?<!\d )({words_pattern(DURATION_PHRASES)})(?![\w'’])", re.IGNORECASE
)
_MEASURE = re.compile(
    rf"(?<![\w.$€£/:-]){_RANGE}\s?({words_pattern(MEASURE_UNITS)})(?!\w)", re.IGNORECASE
)
_SYMBOL = r"R\$|[$€£₺₽]"
_CURRENCY_WORD = words_pattern(CURRENCY_WORDS)
_PERIOD = (
    r"(?:\s*+(?:/|per|a|an|each|al|por|pro|im|par|ao|cada|je)\s*+"
    rf"({words_pattern(PERIOD_WORDS)})(?!\w))?"
)
_PERIOD_AFTER = re.compile(_PERIOD, re.IGNORECASE)
_PRICE = re.compile(
    rf"(?:({_SYMBOL})\s?({_NUM})|(?<!\d)({_NUM})\s?({_SYMBOL}|{_CURRENCY_WORD})(?!\w)){_PERIOD}",
    re.IGNORECASE,
)
_PERCENT = re.compile(
    rf"(?<![\w.])({_NUM})\s?(?:%|percent\b|per cent\b|por ciento\b|prozent\b|pour cent\b"
    r"|por cento\b|per cento\b|percento\b|procent\b|процент\w*)"
    rf"|(?:(?<![\w.])%|\byüzde\s)\s?({_NUM})(?![\w.,]?\d)",  # Turkish: "%20", "yüzde 20"
    re.IGNORECASE,
)
_QUANTITY = re.compile(
    rf"(?<![\w.$€£/:-])({_NUM})(?![\w.:/%-])\s+([^\W\d_][\w-]*)(?:\s+([^\W\d_][\w-]*))?"
)
_VERSION = re.compile(
    r"\b(iOS|iPadOS|Android|macOS|Windows|Chrome|Safari|Firefox|Edge|API|SDK|app|version|"
    r"versión|versão|Version|v)\s*v?(\d+(?:\.\d+){0,3})\b",
    re.IGNORECASE,
)
_UNIT_SKIP = (
    STOPWORDS
    | {
        "more", "less", "fewer", "additional", "extra", "free", "new", "different",
        "mas", "más", "menos", "mehr", "weniger", "plus", "moins", "mais",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Claim:
    """One checkable fact; `unit` decides what it can be compared with, `context` what about."""

    kind: ClaimKind
    value: str
    low: float | None = None
    high: float | None = None
    unit: str = ""
    qualifier: str = ""
    span: str = ""
    context: frozenset[str] = field(default_factory=frozenset)
    # a counted quantity: the stems of the words after the number ("eight battery swaps":
    # battery, swap), so "4 swaps" and "8 included swaps" count the same thing
    nouns: frozenset[str] = field(default_factory=frozenset)


def _number(text: str) -> float:
    value = parse_number(text)
    if value is None:
        raise ValueError(f"not a number: {text!r}")
    return value


def _range(text: str) -> tuple[float, float]:
    whole = parse_number(text)
    if whole is not None:  # "treinta y cinco" is one number, not a range
        return whole, whole
    nums = [v for p in _RANGE_SPLIT.split(text.strip()) if p and (v := parse_number(p)) is not None]
    return (min(nums), max(nums)) if nums else (0.0, 0.0)


def _qualifier(text: str, start: int) -> str:
    """The qualifier of the number at `start` ("max", "after"...), from the text just before it
    (kb.text reads its last 40 characters; slicing the whole prefix per claim was quadratic)."""
    return qualifier(text[max(0, start - _QUALIFIER_REACH) : start])


def billing_period(text: str) -> str:
    """The billing period a short phrase names ("Monthly fee", "Price per month", "al mes"),
    else ""."""
    ws = words(text)
    for i, word in enumerate(ws):
        if word in PERIOD_ADJECTIVES:
            return PERIOD_ADJECTIVES[word]
        if word in PERIOD_LEADS and i + 1 < len(ws) and ws[i + 1] in PERIOD_WORDS:
            return PERIOD_WORDS[ws[i + 1]]
    return ""


def with_period(claim: Claim, period: str) -> Claim:
    """A price that names no billing period, read with `period` (its heading's, say)."""
    if claim.kind != "price" or not period or not claim.unit.endswith("/"):
        return claim
    return replace(claim, value=claim.value + period, unit=claim.unit + period)


def _period_before(text: str, start: int) -> str:
    """A billing period named just before a price ("Monthly fee: €69", "Per month: €69")."""
    return billing_period(" ".join(words(text[max(0, start - 40) : start])[-3:]))


def _window(text: str, start: int, end: int, span_words: int = 7) -> frozenset[str]:
    """Content terms within a few words of a claim (what the number is about)."""
    reach = 20 * span_words  # chars: enough for the words wanted, bounded on long texts
    left = words(text[max(0, start - reach) : start])[-span_words:]
    right = words(text[end : end + reach])[:span_words]
    return frozenset(content_terms(" ".join(left + right)))


def extract_claims(sentence: str, *, numbers_only: bool = False) -> list[Claim]:
    """Every claim in one sentence (Markdown inline syntax allowed); `numbers_only` skips
    UI labels and menu paths."""
    claims: list[Claim] = []
    plain = sentence.replace("**", "").replace("__", "")
    covered = bytearray(len(plain))  # 1 where a claim already stands: linear, not pairwise

    def free(a: int, b: int) -> bool:
        return 1 not in covered[a:b]

    def take(span: tuple[int, int]) -> None:
        covered[span[0] : span[1]] = b"\x01" * (span[1] - span[0])

    def add(
        m: re.Match[str],
        kind: ClaimKind,
        shown: str,
        low: float,
        high: float,
        unit: str,
        end: int | None = None,
    ) -> None:
        """A value claim where `m` stands (to `end`, if it reads on), with what is around
        it; its span is taken."""
        start, end = m.start(), end or m.end()
        window = _window(plain, start, end)
        claims.append(
            Claim(kind, shown, low, high, unit, _qualifier(plain, start), plain[start:end], window)
        )
        take((start, end))

    for m in _PRICE.finditer(plain):
        symbol = (m.group(1) or m.group(4) or "").lower()
        amount = _number(m.group(2) or m.group(3))
        period_word, end = m.group(5), m.end()
        said = cents_after(plain, end) if m.group(3) and not period_word else None
        if said is not None and amount.is_integer():
            # "seven euros fifty", "three pounds ninety-nine a month"
            amount, end = amount + said[0] / 100, said[1]
            if (after := _PERIOD_AFTER.match(plain, end)) and after.group(1):
                period_word, end = after.group(1), after.end()
        period = PERIOD_WORDS.get((period_word or "").lower(), "") or _period_before(
            plain, m.start()
        )
        currency = CURRENCY_SYMBOLS.get(symbol) or CURRENCY_WORDS.get(symbol, symbol.upper())
        per = f"{currency}/{period}"
        add(m, "price", f"{amount:g} {per}", amount, amount, per, end)
    for m in _PERCENT.finditer(plain):
        if free(*m.span()):
            value = _number(m.group(1) or m.group(2))
            add(m, "percent", f"{value:g}%", value, value, "%")
    for m in _DURATION.finditer(plain):
        if not free(*m.span()):
            continue
        before_it = plain[max(0, m.start() - 20) : m.start()]
        if _AGE_AFTER.match(plain, m.end()) or _AGE_BEFORE.search(before_it):
            take(m.span())  # an age: neither a duration nor a count
            continue
        unit = duration_unit(m.group(2))
        if (
            unit is not None
            and unit.name == "hour"
            and _CLOCK.search(plain, max(0, m.start() - 3), m.end())
        ):
            take(m.span())
            continue
        number = re.match(_RANGE, m.group(0), re.IGNORECASE)
        if unit is None or number is None:
            continue
        low, high = _range(number.group(0))
        before = (m.group(1) or "").lower()
        family = (
            "business"
            if before in BUSINESS_BEFORE or m.group(3) or unit.family == "business"
            else "time"
        )
        shown = f"{low:g}-{high:g} {unit.name}" if low != high else f"{low:g} {unit.name}"
        add(m, "duration", shown, low * unit.factor, high * unit.factor, family)
    for m in _DURATION_PHRASE.finditer(plain):
        if not free(*m.span()):
            continue
        minutes = DURATION_PHRASES[m.group(1).lower()]
        add(m, "duration", f"{minutes:g} minute", minutes, minutes, "time")
    for m in _MEASURE.finditer(plain):
        measure = measure_unit(m.group(1))
        number = re.match(_RANGE, m.group(0), re.IGNORECASE)
        if not free(*m.span()) or measure is None or number is None:
            continue
        low, high = _range(number.group(0))
        shown = f"{low:g}-{high:g} {measure.name}" if low != high else f"{low:g} {measure.name}"
        add(m, "quantity", shown, low * measure.factor, high * measure.factor, measure.family)
    for m in _VERSION.finditer(plain):
        if free(*m.span()):
            product = m.group(1).lower()
            product = "version" if product in ("v", "version", "versión", "versão") else product
            claims.append(
                Claim(
                    "version",
                    m.group(2),
                    None,
                    None,
                    product,
                    _qualifier(plain, m.start()),
                    m.group(0),
                    _window(plain, m.start(), m.end()),
                )
            )
            take(m.span())
    for m in _QUANTITY.finditer(plain):
        if not free(*m.span()):
            continue
        noun = _unit(m.group(2), m.group(3))
        if not noun:
            continue
        value = _number(m.group(1))
        claims.append(
            Claim(
                "quantity",
                f"{value:g} {noun}",
                value,
                value,
                noun,
                _qualifier(plain, m.start()),
                m.group(0),
                _window(plain, m.start(), m.end()),
                _nouns(m.group(2), m.group(3)),
            )
        )
        take(m.span())
    if not numbers_only:
        claims.extend(
            Claim(c.kind, c.value, unit=c.kind, span=c.span, context=c.context)
            for c in paths_and_labels(sentence)
        )
    return claims


def _unit(first: str, second: str | None) -> str:
    """The counted noun after a number ("50 team members" -> "member"), or "" if none."""
    w1 = first.lower()
    if w1 in _UNIT_SKIP or w1.isdigit():
        if second and second.lower() not in _UNIT_SKIP:
            return stem(second.lower())
        return ""
    if second and second.lower() not in _UNIT_SKIP and w1 in ("team", "event", "booking", "api"):
        return f"{stem(w1)} {stem(second.lower())}"
    return stem(w1)


def _nouns(first: str, second: str | None) -> frozenset[str]:
    return frozenset(stem(w.lower()) for w in (first, second) if w and w.lower() not in _UNIT_SKIP)
