"""Question and passage text as the answerability features read it: normalized terms, the
specific terms, numbers and named things a question asks about, and the slot it asks for.

Normalization matches the keyword index (lower case, diacritics removed; Chinese, Japanese,
Korean and Thai as character bigrams), so a term's document frequency can be read from it.
Bounded: at most MAX_TERMS terms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kb.text.lexicon import CALENDAR_WORDS
from kb.text.stopwords import CONVERSATION_WORDS
from kb.text.stopwords import DECISION_STOPWORDS as STOPWORDS
from kb.text.unspaced import bigrams, pieces

MAX_TERMS = 24
MAX_TEXT_CHARS = 4000
PREFIX = 5  # terms of 5+ letters match on their first 5 (cancel / cancelling / cancellation)

_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_TECHNICAL = re.compile(r"\b\w+(?:\.\w+)+\b|\b(?=\w*\d)(?=\w*[^\W\d])\w{2,}\b", re.UNICODE)
# "on the 18th", "at 11am": when, not what is asked, and not a technical name either
_CLOCK_OR_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th|am|pm)")
_CAPITALIZED = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w&'-]*(?:\s+[A-Z][\w&'-]*)*)", re.UNICODE)

# The asked-for slot: what kind of statement an answer must contain.
SLOT_PATTERNS: dict[str, re.Pattern[str]] = {
    "price": re.compile(
        r"\b(how much|price|pricing|cost|costs|fee|fees|charge|charged|cuanto cuesta|cuánto"
        r"|precio|coste|kostet|preis|gebühr|combien|prix|tarif)\b",
        re.IGNORECASE,
    ),
    "quantity": re.compile(
        r"\b(how many|limit|limits|maximum|minimum|max|min|up to|cuantos|cuántos|cuántas"
        r"|límite|wie viele|maximal|höchstens|combien de)\b",
        re.IGNORECASE,
    ),
    "time": re.compile(
        r"\b(how long|what time|when|until|deadline|days|hours|minutes|cuándo|cuando|cuánto tiempo"
        r"|wann|wie lange|quand|combien de temps)\b",
        re.IGNORECASE,
    ),
}
_CURRENCY = re.compile(r"[$€£¥]|\b(usd|eur|gbp|dollars?|euros?|free|gratis|kostenlos)\b", re.I)
_TIME_WORDS = re.compile(
    r"\b(\d+\s*(am|pm|h|hours?|minutes?|days?|weeks?|months?|years?)|\d{1,2}:\d{2}|immediately"
    r"|instantly|days?|hours?|weeks?|months?|días|stunden|tage|jours|heures)\b",
    re.I,
)


def fold(text: str) -> str:
    """Lower case without diacritics, as the keyword index's `remove_diacritics 2`."""
    decomposed = unicodedata.normalize("NFKD", text[:MAX_TEXT_CHARS].lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of `text` in order; runs of the unspaced scripts give their bigrams,
    unfolded as the keyword index holds them (text without them: exactly `\\w+` of `fold`)."""
    out: list[str] = []
    for piece, unspaced in pieces(text[:MAX_TEXT_CHARS]):
        out.extend(bigrams(piece) if unspaced else _WORD.findall(fold(piece)))
    return out


def terms(text: str) -> list[str]:
    """Distinct content terms in order of appearance (folded, stopwords dropped)."""
    seen: dict[str, None] = {}
    stop = _FOLDED_STOPWORDS
    for word in words(text):
        if word in stop or len(word) < 2 or word.isdigit() or _CLOCK_OR_ORDINAL.fullmatch(word):
            continue
        seen.setdefault(word, None)
        if len(seen) >= MAX_TERMS:
            break
    return list(seen)


def numbers(text: str) -> list[str]:
    return list(dict.fromkeys(n.replace(",", ".") for n in _NUMBER.findall(text[:MAX_TEXT_CHARS])))


def named_things(text: str) -> list[str]:
    """Names, products, places and technical tokens: capitalized words not opening a
    sentence, and dotted or mixed letter-digit tokens (meet.example.com, 2FA), as terms."""
    out: dict[str, None] = {}
    head = text[:MAX_TEXT_CHARS]
    for match in (*_CAPITALIZED.finditer(head), *_TECHNICAL.finditer(head)):
        for word in terms(match.group(0)):
            out.setdefault(word, None)
    return list(out)[:MAX_TERMS]


def slot(question: str) -> str | None:
    """The kind of fact the question asks for, when it names one."""
    for name, pattern in SLOT_PATTERNS.items():
        if pattern.search(question[:MAX_TEXT_CHARS]):
            return name
    return None


def slot_filled(name: str | None, passage: str) -> bool:
    """Whether `passage` holds the kind of statement the slot asks for."""
    if name is None:
        return True
    if name == "price":
        return bool(_CURRENCY.search(passage)) or bool(_NUMBER.search(passage))
    if name == "quantity":
        return bool(_NUMBER.search(passage))
    return bool(_TIME_WORDS.search(passage)) or bool(_NUMBER.search(passage))


@dataclass(frozen=True)
class TermIndex:
    """A passage's words, for exact and prefix matching of question terms."""

    words: frozenset[str]
    prefixes: frozenset[str]
    numbers: frozenset[str]

    @classmethod
    def of(cls, text: str) -> TermIndex:
        found = frozenset(words(text))
        return cls(
            words=found,
            prefixes=frozenset(w[:PREFIX] for w in found if len(w) >= PREFIX),
            numbers=frozenset(numbers(text)),
        )

    def has(self, term: str) -> bool:
        if term in self.words:
            return True
        return len(term) >= PREFIX and term[:PREFIX] in self.prefixes


# months and weekdays too: a capitalized "October" is not a product name
_FOLDED_STOPWORDS = frozenset(fold(w) for w in (*STOPWORDS, *CALENDAR_WORDS, *CONVERSATION_WORDS))
