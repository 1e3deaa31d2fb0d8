"""Plain-text helpers the signals share: Markdown to sentences, content words, crude stems.

Sentences come from the shared splitter (`kb.text.sentences`) and stopwords from the shared
list (`kb.text.words`); content terms are folded (no diacritics), so "días" meets "dias" and a
Spanish ticket's function words never tie it to an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.text.sentences import split_segments
from kb.text.units import CURRENCY_WORDS
from kb.text.words import NEGATIONS, STOPWORDS, fold

_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)

# Words that never tie two sentences to one topic: function words, negations (a negation
# changes what a sentence says, not what it is about) and currency words (what a price is
# counted in: "35 złotych" and "25 zł" are not about one thing for saying "zł").
TOPICLESS = STOPWORDS | NEGATIONS | frozenset(fold(w) for w in CURRENCY_WORDS)
# Words too common in help content to tie two sentences to the same topic.
GENERIC = frozenset(
    """account add article button change choose click customer customers disable edit enable
    find go help make menu now open option options orbitly page remove save see select set
    setting settings support sure switch tab tap team time today turn user users""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article or resolution, with the list step number it belongs to."""

    text: str
    heading: str = ""
    step: int | None = None
    block: int = 0  # index of the list/paragraph it came from (steps share a block)


def strip_inline(text: str) -> str:
    """Markdown inline syntax removed but **labels** and `code` kept as plain text."""
    text = _MD_LINK.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    return text.replace("\\", "")


def sentences(markdown: str) -> list[Sentence]:
    """Sentences, list items and table rows of a Markdown body (code blocks skipped), each with
    the heading it sits under; a numbered item is a step."""
    out: list[Sentence] = []
    heading = ""
    header: tuple[int, list[str]] = (-1, [])  # a table's first row, by block
    for segment in split_segments(markdown):
        if segment.kind == "heading":
            heading = segment.text
        elif segment.kind == "table":
            cells = segment.body.split(" | ")
            if header[0] != segment.block:
                header = (segment.block, cells)
                out.append(Sentence(segment.body, heading, None, segment.block))
            else:
                out.append(Sentence(_row(header[1], cells), heading, None, segment.block))
        elif segment.kind != "code":
            step = None
            if segment.kind == "step" and segment.marker:
                step = int(segment.marker.rstrip(".)"))
            out.append(Sentence(segment.body, heading, step, segment.block))
    return out


def _row(header: list[str], cells: list[str]) -> str:
    """A table row read with its column names ("plan: Power | price: €59 per month"), so a
    value in it is about what its column says (a header with an empty first cell names every
    column but the first); a row that does not fit the header as is."""
    if len(header) == len(cells) - 1:
        # an empty top-left cell ("| | Per month |"): the first column names the rows
        return " | ".join(
            [cells[0], *(f"{n}: {c}" for n, c in zip(header, cells[1:], strict=True))]
        )
    if len(header) != len(cells):
        return " | ".join(cells)
    return " | ".join(f"{name}: {cell}" for name, cell in zip(header, cells, strict=True))


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def stem(word: str) -> str:
    """A crude English stem (plural/tense endings, final e) so "refunds" meets "refund"."""
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    else:
        for suffix in ("ing", "ed", "s"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
                word = word[: -len(suffix)]
                break
    if word.endswith("ll") and len(word) > 5:  # "cancelled" meets "cancel", "installs" "install"
        return word[:-1]
    if len(word) >= 6 and word[-1] in "aiouy":
        # a final vowel of a longer word is mostly an inflection: "biglietto"/"biglietti",
        # "rower"/"roweru"/"rowery", "pedido"/"pedidos", "delivery"/"deliver"
        return word[:-1]
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def content_terms(text: str, *, drop_generic: bool = False) -> set[str]:
    """Stemmed content words (no stopwords or negations, no bare numbers)."""
    terms = set()
    for word in words(text):
        w = fold(word).split("'", 1)[0]  # "it's" -> "it", "orbitly's" -> "orbitly"
        if w in TOPICLESS or w.isdigit() or len(w) < 2:
            continue
        if drop_generic and w in GENERIC:
            continue
        terms.add(stem(w))
    return terms
