"""Markdown help articles: one file, optional YAML front matter, one Document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest.files import read_text
from ingest.frontmatter import (
    iso_date,
    json_safe,
    optional_str,
    split_front_matter,
    tag_list,
    visibility_of,
)
from ingest.markdown_parse import markdown_title
from kb.models import Document, Kind, Visibility

KNOWN_FIELDS = frozenset(
    {
        "id",
        "title",
        "url",
        "lang",
        "visibility",
        "updated_at",
        "created_at",
        "owner",
        "product",
        "tags",
        "translation_of",
    }
)


def external_id_for(path: Path, root: Path) -> str:
    """The id of a file-backed article: its path under `root`, without suffix, with `/`."""
    try:
        relative = path.resolve().relative_to(root.resolve())
    except ValueError:
        relative = Path(path.name)
    return relative.with_suffix("").as_posix()


def load_markdown_file(
    path: Path, root: Path, *, kind: Kind = "article", visibility: Visibility = "public"
) -> Document:
    """Read one Markdown file into a Document; raises SourceError with a one-line reason.

    Front matter overrides the defaults given here (visibility only with a valid value);
    keys it does not know are kept in `meta`.
    """
    meta, body = split_front_matter(read_text(path))
    return document_from_fields(
        meta,
        body,
        default_id=external_id_for(path, root),
        default_title=path.stem,
        kind=kind,
        visibility=visibility,
        source=str(path),
    )


def document_from_fields(
    fields: dict[str, Any],
    body: str,
    *,
    default_id: str,
    default_title: str,
    kind: Kind,
    visibility: Visibility,
    source: str,
) -> Document:
    """Build a Document from front-matter-like fields; the title falls back to the first H1."""
    title = optional_str(fields.get("title")) or markdown_title(body) or default_title
    return Document(
        external_id=optional_str(fields.get("id")) or default_id,
        title=title,
        body=body,
        kind=kind,
        visibility=visibility_of(fields.get("visibility"), visibility),
        url=optional_str(fields.get("url")),
        lang=optional_str(fields.get("lang")),
        product=optional_str(fields.get("product")),
        tags=tag_list(fields.get("tags")),
        owner=optional_str(fields.get("owner")),
        created_at=iso_date(fields.get("created_at"), "created_at"),
        updated_at=iso_date(fields.get("updated_at"), "updated_at"),
        translation_of=optional_str(fields.get("translation_of")),
        source=source,
        meta={k: json_safe(v) for k, v in fields.items() if k not in KNOWN_FIELDS},
    )
