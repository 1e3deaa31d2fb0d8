"""Copy an embedded SQLite store into an empty PostgreSQL one (`kbc migrate --to URL`).

Everything moves as stored — documents, chunks with their embeddings (nothing is
re-embedded), keys, the answer log, drafts, feedback, flags and the metadata (model,
dimension, generation) — with the same ids, in one transaction on the target: a failure
leaves it empty. Chunk ids continue past the source's highest ever (SQLite's AUTOINCREMENT
counter), so an id is never handed out twice. The daily answer counts (`answer_days`) are
recounted there from the copied answer log, so they match it whatever the source held.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.errors import InvalidInput
from kb.storage.database import Database
from kb.storage.interactions import rebuild_answer_days

# Parents before children (foreign keys); every table of sqlite_schema.py but the rollup
# answer_days, which is recounted from answer_log after the copy.
TABLES = ("meta", "documents", "chunks", "api_keys", "answer_log", "drafts", "feedback", "flags")
IDENTITY_TABLES = TABLES[1:]
BATCH = 1000
HNSW_BUILD_MEMORY = "256MB"  # maintenance_work_mem while the HNSW index is built


@dataclass
class TransferReport:
    """Rows copied per table, and where to."""

    target: str
    rows: dict[str, int] = field(default_factory=dict)


def _columns(source: Database, table: str) -> list[str]:
    return [str(r[1]) for r in source.execute(f"PRAGMA table_info({table})")]


def _batches(source: Database, table: str, columns: Sequence[str]) -> Iterator[list[Any]]:
    """The table's rows in id order (meta: in key order), BATCH at a time."""
    key = "key" if table == "meta" else "id"
    last: object = "" if table == "meta" else 0
    while True:
        rows = source.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE {key} > ? ORDER BY {key} LIMIT ?",
            (last, BATCH),
        ).fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][columns.index(key)]


def _refuse_non_empty(target: Database, where: str) -> None:
    """Any row but metadata refuses (opening a new store records its model in meta: that is
    replaced by the source's)."""
    filled = [t for t in TABLES[1:] if target.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone()]
    if filled:
        raise InvalidInput(
            f"the target store {where} is not empty ({', '.join(filled)} hold rows): "
            "migrate copies into a new, empty database only"
        )


def _next_ids(source: Database) -> dict[str, int]:
    """Per table, the highest id handed out so far (SQLite's AUTOINCREMENT counter counts
    deleted chunks too)."""
    out = {
        t: int(source.execute(f"SELECT COALESCE(MAX(id), 0) FROM {t}").fetchone()[0])
        for t in IDENTITY_TABLES
    }
    for name, seq in source.execute("SELECT name, seq FROM sqlite_sequence"):
        if name in out:
            out[str(name)] = max(out[str(name)], int(seq))
    return out


def copy_sqlite_to_postgres(
    data_dir: Path, url: str, progress: Callable[[str, int], None] | None = None
) -> TransferReport:
    """Copy the SQLite store in `data_dir` into the empty PostgreSQL database at `url`."""
    from kb.storage.postgres import PostgresBackend
    from kb.storage.postgres_schema import ensure_vector_index
    from kb.storage.postgres_search import settle_terms
    from kb.storage.sqlite import DB_NAME, SqliteBackend

    if not (data_dir / DB_NAME).exists():
        raise InvalidInput(f"no SQLite store at {data_dir} (looked for {DB_NAME})")
    source = SqliteBackend(data_dir).database
    target_backend = PostgresBackend(url, data_dir)
    target = target_backend.database
    report = TransferReport(target_backend.describe())
    try:
        _refuse_non_empty(target, report.target)
        ids = _next_ids(source)
        with target.transaction():
            for table in TABLES:
                columns = _columns(source, table)
                vector_at = columns.index("embedding") if table == "chunks" else -1
                sql = (
                    f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' * len(columns))})"
                )
                if table == "meta":
                    target.execute("DELETE FROM meta")
                count = 0
                for rows in _batches(source, table, columns):
                    if vector_at >= 0:
                        rows = [_with_vector(target, r, vector_at, source) for r in rows]
                    target.executemany(sql, rows)
                    count += len(rows)
                    if progress:
                        progress(table, len(rows))
                report.rows[table] = count
            report.rows["answer_days"] = rebuild_answer_days(target)
            for table, last in ids.items():
                target.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), ?, ?)",
                    (max(last, 1), last > 0),
                )
            settle_terms(target)
            dim = target.execute("SELECT value FROM meta WHERE key = 'dim'").fetchone()
            if dim is not None:
                target.execute(
                    "SELECT set_config('maintenance_work_mem', ?, true)", (HNSW_BUILD_MEMORY,)
                )
                ensure_vector_index(target.connection, int(dim[0]))
    finally:
        target.close()
        source.close()
    return report


def _with_vector(target: Database, row: Sequence[Any], at: int, source: Database) -> list[Any]:
    values = list(row)
    values[at] = target.vector_param(source.vector_value(values[at]))
    return values
