"""The one seam between the store's repositories and a SQL engine.

Repositories (documents, catalog reads, keys, interactions, flags) are written once in the
SQL both engines speak, with `?` placeholders, against the `Database` Protocol. A backend
supplies a connection adapter (`SqliteDatabase` here, `PostgresDatabase` in
`kb.storage.postgres`) and the few things that differ: how a vector is stored and read back,
and the keyword and vector indexes (`kb.storage.protocols`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from kb.errors import StoreCorrupt


class Rows(Protocol):
    """What a query returns: the DB-API cursor subset the repositories use."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Database(Protocol):
    """A connection the repositories share: `?` placeholders, re-entrant transactions.

    `transaction()` is BEGIN ... COMMIT (ROLLBACK on any exception), re-entrant within one
    thread and exclusive across threads; statements outside one run in autocommit.
    """

    name: str  # "sqlite" or "postgresql"

    def execute(self, sql: str, params: Sequence[object] = ()) -> Rows: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None: ...

    def transaction(self) -> Any: ...

    def vector_param(self, vector: np.ndarray) -> object:
        """A float32 vector as this engine stores it in `chunks.embedding`."""
        ...

    def vector_value(self, stored: Any) -> np.ndarray:
        """A stored `chunks.embedding` back as a float32 vector."""
        ...

    def close(self) -> None: ...


class FetchedRows:
    """A statement's rows, read in full (`Rows` without a live cursor)."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount

    def fetchone(self) -> Any:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[Any]:
        rest, self._next = self._rows[self._next :], len(self._rows)
        return rest

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class SqliteDatabase:
    """One SQLite connection in WAL mode, shared by threads under one re-entrant lock."""

    name = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.RLock()
        try:
            self._con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._con.execute("PRAGMA journal_mode = WAL")
            self._con.execute("PRAGMA synchronous = NORMAL")
            self._con.execute("PRAGMA foreign_keys = ON")
            self._con.execute("PRAGMA busy_timeout = 10000")
        except sqlite3.DatabaseError as exc:
            raise StoreCorrupt(f"cannot open store at {path}: {exc}") from exc

    @property
    def connection(self) -> sqlite3.Connection:
        """The raw connection, for the SQLite backend's own modules (schema, FTS5) only."""
        return self._con

    def execute(self, sql: str, params: Sequence[object] = ()) -> Rows:
        """Runs the statement and reads every row under the lock: a cursor stepped outside
        it would touch the connection while another thread writes, and a writer whose FTS
        trigger calls back into Python (`kbc_segment`) then waits for the GIL that reader
        holds while it waits for the connection — a deadlock."""
        with self.lock:
            cursor = self._con.execute(sql, params)
            return FetchedRows(cursor.fetchall(), cursor.rowcount)

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        with self.lock:
            self._con.executemany(sql, rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.lock:
            outer = not self._con.in_transaction
            if outer:
                self._con.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if outer:
                    self._con.execute("ROLLBACK")
                raise
            if outer:
                self._con.execute("COMMIT")

    def vector_param(self, vector: np.ndarray) -> object:
        return np.ascontiguousarray(vector, dtype=np.float32).tobytes()

    def vector_value(self, stored: Any) -> np.ndarray:
        return np.frombuffer(stored, dtype=np.float32)

    def close(self) -> None:
        with self.lock:
            self._con.close()


IN_BATCH = 500  # values per IN (...) list: SQLite's default limit is 999 parameters


def rows_in(
    db: Database, sql: str, values: Sequence[object], extra: Sequence[object] = ()
) -> Iterator[Any]:
    """Rows of `sql` for every value, IN_BATCH values per statement: `sql` holds `{values}`
    where the IN list goes and `extra` parameters after it. Batches run in the order given,
    so rows come back batch by batch in the order each statement returns them."""
    for i in range(0, len(values), IN_BATCH):
        part = list(values[i : i + IN_BATCH])
        yield from db.execute(sql.replace("{values}", placeholders(len(part))), [*part, *extra])


def placeholders(count: int) -> str:
    """`?, ?, ?` for an IN list of `count` values."""
    return ",".join("?" * count)


def like_prefix(prefix: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') matching strings that start with `prefix`."""
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
