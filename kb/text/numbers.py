"""Numbers as help content writes them, in en/es/de/fr/pt: digits with either decimal mark
("1,5" / "1.5", "1.000" / "1,000") and number words ("thirty", "treinta y cinco",
"vierundzwanzig", "vingt-quatre", "vinte e quatro"), parsed to a float.

Indefinite articles that double as "one" (un/una/ein/une/um/uma) are left out on purpose:
"una caja" is not a claim about the number one; so are words that are also common English
(Spanish "once", German "null", French "cent" and a bare "sept").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_UNITS: dict[str, dict[str, int]] = {
    "en": {
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9,
    },
    "es": {
        "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
        "nueve": 9,
    },
    "de": {
        "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
        "acht": 8, "neun": 9,
    },
    "fr": {
        "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
        "neuf": 9,
    },  # "sept" alone is also "Sept." in English dates: only compounds use it (below)
    "pt": {
        "dois": 2, "duas": 2, "três": 3, "quatro": 4, "cinco": 5, "seis": 6, "sete": 7,
        "oito": 8, "nove": 9,
    },
}  # fmt: skip
_TEENS: dict[str, dict[str, int]] = {
    "en": {
        "zero": 0, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
        "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    },
    "es": {
        "cero": 0, "diez": 10, "doce": 12, "trece": 13, "catorce": 14,
        "quince": 15, "dieciséis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19,
        "veintiuno": 21, "veintiún": 21, "veintidós": 22, "veintitrés": 23, "veinticuatro": 24,
        "veinticinco": 25, "veintiséis": 26, "veintisiete": 27, "veintiocho": 28,
        "veintinueve": 29,
    },
    "de": {
        "zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14,
        "fünfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19,
    },
    "fr": {
        "zéro": 0, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
        "quinze": 15, "seize": 16, "dix-sept": 17, "dix-huit": 18, "dix-neuf": 19,
        "soixante-dix": 70, "quatre-vingt": 80, "quatre-vingts": 80, "quatre-vingt-dix": 90,
    },
    "pt": {
        "zero": 0, "dez": 10, "onze": 11, "doze": 12, "treze": 13, "catorze": 14,
        "quatorze": 14, "quinze": 15, "dezasseis": 16, "dezesseis": 16, "dezassete": 17,
        "dezessete": 17, "dezoito": 18, "dezanove": 19, "dezenove": 19,
    },
}  # fmt: skip
_TENS: dict[str, dict[str, int]] = {
    "en": {
        "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90,
    },
    "es": {
        "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60,
        "setenta": 70, "ochenta": 80, "noventa": 90,
    },
    "de": {
        "zwanzig": 20, "dreißig": 30, "dreissig": 30, "vierzig": 40, "fünfzig": 50,
        "sechzig": 60, "siebzig": 70, "achtzig": 80, "neunzig": 90,
    },
    "fr": {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60},
    "pt": {
        "vinte": 20, "trinta": 30, "quarenta": 40, "cinquenta": 50, "sessenta": 60,
        "setenta": 70, "oitenta": 80, "noventa": 90,
    },
}  # fmt: skip
_BIG: dict[str, dict[str, int]] = {
    "en": {"hundred": 100, "thousand": 1000},
    "es": {"cien": 100, "mil": 1000},
    "de": {"hundert": 100, "tausend": 1000},
    "fr": {"mille": 1000},  # "cent" alone reads as the English coin
    "pt": {"cem": 100, "mil": 1000},
}
LANGUAGES = tuple(_UNITS)


def _compounds(lang: str) -> dict[str, int]:
    """21-99 written out: "twenty-four", "treinta y cuatro", "vierundzwanzig", ..."""
    out: dict[str, int] = {}
    units = dict(_UNITS[lang])
    for tens_word, tens in _TENS[lang].items():
        for unit_word, unit in units.items():
            if lang == "en":
                out[f"{tens_word}-{unit_word}"] = tens + unit
                out[f"{tens_word} {unit_word}"] = tens + unit
            elif lang == "es" and tens > 20:
                out[f"{tens_word} y {unit_word}"] = tens + unit
            elif lang == "de":
                stem = "ein" if unit == 1 else unit_word
                out[f"{stem}und{tens_word}"] = tens + unit
            elif lang == "fr":
                out[f"{tens_word}-{unit_word}"] = tens + unit
            elif lang == "pt":
                out[f"{tens_word} e {unit_word}"] = tens + unit
        if lang == "fr":
            out[f"{tens_word} et un"] = tens + 1
            out[f"{tens_word}-et-un"] = tens + 1
    return out


@lru_cache(maxsize=1)
def number_words() -> dict[str, int]:
    """Every number word this module reads, lower case, with its value."""
    out: dict[str, int] = {}
    for lang in LANGUAGES:
        for table in (_UNITS[lang], _TEENS[lang], _TENS[lang], _BIG[lang], _compounds(lang)):
            out.update(table)
    out.pop("sept", None)
    return out


def trie_pattern(words: list[str]) -> str:
    """A regex alternation of `words` factored by common prefixes (fast with many words)."""
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return emit(trie)


_DIGITS = r"\d{1,3}(?:[.,\u00a0\u202f]\d{3})+(?![\d.,]\d)|\d+(?:[.,]\d+)?"


@lru_cache(maxsize=1)
def number_pattern() -> str:
    """Regex source for one number: digits (either decimal mark) or a number word."""
    words = sorted(number_words(), key=len, reverse=True)
    return rf"(?:{_DIGITS}|\b{trie_pattern(words)}\b)"


_THOUSANDS = re.compile(r"^\d{1,3}(?:[.,\u00a0\u202f]\d{3})+$")


def parse_number(text: str) -> float | None:
    """The value of one number as `number_pattern` matches it (None if it is not one)."""
    t = text.strip()
    if t.isascii() and t.isdigit():
        return float(t)
    t = unicodedata.normalize("NFC", t.lower())
    if not t:
        return None
    if t in number_words():
        return float(number_words()[t])
    if _THOUSANDS.match(t):
        return float(re.sub(r"[.,\u00a0\u202f]", "", t))
    try:
        return float(t.replace(",", "."))
    except ValueError:
        return None
