"""How much an agent changed a draft before sending it: a quality signal per cited article."""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)
# Work per call is bounded: rapidfuzz's bit-parallel Levenshtein (C++) over at most this many
# words of each side. A reply longer than that is a rewrite whatever its tail says.
MAX_EDIT_WORDS = 5000


def edit_distance(draft: str, final: str) -> float:
    """Word-level Levenshtein distance normalised to 0 (sent as drafted) .. 1 (rewritten)."""
    a = _WORD.findall(draft.lower())[:MAX_EDIT_WORDS]
    b = _WORD.findall(final.lower())[:MAX_EDIT_WORDS]
    if not a and not b:
        return 0.0
    return round(Levenshtein.distance(a, b) / max(len(a), len(b)), 4)
