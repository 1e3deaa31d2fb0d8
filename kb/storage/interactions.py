"""What customers and agents did with the copilot: answers, drafts and their feedback.

The answer log feeds analytics and content-gap detection; feedback feeds article quality.
Every write of `answer_log` moves its `answer_days` count (the daily rollup analytics reads)
in the same transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kb.errors import InvalidInput, NotFound
from kb.storage.database import Database
from kb.store import KnowledgeBase

RECENT_COLUMNS = (
    "id, created_at, question, lang, outcome, reason, confidence, sources, latency_ms, generator"
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


DayKey = tuple[str, str, str, str]


def _day_key(created_at: str, lang: str | None, outcome: str, reason: str | None) -> DayKey:
    """An answer's `answer_days` row: (day, language, outcome, reason), '' for no value."""
    return created_at[:10], lang or "", outcome, reason or ""


def _count_day(db: Database, key: DayKey, by: int) -> None:
    """Move the `answer_days` count of `key` by `by`; a count that reaches zero goes (the
    rollup holds only days with answers)."""
    db.execute(
        "INSERT INTO answer_days (day, lang, outcome, reason, answers) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (day, lang, outcome, reason) "
        "DO UPDATE SET answers = answer_days.answers + excluded.answers",
        (*key, by),
    )
    if by < 0:
        db.execute(
            "DELETE FROM answer_days WHERE day = ? AND lang = ? AND outcome = ? AND reason = ? "
            "AND answers <= 0",
            key,
        )


def rebuild_answer_days(db: Database) -> int:
    """Recount `answer_days` from `answer_log` (a store copied in without it); returns the
    rows written. A whole-table GROUP BY: for copies, never for requests."""
    db.execute("DELETE FROM answer_days")
    db.execute(
        "INSERT INTO answer_days (day, lang, outcome, reason, answers) "
        "SELECT substr(created_at, 1, 10), COALESCE(lang, ''), outcome, COALESCE(reason, ''), "
        "COUNT(*) FROM answer_log GROUP BY substr(created_at, 1, 10), COALESCE(lang, ''), "
        "outcome, COALESCE(reason, '')"
    )
    return int(db.execute("SELECT COUNT(*) FROM answer_days").fetchone()[0])


@dataclass(frozen=True)
class LoggedAnswer:
    question: str
    lang: str | None
    outcome: str
    reason: str | None
    confidence: float
    sources: list[str]
    answer: str | None
    latency_ms: float
    generator: str | None
    key_id: int | None
    client: str | None = None  # who asked (hashed visitor or key id): who may rate it


