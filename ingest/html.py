"""HTML help articles: converted to simple Markdown so one chunker serves every format."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Doctype, ProcessingInstruction

from ingest.files import read_text
from ingest.frontmatter import iso_date
from ingest.markdown import document_from_fields, external_id_for
from kb.errors import SourceError
from kb.models import Document, Kind, Visibility

DROPPED_TAGS = ("script", "style", "nav", "footer", "noscript", "template", "head", "form")
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "dd", "details", "div", "dl", "dt",
        "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
        "main", "ol", "p", "pre", "section", "summary", "table", "ul",
    }
)  # fmt: skip
_META_FIELDS = {  # <meta name|property=...> -> front-matter field
    "description": "description",
    "lang": "lang",
    "language": "lang",
    "keywords": "tags",
    "author": "owner",
    "product": "product",
    "visibility": "visibility",
    "updated_at": "updated_at",
    "last-modified": "updated_at",
    "article:modified_time": "updated_at",
    "created_at": "created_at",
    "article:published_time": "created_at",
}
# `[^\S\n]`, not `\s`: a leading `\s*` crosses newlines, so each of n blank lines (a run of
# <br>) rescanned the rest of the run (quadratic); one line at a time gives the same result
_LINE_START = re.compile(r"^([^\S\n]*+)([#>+\-*]|\d++[.)])(?=\s)", re.MULTILINE)
_LIST_MARK = re.compile(r"(?:-|\d+\.) ")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


def load_html_file(
    path: Path, root: Path, *, kind: Kind = "article", visibility: Visibility = "public"
) -> Document:
    """Read one HTML page into a Document whose body is Markdown; SourceError on bad input."""
    soup = BeautifulSoup(read_text(path), "html.parser")
    fields = _head_fields(soup)
    body = _page_markdown(soup)
    return document_from_fields(
        fields,
        body,
        default_id=external_id_for(path, root),
        default_title=path.stem,
        kind=kind,
        visibility=visibility,
        source=str(path),
    )


def _head_fields(soup: BeautifulSoup) -> dict[str, Any]:
    """Metadata from <title>, <html lang>, <link rel=canonical> and known <meta> tags."""
    fields: dict[str, Any] = {}
    html = soup.find("html")
    if isinstance(html, Tag) and html.get("lang"):
        fields["lang"] = str(html["lang"]).strip()
    for meta in soup.find_all("meta"):
        key = str(meta.get("name") or meta.get("property") or "").strip().lower()
        content = str(meta.get("content") or "").strip()
        if key in _META_FIELDS and content:
            field = _META_FIELDS[key]
            if field.endswith("_at"):
                content = _page_date(content) or ""
            if content:
                fields.setdefault(field, content)
    canonical = soup.find("link", rel="canonical")
    if isinstance(canonical, Tag) and canonical.get("href"):
        fields["url"] = str(canonical["href"])
    title = soup.find("title")
    if isinstance(title, Tag) and title.get_text(strip=True):
        fields["title"] = " ".join(title.get_text().split())
    return fields


def _page_date(value: str) -> str | None:
    """A page's date as ISO 8601: pages use ISO or HTTP dates; anything else is ignored."""
    try:
        return iso_date(value, "date")
    except SourceError:
        pass
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError):
        return None


def fragment_to_markdown(html: str) -> str:
    """An HTML body as a help-center export holds it (no <head>) as Markdown."""
    return _page_markdown(BeautifulSoup(html, "html.parser"))


def _page_markdown(soup: BeautifulSoup) -> str:
    for tag in soup.find_all(list(DROPPED_TAGS)):
        tag.decompose()
    return html_to_markdown(soup.body or soup)


def html_to_markdown(root: Tag) -> str:
    """Headings, paragraphs, lists, code and tables as Markdown; other markup as its text."""
    return "\n\n".join(_blocks(root)).strip() + "\n"


def _blocks(node: Tag) -> list[str]:
    """Markdown blocks of a container: runs of inline content become paragraphs."""
    out: list[str] = []
    inline: list[str] = []

    def flush() -> None:
        text = _escape_line_starts(_tidy("".join(inline)))
        if text:
            out.append(text)
        inline.clear()

    for child in node.children:
        if isinstance(child, Tag) and child.name in _BLOCK_TAGS:
            flush()
            out.extend(_block(child))
        else:
            inline.append(_inline(child))
    flush()
    return out


