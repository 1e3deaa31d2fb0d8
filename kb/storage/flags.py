"""Flags in SQLite, written through their lifecycle.

open -> acknowledged -> fixed | dismissed (and back to open). A scan upserts what it found:
dismissed evidence stays dismissed (its key is remembered), new evidence re-opens, a fixed
flag that is detected again re-opens, and an open flag that is no longer detected closes
itself as fixed.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kb.errors import InvalidInput, NotFound
from kb.flags.model import ALL_REASONS, STATUSES, TRANSITIONS, Finding, Flag
from kb.store import KnowledgeBase

_COLUMNS = (
    "id, document_id, reason, severity, status, evidence, evidence_key, impact, created_at, "
    "updated_at, status_changed_at, note, subject, dismissed_keys, document_hash"
)
AUTO_CLOSED = "closed automatically: no longer detected"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _flag(row: Sequence[Any]) -> Flag:
    return Flag(
        id=row[0],
        document_id=row[1],
        reason=row[2],
        severity=row[3],
        status=row[4],
        evidence=json.loads(row[5]),
        evidence_key=row[6],
        impact=row[7],
        created_at=row[8],
        updated_at=row[9],
        status_changed_at=row[10],
        note=row[11],
        subject=row[12],
        dismissed_keys=json.loads(row[13]),
    )


@dataclass
class ApplyCounts:
    opened: int = 0
    updated: int = 0
    reopened: int = 0
    kept_dismissed: int = 0
    kept_fixed: int = 0
    auto_fixed: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class FlagStore:
    """List, read and change flags; `apply` writes one scan's findings in one transaction."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def get(self, flag_id: int) -> Flag:
        row = self.kb.database.execute(
            f"SELECT {_COLUMNS} FROM flags WHERE id = ?", (flag_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no flag with id {flag_id}")
        return _flag(row)

    def list(
        self,
        *,
        reason: str | None = None,
        status: str | None = None,
        document: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Flag]:
        """Flags by impact (then severity, newest first); unknown filter values are errors."""
        where: builtins.list[str] = []
        args: builtins.list[Any] = []
        if reason is not None:
            if reason not in ALL_REASONS:
                known = ", ".join(ALL_REASONS)
                raise InvalidInput(f"unknown reason {reason!r}; use one of {known}")
            where.append("reason = ?")
            args.append(reason)
        if status is not None:
            if status not in STATUSES:
                raise InvalidInput(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
            where.append("status = ?")
            args.append(status)
        if document is not None:
            where.append("document_id = ?")
            args.append(document)
        sql = f"SELECT {_COLUMNS} FROM flags"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += (
            " ORDER BY impact DESC, CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 "
            "ELSE 2 END, id DESC"
        )
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [limit, offset]
        return [_flag(r) for r in self.kb.database.execute(sql, args).fetchall()]

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for reason, status, n in self.kb.database.execute(
            "SELECT reason, status, COUNT(*) FROM flags GROUP BY reason, status"
        ):
            out.setdefault(reason, {})[status] = n
        return out

    def transition(
        self,
        flag_id: int,
        status: str | None = None,
        note: str | None = None,
        *,
        still_detected: Callable[[Flag], str | None] | None = None,
    ) -> Flag:
        """Change status (validated) and/or note. Marking fixed re-checks first when given
        `still_detected`; a problem that still holds refuses the change (InvalidInput)."""
        flag = self.get(flag_id)
        if status is not None and status not in STATUSES:
            raise InvalidInput(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
        target = status or flag.status
        if target != flag.status and target not in TRANSITIONS[flag.status]:
            allowed = ", ".join(sorted(TRANSITIONS[flag.status]))
            raise InvalidInput(f"a {flag.status} flag cannot become {target} (allowed: {allowed})")
        if target == "fixed" and flag.status != "fixed" and still_detected is not None:
            problem = still_detected(flag)
            if problem:
                raise InvalidInput(
                    f"still detected: {problem}. Update the article (and re-ingest it) first, "
                    "or dismiss the flag"
                )
        now = _now()
        dismissed = list(flag.dismissed_keys)
        if target == "dismissed" and flag.evidence_key not in dismissed:
            dismissed.append(flag.evidence_key)
        changed = target != flag.status
        db = self.kb.database
        with self.kb.transaction():
            db.execute(
                "UPDATE flags SET status = ?, note = ?, dismissed_keys = ?, updated_at = ?, "
                "status_changed_at = ? WHERE id = ?",
                (
                    target,
                    note if note is not None else flag.note,
                    json.dumps(dismissed),
                    now,
                    now if changed else flag.status_changed_at,
                    flag_id,
                ),
            )
        return self.get(flag_id)

    def apply(
        self,
        findings: Iterable[Finding],
        *,
        in_scope: Callable[[Flag], bool],
        document_hashes: dict[str, str] | None = None,
    ) -> ApplyCounts:
        """Upsert one scan's findings; flags in scope that were not found close if open."""
        hashes = document_hashes or {}
        counts = ApplyCounts()
        now = _now()
        seen: set[str] = set()
        db = self.kb.database
        with self.kb.transaction():
            existing = {
                f.subject: f
                for f in (_flag(r) for r in db.execute(f"SELECT {_COLUMNS} FROM flags").fetchall())
            }
            for f in findings:
                if f.subject in seen:
                    continue
                seen.add(f.subject)
                counts.by_reason[f.reason] = counts.by_reason.get(f.reason, 0) + 1
                doc_hash = hashes.get(f.document_id or "")
                old = existing.get(f.subject)
                if old is None:
                    db.execute(
                        "INSERT INTO flags (subject, document_id, reason, severity, status, "
                        "evidence, evidence_key, document_hash, impact, created_at, updated_at, "
                        "status_changed_at) VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?)",
                        (
                            f.subject,
                            f.document_id,
                            f.reason,
                            f.severity,
                            _json(f.evidence),
                            f.key,
                            doc_hash,
                            f.impact,
                            now,
                            now,
                            now,
                        ),
                    )
                    counts.opened += 1
                    continue
                status, note = old.status, old.note
                if old.status == "dismissed":
                    if f.key in old.dismissed_keys:
                        counts.kept_dismissed += 1
                        continue
                    status, note = "open", "re-opened: new evidence since it was dismissed"
                elif old.status == "fixed":
                    status, note = "open", "re-opened: detected again after it was fixed"
                if status != old.status:
                    counts.reopened += 1
                else:
                    counts.updated += 1
                db.execute(
                    "UPDATE flags SET severity = ?, status = ?, evidence = ?, evidence_key = ?, "
                    "document_hash = ?, impact = ?, updated_at = ?, status_changed_at = ?, "
                    "note = ? WHERE id = ?",
                    (
                        f.severity,
                        status,
                        _json(f.evidence),
                        f.key,
                        doc_hash,
                        f.impact,
                        now,
                        now if status != old.status else old.status_changed_at,
                        note,
                        old.id,
                    ),
                )
            for subject, old in existing.items():
                if subject in seen or not in_scope(old):
                    continue
                if old.status in ("open", "acknowledged"):
                    db.execute(
                        "UPDATE flags SET status = 'fixed', note = ?, updated_at = ?, "
                        "status_changed_at = ?, document_hash = COALESCE(?, document_hash) "
                        "WHERE id = ?",
                        (AUTO_CLOSED, now, now, hashes.get(old.document_id or ""), old.id),
                    )
                    counts.auto_fixed += 1
                elif old.status == "fixed":
                    counts.kept_fixed += 1
        return counts

    def stale_documents(self) -> builtins.list[str]:
        """Articles changed since their flags were computed (they need a re-check)."""
        rows = self.kb.database.execute(
            "SELECT DISTINCT f.document_id FROM flags f JOIN documents d "
            "ON d.external_id = f.document_id WHERE f.status IN ('open', 'acknowledged', 'fixed') "
            "AND f.document_hash IS NOT NULL AND f.document_hash <> d.content_hash"
        )
        return [r[0] for r in rows]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
