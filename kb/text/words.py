"""Content words for comparing texts across en/es/de/fr/it/pt/nl: folded, stopword-free, stemmed.

The one stopword list and the one `fold`. Used by support checking, extractive scoring, thread
summaries and the flags, so that "Passwords" and "password", "días" and "dias", "two" and "2"
compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kb.text.numbers import number_words
from kb.text.stopwords import STOPWORDS
from kb.text.unspaced import bigrams, pieces

_TOKEN = re.compile(r"\w+", re.UNICODE)
STEM_LENGTH = 7  # truncation after suffix stripping: a cheap, language-agnostic stemmer

# Number words read as digits, so "two" and "2" compare equal: the small counts help content
# writes out, in every language `kb.text.numbers` reads. Not "one": mostly a pronoun ("the
# new one"); larger numbers are written in digits.
DIGIT_WORD_VALUES = frozenset({2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 20, 30})

_NEGATIONS_TEXT = (
    "not no never cannot cant nt without none nothing nunca sin ningun ninguna jamas nicht kein "
    "keine keinen keiner nie niemals ohne ne pas jamais sans aucun aucune non mai senza nao "
    "sem niet geen nooit zonder"
)
NEGATIONS = frozenset(_NEGATIONS_TEXT.split())
_SUFFIXES = ("ing", "ies", "es", "ed", "s", "e")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lowercase without diacritics ("Días" -> "dias", "Grüße" -> "grusse")."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ß", "ss"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# folded word -> digits ("dos" -> "2", "zwolf" -> "12")
NUMBER_WORDS: dict[str, str] = {
    fold(word): str(value) for word, value in number_words().items() if value in DIGIT_WORD_VALUES
}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Strip one common inflection, undouble a final consonant, truncate (symmetric, crude)."""
    if word.isdigit() or len(word) <= 3:
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word[:STEM_LENGTH]


def tokens(text: str) -> list[str]:
    """Folded word tokens; number words become digits; `n't` splits off as a negation; runs
    of Chinese, Japanese, Korean or Thai give their bigrams (kb/text/unspaced.py)."""
    out: list[str] = []
    for piece, unspaced in pieces(text):
        if unspaced:
            out.extend(bigrams(piece))
            continue
        for tok in _TOKEN.findall(fold(piece).replace("n't", " nt")):
            out.append(NUMBER_WORDS.get(tok, tok))
    return out


def content_words(text: str) -> list[str]:
    """Stemmed tokens minus stopwords and single letters, in order (duplicates kept)."""
    return [stem(t) for t in tokens(text) if t not in STOPWORDS and (len(t) > 1 or t.isdigit())]


def content_set(text: str) -> frozenset[str]:
    return frozenset(content_words(text))


def is_negated(text: str) -> bool:
    """Whether the text contains a negation word in any supported language."""
    return any(t in NEGATIONS for t in tokens(text))
