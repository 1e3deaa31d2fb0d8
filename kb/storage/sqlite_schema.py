"""Schema migrations as numbered functions returning SQL; `user_version` tracks progress.

Add a migration by appending a function to MIGRATIONS — never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from kb.errors import StoreCorrupt
from kb.text.unspaced import segment_unspaced


def _m001_documents_chunks() -> str:
    return """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            external_id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('article', 'ticket')),
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            url TEXT,
            lang TEXT,
            visibility TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),
            product TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            owner TEXT,
            created_at TEXT,
            updated_at TEXT,
            translation_group TEXT NOT NULL,
            translation_of TEXT,
            source TEXT,
            meta TEXT NOT NULL DEFAULT '{}',
            content_hash TEXT NOT NULL,
            ingested_at TEXT NOT NULL,
            CHECK (kind = 'article' OR visibility = 'internal')
        );
        CREATE INDEX documents_source ON documents(source);
        CREATE INDEX documents_group ON documents(translation_group);
        CREATE TABLE chunks (
            id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: FAISS ids must stay unique
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            heading_path TEXT NOT NULL DEFAULT '[]',
            text TEXT NOT NULL,
            token_count INTEGER NOT NULL,
            lang TEXT,
            content_hash TEXT NOT NULL,
            embedding BLOB NOT NULL,
            UNIQUE (document_id, ordinal)
        );
        CREATE INDEX chunks_hash ON chunks(content_hash);
        CREATE VIRTUAL TABLE chunks_fts USING fts5(
            title, heading, text,
            tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
            INSERT INTO chunks_fts(rowid, title, heading, text) VALUES (
                new.id,
                (SELECT title FROM documents WHERE id = new.document_id),
                new.heading_path,
                new.text
            );
        END;
        CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
            DELETE FROM chunks_fts WHERE rowid = old.id;
        END;
        """


def _m002_keys_answers_feedback() -> str:
    return """
        CREATE TABLE api_keys (
            id INTEGER PRIMARY KEY,
            prefix TEXT NOT NULL UNIQUE,
            key_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('agent', 'owner', 'admin', 'widget')),
            name TEXT NOT NULL DEFAULT '',
            origins TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL,
            revoked_at TEXT,
            last_used_at TEXT
        );
        CREATE TABLE answer_log (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            question TEXT NOT NULL,
            lang TEXT,
            outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'handoff')),
            reason TEXT,
            confidence REAL NOT NULL,
            sources TEXT NOT NULL DEFAULT '[]',
            answer TEXT,
            latency_ms REAL NOT NULL,
            generator TEXT,
            key_id INTEGER REFERENCES api_keys(id)
        );
        CREATE INDEX answer_log_created ON answer_log(created_at);
        CREATE TABLE drafts (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            draft TEXT NOT NULL,
            lang TEXT,
            sources TEXT NOT NULL DEFAULT '[]',
            confidence REAL NOT NULL,
            generator TEXT,
            key_id INTEGER REFERENCES api_keys(id)
        );
        CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            answer_id INTEGER REFERENCES answer_log(id),
            draft_id INTEGER REFERENCES drafts(id),
            helpful INTEGER,
            final_reply TEXT,
            edit_distance REAL,
            comment TEXT,
            sources TEXT NOT NULL DEFAULT '[]',
            key_id INTEGER REFERENCES api_keys(id),
            CHECK ((answer_id IS NULL) <> (draft_id IS NULL))
        );
        CREATE INDEX feedback_answer ON feedback(answer_id);
        CREATE INDEX feedback_draft ON feedback(draft_id);
        """


def _m003_flags() -> str:
    """Content flags with their lifecycle; `subject` is a flag's identity across scans."""
    return """
        CREATE TABLE flags (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL UNIQUE,
            document_id TEXT,
            reason TEXT NOT NULL CHECK (reason IN ('contradicted_by_tickets', 'missing_article',
                'unhelpful', 'review_due', 'broken_link', 'duplicate', 'translation_outdated')),
            severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'acknowledged', 'fixed', 'dismissed')),
            evidence TEXT NOT NULL DEFAULT '{}',
            evidence_key TEXT NOT NULL,
            dismissed_keys TEXT NOT NULL DEFAULT '[]',
            document_hash TEXT,
            impact REAL NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            status_changed_at TEXT NOT NULL,
            note TEXT
        );
        CREATE INDEX flags_document ON flags(document_id);
        CREATE INDEX flags_reason_status ON flags(reason, status);
        """


def _m004_vote_clients() -> str:
    """Who asked and who voted (a hashed visitor or key id): one vote per answer or draft per
    client, and a widget visitor may rate only the answers it was given."""
    return """
        ALTER TABLE answer_log ADD COLUMN client TEXT;
        ALTER TABLE feedback ADD COLUMN client TEXT;
        CREATE UNIQUE INDEX feedback_answer_client ON feedback(answer_id, client)
            WHERE answer_id IS NOT NULL AND client IS NOT NULL;
        CREATE UNIQUE INDEX feedback_draft_client ON feedback(draft_id, client)
            WHERE draft_id IS NOT NULL AND client IS NOT NULL;
        """


