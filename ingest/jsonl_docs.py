"""Documents in the JSON Lines format of `../shared/data` (`docs.jsonl`, `docs.jsonl.gz`).

One object per line: `id`, `title`, `text` (Markdown), `url`, `lang`, `updated_at`, plus
extras (`product`, `doc_type`, ...). Streamed line by line, so a 150 MB file never sits
in memory; a bad line becomes a Failure and the rest of the file still loads.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterator
from io import BufferedIOBase
from pathlib import Path
from typing import Any

from ingest.files import Failure
from ingest.frontmatter import iso_date, json_safe, optional_str, tag_list, visibility_of
from ingest.markdown_parse import heading_text, markdown_title
from kb.errors import SourceError
from kb.models import Document, Kind, Visibility

DOCUMENT_FIELDS = frozenset(
    {
        "id",
        "title",
        "text",
        "url",
        "lang",
        "updated_at",
        "created_at",
        "product",
        "tags",
        "owner",
        "translation_of",
        "visibility",
    }
)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def iter_jsonl_documents(
    path: Path, *, kind: Kind = "article", visibility: Visibility = "public"
) -> Iterator[Document | Failure]:
    """Yield a Document per good line and a Failure (`path:line`, reason) per bad one.

    Ids are kept verbatim (as strings): evaluation sets name documents by them.
    A file that cannot be opened raises SourceError; one that breaks midway (a truncated
    gzip) yields a Failure for the line where it broke and stops.
    """
    lineno = 0
    try:
        with _open(path) as stream:
            for lineno, raw in enumerate(stream, start=1):
                if not raw.strip():
                    continue
                try:
                    yield _document(raw, lineno, path, kind, visibility)
                except SourceError as exc:
                    yield Failure(source=f"{path}:{lineno}", reason=exc.message)
    except (OSError, EOFError, zlib.error) as exc:
        problem = str(exc) or type(exc).__name__
        if lineno == 0:  # nothing could be read: the file as a whole is the failure
            raise SourceError(f"cannot read {path}: {problem}") from exc
        yield Failure(source=f"{path}:{lineno + 1}", reason=f"file is damaged here: {problem}")


def _open(path: Path) -> BufferedIOBase:
    """Binary stream (decoded per line, so one bad line cannot stop the file)."""
    if path.name.endswith(".gz"):
        return gzip.open(path, "rb")
    return path.open("rb")


def _document(raw: bytes, lineno: int, path: Path, kind: Kind, vis: Visibility) -> Document:
    """One line -> Document, or SourceError saying what is wrong with the line."""
    try:
        text = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"line is not valid UTF-8 (byte {exc.start})") from exc
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"invalid JSON: {exc.msg} (column {exc.colno})") from exc
    if not isinstance(record, dict):
        raise SourceError(f"expected a JSON object, got {type(record).__name__}")
    return _from_record(record, str(path), kind, vis)


def _from_record(record: dict[str, Any], source: str, kind: Kind, vis: Visibility) -> Document:
    external_id = _record_id(record.get("id"))
    body = record.get("text")
    if body is None:
        raise SourceError(f"document {external_id!r} has no 'text'")
    if not isinstance(body, str):
        raise SourceError(f"document {external_id!r}: 'text' must be a string")
    title = _clean_title(record.get("title")) or markdown_title(body) or external_id
    return Document(
        external_id=external_id,
        title=title,
        body=body,
        kind=kind,
        visibility=visibility_of(record.get("visibility"), vis),
        url=optional_str(record.get("url")),
        lang=optional_str(record.get("lang")),
        product=optional_str(record.get("product")),
        tags=tag_list(record.get("tags")),
        owner=optional_str(record.get("owner")),
        created_at=iso_date(record.get("created_at"), "created_at"),
        updated_at=iso_date(record.get("updated_at"), "updated_at"),
        translation_of=optional_str(record.get("translation_of")),
        source=source,
        meta={k: json_safe(v) for k, v in record.items() if k not in DOCUMENT_FIELDS},
    )


def _record_id(value: object) -> str:
    """The id as given (numbers become their decimal string); it must be present."""
    if value is None or value == "":
        raise SourceError("line has no 'id'")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise SourceError(f"'id' must be a string or a number, not {type(value).__name__}")
    return str(value)


def _clean_title(value: object) -> str | None:
    """Titles in exported Markdown carry anchors and escapes (`Foo<a name="x"></a>`)."""
    title = optional_str(value)
    if title is None:
        return None
    if "<" in title or "\\" in title or "`" in title:
        title = heading_text(_HTML_TAG.sub("", title))
    return title or None
