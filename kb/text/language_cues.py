"""The language of a text too short for langdetect (under MIN_LETTERS letters), from cues:
letters and question words only one language of a help center uses.

"¿cómo cancelo reserva?" has 18 letters: langdetect is a coin toss there, but `¿` and `cómo`
are Spanish. A cue counts only among the candidate languages (the help center's), so `como`
still tells Spanish from German where there is no Portuguese to confuse it with. A script
of one language decides at once: kana is Japanese, Hangul Korean, Thai Thai; Han alone is
Chinese (Japanese where the help center has no Chinese).
"""

from __future__ import annotations

import re
from collections.abc import Collection

_LETTER_CUES = {  # worth two words each: these letters are rare outside their language
    "es": "¿¡ñ",
    "de": "äöüß",
    "fr": "çœèêëîïû",
    "pt": "ãõ",
}
_WORD_CUES = {
    "en": """how what when where why which who can could do does did is are my i the to
        you your it this not don't doesn't can't won't i'm there""",
    "es": """cómo como qué que cuál cuándo cuando dónde donde por para puedo quiero tengo mi
        mis el la los las del una un es está no se hay mí también""",
    "de": """wie was wann wo warum welche welcher ich mein meine meinen kann können möchte
        nicht der die das den dem ist und mit ein eine einen für zu es gibt geht""",
    "fr": """comment quoi quand où pourquoi quel quelle je mon ma mes est le les des une un
        pour avec pas peux veux puis-je ne il y a""",
    "pt": """como quando onde porque qual posso quero tenho meu minha não você é do da uma
        para com""",
    "it": """come cosa quando dove perché quale posso voglio ho mio mia non il della una per
        con è""",
}
_WORDS = {lang: frozenset(words.split()) for lang, words in _WORD_CUES.items()}
_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_HAN = re.compile(r"[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]")
_SCRIPTS = (
    ("ja", re.compile(r"[\u3041-\u3096\u30A1-\u30FA\uFF66-\uFF9D]")),
    ("ko", re.compile(r"[\uAC00-\uD7A3\u1100-\u11FF\u3131-\u318E]")),
    ("th", re.compile(r"[\u0E01-\u0E4E]")),
    ("zh", _HAN),
    ("ja", _HAN),
)
MAX_CUE_CHARS = 500  # short texts only: more has enough letters for langdetect


def cue_language(text: str, candidates: Collection[str] | None = None) -> str | None:
    """The one language among `candidates` (every cue language when None) with the most
    cues in `text`; None when no cue or a tie (the caller's default decides)."""
    sample = text[:MAX_CUE_CHARS].lower()
    for lang, script in _SCRIPTS:
        if (candidates is None or lang in candidates) and script.search(sample):
            return lang
    words = _TOKEN.findall(sample.replace("’", "'"))
    scores: dict[str, int] = {}
    for lang in _WORDS.keys() | _LETTER_CUES.keys():
        if candidates is not None and lang not in candidates:
            continue
        letters = sum(sample.count(c) for c in _LETTER_CUES.get(lang, ""))
        score = 2 * letters + sum(w in _WORDS.get(lang, frozenset()) for w in words)
        if score:
            scores[lang] = score
    if not scores:
        return None
    best = max(scores.values())
    winners = [lang for lang, s in scores.items() if s == best]
    return winners[0] if len(winners) == 1 else None


# The scripts a text can be written in besides Latin, with the languages that write them
# (the first is the guess when the text is too short to tell them apart).
SCRIPTS: dict[str, tuple[re.Pattern[str], tuple[str, ...]]] = {
    "cyrillic": (re.compile(r"[\u0400-\u04FF]"), ("ru", "uk", "bg", "sr", "mk")),
    "arabic": (re.compile(r"[\u0600-\u06FF\u0750-\u077F]"), ("ar", "fa", "ur")),
    "hebrew": (re.compile(r"[\u0590-\u05FF]"), ("he",)),
    "greek": (re.compile(r"[\u0370-\u03FF]"), ("el",)),
    "cjk": (re.compile(r"[\u3041-\u30FA\u3400-\u4DBF\u4E00-\u9FFF]"), ("zh", "ja")),
    "hangul": (re.compile(r"[\uAC00-\uD7A3]"), ("ko",)),
    "thai": (re.compile(r"[\u0E01-\u0E4E]"), ("th",)),
}


def dominant_script(text: str) -> str | None:
    """The non-Latin script most of the text's letters are in, or None (Latin, or mixed)."""
    sample = text[:MAX_CUE_CHARS]
    letters = sum(1 for c in sample if c.isalpha())
    if not letters:
        return None
    for name, (pattern, _) in SCRIPTS.items():
        if len(pattern.findall(sample)) * 2 > letters:
            return name
    return None