def _block(tag: Tag) -> list[str]:
    name = tag.name
    if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
        text = _inline_text(tag)
        return [f"{'#' * int(name[1])} {text}"] if text else []
    if name == "pre":
        return [_fenced(tag)]
    if name in ("ul", "ol"):
        return [_list(tag)] if tag.find("li") else []
    if name == "table":
        return [_table(tag)]
    if name == "hr":
        return ["---"]
    if name == "blockquote":
        inner = "\n\n".join(_blocks(tag))
        return ["\n".join(f"> {line}".rstrip() for line in inner.splitlines())] if inner else []
    return _blocks(tag)


def _inline(node: Any) -> str:
    """Inline Markdown for a node: links, code, emphasis and images keep their meaning."""
    if isinstance(node, Comment | Doctype | ProcessingInstruction):
        return ""
    if isinstance(node, NavigableString):
        return _SPACES.sub(" ", str(node))
    if not isinstance(node, Tag):
        return ""
    if node.name == "br":
        return "\n"
    if node.name == "img":
        alt = str(node.get("alt") or "").strip()
        return f"![{alt}]({node.get('src')})" if node.get("src") else alt
    if node.name == "code":
        code = node.get_text()
        fence = "``" if "`" in code else "`"
        return f"{fence}{code}{fence}" if code.strip() else ""
    text = "".join(_inline(child) for child in node.children)
    if node.name == "a" and node.get("href") and text.strip():
        return f"[{text.strip()}]({node['href']})"
    if node.name in ("strong", "b") and text.strip():
        return f"**{text.strip()}**"
    if node.name in ("em", "i") and text.strip():
        return f"*{text.strip()}*"
    return text


def _inline_text(tag: Tag) -> str:
    return " ".join("".join(_inline(child) for child in tag.children).split())


def _tidy(text: str) -> str:
    """Collapse runs of spaces on each line and drop blank lines at both ends."""
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def _escape_line_starts(text: str) -> str:
    """Stop plain text that starts with `#`, `>`, `-` or `1.` from turning into markup."""

    def escape(match: re.Match[str]) -> str:
        marker = match.group(2)
        escaped = f"{marker[:-1]}\\{marker[-1]}" if marker[0].isdigit() else f"\\{marker}"
        return match.group(1) + escaped

    return _LINE_START.sub(escape, text)


def _fenced(pre: Tag) -> str:
    """<pre> as a fenced block: the fence is longer than any backtick run in the code."""
    code = pre.find("code")
    source = code if isinstance(code, Tag) else pre
    classes: Any = source.get("class") or []
    names = [classes] if isinstance(classes, str) else list(classes)
    lang = next((c.removeprefix("language-") for c in names if c.startswith("language-")), "")
    text = source.get_text().strip("\n")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{text}\n{fence}"


def _list(tag: Tag) -> str:
    """Nested lists indent by the width of their parent's marker."""
    lines: list[str] = []
    ordered = tag.name == "ol"
    number = int(str(tag.get("start") or 1)) if str(tag.get("start") or "1").isdigit() else 1
    for item in tag.find_all("li", recursive=False):
        marker = f"{number}." if ordered else "-"
        number += 1
        indent = " " * (len(marker) + 1)
        text = _item_text(item)
        first, *rest = text.split("\n")
        lines.append(f"{marker} {first}".rstrip())
        lines.extend(f"{indent}{line}" if line.strip() else "" for line in rest)
    return "\n".join(lines)


def _item_text(item: Tag) -> str:
    """A list item's blocks: a nested list follows its text tightly, other blocks loosely."""
    text = ""
    for block in _blocks(item):
        tight = _LIST_MARK.match(block) is not None
        text += ("\n" if tight else "\n\n") + block if text else block
    return text


def _table(table: Tag) -> str:
    """A Markdown table: the first row is the header; pipes in cells are escaped."""
    rows: list[list[str]] = []
    for tr in table.find_all("tr"):
        cells = [_inline_text(cell).replace("|", "\\|") for cell in tr.find_all(["th", "td"])]
        if cells:
            rows.append(cells)
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    lines = [f"| {' | '.join(row)} |" for row in rows]
    lines.insert(1, f"| {' | '.join(['---'] * width)} |")
    return "\n".join(lines)
