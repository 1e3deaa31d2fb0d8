"""Load answer-log and feedback seed files (JSONL) through `Interactions`, for the labelled
flag set, tests and demos.

answers.jsonl: `{"question", "outcome", "reason", "confidence", "days_ago", "sources"}`.
feedback.jsonl: `{"type": "answer", "question", "sources", "helpful", "comment"?}` or
`{"type": "draft", "draft", "final_reply", "edit_distance", "sources", "comment"?}`.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kb.errors import InvalidInput
from kb.storage.interactions import Interactions, LoggedAnswer
from kb.store import KnowledgeBase


def _rows(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"cannot read seed file {path}: {exc}") from exc


def load_answers(kb: KnowledgeBase, path: Path, *, now: datetime) -> int:
    """Log each answer, dated `days_ago` before `now` (trends need dates)."""
    log = Interactions(kb)
    rows = _rows(path)
    for row in rows:
        answer_id = log.log_answer(
            LoggedAnswer(
                question=row["question"],
                lang=row.get("lang", "en"),
                outcome=row["outcome"],
                reason=row.get("reason"),
                confidence=float(row["confidence"]),
                sources=list(row.get("sources", [])),
                answer=row.get("answer"),
                latency_ms=0.0,
                generator="seed",
                key_id=None,
            )
        )
        when = now - timedelta(days=float(row.get("days_ago", 0)))
        log.date_answer(answer_id, when.isoformat(timespec="seconds"))
    return len(rows)


def load_feedback(kb: KnowledgeBase, path: Path) -> int:
    """Answer votes (each logs the answer it rates) and drafts with the reply agents sent."""
    log = Interactions(kb)
    rows = _rows(path)
    for row in rows:
        sources = list(row.get("sources", []))
        if row.get("type") == "draft":
            draft_id = log.log_draft(
                row["draft"],
                lang="en",
                sources=sources,
                confidence=0.6,
                generator="seed",
                key_id=None,
            )
            log.add_feedback(
                draft_id=draft_id,
                final_reply=row.get("final_reply"),
                edit_distance=row.get("edit_distance"),
                comment=row.get("comment"),
            )
        else:
            answer_id = log.log_answer(
                LoggedAnswer(
                    question=row["question"],
                    lang="en",
                    outcome="answered",
                    reason=None,
                    confidence=0.7,
                    sources=sources,
                    answer=None,
                    latency_ms=0.0,
                    generator="seed",
                    key_id=None,
                )
            )
            log.add_feedback(
                answer_id=answer_id, helpful=bool(row["helpful"]), comment=row.get("comment")
            )
    return len(rows)
