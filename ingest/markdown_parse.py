"""Markdown parsing shared by the loaders and the chunker: the block parser (built once),
heading text without inline syntax, a body's H1 title, and fences left open by their source.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

_ANCHOR = re.compile(r"<a\s+(?:name|id)=\"[^\"<>]*\"\s*>\s*</a>", re.IGNORECASE)
_INLINE_SYNTAX = re.compile(r"[\\`*_<>\[\]!&]")


@lru_cache(maxsize=1)
def block_parser() -> MarkdownIt:
    """CommonMark + tables, without the inline pass (built once, on first use)."""
    md = MarkdownIt("commonmark").enable("table")
    md.disable(["inline", "text_join"])
    return md


@lru_cache(maxsize=1)
def _inline_parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


def heading_text(raw: str) -> str:
    """Plain text of a heading's inline Markdown: no anchors, emphasis marks or escapes."""
    bare = _ANCHOR.sub("", raw)
    if not _INLINE_SYNTAX.search(bare):  # the common case needs no inline parse
        return " ".join(bare.split())
    parts: list[str] = []
    for token in _inline_parser().parseInline(bare.strip()):
        for child in token.children or []:
            if child.type in ("text", "code_inline", "image"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
    return " ".join("".join(parts).split())


def markdown_title(body: str) -> str | None:
    """Text of the first top-level `# H1` (ATX or setext) of a Markdown body, if any."""
    tokens = block_parser().parse(body)
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0 and token.tag == "h1":
            return heading_text(tokens[i + 1].content) or None
    return None


def fence_end(lines: list[str], token: Token) -> tuple[int, str | None]:
    """Line after a fence's code, and the closing line to add when the source has none.

    Markdown lets a fence end with its container (or the file); a chunk cut from the middle
    has lost that container, so such fences get an explicit closing line.
    """
    assert token.map is not None
    first, last = token.map
    body_end = first + 1 + token.content.count("\n")
    if body_end < last:
        closing = lines[body_end].strip()
        if closing and set(closing) == {token.markup[0]} and len(closing) >= len(token.markup):
            return body_end, None
    opening = lines[first]
    prefix = opening[: opening.find(token.markup)]
    prefix = "".join(ch if ch == ">" else " " for ch in prefix)  # keep quotes, drop list marks
    return min(body_end, last), f"{prefix}{token.markup}\n"


def close_fences(lines: list[str], tokens: list[Token]) -> list[str]:
    """The source lines, with a closing line after every fence the source leaves open."""
    patched = lines
    for token in tokens:
        if token.type != "fence":
            continue
        body_end, closer = fence_end(lines, token)
        if closer is not None:
            if patched is lines:
                patched = list(lines)
            patched[body_end - 1] += closer
    return patched
