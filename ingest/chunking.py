"""Heading-aware, token-budgeted chunking of Markdown documents.

The body is parsed once with markdown-it-py (block level only: inline parsing is the slow
part and chunks do not need it) into top-level blocks, grouped into sections by heading.
Blocks over the budget are split only at safe points (code lines, table rows, list items,
sentences, words), then consecutive pieces are packed into chunks. Chunk text is a slice of
the source, so escapes such as `\\(` survive exactly; heading lines live in `heading_path`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from markdown_it.token import Token

from ingest.markdown_parse import block_parser, close_fences, fence_end, heading_text
from kb.errors import InvalidInput
from kb.models import Chunk, Document

CountTokens = Callable[[str], int]

SECTION_LEVEL = 3  # a heading at this level or above always starts a new chunk
# A chunk holds at most budget x CHARS_PER_TOKEN characters, whatever the tokenizer says: a
# 200,000-character run without spaces is one MiniLM token, and every later stage (sentence
# splitting, support checks, the widget's answers) pays for a chunk's characters, not tokens.
# Prose is 4-6 characters a token, so the bound only bites on such runs.
CHARS_PER_TOKEN = 8
# Code lines and table rows are never split for the token budget; one longer than this is cut
# anyway (real rows reach ~2,500 characters; the bound is for runs no reader wrote).
MAX_LINE_CHARS = 8000
_CONTAINERS = frozenset({"bullet_list", "ordered_list", "list_item", "blockquote"})
# a sentence ends at . ! ? (optionally closed by quotes/brackets/emphasis) before whitespace
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]*_]*\s+|[。！？]\s*")
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")
_HAS_WORD = re.compile(r"\w")
_FENCE_LIKE_LINE = re.compile(r"^ {0,3}(?:```|~~~).*\n?", re.MULTILINE)


@dataclass
class _Block:
    """A block at one nesting depth: its token span and its source lines.

    `start`/`end` are extended over the gaps between blocks (blank lines, link
    definitions) so nothing in the source is lost; `first`/`last` are its own lines.
    """

    kind: str
    lo: int
    hi: int
    depth: int
    first: int
    last: int
    start: int
    end: int
    level: int = 0


@dataclass(frozen=True)
class _Piece:
    """A unit the packer never splits. `start >= 0` marks an exact source line range."""

    text: str
    tokens: int
    start: int = -1
    end: int = -1
    glue: bool = False  # the next piece continues this one mid-paragraph: join with no break
    composite: bool = False  # `tokens` is a sum over blocks: re-count the chunk text


@dataclass
class _Section:
    path: tuple[str, ...]
    level: int
    heading: _Block | None
    body: list[_Block]


def _blocks(
    tokens: list[Token], lo: int, hi: int, depth: int, start: int, end: int
) -> list[_Block]:
    """Blocks at `depth` within tokens[lo:hi], covering source lines [start, end) with no gaps."""
    out: list[_Block] = []
    i = lo
    while i < hi:
        tok = tokens[i]
        if tok.level != depth or tok.nesting == -1 or tok.map is None or tok.type == "inline":
            i += 1
            continue
        j = i + 1
        if tok.nesting == 1:
            while not (tokens[j].level == depth and tokens[j].nesting == -1):
                j += 1
            j += 1
        kind = tok.type.removesuffix("_open")
        level = int(tok.tag[1]) if kind == "heading" else 0
        first, last = tok.map
        out.append(_Block(kind, i, j, depth, first, last, first, last, level))
        i = j
    if not out:
        return out
    out[0].start = min(start, out[0].first)
    for prev, nxt in pairwise(out):
        if prev.kind == "heading":
            nxt.start = prev.end  # a heading line is not chunk text: the gap goes forward
        else:
            prev.end = nxt.start
    out[-1].end = max(end, out[-1].last) if out[-1].kind != "heading" else out[-1].end
    return out


def _group(sizes: list[int], budget: int) -> list[tuple[int, int]]:
    """Greedy runs of consecutive items whose summed size fits the budget (one item at least)."""
    groups: list[tuple[int, int]] = []
    begin, total = 0, 0
    for i, size in enumerate(sizes):
        if i > begin and total + size > budget:
            groups.append((begin, i))
            begin, total = i, 0
        total += size
    if sizes:
        groups.append((begin, len(sizes)))
    return groups


def _boundaries(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """Spans that tile `text` exactly, cut after each match of `pattern`.

    Never inside a line that starts like a code fence: cut short, such a line (which the
    source's parse kept as text) would open a fence in the chunk.
    """
    cuts = [m.end() for m in pattern.finditer(text) if 0 < m.end() < len(text)]
    for line in _FENCE_LIKE_LINE.finditer(text):
        cuts = [cut for cut in cuts if not line.start() < cut < line.end()]
    return [(a, b) for a, b in pairwise([0, *cuts, len(text)]) if b > a]


class _Chunker:
    """Chunks one document; holds the parse, the budget and the chunk being packed."""

    def __init__(self, doc: Document, count: CountTokens, budget: int) -> None:
        body = doc.body.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
        body = body if body.endswith("\n") else body + "\n"
        self.doc = doc
        self.raw_count = count
        self.budget = budget
        self.max_chars = budget * CHARS_PER_TOKEN
        self.word = re.compile(rf"\S{{1,{self.max_chars}}}\s*")  # a longer run is cut
        self.source_lines = [line + "\n" for line in body[:-1].split("\n")]
        self.tokens = block_parser().parse(body)
        self.lines = close_fences(self.source_lines, self.tokens)
        self.chunks: list[Chunk] = []
        self.current: list[_Piece] = []
        self.current_tokens = 0
        self.chunk_path: tuple[str, ...] = ()
        self.section_path: tuple[str, ...] = ()

    def count(self, text: str) -> int:
        """A piece's size against the budget: its tokens, or its characters / CHARS_PER_TOKEN
        when that is more (so packing bounds characters as well as tokens)."""
        return max(self.raw_count(text), -(-len(text) // CHARS_PER_TOKEN))

    def run(self) -> list[Chunk]:
        pending: list[_Piece] = []  # headings of empty deep sections, kept for a merge
        for section in self._sections():
            pieces = self._section_pieces(section.body)
            if section.level <= SECTION_LEVEL:
                self._flush()
                pending.clear()
            elif pieces:
                heads = [*pending, self._source_piece(section.heading)] if section.heading else []
                need = sum(h.tokens for h in heads) + pieces[0].tokens
                if self.current and self.current_tokens + need <= self.budget:
                    self.current.extend(heads)  # a small deep section joins the open chunk
                    self.current_tokens += sum(h.tokens for h in heads)
                else:
                    self._flush()
                pending.clear()
            elif section.heading is not None:
                pending.append(self._source_piece(section.heading))
            self.section_path = section.path
            for piece in pieces:
                self._add(piece)
        self._flush()
        return self.chunks

    # -- structure -------------------------------------------------------------------------

    def _sections(self) -> list[_Section]:
        """Top-level blocks grouped under their heading; the text before any heading is level 0."""
        top = _blocks(self.tokens, 0, len(self.tokens), 0, 0, len(self.lines))
        sections = [_Section((), 0, None, [])]
        stack: list[tuple[int, str]] = []
        title = self.doc.title.strip().casefold()
        for block in top:
            if block.kind != "heading":
                sections[-1].body.append(block)
                continue
            text = heading_text(self.tokens[block.lo + 1].content)
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            # the document title is prepended by Chunk.embedding_text: do not repeat it as H1
            is_title = block.level == 1 and text.casefold() == title
            stack.append((block.level, "" if is_title else text))
            path = tuple(t for _, t in stack if t)
            sections.append(_Section(path, block.level, block, []))
        return sections

    def _slice(self, start: int, end: int) -> str:
        return "".join(self.lines[start:end])

    def _source_piece(self, block: _Block) -> _Piece:
        text = self._slice(block.start, block.end)
        return _Piece(text, self.count(text), block.start, block.end)

    # -- splitting blocks that exceed the budget --------------------------------------------

    def _section_pieces(self, body: list[_Block]) -> list[_Piece]:
        """A section that fits is one piece (counted once); otherwise its blocks' pieces."""
        blocks = [self._source_piece(block) for block in body]
        tokens = sum(piece.tokens for piece in blocks)
        if len(blocks) > 1 and tokens <= self.budget:
            start, end = body[0].start, body[-1].end
            return [_Piece(self._slice(start, end), tokens, start, end, composite=True)]
        return [
            p for block, piece in zip(body, blocks, strict=True) for p in self._pieces(block, piece)
        ]

    def _pieces(self, block: _Block, piece: _Piece | None = None) -> list[_Piece]:
        """The block whole when it fits, else split at the safest boundaries its kind has."""
        piece = piece or self._source_piece(block)
        if piece.tokens <= self.budget:
            return [piece]
        if block.kind == "fence":
            return self._fence_pieces(block)
        if block.kind == "code_block":
            return self._line_pieces(block.start, block.end)
        if block.kind == "table":
            return self._table_pieces(block)
        if block.kind in _CONTAINERS:
            children = _blocks(
                self.tokens, block.lo + 1, block.hi - 1, block.depth + 1, block.start, block.end
            )
            if children:
                return [p for child in children for p in self._pieces(child)]
        return self._text_pieces(piece.text)

    def _fence_pieces(self, block: _Block) -> list[_Piece]:
        """Split fenced code at line boundaries; every piece re-opens and closes the fence."""
        token = self.tokens[block.lo]
        opening = self.source_lines[block.first]
        body_end, closer = fence_end(self.source_lines, token)
        closing = closer or self.source_lines[body_end]
        lines = self.source_lines[block.first + 1 : body_end]
        frame = self.count(opening) + self.count(closing)
        sizes = [self.count(line) for line in lines]
        out = []
        for a, b in _group(sizes, self.budget - frame) or [(0, 0)]:
            text = opening + "".join(lines[a:b]) + closing
            out.append(_Piece(text, frame + sum(sizes[a:b])))
        return self._with_gap(out, block.last, block.end)

    def _table_pieces(self, block: _Block) -> list[_Piece]:
        """Split a table between rows; every piece repeats the header row and separator."""
        head = self.lines[block.first] + self.lines[block.first + 1]
        rows = self.lines[block.first + 2 : block.last]
        head_tokens = self.count(head)
        sizes = [self.count(row) for row in rows]
        out = [
            _Piece(head + "".join(rows[a:b]), head_tokens + sum(sizes[a:b]))
            for a, b in _group(sizes, self.budget - head_tokens)
        ]
        return self._with_gap(out or [_Piece(head, head_tokens)], block.last, block.end)

    def _with_gap(self, pieces: list[_Piece], start: int, end: int) -> list[_Piece]:
        """Keep what sits between a split block and the next one (link definitions, say)."""
        gap = self._slice(start, end)
        if gap.strip():
            pieces.append(_Piece(gap, self.count(gap)))
        return pieces

    def _line_pieces(self, start: int, end: int) -> list[_Piece]:
        """Indented code: consecutive source lines; a single over-long line stays whole."""
        sizes = [self.count(line) for line in self.lines[start:end]]
        return [
            _Piece(self._slice(start + a, start + b), sum(sizes[a:b]), start + a, start + b)
            for a, b in _group(sizes, self.budget)
        ]

    def _text_pieces(self, text: str) -> list[_Piece]:
        """Prose: runs of whole sentences; a sentence over the budget is cut between words."""
        out: list[_Piece] = []
        spans = _boundaries(_SENTENCE_END, text)
        sizes = [self.count(text[a:b]) for a, b in spans]
        for i, j in _group(sizes, self.budget):
            part = text[spans[i][0] : spans[j - 1][1]]
            tokens = sum(sizes[i:j])
            if tokens > self.budget and j - i == 1:
                out.extend(self._word_pieces(part))
            else:
                out.append(_Piece(part, tokens, glue=True))
        out[-1] = _Piece(out[-1].text, out[-1].tokens)
        return out

    def _word_pieces(self, text: str) -> list[_Piece]:
        spans = _boundaries(self.word, text)
        sizes = [self.count(text[a:b]) for a, b in spans]
        return [
            _Piece(text[spans[i][0] : spans[j - 1][1]], sum(sizes[i:j]), glue=True)
            for i, j in _group(sizes, self.budget)
        ]

    # -- packing ---------------------------------------------------------------------------

    def _add(self, piece: _Piece) -> None:
        if self.current and self.current_tokens + piece.tokens > self.budget:
            self._flush()
        if not self.current:
            self.chunk_path = self.section_path
        self.current.append(piece)
        self.current_tokens += piece.tokens

    def _flush(self) -> None:
        """Emit the open chunk; re-count its joined text once (tokenizers need not be additive)."""
        pieces, self.current, self.current_tokens = self.current, [], 0
        while pieces:
            keep = len(pieces)
            text = _join(pieces)
            # one piece is already counted (trimming blank lines changes no token count)
            exact = keep == 1 and not pieces[0].composite
            tokens = pieces[0].tokens if exact else self.count(text)
            while tokens > self.budget and keep > 1:  # only when the sum under-counted
                keep -= 1
                text = _join(pieces[:keep])
                tokens = self.count(text)
            # one over-long line (never split for tokens) is cut by characters
            for part in _cut(text, max(self.max_chars, MAX_LINE_CHARS)):
                if not _HAS_WORD.search(part):  # a lone rule or anchor is not a passage
                    continue
                # the stored count is the tokenizer's own (sizes may be character-bound)
                real = self.raw_count(part)
                self.chunks.append(
                    Chunk(len(self.chunks), part, self.chunk_path, real, self.doc.lang)
                )
            pieces = pieces[keep:]


def _cut(text: str, max_chars: int) -> list[str]:
    """`text` in parts of at most `max_chars` characters, cut at the last whitespace in the
    second half of each window when there is one (only code lines, table rows and single
    lines, which are otherwise never split, can reach this)."""
    if len(text) <= max_chars:
        return [text]
    parts: list[str] = []
    start = 0
    while len(text) - start > max_chars:
        end = start + max_chars
        space = max(
            text.rfind(" ", start + max_chars // 2, end),
            text.rfind("\n", start + max_chars // 2, end),
        )
        end = space + 1 if space > start else end
        parts.append(text[start:end].strip())
        start = end
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _join(pieces: list[_Piece]) -> str:
    """Pieces adjacent in the source join as the source does; others as separate blocks."""
    parts: list[str] = []
    previous = _Piece("", 0)
    for piece in pieces:
        adjacent = previous.glue or (piece.start >= 0 and piece.start == previous.end)
        if parts and not adjacent:
            parts[-1] = parts[-1].rstrip("\n")
            parts.append("\n\n")
        parts.append(piece.text)
        previous = piece
    return _LEADING_BLANK_LINES.sub("", "".join(parts)).rstrip()


def chunk_document(doc: Document, count_tokens: CountTokens, max_tokens: int = 200) -> list[Chunk]:
    """Cut `doc.body` (Markdown or plain text) into chunks of at most `max_tokens` tokens and
    `max_tokens * CHARS_PER_TOKEN` characters.

    Chunks never cross a heading of level 1-3; code blocks, table rows and single lines are
    split only when one alone exceeds the character bound, so a chunk exceeds the token
    budget only when one of those alone does.
    """
    if max_tokens < 1:
        raise InvalidInput(f"max_tokens must be at least 1, got {max_tokens}")
    if not doc.body.strip():
        return []
    return _Chunker(doc, count_tokens, max_tokens).run()