def _m005_sensitive_flag() -> str:
    """Flag reason `sensitive_instruction` (an article asks customers for secrets): SQLite
    cannot alter a CHECK, so the flags table is rebuilt with its rows and ids."""
    return """
        CREATE TABLE flags_new (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL UNIQUE,
            document_id TEXT,
            reason TEXT NOT NULL CHECK (reason IN ('contradicted_by_tickets', 'missing_article',
                'unhelpful', 'review_due', 'broken_link', 'duplicate', 'translation_outdated',
                'sensitive_instruction')),
            severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'acknowledged', 'fixed', 'dismissed')),
            evidence TEXT NOT NULL DEFAULT '{}',
            evidence_key TEXT NOT NULL,
            dismissed_keys TEXT NOT NULL DEFAULT '[]',
            document_hash TEXT,
            impact REAL NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            status_changed_at TEXT NOT NULL,
            note TEXT
        );
        INSERT INTO flags_new (id, subject, document_id, reason, severity, status, evidence,
            evidence_key, dismissed_keys, document_hash, impact, created_at, updated_at,
            status_changed_at, note)
        SELECT id, subject, document_id, reason, severity, status, evidence, evidence_key,
            dismissed_keys, document_hash, impact, created_at, updated_at, status_changed_at,
            note FROM flags;
        DROP TABLE flags;
        ALTER TABLE flags_new RENAME TO flags;
        CREATE INDEX flags_document ON flags(document_id);
        CREATE INDEX flags_reason_status ON flags(reason, status);
        """


_SEGMENTED_CHANGES = """
    kbc_segment(d.title) <> d.title OR kbc_segment(c.heading_path) <> c.heading_path
    OR kbc_segment(c.text) <> c.text
"""


def _m006_segmented_keywords() -> str:
    """Chinese, Japanese, Korean and Thai runs are indexed as character bigrams
    (`kbc_segment`, kb/text/unspaced.py); the FTS rows of chunks holding them are re-indexed.
    Other rows are left alone: segmenting changes nothing in them."""
    return f"""
        DROP TRIGGER chunks_fts_insert;
        CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
            INSERT INTO chunks_fts(rowid, title, heading, text) VALUES (
                new.id,
                kbc_segment((SELECT title FROM documents WHERE id = new.document_id)),
                kbc_segment(new.heading_path),
                kbc_segment(new.text)
            );
        END;
        DELETE FROM chunks_fts WHERE rowid IN (
            SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE {_SEGMENTED_CHANGES}
        );
        INSERT INTO chunks_fts(rowid, title, heading, text)
            SELECT c.id, kbc_segment(d.title), kbc_segment(c.heading_path), kbc_segment(c.text)
            FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE {_SEGMENTED_CHANGES};
        """


def _m007_drafts_created() -> str:
    """Drafts by date (analytics reads a window of them, never the whole table)."""
    return "CREATE INDEX drafts_created ON drafts(created_at);"


def _m008_answer_days() -> str:
    """Answers by (day, language, outcome, reason): analytics counts a window from this
    index alone, in its order, with no table reads and no sort."""
    return """
        CREATE INDEX answer_log_days
            ON answer_log ((substr(created_at, 1, 10)), lang, outcome, reason, created_at);
        """


def _m009_answer_rollup() -> str:
    """Answers per (day, language, outcome, reason), kept in step by every write of
    answer_log (kb/storage/interactions.py): analytics counts whole days from these rows,
    not from the answers. No language or reason is stored as '' (a key cannot hold NULL).
    Filled from the answers logged so far."""
    return """
        CREATE TABLE answer_days (
            day TEXT NOT NULL,
            lang TEXT NOT NULL DEFAULT '',
            outcome TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            answers INTEGER NOT NULL,
            PRIMARY KEY (day, lang, outcome, reason)
        ) WITHOUT ROWID;
        INSERT INTO answer_days (day, lang, outcome, reason, answers)
            SELECT substr(created_at, 1, 10), COALESCE(lang, ''), outcome, COALESCE(reason, ''),
                COUNT(*)
            FROM answer_log
            GROUP BY substr(created_at, 1, 10), COALESCE(lang, ''), outcome, COALESCE(reason, '');
        """


MIGRATIONS: list[Callable[[], str]] = [
    _m001_documents_chunks,
    _m002_keys_answers_feedback,
    _m003_flags,
    _m004_vote_clients,
    _m005_sensitive_flag,
    _m006_segmented_keywords,
    _m007_drafts_created,
    _m008_answer_days,
    _m009_answer_rollup,
]


def _segment(text: str | None) -> str | None:
    return None if text is None else segment_unspaced(text)


def install_functions(db: sqlite3.Connection) -> None:
    """The SQL functions the schema's triggers call, on this connection (SQLite keeps
    application functions per connection)."""
    db.create_function("kbc_segment", 1, _segment, deterministic=True)


def migrate(db: sqlite3.Connection) -> None:
    """Bring the database up to the newest schema, one transaction per migration; installs
    the schema's SQL functions on `db` first."""
    install_functions(db)
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version > len(MIGRATIONS):
        raise StoreCorrupt(
            f"store schema version {version} is newer than this kbc understands "
            f"({len(MIGRATIONS)}); upgrade kbc"
        )
    for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
        # BEGIN inside the script: executescript would commit an outer transaction first.
        try:
            db.executescript(f"BEGIN; {migration()}; PRAGMA user_version = {number}; COMMIT;")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise StoreCorrupt(f"schema migration {number} failed: {exc}") from exc
