"""Stage 1, load: paths (files or folders) -> Documents, or Failures with reasons.

File types by suffix; a folder is walked (hidden files skipped). Articles: Markdown,
HTML, the JSONL format of the shared data sets, and Zendesk Guide, Intercom or Freshdesk
exports (`.json`, ingest/helpcenter_exports.py); tickets: JSON, JSONL, CSV, and the same
helpdesks' ticket exports (ingest/helpdesk_tickets.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ingest.files import Failure
from kb.errors import KBError
from kb.models import Document, Kind, Visibility

MARKDOWN = (".md", ".markdown")
HTML = (".html", ".htm")
RECORDS = (".jsonl", ".jsonl.gz", ".json", ".csv")


def _suffix(path: Path) -> str:
    name = path.name.lower()
    return ".jsonl.gz" if name.endswith(".jsonl.gz") else path.suffix.lower()


def iter_files(path: Path) -> Iterator[Path]:
    """Files under `path` in a stable order, skipping hidden files and folders."""
    if path.is_file():
        yield path
        return
    for child in sorted(path.rglob("*")):
        rel = child.relative_to(path)
        if child.is_file() and not any(part.startswith(".") for part in rel.parts):
            yield child


def load(
    path: Path, *, kind: Kind = "article", visibility: Visibility = "public"
) -> Iterator[Document | Failure]:
    """Every document in `path` (a file or a folder), or a Failure for what cannot be read."""
    path = path.resolve()
    if not path.exists():
        yield Failure(str(path), "no such file or folder")
        return
    root = path if path.is_dir() else path.parent
    for file in iter_files(path):
        yield from _load_file(file, root, kind, visibility)


def _load_file(
    file: Path, root: Path, kind: Kind, visibility: Visibility
) -> Iterator[Document | Failure]:
    suffix = _suffix(file)
    try:
        if kind == "ticket":
            if suffix not in RECORDS:
                yield Failure(str(file), f"unsupported ticket file type {suffix or '(none)'!r}")
                return
            from ingest.tickets import iter_ticket_documents

            yield from iter_ticket_documents(file)
        elif suffix in MARKDOWN:
            from ingest.markdown import load_markdown_file

            yield load_markdown_file(file, root, kind=kind, visibility=visibility)
        elif suffix in HTML:
            from ingest.html import load_html_file

            yield load_html_file(file, root, kind=kind, visibility=visibility)
        elif suffix in (".jsonl", ".jsonl.gz"):
            from ingest.jsonl_docs import iter_jsonl_documents

            yield from iter_jsonl_documents(file, kind=kind, visibility=visibility)
        elif suffix == ".json":
            from ingest.helpcenter_exports import iter_export_documents

            yield from iter_export_documents(file, visibility=visibility)
        else:
            yield Failure(str(file), f"unsupported article file type {suffix or '(none)'!r}")
    except KBError as exc:
        yield Failure(str(file), exc.message)
    except (OSError, ValueError) as exc:
        yield Failure(str(file), f"{type(exc).__name__}: {exc}")
