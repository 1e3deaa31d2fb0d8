"""Help-center exports saved as JSON: Zendesk Guide, Intercom and Freshdesk articles, one
Document per published article and language.

- **Zendesk Guide**: what the Help Center API's article list returns (`{"articles": [...]}`:
  one page, or a list of pages), or one `{"article": {...}}`. Zendesk gives one object per
  article and locale, with the same `id` in every locale: the row in the article's
  `source_locale` becomes `zendesk-<id>`, each other locale `zendesk-<id>-<locale>` with
  `translation_of` the source. An article limited to a user segment (`user_segment_id` or
  `user_segment_ids` set: signed-in users, agents, an organisation) is stored `internal`, so
  the customer widget can never quote it; the others get the ingest's visibility.
- **Intercom**: the Articles API's list (`{"type": "list", "data": [...]}`), a plain list of
  article objects, or one. Each locale of `translated_content` is a document
  (`intercom-<id>` in `default_locale`, `intercom-<id>-<locale>` for the others); an article
  without translated content is one document in its default locale. `created_at` and
  `updated_at` are Unix seconds there.
- **Freshdesk**: the Solutions API's articles (a list of them, or one), `freshdesk-<id>`;
  `status` 2 is published, 1 a draft; the body is `description` (HTML).

Drafts (Zendesk `draft: true`, Intercom `state` other than `published`, Freshdesk `status`
other than 2) are not loaded, so
`kbc ingest --prune` removes an article that went back to draft. Bodies are HTML, converted
to Markdown by the HTML loader. A record that cannot be read becomes a Failure
(`path[index]`) and the rest of the file still loads; a file that is not one of these shapes
is a SourceError naming them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ingest.files import Failure, read_text
from ingest.frontmatter import epoch_or_iso_date, iso_date, json_safe, tag_list
from ingest.html import fragment_to_markdown
from kb.errors import SourceError
from kb.models import Document, Visibility
from kb.text.language import normalise_code

SHAPES = (
    'Zendesk Guide {"articles": [...]} or {"article": {...}}; '
    'Intercom {"type": "list", "data": [...]}, a list of articles, or one article; '
    "Freshdesk Solutions articles (a list, or one)"
)
FRESHDESK_PUBLISHED = 2
_ZENDESK_META = ("section_id", "source_locale", "outdated", "promoted", "position")
_INTERCOM_META = ("parent_id", "parent_type", "default_locale", "description")
_FRESHDESK_META = ("category_id", "folder_id", "type")

Record = dict[str, Any]
Reader = Callable[[Record, str, Visibility], Iterator[Document]]  # one record -> its documents


def iter_export_documents(path: Path, *, visibility: Visibility) -> Iterator[Document | Failure]:
    """Every published article (per language) of a Zendesk, Intercom or Freshdesk export."""
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise SourceError(f"invalid JSON: {exc.msg} ({where})") from exc
    yield from export_documents(data, source=str(path), where=str(path), visibility=visibility)


def export_documents(
    data: Any, *, source: str, where: str, visibility: Visibility
) -> Iterator[Document | Failure]:
    """The documents of one decoded export (a file, or one page an API returned): `source`
    goes on each document, `where[index]` names a record that fails."""
    records, read = _records(data)
    seen: set[str] = set()
    for index, record in enumerate(records):
        at = f"{where}[{index}]"
        if not isinstance(record, dict):
            yield Failure(at, f"expected an article object, got {type(record).__name__}")
            continue
        try:
            documents = list(read(record, source, visibility))
        except SourceError as exc:
            yield Failure(at, exc.message)
            continue
        for doc in documents:
            if doc.external_id in seen:
                yield Failure(at, f"{doc.external_id} appears again; the first one was kept")
                continue
            seen.add(doc.external_id)
            yield doc


def _records(data: Any) -> tuple[list[Any], Reader]:
    """The article records of an export and the function that reads one of them."""
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        return data["articles"], _zendesk
    if isinstance(data, dict) and isinstance(data.get("article"), dict):
        return [data["article"]], _zendesk
    if isinstance(data, dict) and data.get("type") == "list" and isinstance(data.get("data"), list):
        return data["data"], _intercom
    if isinstance(data, dict) and data.get("type") == "article":
        return [data], _intercom
    if isinstance(data, list) and data and all(_is_zendesk_page(p) for p in data):
        return [a for page in data for a in page["articles"]], _zendesk
    if isinstance(data, list) and all(
        isinstance(a, dict) and a.get("type") == "article" for a in data
    ):
        return data, _intercom
    if _is_freshdesk(data):
        return [data], _freshdesk
    if isinstance(data, list) and all(_is_freshdesk(a) for a in data):
        return data, _freshdesk
    raise SourceError(f"not a help-center export this loader reads; expected {SHAPES}")


def _is_zendesk_page(page: Any) -> bool:
    return isinstance(page, dict) and isinstance(page.get("articles"), list)


# --- Zendesk Guide ---------------------------------------------------------------------------


def _zendesk(record: Record, source: str, visibility: Visibility) -> Iterator[Document]:
    if record.get("draft") is True:
        return
    article_id = _id(record)
    locale = _str(record.get("locale"))
    source_locale = _str(record.get("source_locale")) or locale
    base = f"zendesk-{article_id}"
    translated = bool(locale and source_locale and locale.lower() != source_locale.lower())
    restricted = record.get("user_segment_id") is not None or bool(record.get("user_segment_ids"))
    yield Document(
        external_id=f"{base}-{locale.lower()}" if translated else base,
        title=_title(record, _str(record.get("name"))),
        body=_body(record.get("body")),
        visibility="internal" if restricted else visibility,
        url=_str(record.get("html_url")) or None,
        lang=normalise_code(locale) if locale else None,
        tags=tag_list(record.get("label_names")),
        owner=_str(record.get("author_id")) or None,
        created_at=iso_date(record.get("created_at"), "created_at"),
        updated_at=iso_date(record.get("edited_at") or record.get("updated_at"), "updated_at"),
        translation_of=base if translated else None,
        source=source,
        meta=_meta(record, _ZENDESK_META, "zendesk", article_id),
    )


# --- Intercom --------------------------------------------------------------------------------


def _intercom(record: Record, source: str, visibility: Visibility) -> Iterator[Document]:
    article_id = _id(record)
    default = _str(record.get("default_locale"))
    base = f"intercom-{article_id}"
    contents = record.get("translated_content")
    if not isinstance(contents, dict) or not _locales(contents):
        contents = {default or "": record}
    for locale, content in _locales(contents).items():
        if _str(content.get("state")) != "published":
            continue
        translated = bool(default and locale and locale.lower() != default.lower())
        yield Document(
            external_id=f"{base}-{locale.lower()}" if translated else base,
            title=_title(content, _str(record.get("title"))),
            body=_body(content.get("body")),
            visibility=visibility,
            url=_str(content.get("url")) or None,
            lang=normalise_code(locale) if locale else None,
            owner=_str(content.get("author_id") or record.get("author_id")) or None,
            created_at=epoch_or_iso_date(content.get("created_at"), "created_at"),
            updated_at=epoch_or_iso_date(content.get("updated_at"), "updated_at"),
            translation_of=base if translated else None,
            source=source,
            meta=_meta(record, _INTERCOM_META, "intercom", article_id),
        )


def _locales(contents: Record) -> dict[str, Record]:
    """The locale -> content entries of `translated_content` (its `type` key left out)."""
    return {k: v for k, v in contents.items() if k != "type" and isinstance(v, dict)}


# --- Freshdesk -------------------------------------------------------------------------------


def _is_freshdesk(article: Any) -> bool:
    return isinstance(article, dict) and "folder_id" in article and "description" in article


def _freshdesk(record: Record, source: str, visibility: Visibility) -> Iterator[Document]:
    if record.get("status") != FRESHDESK_PUBLISHED:
        return
    article_id = _id(record)
    language = _str(record.get("language"))
    yield Document(
        external_id=f"freshdesk-{article_id}",
        title=_title(record, ""),
        body=_body(record.get("description")),
        visibility=visibility,
        url=_str(record.get("url")) or None,
        lang=normalise_code(language) if language else None,
        tags=tag_list(record.get("tags")),
        owner=_str(record.get("agent_id")) or None,
        created_at=iso_date(record.get("created_at"), "created_at"),
        updated_at=iso_date(record.get("updated_at"), "updated_at"),
        source=source,
        meta=_meta(record, _FRESHDESK_META, "freshdesk", article_id),
    )


# --- shared ----------------------------------------------------------------------------------


def _id(record: Record) -> str:
    value = record.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value).strip() == "":
        raise SourceError("article has no 'id' (a string or an integer)")
    return str(value).strip()


def _title(record: Record, fallback: str) -> str:
    title = _str(record.get("title")) or fallback
    if not title:
        raise SourceError(f"article {record.get('id', '')!s} has no title")
    return title


def _body(body: object) -> str:
    """An article's HTML body as Markdown."""
    if body is None or body == "":
        return ""  # the pipeline reports it: no text to index
    if not isinstance(body, str):
        raise SourceError(f"'body' must be an HTML string, not {type(body).__name__}")
    return fragment_to_markdown(body)


def _meta(record: Record, keys: tuple[str, ...], system: str, article_id: str) -> dict[str, Any]:
    meta = {k: json_safe(record[k]) for k in keys if record.get(k) is not None}
    return {"export": system, "export_id": article_id, **meta}


def _str(value: object) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value).strip()
