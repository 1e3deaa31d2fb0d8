"""Keyword terms for scripts written without spaces between words (Chinese, Japanese, Korean
Hangul, Thai): each run of them becomes its overlapping character bigrams, as Lucene's
CJKAnalyzer does, so a question that shares words with an article, not its exact run, matches.

Thai is bigrams too, of its base letters: its combining vowel and tone marks are dropped
first (FTS5's unicode61 and PostgreSQL's parser split words at them, differently). A run of
one letter stays a unigram. Text without these scripts comes back unchanged — the same string
— so keyword terms of every other language are exactly what they were.

PostgreSQL does the same in SQL (`kbc_segment`, kb/storage/postgres_schema.py migration 2);
UNSPACED_CLASS and THAI_MARKS are written there letter for letter, and a conformance test
checks that both agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Letters of the scripts segmented here (no punctuation, digits or spacing marks: those
# separate words already). A regex bracket body, for Python's re and PostgreSQL's ARE alike.
UNSPACED_CLASS = (
    r"\u0E01-\u0E30\u0E32\u0E33\u0E40-\u0E46"  # Thai letters
    r"\u1100-\u11FF\u3131-\u318E\uAC00-\uD7A3\uFFA0-\uFFDC"  # Hangul
    r"\u3005-\u3007\u3041-\u3096\u309D-\u309F\u30A1-\u30FA\u30FC-\u30FF\u31F0-\u31FF"  # kana
    r"\uFF66-\uFF9F"  # half-width katakana
    r"\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\U00020000-\U0002FA1F\U00030000-\U0003134F"  # Han
)
THAI_MARKS = r"\u0E31\u0E34-\u0E3A\u0E47-\u0E4E"  # combining vowels and tone marks

_ANY = re.compile(f"[{UNSPACED_CLASS}{THAI_MARKS}]")
_PIECE = re.compile(f"([{UNSPACED_CLASS}]+)|[^{UNSPACED_CLASS}]+")
_MARKS = re.compile(f"[{THAI_MARKS}]+")


def has_unspaced(text: str) -> bool:
    """Whether `text` holds a letter (or Thai mark) of the scripts segmented here."""
    return _ANY.search(text) is not None


def bigrams(run: str) -> list[str]:
    """The overlapping two-letter pieces of `run` (a run of one letter: itself)."""
    if len(run) < 2:
        return [run] if run else []
    return [run[i : i + 2] for i in range(len(run) - 1)]


def pieces(text: str) -> Iterator[tuple[str, bool]]:
    """`text` in order as (piece, is_unspaced): runs of the segmented scripts (Thai marks
    dropped) and the text between them, untouched."""
    if not _ANY.search(text):
        yield text, False
        return
    for match in _PIECE.finditer(_MARKS.sub("", text)):
        yield match.group(0), match.group(1) is not None


def segment_unspaced(text: str) -> str:
    """`text` with each run of the unspaced scripts replaced by its bigrams, space-separated
    and set off by spaces; any text without those scripts is returned as it is."""
    if not _ANY.search(text):
        return text
    out = []
    for piece, unspaced in pieces(text):
        out.append(f" {' '.join(bigrams(piece))} " if unspaced else piece)
    return "".join(out)


def unspaced_terms(text: str) -> list[str]:
    """Every bigram (or lone letter) of the unspaced runs in `text`, in order."""
    return [gram for piece, unspaced in pieces(text) if unspaced for gram in bigrams(piece)]
