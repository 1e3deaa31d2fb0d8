"""The daily answer rollup (`answer_days`): filled from the answers of a store that predates
it (SQLite migration 9, PostgreSQL 5) and recounted when a store is copied to PostgreSQL.
tests/conformance/test_analytics.py keeps it in step with writes on both backends."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kb.embedders import HashingEmbedder
from kb.storage import postgres_schema, sqlite_schema
from kb.storage.analytics import Analytics, Window
from kb.storage.sqlite import DB_NAME
from kb.storage.transfer import copy_sqlite_to_postgres
from kb.store import KnowledgeBase
from tests.analytics_data import recount_days, rollup_rows, seed_march

# (created_at, lang, outcome, reason): no language, no reason and an empty reason included
LOGGED = [
    ("2026-03-01T08:00:00.000+00:00", "en", "answered", None),
    ("2026-03-01T09:00:00+00:00", "en", "answered", None),
    ("2026-03-01T10:00:00+00:00", None, "handoff", "low_confidence"),
    ("2026-03-01T11:00:00+00:00", None, "handoff", "low_confidence"),
    ("2026-03-02T23:59:59.999+00:00", "de", "handoff", None),
    ("2026-03-02T12:00:00+00:00", "de", "handoff", ""),
]
BACKFILLED = [
    ("2026-03-01", "", "handoff", "low_confidence", 2),
    ("2026-03-01", "en", "answered", "", 2),
    ("2026-03-02", "de", "handoff", "", 2),
]
INSERT = (
    "INSERT INTO answer_log (created_at, question, lang, outcome, reason, confidence, "
    "latency_ms) VALUES (?, 'q', ?, ?, ?, 0.5, 10)"
)


@pytest.fixture
def pg_url() -> Iterator[str]:
    try:
        from tests.pg_support import fresh_database
    except ImportError as exc:  # pragma: no cover - depends on the install
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"PostgreSQL backend not available here ({exc})")
    with fresh_database() as url:
        yield url


def _same_reports(kb: KnowledgeBase) -> None:
    """The report through the rollup is the one counted from the answers alone."""
    window = Window.of(date(2026, 2, 1), date(2026, 3, 4))
    assert Analytics(kb).report(window) == Analytics(kb, rollup=False).report(window)


def test_a_sqlite_store_of_version_8_gets_its_answers_counted(tmp_path: Path) -> None:
    data_dir = tmp_path / "store"
    data_dir.mkdir()
    con = sqlite3.connect(data_dir / DB_NAME, isolation_level=None)
    sqlite_schema.install_functions(con)
    for number, migration in enumerate(sqlite_schema.MIGRATIONS[:8], start=1):
        con.executescript(f"BEGIN; {migration()}; PRAGMA user_version = {number}; COMMIT;")
    con.executemany(INSERT, LOGGED)
    con.close()
    with KnowledgeBase(data_dir, HashingEmbedder(64)) as kb:
        assert rollup_rows(kb) == BACKFILLED == recount_days(kb)
        (version,) = kb.database.execute("PRAGMA user_version").fetchone()
        assert version == len(sqlite_schema.MIGRATIONS) == 9
        _same_reports(kb)


def test_a_postgres_store_of_version_4_gets_its_answers_counted(
    tmp_path: Path, pg_url: str
) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute(
            "CREATE TABLE kbc_schema (version INTEGER PRIMARY KEY, applied_at "
            "TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        for number, migration in enumerate(postgres_schema.MIGRATIONS[:4], start=1):
            con.execute(migration())
            con.execute("INSERT INTO kbc_schema (version) VALUES (%s)", (number,))
        with con.cursor() as cur:
            cur.executemany(INSERT.replace("?", "%s"), LOGGED)
    with KnowledgeBase(tmp_path, HashingEmbedder(64), store_url=pg_url) as kb:
        assert rollup_rows(kb) == BACKFILLED == recount_days(kb)
        _same_reports(kb)


def test_a_copy_to_postgres_recounts_the_rollup(tmp_path: Path, pg_url: str) -> None:
    data_dir = tmp_path / "store"
    with KnowledgeBase(data_dir, HashingEmbedder(64)) as lite:
        seed_march(lite)
        counted = recount_days(lite)
        # a source out of step (written by hand, say) is not copied as it is
        lite.database.execute("UPDATE answer_days SET answers = answers + 5")
    report = copy_sqlite_to_postgres(data_dir, pg_url)
    assert report.rows["answer_log"] == 7 and report.rows["answer_days"] == len(counted)
    with KnowledgeBase(data_dir, store_url=pg_url) as pg:
        assert rollup_rows(pg) == counted == recount_days(pg)
        _same_reports(pg)
