"""What a flag is: a reason code, a severity, evidence a content owner can check, a status."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

# The one list of reasons (the API schema, the CLI and the console read it from here).
Reason = Literal[
    "contradicted_by_tickets",
    "missing_article",
    "unhelpful",
    "review_due",
    "broken_link",
    "duplicate",
    "translation_outdated",
    "sensitive_instruction",  # raised by the copilot when it drops such sentences; no scan
]
Severity = Literal["low", "medium", "high"]
Status = Literal["open", "acknowledged", "fixed", "dismissed"]

ALL_REASONS: tuple[Reason, ...] = get_args(Reason)
# Raised by the copilot while it answers, never computed (nor auto-closed) by a scan.
RAISED_REASONS: tuple[Reason, ...] = ("sensitive_instruction",)
# What a scan computes.
REASONS: tuple[Reason, ...] = tuple(r for r in ALL_REASONS if r not in RAISED_REASONS)
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
STATUSES: tuple[Status, ...] = get_args(Status)
SEVERITY_WEIGHT: dict[str, float] = {"low": 1.0, "medium": 2.0, "high": 3.0}

# Allowed status changes; a PATCH that keeps the status only updates the note.
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"acknowledged", "fixed", "dismissed"}),
    "acknowledged": frozenset({"open", "fixed", "dismissed"}),
    "fixed": frozenset({"open"}),
    "dismissed": frozenset({"open"}),
}


def evidence_key(*parts: object) -> str:
    """A stable hash of what makes evidence "the same" (dismissed evidence never re-opens)."""
    payload = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class Finding:
    """One detected problem; `subject` identifies it across scans (reason + article + detail).

    `touches` is how many tickets/answers the article (or gap) touches; impact is
    `(1 + touches) * severity weight`, so untouched articles still sort by severity.
    """

    reason: Reason
    document_id: str | None
    subject: str
    severity: Severity
    evidence: dict[str, Any]
    key: str
    touches: int = 0

    @property
    def impact(self) -> float:
        return round((1 + self.touches) * SEVERITY_WEIGHT[self.severity], 2)

    def summary(self) -> str:
        return str(self.evidence.get("summary", self.reason))


@dataclass
class Flag:
    """A stored flag as the API and the console show it."""

    id: int
    document_id: str | None
    reason: str
    severity: str
    status: str
    evidence: dict[str, Any]
    evidence_key: str
    impact: float
    created_at: str
    updated_at: str
    status_changed_at: str
    note: str | None
    subject: str = ""
    dismissed_keys: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "document_id": self.document_id,
            "reason": self.reason,
            "severity": self.severity,
            "status": self.status,
            "evidence": self.evidence,
            "evidence_key": self.evidence_key,
            "impact": self.impact,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "status_changed_at": self.status_changed_at,
            "note": self.note,
        }
