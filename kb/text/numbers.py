"""Numbers as help content writes them, in en/es/de/fr/pt/it/nl/pl/tr: digits with either decimal
mark ("1,5" / "1.5", "1.000" / "1,000") and number words up to 999 ("thirty", "treinta y
cinco", "vierundzwanzig", "vingt-quatre", "vinte e quatro", "doscientos cuarenta y nueve",
"trecentocinquanta", "two hundred and fifty", "vijfentwintig", "dwadzieścia pięć", "on beş"),
parsed to a float.

Indefinite articles that double as "one" (un/una/uno/ein/une/um/uma) are left out on purpose:
"una caja" is not a claim about the number one; so are words that are also common English
(Spanish "once", German "null", French "cent", a bare "sept" and Italian "due", Turkish
"on" and "bin"); Dutch "een", Polish "jeden" and Turkish "bir" are "one" and "a" at
once, and left out too (Dutch "één", written with its accents, "Eén" at a sentence start, is
"one" only).
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
    "it": {
        "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8,
        "nove": 9,
    },  # "uno/una/un" is also the article
    "nl": {
        "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9,
    },
    "pl": {
        "dwa": 2, "dwie": 2, "trzy": 3, "cztery": 4, "pięć": 5, "sześć": 6, "siedem": 7,
        "osiem": 8, "dziewięć": 9,
    },
    "tr": {
        "iki": 2, "üç": 3, "dört": 4, "beş": 5, "altı": 6, "yedi": 7, "sekiz": 8, "dokuz": 9,
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
    "it": {
        "zero": 0, "dieci": 10, "undici": 11, "dodici": 12, "tredici": 13, "quattordici": 14,
        "quindici": 15, "sedici": 16, "diciassette": 17, "diciotto": 18, "diciannove": 19,
    },
    "nl": {
        "nul": 0, "één": 1, "eén": 1, "tien": 10, "twaalf": 12, "dertien": 13, "veertien": 14,
        "vijftien": 15, "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19,
    },  # "elf" (11) is German's too
    "pl": {
        "zero": 0, "dziesięć": 10, "jedenaście": 11, "dwanaście": 12, "trzynaście": 13,
        "czternaście": 14, "piętnaście": 15, "szesnaście": 16, "siedemnaście": 17,
        "osiemnaście": 18, "dziewiętnaście": 19,
    },
    "tr": {"sıfır": 0},  # 10-19 are "on" + a unit: compounds below
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
    "it": {
        "venti": 20, "trenta": 30, "quaranta": 40, "cinquanta": 50, "sessanta": 60,
        "settanta": 70, "ottanta": 80, "novanta": 90,
    },
    "nl": {
        "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60,
        "zeventig": 70, "tachtig": 80, "negentig": 90,
    },
    "pl": {
        "dwadzieścia": 20, "trzydzieści": 30, "czterdzieści": 40, "pięćdziesiąt": 50,
        "sześćdziesiąt": 60, "siedemdziesiąt": 70, "osiemdziesiąt": 80, "dziewięćdziesiąt": 90,
    },
    "tr": {
        "on": 10, "yirmi": 20, "otuz": 30, "kırk": 40, "elli": 50, "altmış": 60, "yetmiş": 70,
        "seksen": 80, "doksan": 90,
    },  # a bare "on" is English: only its compounds are kept (number_words)
}  # fmt: skip
_BIG: dict[str, dict[str, int]] = {
    "en": {"hundred": 100, "thousand": 1000},
    "es": {"cien": 100, "mil": 1000},
    "de": {"hundert": 100, "tausend": 1000},
    "fr": {"mille": 1000},  # "cent" alone reads as the English coin
    "pt": {"cem": 100, "mil": 1000},
    "it": {"cento": 100, "mille": 1000},
    "nl": {"honderd": 100, "duizend": 1000},
    "pl": {"sto": 100, "tysiąc": 1000},
    "tr": {"yüz": 100},  # "bin" (1000) is an English word
}
# The hundreds 200-900 and how a rest (1-99) follows them: "doscientos cuarenta y nueve",
# "duzentos e cinquenta", "two hundred (and) fifty", "zweihundertfünfzig", "trois cent vingt",
# "trecentocinquanta"; 100 + rest: "ciento veinte", "cento e vinte", "centoventi", ...
_HUNDREDS: dict[str, dict[str, int]] = {
    "es": {
        "doscientos": 200, "doscientas": 200, "trescientos": 300, "trescientas": 300,
        "cuatrocientos": 400, "cuatrocientas": 400, "quinientos": 500, "quinientas": 500,
        "seiscientos": 600, "seiscientas": 600, "setecientos": 700, "setecientas": 700,
        "ochocientos": 800, "ochocientas": 800, "novecientos": 900, "novecientas": 900,
    },
    "pt": {
        "duzentos": 200, "duzentas": 200, "trezentos": 300, "trezentas": 300,
        "quatrocentos": 400, "quatrocentas": 400, "quinhentos": 500, "quinhentas": 500,
        "seiscentos": 600, "seiscentas": 600, "setecentos": 700, "setecentas": 700,
        "oitocentos": 800, "oitocentas": 800, "novecentos": 900, "novecentas": 900,
    },
    "it": {f"{w}cento": v * 100 for w, v in (("due", 2), ("tre", 3), ("quattro", 4),
           ("cinque", 5), ("sei", 6), ("sette", 7), ("otto", 8), ("nove", 9))},
    "pl": {
        "dwieście": 200, "trzysta": 300, "czterysta": 400, "pięćset": 500, "sześćset": 600,
        "siedemset": 700, "osiemset": 800, "dziewięćset": 900,
    },
    "tr": {f"{w} yüz": v * 100 for w, v in (("iki", 2), ("üç", 3), ("dört", 4), ("beş", 5),
           ("altı", 6), ("yedi", 7), ("sekiz", 8), ("dokuz", 9))},
}  # fmt: skip
_HUNDRED_REST = {"es": " ", "pt": " e ", "it": "", "pl": " ", "tr": " "}  # before the rest
_HUNDRED_ONE = {"es": "ciento", "pt": "cento", "it": "cento", "pl": "sto", "tr": "yüz"}
# "one" inside a compound ("ventuno", "dwadzieścia jeden", "on bir"), though never alone
_ONE_IN_COMPOUNDS = {"it": "uno", "nl": "een", "pl": "jeden", "tr": "bir"}
LANGUAGES = tuple(_UNITS)


def _compounds(lang: str) -> dict[str, int]:
    """21-99 written out: "twenty-four", "treinta y cuatro", "vierundzwanzig", ..."""
    out: dict[str, int] = {}
    units = dict(_UNITS[lang])
    if lang in _ONE_IN_COMPOUNDS:
        units[_ONE_IN_COMPOUNDS[lang]] = 1
    for tens_word, tens in _TENS[lang].items():
        for unit_word, unit in units.items():
            if lang == "it":  # "ventuno", "ventotto" drop the vowel; "ventitré" takes an accent
                joined = tens_word[:-1] + unit_word if unit in (1, 8) else tens_word + unit_word
                out[joined] = tens + unit
                if unit == 3:
                    out[joined[:-1] + "é"] = tens + unit
            if lang == "en":
                out[f"{tens_word}-{unit_word}"] = tens + unit
                out[f"{tens_word} {unit_word}"] = tens + unit
            elif lang == "es" and tens > 20:
                out[f"{tens_word} y {unit_word}"] = tens + unit
            elif lang == "de":
                stem = "ein" if unit == 1 else unit_word
                out[f"{stem}und{tens_word}"] = tens + unit
            elif lang == "nl":  # "vijfentwintig", "tweeëntwintig" (or without the diaeresis)
                out[f"{unit_word}en{tens_word}"] = tens + unit
                if unit_word.endswith("e"):
                    out[f"{unit_word}ën{tens_word}"] = tens + unit
            elif lang == "fr":
                out[f"{tens_word}-{unit_word}"] = tens + unit
            elif lang == "pt":
                out[f"{tens_word} e {unit_word}"] = tens + unit
            elif lang in ("pl", "tr"):
                out[f"{tens_word} {unit_word}"] = tens + unit
        if lang == "fr":
            out[f"{tens_word} et un"] = tens + 1
            out[f"{tens_word}-et-un"] = tens + 1
    if (
        lang == "fr"
    ):  # 71-79 and 81-99 count on from 60 and 80: "soixante-douze", "quatre-vingt-dix-neuf"
        for word, n in _TEENS["fr"].items():
            if 11 <= n <= 19:
                out[f"soixante-{word}"] = 60 + n
                out[f"quatre-vingt-{word}"] = 80 + n
        out["soixante et onze"] = out["soixante-et-onze"] = 71
        for unit_word, unit in {**_UNITS["fr"], "un": 1}.items():
            out[f"quatre-vingt-{unit_word}"] = 80 + unit
    return out


def _below_hundred(lang: str) -> dict[str, int]:
    out = {**_UNITS[lang], **_TEENS[lang], **_TENS[lang], **_compounds(lang)}
    out = {w: v for w, v in out.items() if v}  # no zero inside a compound
    if lang == "it":
        out["uno"] = 1
    return out


def _hundreds(lang: str) -> dict[str, int]:
    """101-999 written out (and the round hundreds 200-900)."""
    rest = _below_hundred(lang)
    out: dict[str, int] = {}
    if lang in _HUNDREDS:
        sep = _HUNDRED_REST[lang]
        heads = {**_HUNDREDS[lang], _HUNDRED_ONE[lang]: 100}
        for head, value in heads.items():
            if head != _HUNDRED_ONE[lang] or lang == "it":
                out[head] = value
            for word, n in rest.items():
                out[f"{head}{sep}{word}"] = value + n
        return out
    units = [(w, v) for w, v in _UNITS[lang].items() if v > 1]
    if lang == "en":
        for head_word, times in [("one", 1), ("a", 1), *units]:
            out[f"{head_word} hundred"] = times * 100
            for word, n in rest.items():
                for sep in (" hundred and ", " hundred "):
                    out[f"{head_word}{sep}{word}"] = times * 100 + n
    elif lang == "de":
        for head_word, times in [("ein", 1), *units]:
            out[f"{head_word}hundert"] = times * 100
            for word, n in rest.items():
                out[f"{head_word}hundert{'eins' if n == 1 else word}"] = times * 100 + n
    elif lang == "nl":  # "honderdvijftig", "tweehonderd", "driehonderdtwintig"
        for head_word, times in [("", 1), *units]:
            out[f"{head_word}honderd"] = times * 100
            for word, n in rest.items():
                out[f"{head_word}honderd{word}"] = times * 100 + n
    elif lang == "fr":
        for head_word, times in [("", 1), *units]:
            lead = f"{head_word} cent" if head_word else "cent"
            if head_word:
                out[f"{head_word} cents"] = times * 100
            for word, n in rest.items():
                out[f"{lead} {word}"] = times * 100 + n
    return out


@lru_cache(maxsize=1)
def number_words() -> dict[str, int]:
    """Every number word this module reads, lower case, with its value."""
    out: dict[str, int] = {}
    for lang in LANGUAGES:
        for table in (_UNITS[lang], _TEENS[lang], _TENS[lang], _BIG[lang], _compounds(lang)):
            out.update(table)
        out.update(_hundreds(lang))
    for english in ("sept", "due", "on"):  # "Sept." in a date, "due in", "on": compounds only
        out.pop(english, None)
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


# the cents of an amount said the way it is spoken, after its currency: "seven euros fifty",
# "three pounds ninety-nine", "cinq euros quatre-vingt-dix", "sette euro e cinquanta",
# "siete euros con cincuenta", "sieben Euro fünfzig" — whole cents only, and only where
# the sentence, a billing period, a conjunction or a verb "to be" follows ("10 euros 30 days"
# is not €10.30)
_CENTS = re.compile(
    r"\s++(?:(?:and|e|y|con|et|und|en|i|ve)\s++)?"
    r"(?P<cents>\d{2}(?!\d)|[^\W\d_][\w-]*+)"
    r"(?:\s++(?:cents?|céntimos?|centimes?|centesimi|cêntimos?|pence|groszy|kuruş))?"
    r"(?=\s*+(?:$|[^\w\s]|(?:a|an|per|each|al|por|pro|im|par|ao|cada|je|and|y|et|e|und|en|"
    r"or|o|ou|oder|of|de|di|is|are|was|es|est|ist|è|é|era|son|sont|sind|sono|são|zijn)(?!\w)))",
    re.IGNORECASE,
)


def cents_after(text: str, pos: int) -> tuple[int, int] | None:
    """(cents, end) of whole cents said right after a currency ending at `pos`, else None."""
    m = _CENTS.match(text, pos)
    if m is None:
        return None
    value = parse_number(m.group("cents"))
    if value is None or not value.is_integer() or not 1 <= value <= 99:
        return None
    return int(value), m.end()