class Interactions:
    """Answer log, drafts and feedback rows in the store's SQLite database."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def log_answer(self, a: LoggedAnswer) -> int:
        db = self.kb.database
        created_at = _now()
        with self.kb.transaction():
            row = db.execute(
                "INSERT INTO answer_log (created_at, question, lang, outcome, reason, confidence, "
                "sources, answer, latency_ms, generator, key_id, client) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    created_at,
                    a.question,
                    a.lang,
                    a.outcome,
                    a.reason,
                    a.confidence,
                    json.dumps(a.sources),
                    a.answer,
                    a.latency_ms,
                    a.generator,
                    a.key_id,
                    a.client,
                ),
            ).fetchone()
            _count_day(db, _day_key(created_at, a.lang, a.outcome, a.reason), 1)
        return int(row[0])

    def log_draft(
        self,
        draft: str,
        *,
        lang: str | None,
        sources: list[str],
        confidence: float,
        generator: str,
        key_id: int | None,
    ) -> int:
        db = self.kb.database
        with self.kb.transaction():
            row = db.execute(
                "INSERT INTO drafts (created_at, draft, lang, sources, confidence, generator, "
                "key_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (_now(), draft, lang, json.dumps(sources), confidence, generator, key_id),
            ).fetchone()
        return int(row[0])

    def date_answer(self, answer_id: int, created_at: str) -> None:
        """Re-date a logged answer (seed data and tests: trends and windows need dates); its
        count moves from the old day to the new one."""
        db = self.kb.database
        with self.kb.transaction():
            old = db.execute(
                "SELECT created_at, lang, outcome, reason FROM answer_log WHERE id = ?",
                (answer_id,),
            ).fetchone()
            if old is None:
                return
            db.execute("UPDATE answer_log SET created_at = ? WHERE id = ?", (created_at, answer_id))
            before = _day_key(str(old[0]), old[1], str(old[2]), old[3])
            after = _day_key(created_at, old[1], str(old[2]), old[3])
            if before != after:
                # rows locked in key order: two re-datings never wait on each other in a cycle
                for key, by in sorted([(before, -1), (after, 1)]):
                    _count_day(db, key, by)

    def date_draft(self, draft_id: int, created_at: str) -> None:
        """Re-date a logged draft (seed data and tests, as `date_answer`)."""
        with self.kb.transaction():
            self.kb.database.execute(
                "UPDATE drafts SET created_at = ? WHERE id = ?", (created_at, draft_id)
            )

    def draft_text(self, draft_id: int) -> tuple[str, list[str]]:
        row = self.kb.database.execute(
            "SELECT draft, sources FROM drafts WHERE id = ?", (draft_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no draft with id {draft_id}")
        return row[0], json.loads(row[1])

    def answer_sources(self, answer_id: int) -> list[str]:
        return self.answer_owner(answer_id)[2]

    def answer_owner(self, answer_id: int) -> tuple[int | None, str | None, list[str]]:
        """(key id, client, sources) of a logged answer, or NotFound."""
        row = self.kb.database.execute(
            "SELECT key_id, client, sources FROM answer_log WHERE id = ?", (answer_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no answer with id {answer_id}")
        return row[0], row[1], list(json.loads(row[2]))

    def add_feedback(
        self,
        *,
        answer_id: int | None = None,
        draft_id: int | None = None,
        helpful: bool | None = None,
        final_reply: str | None = None,
        edit_distance: float | None = None,
        comment: str | None = None,
        key_id: int | None = None,
        client: str | None = None,
    ) -> int:
        """Store a vote or a final reply. With a `client`, each client has one row per answer
        or draft: a repeat replaces what it sends and returns the same id."""
        if (answer_id is None) == (draft_id is None):
            raise InvalidInput("feedback needs exactly one of answer_id or draft_id")
        sources = (
            self.answer_sources(answer_id)
            if answer_id is not None
            else self.draft_text(draft_id)[1]  # type: ignore[arg-type]
        )
        vote = None if helpful is None else int(helpful)
        target, target_id = (
            ("answer_id", answer_id) if answer_id is not None else ("draft_id", draft_id)
        )
        db = self.kb.database
        with self.kb.transaction():
            row = None
            if client is not None:
                row = db.execute(
                    f"SELECT id FROM feedback WHERE {target} = ? AND client = ?",
                    (target_id, client),
                ).fetchone()
            if row is not None:
                db.execute(
                    "UPDATE feedback SET created_at = ?, helpful = COALESCE(?, helpful), "
                    "final_reply = COALESCE(?, final_reply), "
                    "edit_distance = COALESCE(?, edit_distance), comment = COALESCE(?, comment) "
                    "WHERE id = ?",
                    (_now(), vote, final_reply, edit_distance, comment, row[0]),
                )
                return int(row[0])
            row = db.execute(
                "INSERT INTO feedback (created_at, answer_id, draft_id, helpful, final_reply, "
                "edit_distance, comment, sources, key_id, client) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    _now(),
                    answer_id,
                    draft_id,
                    vote,
                    final_reply,
                    edit_distance,
                    comment,
                    json.dumps(sources),
                    key_id,
                    client,
                ),
            ).fetchone()
        return int(row[0])

    def recent_answers(self, limit: int = 100) -> list[dict[str, Any]]:
        rows = self.kb.database.execute(
            f"SELECT {RECENT_COLUMNS} FROM answer_log ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        cols = RECENT_COLUMNS.split(", ")
        return [dict(zip(cols, r, strict=True)) for r in rows.fetchall()]
