"""Plain-text helpers the signals share: Markdown to sentences, content words, crude stems.

Stopwords cover every language `kb.text` reads; content terms are folded (no diacritics),
so "días" meets "dias" and a Spanish ticket's function words never tie it to an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.text import ALL_STOPWORDS, fold

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’»)\]]*\s+(?=[\"'“‘«(\[*_¿¡]*[A-ZÀ-ÖØ-Þ0-9])")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|(\d+)[.)])\s+(.*)$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)

STOPWORDS = (
    frozenset(
        """a able about above after again all also am an and any are aren as at be because been
    before being below between both but by can could couldn did didn do does doesn doing
    don done down during each either else even ever every few for from further get gets got
    had has hasn have haven having he hello her here hers hi him his how however i if in
    into is isn it its itself just know let like may me might more most much must my need
    needs new no nor not now of off ok okay on once one only or other our ours out over own
    per please same she should shouldn since so some sorry still such sure than thank
    thanks that the their theirs them then there these they this those though through to
    too under until up us use used using very via want was wasn way we were what when where
    whether which while who whom why will with within without won would yes yet you your
    yours""".split()  # noqa: SIM905
    )
    | ALL_STOPWORDS
)
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
    """Sentences of a Markdown body (code blocks skipped; list items are sentences of a step)."""
    out: list[Sentence] = []
    heading = ""
    block = 0
    in_code = False
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            for part in split_sentences(" ".join(paragraph)):
                out.append(Sentence(part, heading, None, block))
            paragraph.clear()

    for line in markdown.splitlines():
        if _FENCE.match(line):
            in_code = not in_code
            flush()
            continue
        if in_code:
            continue
        if not line.strip():
            flush()
            block += 1
            continue
        if m := _HEADING.match(line):
            flush()
            heading, block = m.group(1), block + 1
            continue
        if m := _LIST_ITEM.match(line):
            flush()
            step = int(m.group(1)) if m.group(1) else None
            for part in split_sentences(m.group(2)):
                out.append(Sentence(part, heading, step, block))
            continue
        if line.lstrip().startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cells and not all(set(c) <= set("-: ") for c in cells):
                out.append(Sentence(" | ".join(cells), heading, None, block))
            continue
        paragraph.append(line.strip())
    flush()
    return out


def split_sentences(text: str) -> list[str]:
    parts = _SENTENCE_END.split(text.strip())
    return [p.strip() for p in parts if p and p.strip()]


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
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def content_terms(text: str, *, drop_generic: bool = False) -> set[str]:
    """Stemmed content words (no stopwords, no bare numbers)."""
    terms = set()
    for w in words(fold(text)):
        w = w.split("'", 1)[0]  # "it's" -> "it", "orbitly's" -> "orbitly"
        if w in STOPWORDS or w.isdigit() or len(w) < 2:
            continue
        if drop_generic and w in GENERIC:
            continue
        terms.add(stem(w))
    return terms
