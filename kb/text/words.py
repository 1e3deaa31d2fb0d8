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
from kb.text.unspaced import bigrams, pieces

_TOKEN = re.compile(r"\w+", re.UNICODE)
STEM_LENGTH = 7  # truncation after suffix stripping: a cheap, language-agnostic stemmer

# Number words read as digits, so "two" and "2" compare equal: the small counts help content
# writes out, in every language `kb.text.numbers` reads. Not "one": mostly a pronoun ("the
# new one"); larger numbers are written in digits.
DIGIT_WORD_VALUES = frozenset({2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 20, 30})

_STOPWORDS_TEXT = """
a an the and or but if then than so to of in on at by for with from into onto about as is are
was were be been being am do does did done have has had having i me my mine we us our you your
yours he him his she her it its they them their this that these those there here what which who
whom whose when where why how can could will would shall should may might must just also too
very really please thanks thank hi hello dear get got make made use used go going want need like
let know sure okay ok yes any some all each every other more most such only own same again
further once out up down over under off new one ll ve re s t d m don isn aren wasn doesn didn
via e g ie eg etc
el la los las un una unos unas y o pero si de del al en con por para que como es son fue ser
esta este estos estas eso esa ese lo le les se su sus mi mis tu tus te me nos os ya muy mas
hay tiene tienen puede puedes hola gracias desde cuando donde tambien sobre entre hasta
der die das den dem des ein eine einen einem einer und oder aber wenn dann als auf aus bei mit
nach von vor zu zum zur im am ist sind war waren sein hat haben du sie er es wir ihr ich mich
dich dir mir uns euch sich auch noch nur schon sehr bitte danke hallo dein deine ihre ihr kann
konnen wird werden wie was wo
le la les un une des du de et ou mais si dans en sur par pour avec que qui est sont etre
avoir ce cet cette ces il elle ils elles nous vous je tu me te se son sa ses leur leurs mon ma
mes ton ta tes au aux plus tres aussi bonjour merci comment
il lo gli uno e di da con per che come sono ciao grazie
o os as um uma e do da dos das em no na nos nas com por para que como ola obrigado
de het een en of maar als dan op uit bij met naar van voor te is zijn was waren je jij u we wij
ik hij zij ze mijn jouw hoe wat
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
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
