"""Labelled tickets (JSONL) -> validated `Ticket`s plus a report of what could not be used.

Nothing is dropped silently: unusable rows are counted by reason (with a few examples),
and gold ids that do not resolve in the store are counted and left out of retrieval metrics.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Role = Literal["customer", "agent"]

CUSTOMER_ROLES = frozenset({"u", "user", "customer", "client", "human", "requester", "end-user"})
AGENT_ROLES = frozenset({"s", "system", "agent", "assistant", "bot", "support", "staff"})
KNOWN_FIELDS = frozenset(
    {"id", "question", "history", "gold_doc_ids", "gold_answer", "lang", "channel", "answerable"}
)
MAX_EXAMPLES = 5
CUSTOMER_ONLY: tuple[Role, ...] = ("customer",)


@dataclass(frozen=True)
class Turn:
    role: Role
    text: str


@dataclass(frozen=True)
class Ticket:
    """One labelled question. `gold_doc_ids` holds only ids that resolve in the store."""

    id: str
    question: str
    history: tuple[Turn, ...] = ()
    gold_doc_ids: tuple[str, ...] = ()
    gold_answer: str | None = None
    lang: str | None = None
    channel: str | None = None
    answerable: bool = True
    extras: dict[str, Any] = field(default_factory=dict)
    unknown_gold_ids: tuple[str, ...] = ()

    @property
    def has_gold(self) -> bool:
        """Whether retrieval metrics apply (some gold id resolved)."""
        return bool(self.gold_doc_ids)

    def history_texts(self, roles: Collection[Role] = CUSTOMER_ONLY) -> list[str]:
        return [t.text for t in self.history if t.role in roles and t.text.strip()]


@dataclass
class LoadReport:
    """What the loader kept and why it set rows or gold ids aside."""

    path: str
    rows: int = 0
    usable: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)  # "line N: reason"
    unknown_gold_ids: int = 0
    tickets_with_unknown_gold: int = 0
    tickets_without_gold: int = 0  # answerable, but no gold id resolves: no retrieval metrics
    unanswerable: int = 0
    warnings: list[str] = field(default_factory=list)

    def reject(self, line: int, reason: str, detail: str = "") -> None:
        self.rejected[reason] += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(f"line {line}: {reason}{': ' + detail if detail else ''}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "rows": self.rows,
            "usable": self.usable,
            "rejected": dict(sorted(self.rejected.items())),
            "examples": list(self.examples),
            "unknown_gold_ids": self.unknown_gold_ids,
            "tickets_with_unknown_gold": self.tickets_with_unknown_gold,
            "tickets_without_gold": self.tickets_without_gold,
            "unanswerable": self.unanswerable,
            "warnings": list(self.warnings),
        }

    def summary_line(self) -> str:
        rejected = sum(self.rejected.values())
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.rejected.items()))
        return (
            f"{self.usable} of {self.rows} rows usable"
            + (f"; rejected {rejected} ({reasons})" if rejected else "")
            + f"; {self.unknown_gold_ids} unknown gold ids in {self.tickets_with_unknown_gold} "
            f"tickets; {self.tickets_without_gold} answerable tickets without a resolvable gold "
            f"document (no retrieval metrics)"
        )


@dataclass(frozen=True)
class Dataset:
    tickets: tuple[Ticket, ...]
    report: LoadReport


class RowError(ValueError):
    """Why one row cannot be used (the short reason is the counter key)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason, self.detail = reason, detail


def load_tickets(
    path: Path | str, known_ids: Collection[str] | None = None, *, limit: int | None = None
) -> Dataset:
    """Read and validate a JSONL file; `known_ids` (the store's documents) resolves gold ids."""
    path = Path(path)
    report = LoadReport(path=str(path))
    with path.open("rb") as fh:
        lines = [(n, raw) for n, raw in enumerate(fh, start=1)]
    tickets = parse_rows(lines, report, known_ids, limit=limit)
    return Dataset(tickets=tuple(tickets), report=report)


def parse_rows(
    lines: Iterable[tuple[int, bytes]],
    report: LoadReport,
    known_ids: Collection[str] | None,
    *,
    limit: int | None = None,
) -> list[Ticket]:
    tickets: list[Ticket] = []
    seen: set[str] = set()
    for lineno, raw in lines:
        if not raw.strip():
            continue
        if limit is not None and len(tickets) >= limit:
            break
        report.rows += 1
        try:
            ticket = _ticket(raw, known_ids)
        except RowError as exc:
            report.reject(lineno, exc.reason, exc.detail)
            continue
        if ticket.id in seen:
            report.reject(lineno, "duplicate id", ticket.id)
            continue
        seen.add(ticket.id)
        _count(ticket, report)
        tickets.append(ticket)
    report.usable = len(tickets)
    if known_ids is not None and not known_ids:
        report.warnings.append("the store has no documents: every gold id is unknown")
    return tickets


def _count(ticket: Ticket, report: LoadReport) -> None:
    if ticket.unknown_gold_ids:
        report.unknown_gold_ids += len(ticket.unknown_gold_ids)
        report.tickets_with_unknown_gold += 1
    if not ticket.answerable:
        report.unanswerable += 1
    elif not ticket.gold_doc_ids:
        report.tickets_without_gold += 1


def _ticket(raw: bytes, known_ids: Collection[str] | None) -> Ticket:
    try:
        record = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise RowError("not UTF-8", f"byte {exc.start}") from exc
    except json.JSONDecodeError as exc:
        raise RowError("invalid JSON", exc.msg) from exc
    if not isinstance(record, dict):
        raise RowError("not a JSON object", type(record).__name__)
    ticket_id = record.get("id")
    if ticket_id is None or ticket_id == "" or isinstance(ticket_id, bool | list | dict):
        raise RowError("missing id")
    question = record.get("question")
    if not isinstance(question, str) or not question.strip():
        raise RowError("empty question", str(ticket_id))
    gold = _string_list(record.get("gold_doc_ids"), "gold_doc_ids")
    known = gold if known_ids is None else [g for g in gold if g in known_ids]
    answerable = record.get("answerable", True)
    if not isinstance(answerable, bool):
        raise RowError("answerable is not true/false", str(ticket_id))
    return Ticket(
        id=str(ticket_id),
        question=question.strip(),
        history=_history(record.get("history")),
        gold_doc_ids=tuple(dict.fromkeys(known)),
        gold_answer=_optional_text(record.get("gold_answer"), "gold_answer"),
        lang=_optional_text(record.get("lang"), "lang"),
        channel=_optional_text(record.get("channel"), "channel"),
        answerable=answerable,
        extras={k: v for k, v in record.items() if k not in KNOWN_FIELDS},
        unknown_gold_ids=tuple(g for g in gold if g not in known),
    )


def _string_list(value: object, name: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise RowError(f"{name} is not a list of ids")
    return [str(v) for v in value if str(v).strip()]


def _optional_text(value: object, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise RowError(f"{name} is not text")
    return value.strip() or None


def _history(value: object) -> tuple[Turn, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise RowError("history is not a list")
    turns: list[Turn] = []
    for item in value:
        if isinstance(item, str):
            turns.append(Turn("customer", item))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise RowError("history turn needs a text")
        role = str(item.get("role", "customer")).strip().lower()
        if role in CUSTOMER_ROLES:
            turns.append(Turn("customer", item["text"]))
        elif role in AGENT_ROLES:
            turns.append(Turn("agent", item["text"]))
        else:
            raise RowError("unknown history role", role)
    return tuple(turns)
