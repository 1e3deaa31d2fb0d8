"""The shared multilingual text toolkit (en/es/de/fr/pt): language detection, the sentence
splitter, the stopword list, folding and content words, number words and digits with either
decimal mark, units (durations, weights, sizes, lengths, currencies, billing periods), number
qualifiers, menu-path lead verbs and change/exception cues, and the character bigrams that
keyword search uses for Chinese, Japanese, Korean and Thai (`unspaced`).

Pure functions and tables; imports nothing of the project outside `kb.text` (an import-linter
contract), so every layer may use it.
"""

from __future__ import annotations

from kb.text.language import detect_language
from kb.text.language_cues import cue_language
from kb.text.lexicon import (
    CALENDAR_WORDS,
    CHANGE_CUES,
    EXCEPTION_CUES,
    HOW_MANY,
    LABEL_STOPS,
    LEAD_VERB,
    MENU_LEAD_VERBS,
    MONTHS,
    PATH_CONNECTORS,
    PRESS_VERBS,
    SEQUENCE_WORDS,
    phrase_pattern,
    qualifier,
)
from kb.text.numbers import (
    LANGUAGES,
    cents_after,
    number_pattern,
    number_words,
    parse_number,
    trie_pattern,
)
from kb.text.sentences import Segment, plain_text, split_prose, split_segments, split_sentences
from kb.text.units import (
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
    Unit,
    duration_unit,
    measure_unit,
    on_month_scale,
    whole_months,
    words_pattern,
)
from kb.text.unspaced import segment_unspaced, unspaced_terms
from kb.text.words import NEGATIONS, NUMBER_WORDS, STOPWORDS, content_set, content_words, fold

__all__ = [
    "BUSINESS_AFTER",
    "BUSINESS_BEFORE",
    "CALENDAR_BEFORE",
    "CALENDAR_WORDS",
    "CHANGE_CUES",
    "CURRENCY_SYMBOLS",
    "CURRENCY_WORDS",
    "DURATION_PHRASES",
    "DURATION_UNITS",
    "EXCEPTION_CUES",
    "HOW_MANY",
    "LABEL_STOPS",
    "LANGUAGES",
    "LEAD_VERB",
    "MEASURE_UNITS",
    "MENU_LEAD_VERBS",
    "MONTHS",
    "NEGATIONS",
    "NUMBER_WORDS",
    "PATH_CONNECTORS",
    "PERIOD_ADJECTIVES",
    "PERIOD_LEADS",
    "PERIOD_WORDS",
    "PRESS_VERBS",
    "SEQUENCE_WORDS",
    "STOPWORDS",
    "Segment",
    "Unit",
    "cents_after",
    "content_set",
    "content_words",
    "cue_language",
    "detect_language",
    "duration_unit",
    "fold",
    "measure_unit",
    "number_pattern",
    "number_words",
    "on_month_scale",
    "parse_number",
    "phrase_pattern",
    "plain_text",
    "qualifier",
    "segment_unspaced",
    "split_prose",
    "split_segments",
    "split_sentences",
    "trie_pattern",
    "unspaced_terms",
    "whole_months",
    "words_pattern",
]
