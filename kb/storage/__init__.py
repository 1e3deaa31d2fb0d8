"""Storage backends behind one boundary: nothing outside this package writes SQL.

`open_backend` picks the engine from a store URL: none (or `sqlite:`) is the embedded
SQLite + FAISS store in the data folder; `postgresql://...` is PostgreSQL with pgvector.
"""

from __future__ import annotations

from pathlib import Path

from kb.errors import InvalidInput
from kb.storage.protocols import Backend

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def open_backend(data_dir: Path, store_url: str | None = None) -> Backend:
    """The backend for `store_url` (default: SQLite in `data_dir`)."""
    url = (store_url or "").strip()
    if not url or url == "sqlite:" or url.startswith("sqlite:///"):
        from kb.storage.sqlite import SqliteBackend

        target = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else data_dir
        target.mkdir(parents=True, exist_ok=True)
        return SqliteBackend(target)
    if url.startswith(POSTGRES_SCHEMES):
        from kb.storage.postgres import PostgresBackend

        return PostgresBackend(url, data_dir)
    raise InvalidInput(
        f"unknown store URL {redact(url)!r}: use postgresql://user@host/db or leave it unset "
        "for the embedded SQLite store"
    )


def redact(url: str) -> str:
    """`postgresql://kbc:secret@host/db` -> `postgresql://kbc:***@host/db`."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    creds, _, host = rest.rpartition("@")
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url
