"""The shared multilingual text toolkit (en/es/de/fr/pt): number words and digits with either
decimal mark, units (durations, weights, sizes, lengths, currencies, billing periods),
stopwords, number qualifiers, menu-path lead verbs and change/exception cues, and language
detection (`kb.text.language`).

Pure functions and tables; imports nothing of the project outside `kb.text` (an import-linter
contract), so every layer may use it.
"""

from __future__ import annotations

from kb.text.language import detect_language
from kb.text.lexicon import (
    ALL_STOPWORDS,
    CHANGE_CUES,
    EXCEPTION_CUES,
    LEAD_VERB,
    PATH_CONNECTORS,
    STOPWORDS,
    phrase_pattern,
    qualifier,
)
from kb.text.numbers import LANGUAGES, number_pattern, number_words, parse_number, trie_pattern
from kb.text.units import (
    BUSINESS_AFTER,
    BUSINESS_BEFORE,
    CURRENCY_SYMBOLS,
    CURRENCY_WORDS,
    DURATION_UNITS,
    MEASURE_UNITS,
    PERIOD_WORDS,
    Unit,
    duration_unit,
    fold,
    measure_unit,
)

__all__ = [
    "ALL_STOPWORDS",
    "BUSINESS_AFTER",
    "BUSINESS_BEFORE",
    "CHANGE_CUES",
    "CURRENCY_SYMBOLS",
    "CURRENCY_WORDS",
    "DURATION_UNITS",
    "EXCEPTION_CUES",
    "LANGUAGES",
    "LEAD_VERB",
    "MEASURE_UNITS",
    "PATH_CONNECTORS",
    "PERIOD_WORDS",
    "STOPWORDS",
    "Unit",
    "detect_language",
    "duration_unit",
    "fold",
    "measure_unit",
    "number_pattern",
    "number_words",
    "parse_number",
    "phrase_pattern",
    "qualifier",
    "trie_pattern",
]
