"""An existing SQLite store re-indexes its Chinese/Japanese/Korean/Thai chunks as bigrams when
it migrates (migration 6); PostgreSQL's side is tests/test_unspaced_postgres.py."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kb.storage.database import SqliteDatabase
from kb.storage.sqlite_fts import create_vocabulary, document_frequencies
from kb.storage.sqlite_schema import MIGRATIONS, migrate

SAMPLES = [
    "Reset your password",
    "パスワードの再設定、Zoom会議を予約。",
    "更改密码 A1 东",
    "예약을 취소하려면",
    "ยกเลิกการจอง ที่นี่ ฿100",
    "𠮷野家の牛丼",
    "",
]
ROWS = [
    ("ja", "予約の取り消し", "出発の二日前まで無料で取り消せます。"),
    ("en", "Cancel", "Cancel free."),
]


def _vocabulary(con: sqlite3.Connection) -> set[str]:
    con.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.v USING fts5vocab(main, 'chunks_fts', 'row')"
    )
    return {r[0] for r in con.execute("SELECT term FROM temp.v")}


def test_a_sqlite_store_of_version_5_reindexes_only_its_unspaced_chunks() -> None:
    con = sqlite3.connect(":memory:", isolation_level=None)
    for number, migration in enumerate(MIGRATIONS[:5], start=1):
        con.executescript(f"BEGIN; {migration()}; PRAGMA user_version = {number}; COMMIT;")
    for i, (ext, title, text) in enumerate(ROWS, start=1):
        con.execute(
            "INSERT INTO documents (id, external_id, kind, title, body, visibility, "
            "translation_group, content_hash, ingested_at) VALUES (?, ?, 'article', ?, ?, "
            "'public', ?, 'h', 't')",
            (i, ext, title, text, ext),
        )
        con.execute(
            "INSERT INTO chunks (document_id, ordinal, text, token_count, content_hash, "
            "embedding) VALUES (?, 0, ?, 3, 'h', x'00')",
            (i, text),
        )
    assert "取り消" not in _vocabulary(con) and "予約の取り消し" in _vocabulary(con)
    migrate(con)
    terms = _vocabulary(con)
    assert {"取り", "り消", "予約", "二日"} <= terms and "予約の取り消し" not in terms
    assert {"cancel", "free", "section"} - terms == {"section"}
    rows = con.execute("SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH '\"取り\"'").fetchall()
    assert rows == [(1,)]
    assert con.execute("SELECT count(*) FROM chunks_fts").fetchone() == (2,)


def test_fts_frequencies_read_voiced_kana_and_hangul_bigrams_as_indexed(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "kb.sqlite3")
    migrate(db.connection)
    db.execute(
        "INSERT INTO documents (id, external_id, kind, title, body, visibility, "
        "translation_group, content_hash, ingested_at) VALUES (1, 'a', 'article', 'ガイド', "
        "'b', 'public', 'a', 'h', 't')"
    )
    db.execute(
        "INSERT INTO chunks (document_id, ordinal, text, token_count, content_hash, embedding) "
        "VALUES (1, 0, '예약을 취소', 2, 'h', x'00')"
    )
    create_vocabulary(db)
    terms = ["ガイ", "예약", "취소", "nothing"]
    assert document_frequencies(db, terms) == {"ガイ": 1, "예약": 1, "취소": 1, "nothing": 0}
    db.close()
