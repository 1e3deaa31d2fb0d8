"""Split Markdown into readable units: sentences, list items (a step is one unit), headings.
The one sentence splitter: extractive answers, support checks, summaries and the flags use it.

Handles en/es/de/fr punctuation (¿...?, ¡...!), abbreviations ("e.g.", "Dr.", "z. B."),
version numbers, decimals, URLs and menu paths without false breaks. Each unit keeps its
original Markdown for display and a plain form for comparison.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Literal

from kb.text.words import fold

# A citation marker a sentence may end with: [1] / [1, 2] / [1;2] / [Source 1] / [source: 1, 3] /
# [^1]; not a Markdown link label "[1](...)". The composer's citation checks use it too.
CITATION = re.compile(
    r"\[\^?\s*(?:sources?\s*:?\s*)?(\d{1,3}(?:\s*[,;]\s*(?:sources?\s*:?\s*)?\d{1,3})*)\s*\](?!\()",
    re.IGNORECASE,
)

SegmentKind = Literal["sentence", "step", "bullet", "heading", "code", "table"]
PROSE_KINDS: frozenset[str] = frozenset({"sentence", "step", "bullet"})

_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_SEP = re.compile(r"^\s*+(?:\|\s*+)?:?-{2,}")
_ITEM = re.compile(r"^(?P<indent>\s*)(?P<marker>\d{1,3}[.)]|[-*+•])\s+(?P<body>.*)$")
_QUOTE_MARK = re.compile(r"^\s*>\s?")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HARD_BREAK = re.compile(r"(  |\\)$")

# a sentence end: . ! ? … (or CJK) + closing quotes/brackets/emphasis + trailing citations
_BOUNDARY = re.compile(
    r"(?:[.!?…]+|[。！？])[\"'”’»)\]*_]*(?:\s*" + CITATION.pattern + r")*(?:\s+|$)|[。！？]",
    re.IGNORECASE,
)
_LINE_END = re.compile(r"(?:[.!?…:]|[。！？])[\"'”’»)\]*_]*(?:\s*" + CITATION.pattern + r")*\s*$",
                       re.IGNORECASE)  # fmt: skip
# Spans no sentence break may fall inside: links, code spans, URLs, e-mail addresses. Every
# repeat is bounded (RFC 5321 sizes for addresses), so a 200,000-character run without
# whitespace costs linear time, not the quadratic-to-cubic backtracking of `\S+@\S+\.\w+`.
_PROTECTED = re.compile(
    r"!?\[[^\[\]\n]{0,500}\]\([^()\n]{0,2000}\)|`[^`\n]{0,500}`"
    r"|(?:https?://|ftp://|www\.)\S{0,2000}[^\s.,;:!?)\]'\"]"
    r"|(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}\.\w{1,63}",
    re.IGNORECASE,
)
BOUNDARY_LOOKAHEAD = 200  # characters after a candidate break that decide whether it is one
_STARTER = re.compile(r"[\W\d_]{0,40}[^\W\d_]", re.UNICODE)
_ABBREVIATIONS_TEXT = (
    "e.g i.e etc vs cf approx ca mr mrs ms dr prof st sr sra srta dra no nr nº num fig vol pp "
    "p.ej ej pág pag aprox z.b d.h u.a bzw usw ggf evtl inkl zzgl vgl bspw mme mlle env art abs "
    "tel max min incl excl dept est jan feb mar apr jun jul aug sep sept oct nov dec"
)
_ABBREVIATIONS = frozenset(fold(a) for a in _ABBREVIATIONS_TEXT.split())
_MONTHS_TEXT = (
    "januar februar märz april mai juni juli august september oktober november dezember "
    "janvier février mars avril juin juillet août septembre octobre novembre décembre"
)
_MONTHS = frozenset(fold(m) for m in _MONTHS_TEXT.split())
_IMAGE = re.compile(r"!\[([^\[\]\n]{0,500})\]\([^()\n]{0,2000}\)")
_LINK = re.compile(r"\[([^\[\]\n]{0,500})\]\([^()\n]{0,2000}\)")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>")
_TAG = re.compile(r"</?[A-Za-z][^>]{0,1000}>")
_EMPHASIS = re.compile(r"(\*\*|__|~~)(.+?)\1|(?<![\w*])\*(?!\s)([^*\n]+?)\*(?!\w)"
                       r"|(?<![\w_])_(?!\s)([^_\n]+?)_(?!\w)")  # fmt: skip
_CODE_SPAN = re.compile(r"`([^`\n]*)`")
_LEAD_MARKER = re.compile(r"^\s*(?:\d{1,3}[.)]|[-*+•])\s+")
_SPACES = re.compile(r"\s+")
_SPACE_RUN = re.compile(r"\s*+")
_SPACE_BEFORE_END = re.compile(r" ([.,])(?=\s|$)")


@dataclass(frozen=True)
class Segment:
    """One unit of a Markdown text, in reading order.

    `text` is the original Markdown (whitespace collapsed, list marker included), `body` the
    same without the marker, `plain` the comparison text (no Markdown, no citations).
    `block` groups a paragraph or one list; `depth` is a list item's nesting level.
    """

    text: str
    body: str
    plain: str
    kind: SegmentKind
    block: int
    index: int
    marker: str | None = None
    depth: int = 0


def plain_text(markdown: str) -> str:
    """Markdown to comparison text: link/emphasis/code syntax and citation markers removed."""
    text = _IMAGE.sub(r"\1", markdown)
    text = _LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = CITATION.sub(" ", text)
    for _ in range(2):  # nested emphasis (**_x_**)
        text = _EMPHASIS.sub(lambda m: next(g for g in m.groups()[1:] if g is not None), text)
    text = _CODE_SPAN.sub(r"\1", text)
    text = _LEAD_MARKER.sub("", text)
    return _SPACE_BEFORE_END.sub(r"\1", _SPACES.sub(" ", text)).strip()


def _is_boundary(text: str, start: int, end: int) -> bool:
    """Whether the punctuation at text[start:end] really ends a sentence."""
    punct = text[start]
    if punct in "。！？":
        return True
    space = _SPACE_RUN.match(text, end)
    after = space.end() if space else end
    if after == len(text):
        return True
    # a window, not text[end:]: copying the rest at every candidate break is quadratic
    rest = text[after : after + BOUNDARY_LOOKAHEAD]
    if punct == ".":
        head = text[max(0, start - BOUNDARY_LOOKAHEAD) : start]
        before = head.rsplit(None, 1)[-1] if head.strip() else ""
        word = fold(before.lstrip("([{\"'*_¿¡"))
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            return False
        nxt = rest.lstrip().split(None, 1)
        if word.isdigit() and nxt and fold(nxt[0].strip(".,")) in _MONTHS:
            return False  # German/French dates: "am 1. März"
    starter = _STARTER.match(rest.lstrip())
    if not starter:
        return True
    lead = rest.lstrip()[: starter.end()]
    letter = lead[-1]
    # "e.g. chrome", "¿Olvidaste tu contraseña?** en la página": lowercase continues the sentence
    return not letter.islower() or any(c in lead for c in "¿¡")


def split_prose(text: str) -> list[str]:
    """Sentences of one paragraph (no list/heading syntax inside), original text kept."""
    protected = [(m.start(), m.end()) for m in _PROTECTED.finditer(text)]
    starts = [a for a, _ in protected]  # non-overlapping and in order: bisect, not a scan
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        inside = bisect_right(starts, m.start()) - 1
        if inside >= 0 and m.start() < protected[inside][1]:
            continue
        if not _is_boundary(text, m.start(), m.end()):
            continue
        piece = text[start : m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def _paragraph_pieces(lines: list[str]) -> list[str]:
    """Join soft-wrapped lines; break after a line that ends a sentence or a short greeting."""
    pieces: list[str] = []
    current: list[str] = []
    for i, line in enumerate(lines):
        current.append(line.strip())
        stripped = line.rstrip()
        greeting = i == 0 and stripped.endswith(",") and len(stripped.split()) <= 5
        if _LINE_END.search(stripped) or _HARD_BREAK.search(line) or greeting:
            pieces.append(" ".join(current))
            current = []
    if current:
        pieces.append(" ".join(current))
    return [p.rstrip("\\").strip() for p in pieces if p.strip()]


class _Splitter:
    """One pass over the lines of a Markdown text, emitting segments."""

    def __init__(self) -> None:
        self.segments: list[Segment] = []
        self.block = 0
        self.para: list[str] = []
        self.item: tuple[str, int, list[str]] | None = None  # marker, depth, lines
        self.list_indents: list[int] = []
        self.in_list = False

    def emit(self, text: str, kind: SegmentKind, marker: str | None = None, depth: int = 0,
             body: str | None = None) -> None:  # fmt: skip
        text = _SPACES.sub(" ", text).strip() if kind != "code" else text.strip("\n")
        body = text if body is None else _SPACES.sub(" ", body).strip()
        plain = plain_text(body) if kind != "code" else body
        if plain or kind == "code":
            self.segments.append(
                Segment(text, body, plain, kind, self.block, len(self.segments), marker, depth)
            )

    def flush_para(self) -> None:
        if self.para:
            for piece in _paragraph_pieces(self.para):
                for sentence in split_prose(piece):
                    self.emit(sentence, "sentence")
            self.para = []
            self.block += 1

    def flush_item(self) -> None:
        if self.item:
            marker, depth, lines = self.item
            body = " ".join(line.strip() for line in lines)
            kind: SegmentKind = "step" if marker[0].isdigit() else "bullet"
            shown = marker[:-1] + "." if marker[0].isdigit() else "-"
            self.emit(f"{shown} {body}", kind, shown, depth, body)
            self.item = None

    def end_list(self) -> None:
        self.flush_item()
        if self.in_list:
            self.block += 1
        self.in_list = False
        self.list_indents = []

    def list_item(self, indent: int, marker: str, body: str) -> None:
        self.flush_para()
        self.flush_item()
        if not self.in_list:
            self.in_list = True
            self.list_indents = [indent]
        while self.list_indents and indent < self.list_indents[-1]:
            self.list_indents.pop()
        if not self.list_indents or indent > self.list_indents[-1] + 1:
            self.list_indents.append(indent)
        self.item = (marker, len(self.list_indents) - 1, [body])

    def run(self, text: str) -> list[Segment]:
        text = _HTML_COMMENT.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
        lines = text.expandtabs(4).split("\n")
        i, blank_before = 0, False
        while i < len(lines):
            line = _QUOTE_MARK.sub("", lines[i])
            i += 1
            fence = _FENCE.match(line)
            if fence:
                self.flush_para()
                self.end_list()
                body: list[str] = []
                while i < len(lines) and not lines[i].strip().startswith(fence.group(1)):
                    body.append(lines[i])
                    i += 1
                i += 1
                self.emit("\n".join(body), "code")
                self.block += 1
                continue
            if not line.strip():
                self.flush_para()
                blank_before = True
                continue
            item = _ITEM.match(line)
            if item and not _RULE.match(line):
                self.list_item(len(item.group("indent")), item.group("marker"), item.group("body"))
            elif self.item and (line.startswith((" ", "\t")) or not blank_before):
                self.item[2].append(line)
            elif _ATX.match(line) or _RULE.match(line):
                self.flush_para()
                self.end_list()
                heading = _ATX.match(line)
                if heading:
                    self.emit(heading.group(1), "heading")
                    self.block += 1
            elif _SETEXT.match(line) and self.para:
                heading_text = " ".join(p.strip() for p in self.para)
                self.para = []
                self.emit(heading_text, "heading")
                self.block += 1
            elif _TABLE_ROW.match(line):
                self.flush_para()
                self.end_list()
                if not self.segments or self.segments[-1].kind != "table":
                    self.block += 1
                if not _TABLE_SEP.match(line):
                    cells = [c.strip() for c in line.strip().strip("|").split("|")]
                    self.emit(" | ".join(c for c in cells if c), "table")
            else:
                if self.in_list:
                    self.end_list()
                self.para.append(line)
            blank_before = False
        self.flush_para()
        self.end_list()
        return self.segments


def split_segments(text: str) -> list[Segment]:
    """All units of a Markdown text in reading order (prose, list items, headings, code, tables)."""
    return _Splitter().run(text)


def split_sentences(text: str) -> list[str]:
    """The readable units (sentences and list items) of a Markdown text, as displayed."""
    return [s.text for s in split_segments(text) if s.kind in PROSE_KINDS]
