"""The server backend: PostgreSQL with full-text search (tsvector, GIN) and pgvector (HNSW).

PostgreSQL is the one source of truth and holds both indexes itself, so there is no cache to
keep in step: the vector keeper only makes sure the HNSW index for the model's dimension
exists. Needs `pip install 'kbc[postgres]'` (psycopg 3 and pgvector's adapter).
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from kb.errors import DependencyMissing, StoreUnavailable
from kb.storage import redact
from kb.storage.database import Rows
from kb.storage.postgres_schema import migrate
from kb.storage.postgres_search import PgVectorKeeper, TsvectorIndex
from kb.storage.protocols import EmbeddingSource, VectorKeeper

CONNECT_TIMEOUT_S = 10
# Relations `kbc stats` reports (each with its indexes and TOAST).
SIZED_RELATIONS = ("documents", "chunks", "chunk_terms", "answer_log", "feedback", "flags")


def _psycopg() -> Any:
    try:
        import pgvector.psycopg  # noqa: F401
        import psycopg
    except ImportError as exc:
        raise DependencyMissing(
            f"the PostgreSQL store needs psycopg and pgvector ({exc.name} is missing): "
            "pip install 'kbc[postgres]'"
        ) from exc
    return psycopg


@functools.lru_cache(maxsize=512)
def to_pyformat(sql: str) -> str:
    """`?` placeholders -> `%s` outside quoted literals, identifiers and comments; every
    literal `%` doubled (psycopg reads `%` everywhere in a statement that has parameters)."""
    out: list[str] = []
    quote: str | None = None
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if quote is not None:
            if ch == quote:
                quote = None
            out.append("%%" if ch == "%" else ch)
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end].replace("%", "%%"))
            i = end
            continue
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class PostgresDatabase:
    """One autocommit psycopg connection shared by threads under one re-entrant lock.

    `transaction()` is BEGIN ... COMMIT (ROLLBACK on any exception), re-entrant within a
    thread. A connection the server dropped is opened again on the next statement outside a
    transaction; while it cannot be, every call raises StoreUnavailable naming the URL
    (never its password).
    """

    name = "postgresql"

    def __init__(self, url: str) -> None:
        self.psycopg = _psycopg()
        self.url = url
        self.lock = threading.RLock()
        self._depth = 0
        self._vector_ready = False
        self.iterative_scans = False
        self._con = self._connect()

    def _connect(self) -> Any:
        try:
            con = self.psycopg.connect(
                self.url,
                autocommit=True,
                connect_timeout=CONNECT_TIMEOUT_S,
                application_name="kbc",
            )
        except self.psycopg.Error as exc:
            raise self._unavailable(exc) from exc
        if self._vector_ready:
            self._register_vector(con)
        return con

    def _unavailable(self, exc: BaseException) -> StoreUnavailable:
        message = _first_line(exc)
        password = self.psycopg.conninfo.conninfo_to_dict(self.url).get("password") or ""
        if password:
            message = message.replace(str(password), "***")
        where = redact(self.url)
        return StoreUnavailable(f"cannot reach the PostgreSQL store at {where}: {message}")

    @property
    def connection(self) -> Any:
        """The raw connection, for the PostgreSQL backend's own modules (schema) only."""
        with self.lock:
            return self._live()

    def _live(self) -> Any:
        if self._con.closed or self._con.broken:
            if self._depth:
                raise StoreUnavailable(
                    f"lost the PostgreSQL store at {redact(self.url)} inside a transaction"
                )
            self._con = self._connect()
        return self._con

    def vector_ready(self) -> None:
        """Register pgvector's types (the extension exists once the schema is migrated)."""
        with self.lock:
            self._register_vector(self._live())
            self._vector_ready = True

    def _register_vector(self, con: Any) -> None:
        from pgvector.psycopg import register_vector

        register_vector(con)
        # load the extension's library now: its hnsw.* settings exist from here on
        con.execute("SELECT '[1]'::vector")
        # pgvector >= 0.8: a filtered or deep search keeps scanning until LIMIT rows
        try:
            con.execute("SET hnsw.iterative_scan = strict_order")
            self.iterative_scans = True
        except self.psycopg.Error:
            self.iterative_scans = False

    def execute(self, sql: str, params: Sequence[object] = ()) -> Rows:
        query = to_pyformat(sql)
        with self.lock:
            con = self._live()
            cur = con.cursor(binary=True)
            try:
                cur.execute(query, tuple(params))
            except self.psycopg.OperationalError as exc:
                if con.broken or con.closed:
                    raise self._unavailable(exc) from exc
                raise
            return cur

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        if not rows:
            return
        query = to_pyformat(sql)
        with self.lock:
            con = self._live()
            try:
                con.cursor(binary=True).executemany(query, [tuple(r) for r in rows])
            except self.psycopg.OperationalError as exc:
                if con.broken or con.closed:
                    raise self._unavailable(exc) from exc
                raise

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.lock:
            outer = self._depth == 0
            if outer:
                self.execute("BEGIN")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outer and not (self._con.closed or self._con.broken):
                    # the error that got us here is the one to report
                    with contextlib.suppress(self.psycopg.Error):
                        self._con.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self.execute("COMMIT")

    def vector_param(self, vector: np.ndarray) -> object:
        return np.ascontiguousarray(vector, dtype=np.float32)

    def vector_value(self, stored: Any) -> np.ndarray:
        if isinstance(stored, np.ndarray):
            return stored.astype(np.float32, copy=False)
        return np.asarray(stored.to_numpy(), dtype=np.float32)

    def close(self) -> None:
        with self.lock:
            if not self._con.closed:
                self._con.close()


class PostgresBackend:
    """A store in one PostgreSQL database (with pgvector); `data_dir` keeps the store's
    local files (calibrated models), as with SQLite."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self.url = url
        self.data_dir = data_dir
        self.database = PostgresDatabase(url)
        try:
            with self.database.lock:
                migrate(self.database.connection)
            self.database.vector_ready()
        except BaseException:
            self.database.close()
            raise
        self.keyword = TsvectorIndex(self.database)

    def vector_keeper(self, source: EmbeddingSource, fp16_from_chunks: int) -> VectorKeeper:
        return PgVectorKeeper(self.database, source)

    def sizes(self) -> dict[str, int]:
        rows = self.database.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "WHERE c.relname = ANY(?) AND c.relkind = 'r' "
            "AND c.relnamespace = to_regnamespace(current_schema())::oid",
            (list(SIZED_RELATIONS),),
        )
        return {str(name): int(size) for name, size in rows}

    def describe(self) -> str:
        return redact(self.url)
