"""Read queries over documents and chunks that the flags, the eval harness and the API need.

Portable SQL with `?` placeholders against `Database` (SQLite and PostgreSQL run the same
statements); each method returns typed rows or plain values, never a cursor.
"""

from __future__ import annotations

from kb.storage.database import Database


class Catalog:
    """Named reads for callers outside `kb/storage`; built by the store with its database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def grouped_counts(self, column: str) -> dict[str, int]:
        """Documents per value of `column` (kind, visibility or lang; NULL counts as '?')."""
        if column not in ("kind", "visibility", "lang", "product"):
            raise ValueError(f"cannot group documents by {column!r}")
        rows = self.db.execute(
            f"SELECT COALESCE({column}, '?'), COUNT(*) FROM documents GROUP BY 1"
        )
        return {str(k): int(n) for k, n in rows}

    def token_total(self) -> int:
        """Tokens over every chunk."""
        return int(
            self.db.execute("SELECT COALESCE(SUM(token_count), 0) FROM chunks").fetchone()[0]
        )

    def chunks_for_embedding(self) -> list[tuple[int, str, str, str]]:
        """(chunk id, document title, heading path JSON, text) of every chunk, by id."""
        rows = self.db.execute(
            "SELECT c.id, d.title, c.heading_path, c.text FROM chunks c "
            "JOIN documents d ON d.id = c.document_id ORDER BY c.id"
        )
        return [(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]
