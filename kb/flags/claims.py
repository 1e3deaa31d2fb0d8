"""Claim extraction: the checkable facts of a sentence (numbers with units, durations,
prices, percentages, versions, UI labels, menu paths), normalised so two sentences'
claims can be compared value for value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from kb.flags.text import STOPWORDS, content_terms, stem, words

ClaimKind = Literal["duration", "price", "percent", "quantity", "version", "label", "path"]

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "sixty": 60,
    "ninety": 90,
    "hundred": 100,
}
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + "|".join(NUMBER_WORDS) + r")"
_RANGE = rf"{_NUM}(?:\s*(?:-|–|to)\s*{_NUM})?"
_DURATION_UNITS = {
    "second": 1 / 60,
    "sec": 1 / 60,
    "minute": 1,
    "min": 1,
    "hour": 60,
    "hr": 60,
    "h": 60,
    "day": 1440,
    "week": 10080,
    "month": 43200,
    "year": 525600,
}
_DURATION = re.compile(
    rf"(?<![\w.]){_RANGE}[\s-]*(business|working|calendar)?[\s-]*"
    r"(seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)
_CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP", "usd": "USD", "eur": "EUR", "gbp": "GBP"}
_PRICE = re.compile(
    rf"(?:([$€£])\s?({_NUM})|({_NUM})\s?(USD|EUR|GBP|€)\b)"
    r"(?:\s*(?:/|per|a|an|each)\s*(month|mo|year|yr|user|seat|member|booking))?",
    re.IGNORECASE,
)
_PERCENT = re.compile(rf"(?<![\w.])({_NUM})\s?(?:%|percent\b)", re.IGNORECASE)
_QUANTITY = re.compile(
    rf"(?<![\w.$€£/:-])({_NUM})(?![\w.:/%-])\s+([A-Za-z][\w-]*)(?:\s+([A-Za-z][\w-]*))?"
)
_VERSION = re.compile(
    r"\b(iOS|iPadOS|Android|macOS|Windows|Chrome|Safari|Firefox|Edge|API|SDK|app|version|v)"
    r"\s*v?(\d+(?:\.\d+){0,3})\b",
    re.IGNORECASE,
)
_BOLD = re.compile(r"\*\*([^*\n]{1,80})\*\*|__([^_\n]{1,80})__")
_QUOTED = re.compile(r"[\"“]([^\"”\n]{2,60})[\"”]|`([^`\n]{2,60})`")
_PATH_SEP = re.compile(r"\s*(?:>|→|»|›)\s*")
_SEGMENT = r"[A-Z][\w&'’/-]*(?: (?:&|[A-Z][\w&'’/-]*))*"
_LEAD_VERB = re.compile(
    r"^(?:Open|Go to|Go|Click|Tap|Select|Choose|Navigate to|Visit|Head to|Under|In)\s+"
)
_PATH = re.compile(rf"{_SEGMENT}(?:\s*(?:>|→|»|›)\s*{_SEGMENT})+")
_QUALIFIERS = (
    (
        "max",
        re.compile(
            r"\b(up to|at most|maximum|max|no more than|limit(?:ed)? (?:of|to)|within|until"
            r"|only)\s*$",
            re.I,
        ),
    ),
    ("min", re.compile(r"\b(at least|minimum|min|more than|over|longer than)\s*$", re.I)),
    ("after", re.compile(r"\b(after|every|each|once a)\s*$", re.I)),
    ("before", re.compile(r"\b(before|ahead of|in advance of|prior to)\s*$", re.I)),
)
_UNIT_SKIP = STOPWORDS | {
    "more",
    "less",
    "fewer",
    "additional",
    "extra",
    "free",
    "new",
    "different",
}


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


def _number(text: str) -> float:
    t = text.lower().replace(",", "")
    return float(NUMBER_WORDS[t]) if t in NUMBER_WORDS else float(t)


def _range(text: str) -> tuple[float, float]:
    parts = re.split(r"\s*(?:-|–|\bto\b)\s*", text.strip())
    nums = [_number(p) for p in parts if p]
    return min(nums), max(nums)


def _qualifier(before: str) -> str:
    for name, pattern in _QUALIFIERS:
        if pattern.search(before):
            return name
    return ""


def _window(text: str, start: int, end: int, span_words: int = 7) -> frozenset[str]:
    """Content terms within a few words of a claim (what the number is about)."""
    left = words(text[:start])[-span_words:]
    right = words(text[end:])[:span_words]
    return frozenset(content_terms(" ".join(left + right)))


def extract_claims(sentence: str) -> list[Claim]:
    """Every claim in one sentence (Markdown inline syntax allowed)."""
    claims: list[Claim] = []
    taken: list[tuple[int, int]] = []
    plain = sentence.replace("**", "").replace("__", "")

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in _PRICE.finditer(plain):
        symbol = m.group(1) or m.group(4) or ""
        amount = _number(m.group(2) or m.group(3))
        period = stem((m.group(5) or "").lower()).replace("mo", "month").replace("yr", "year")
        currency = _CURRENCY.get(symbol.lower(), symbol.upper())
        claims.append(
            Claim(
                "price",
                f"{amount:g} {currency}/{period}",
                amount,
                amount,
                f"{currency}/{period}",
                _qualifier(plain[: m.start()]),
                m.group(0),
                _window(plain, m.start(), m.end()),
            )
        )
        taken.append(m.span())
    for m in _PERCENT.finditer(plain):
        if free(*m.span()):
            value = _number(m.group(1))
            claims.append(
                Claim(
                    "percent",
                    f"{value:g}%",
                    value,
                    value,
                    "%",
                    _qualifier(plain[: m.start()]),
                    m.group(0),
                    _window(plain, m.start(), m.end()),
                )
            )
            taken.append(m.span())
    for m in _DURATION.finditer(plain):
        if not free(*m.span()):
            continue
        number = re.match(_RANGE, m.group(0), re.IGNORECASE)
        assert number is not None
        low, high = _range(number.group(0))
        unit_word = m.group(2).lower().rstrip("s") or "h"
        factor = _DURATION_UNITS.get(unit_word, _DURATION_UNITS.get(unit_word[:3], 1))
        family = "business" if (m.group(1) or "").lower() in ("business", "working") else "time"
        shown = f"{low:g}-{high:g} {unit_word}" if low != high else f"{low:g} {unit_word}"
        claims.append(
            Claim(
                "duration",
                shown,
                low * factor,
                high * factor,
                family,
                _qualifier(plain[: m.start()]),
                m.group(0),
                _window(plain, m.start(), m.end()),
            )
        )
        taken.append(m.span())
    for m in _VERSION.finditer(plain):
        if free(*m.span()):
            product = m.group(1).lower()
            product = "version" if product in ("v", "version") else product
            claims.append(
                Claim(
                    "version",
                    m.group(2),
                    None,
                    None,
                    product,
                    _qualifier(plain[: m.start()]),
                    m.group(0),
                    _window(plain, m.start(), m.end()),
                )
            )
            taken.append(m.span())
    for m in _QUANTITY.finditer(plain):
        if not free(*m.span()):
            continue
        unit = _unit(m.group(2), m.group(3))
        if not unit:
            continue
        value = _number(m.group(1))
        claims.append(
            Claim(
                "quantity",
                f"{value:g} {unit}",
                value,
                value,
                unit,
                _qualifier(plain[: m.start()]),
                m.group(0),
                _window(plain, m.start(), m.end()),
            )
        )
        taken.append(m.span())
    claims.extend(_paths_and_labels(sentence))
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


def _paths_and_labels(sentence: str) -> list[Claim]:
    out: list[Claim] = []
    seen: set[str] = set()
    texts = [m.group(1) or m.group(2) or "" for m in _BOLD.finditer(sentence)]
    bold_paths = [t for t in texts if _PATH_SEP.search(t)]
    plain = _BOLD.sub(" ", sentence)
    for text in [*bold_paths, *(m.group(0) for m in _PATH.finditer(plain))]:
        parts = [p.strip(" .,'\"`") for p in _PATH_SEP.split(text) if p.strip()]
        if parts:
            parts[0] = _LEAD_VERB.sub("", parts[0])
        if len(parts) >= 2 and " > ".join(parts) not in seen:
            seen.add(" > ".join(parts))
            out.append(
                Claim(
                    "path",
                    " > ".join(parts),
                    unit="path",
                    span=text,
                    context=frozenset(content_terms(sentence) - _terms(parts)),
                )
            )
            seen.update(p.lower() for p in parts)
    for m in [*_BOLD.finditer(sentence), *_QUOTED.finditer(sentence)]:
        label = (m.group(1) or m.group(2) or "").strip(" .,:")
        if not label or _PATH_SEP.search(label) or label.lower() in seen:
            continue
        if any(c.isdigit() for c in label) or not any(c.isalpha() for c in label):
            continue
        seen.add(label.lower())
        out.append(
            Claim(
                "label",
                label,
                unit="label",
                span=m.group(0),
                context=frozenset(content_terms(sentence) - _terms([label])),
            )
        )
    return out


def _terms(parts: list[str]) -> set[str]:
    return set().union(*(content_terms(p) for p in parts)) if parts else set()


def comparable(a: Claim, b: Claim) -> bool:
    """Whether two claims state the same kind of fact (so differing values would conflict)."""
    if a.kind != b.kind or a.unit != b.unit:
        return False
    if a.qualifier and b.qualifier and a.qualifier != b.qualifier:
        return False
    if a.kind == "path":
        # same destination: the last steps share a word ("Invoices" / "Invoice history")
        return bool(set(_path_parts(a)[-1].split()) & set(_path_parts(b)[-1].split()))
    return True


def conflicts(a: Claim, b: Claim) -> bool:
    """Whether two comparable claims disagree (ranges that overlap agree)."""
    if a.kind in ("duration", "price", "percent", "quantity"):
        assert a.low is not None and a.high is not None and b.low is not None and b.high is not None
        return a.high < b.low - 1e-9 or b.high < a.low - 1e-9
    if a.kind == "version":
        return _version(a.value) != _version(b.value)
    if a.kind == "path":
        pa, pb = _path_parts(a), _path_parts(b)
        return not (_contains(pa, pb) or _contains(pb, pa))
    la, lb = _norm_label(a.value), _norm_label(b.value)
    return la != lb and la not in lb and lb not in la


def _version(value: str) -> tuple[int, ...]:
    parts = [int(p) for p in value.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _path_parts(c: Claim) -> list[str]:
    return [_norm_label(p) for p in c.value.split(" > ")]


def _contains(outer: list[str], inner: list[str]) -> bool:
    n = len(inner)
    return any(outer[i : i + n] == inner for i in range(len(outer) - n + 1))


def _norm_label(label: str) -> str:
    return " ".join(stem(w) for w in words(label))
