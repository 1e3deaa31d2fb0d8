"""Checkable claims inside a sentence: numbers (with %, currency or duration unit) and UI labels.

A draft sentence may paraphrase its source, but every fact extracted here must appear in
the source passage it is matched to; that is the hard half of support checking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.text.words import NUMBER_WORDS, fold

_NUMBER = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)*)")
_NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")
_CURRENCY_BEFORE = re.compile(r"([$€£¥])\s*$")
UNIT_REACH = 24  # characters read on each side of a number for its unit (bounded per number)
MAX_CANONICAL_DIGITS = 30  # longer digit runs keep their spelling (int() of a huge run raises)
_AFTER = re.compile(
    r"^\s*+-?\s*+(%|percent\b|per ?cent\b|por ciento\b|prozent\b|pour ?cent\b|per cento\b"
    r"|€|eur\b|euros?\b|\$|usd\b|dollars?\b|dolares\b|£|gbp\b|pounds?\b"
    r"|business days?\b|working days?\b|dias habiles\b|werktagen?\b|jours ouvres\b"
    r"|seconds?\b|secs?\b|segundos?\b|sekunden?\b|secondes?\b"
    r"|minutes?\b|mins?\b|minutos?\b|minuten?\b|minuti\b"
    r"|hours?\b|hrs?\b|h\b|horas?\b|stunden?\b|std\b|heures?\b|ore\b|uur\b"
    r"|days?\b|dias?\b|tagen?\b|tage\b|jours?\b|giorni\b|dagen\b"
    r"|weeks?\b|semanas?\b|wochen?\b|semaines?\b|settimane\b|weken\b"
    r"|months?\b|mes(?:es)?\b|monat(?:e|en)?\b|mois\b|mesi\b|maanden\b"
    r"|years?\b|anos?\b|jahre?n?\b|ans?\b|anni\b|jaar\b)"
)
_UNIT_CANON = (
    (re.compile(r"^(%|per|por ciento|prozent|pour)"), "%"),
    (re.compile(r"^(€|eur)"), "eur"),
    (re.compile(r"^(\$|usd|dollar|dolares)"), "usd"),
    (re.compile(r"^(£|gbp|pound)"), "gbp"),
    (re.compile(r"^(business|working|dias habiles|werktag|jours ouvres)"), "bday"),
    (re.compile(r"^(sec|segund|sekund)"), "s"),
    (re.compile(r"^(min)"), "min"),
    (re.compile(r"^(hour|hr|h$|hora|stund|std|heure|ore|uur)"), "h"),
    (re.compile(r"^(day|dia|tag|jour|giorni|dagen)"), "d"),
    (re.compile(r"^(week|semana|woche|semaine|settiman|weken)"), "w"),
    (re.compile(r"^(month|mes|monat|mois|maand)"), "mo"),
    (re.compile(r"^(year|ano|jahr|an|anni|jaar)"), "y"),
)
_CURRENCY_SYMBOL = {"$": "usd", "€": "eur", "£": "gbp", "¥": "jpy"}
_QUOTED = re.compile(
    r"\*\*(?P<b>[^*\n]{1,80}?)\*\*|__(?P<u>[^_\n]{1,80}?)__|\"(?P<q>[^\"\n]{1,60})\""
    r"|“(?P<c>[^”\n]{1,60})”|„(?P<g>[^“”\n]{1,60})[“”]|«\s*(?P<f>[^»\n]{1,60}?)\s*»"
)
_NON_ALNUM = re.compile(r"[^\w]+", re.UNICODE)
MAX_LABEL_WORDS = 8  # longer bold runs are emphasis, not a UI label


@dataclass(frozen=True)
class Fact:
    """A number with its qualifier ("", "%", "eur", "min", "d", ...); `forms` are its spellings."""

    forms: frozenset[str]
    unit: str

    def found_in(self, facts: frozenset[Fact]) -> bool:
        """Same number (any spelling) with the same unit; a bare number matches any unit."""
        return any(
            self.forms & other.forms and (not self.unit or self.unit == other.unit)
            for other in facts
        )


def _forms(raw: str) -> frozenset[str]:
    forms = {raw.replace(",", ".")}
    if _THOUSANDS.match(raw):
        forms.add(re.sub(r"[.,]", "", raw))
    if raw.isdigit() and len(raw) <= MAX_CANONICAL_DIGITS:
        forms.add(str(int(raw)))
    return frozenset(forms)


def _unit(before: str, after: str) -> str:
    symbol = _CURRENCY_BEFORE.search(before)
    if symbol:
        return _CURRENCY_SYMBOL[symbol.group(1)]
    match = _AFTER.match(fold(after))
    if not match:
        return ""
    word = match.group(1).strip()
    for pattern, canon in _UNIT_CANON:
        if pattern.match(word):
            return canon
    return ""


def numbers(text: str) -> frozenset[Fact]:
    """Every number in `text` (digits or small number words) with its unit, if any."""
    found: set[Fact] = set()
    for m in _NUMBER.finditer(text):
        before = text[max(0, m.start() - UNIT_REACH) : m.start()]
        found.add(Fact(_forms(m.group(1)), _unit(before, text[m.end() : m.end() + UNIT_REACH])))
    folded = fold(text)
    for m in _NUMBER_WORD.finditer(folded):
        digits = NUMBER_WORDS[m.group(1)]
        found.add(Fact(_forms(digits), _unit("", folded[m.end() : m.end() + UNIT_REACH])))
    return frozenset(found)


def label_key(text: str) -> str:
    """Comparison form of a label or passage: folded words separated by single spaces."""
    return " ".join(_NON_ALNUM.sub(" ", fold(text)).split())


def labels(text: str) -> tuple[str, ...]:
    """Quoted or bold UI labels ("**Settings > Billing**" -> "settings billing")."""
    out: list[str] = []
    for m in _QUOTED.finditer(text):
        label = next(g for g in m.groups() if g is not None)
        key = label_key(label)
        if key and len(key.split()) <= MAX_LABEL_WORDS and key not in out:
            out.append(key)
    return tuple(out)


def strip_labels(text: str) -> str:
    """Text with bold/quoted labels removed (they are often left untranslated)."""
    return _QUOTED.sub(" ", text)


def missing_facts(sentence: str, evidence: str) -> list[str]:
    """Numbers and labels of `sentence` that `evidence` does not contain (empty: all backed)."""
    have = numbers(evidence)
    missing = [sorted(f.forms)[0] + (f.unit and f" {f.unit}") for f in numbers(sentence)
               if not f.found_in(have)]  # fmt: skip
    haystack = f" {label_key(evidence)} "
    missing.extend(label for label in labels(sentence) if f" {label} " not in haystack)
    return missing
