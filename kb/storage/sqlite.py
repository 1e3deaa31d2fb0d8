"""The embedded backend: SQLite (WAL) with FTS5 for keywords and FAISS beside it for vectors.

SQLite is the source of truth; the FAISS index on disk is a cache that carries the store
generation it was built at and is rebuilt from the stored embeddings on any mismatch
(`kb.index_keeper`), so a crash between commit and index save never serves vectors that
disagree with SQLite.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kb.storage.database import SqliteDatabase
from kb.storage.faiss_index import manifest_path_for
from kb.storage.faiss_keeper import IndexKeeper
from kb.storage.protocols import EmbeddingSource, VectorKeeper
from kb.storage.sqlite_fts import Fts5Index, create_vocabulary
from kb.storage.sqlite_schema import migrate

DB_NAME = "kb.sqlite3"
INDEX_NAME = "vectors.faiss"


class SqliteBackend:
    """A store in `data_dir`: `kb.sqlite3` and `vectors.faiss` (+ its manifest)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / DB_NAME
        self.index_path = data_dir / INDEX_NAME
        self.database = SqliteDatabase(self.path)
        migrate(self.database.connection)
        create_vocabulary(self.database)
        self.keyword = Fts5Index(self.database)

    def vector_keeper(self, source: EmbeddingSource, fp16_from_chunks: int) -> VectorKeeper:
        return IndexKeeper(self.index_path, source, self.database.lock, fp16_from_chunks)

    def sizes(self) -> dict[str, int]:
        files = [self.path, self.index_path, manifest_path_for(self.index_path)]
        return {f.name: f.stat().st_size for f in files if f.exists()}

    def describe(self) -> str:
        return str(self.path)


def recorded_model(data_dir: Path) -> str | None:
    """The embedding model id a SQLite store was built with (None for a new or empty one)."""
    db_path = Path(data_dir) / DB_NAME
    if not db_path.exists():
        return None
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'model_id'").fetchone()
    except sqlite3.Error:
        return None
    finally:
        con.close()
    return row[0] if row else None
