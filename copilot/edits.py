"""How much an agent changed a draft before sending it: a quality signal per cited article."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def edit_distance(draft: str, final: str) -> float:
    """Word-level Levenshtein distance normalised to 0 (sent as drafted) .. 1 (rewritten)."""
    a, b = _WORD.findall(draft.lower()), _WORD.findall(final.lower())
    if not a and not b:
        return 0.0
    previous = list(range(len(b) + 1))
    for i, word in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, other in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other))
        previous = current
    return round(previous[-1] / max(len(a), len(b)), 4)
