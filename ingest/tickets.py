"""Resolved tickets -> one internal question/resolution Document each, PII redacted first.

Formats (by suffix):

- `.json`: a list of tickets, or `{"tickets": [...]}`, or one ticket object (or one object
  per line, as `.jsonl`).
- `.jsonl` / `.jsonl.gz`: one ticket per line, streamed; a bad line is a Failure
  (`source="path:lineno"`) and the rest of the file still loads.
- `.csv`, one of two layouts, chosen by the header (column names are case-insensitive):
  (a) one row per message: `ticket_id, subject, channel, status, resolved_at, tags, author,
      body, created_at`; rows are grouped by `ticket_id` in file order (a ticket's fields
      are taken from its first row that has them);
  (b) one row per ticket: `id, subject, channel, status, resolved_at, tags, question,
      resolution` (`question` is the customer message, `resolution` the agent's).
  CSV tags are separated by `;` or `,`.

A ticket is `{"id", "subject", "channel", "status", "resolved_at", "tags": [...],
"messages": [{"author": "customer"|"agent", "body", "created_at"?}]}`. Messages are
cleaned (quoted history and signatures stripped, `clean_message`) and redacted
(`ingest.pii.redact`) before they reach any Document field. Zendesk tickets, Intercom
conversations and Freshdesk tickets are mapped onto this shape first
(ingest/helpdesk_tickets.py).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, cast

from ingest.files import Failure, read_text
from ingest.helpdesk_tickets import from_helpdesk
from ingest.pii import merge_counts, redact
from kb.errors import SourceError
from kb.models import Document
from kb.query_cleaning import clean_message
from kb.text.language import detect_language, normalise_code

__all__ = ["RESOLVED_STATUSES", "clean_message", "iter_ticket_documents", "ticket_to_document"]

RESOLVED_STATUSES = frozenset({"solved", "resolved", "closed"})
MAX_LINE_BYTES = 5 * 1024 * 1024  # one JSONL ticket larger than this is refused
MAX_TITLE_CHARS = 160

CUSTOMER_ROLES = frozenset({"customer", "requester", "end-user", "end_user", "user", "client"})
AGENT_ROLES = frozenset({"agent", "support", "staff", "admin", "assignee", "operator"})

MESSAGE_COLUMNS = ("ticket_id", "author", "body")
PAIR_COLUMNS = ("id", "question", "resolution")

Record = dict[str, Any]


class _Redactor:
    """Redacts every field on its way into a Document and keeps the per-kind counts."""

    def __init__(self) -> None:
        self.counts: list[dict[str, int]] = []

    def __call__(self, value: Any) -> str:
        red = redact(_text(value))
        self.counts.append(red.counts)
        return red.text

    def total(self) -> dict[str, int]:
        return merge_counts(*self.counts)


def iter_ticket_documents(
    path: Path, *, only_resolved: bool = True
) -> Iterator[Document | Failure]:
    """Every ticket in the file as a Document, or a Failure saying why it was skipped.

    File-level problems (empty, binary, not UTF-8, too large, unreadable) raise SourceError.
    """
    for where, record in _iter_records(path):
        if isinstance(record, Failure):
            yield record
        else:
            yield ticket_to_document(
                record, source=str(path), where=where, only_resolved=only_resolved
            )


def ticket_to_document(
    record: Record, *, source: str, where: str | None = None, only_resolved: bool = True
) -> Document | Failure:
    """One ticket record -> a redacted question/resolution Document, or a Failure with a reason.

    `where` locates the record for failures ("path:lineno"); `source` is the file path.
    """
    where = where or source
    try:
        record = from_helpdesk(record)
    except SourceError as exc:
        return Failure(where, exc.message)
    checked = _check(record, where, only_resolved)
    if isinstance(checked, Failure):
        return checked
    ticket_id, status, messages = checked
    red = _Redactor()
    questions, answers = _conversation(messages, red)
    if not questions:
        return Failure(where, f"ticket {ticket_id} has no customer message")
    if not answers:
        return Failure(where, f"ticket {ticket_id} has no agent message (no resolution)")
    question, resolution = "\n\n".join(questions), "\n\n".join(answers)
    resolved_at = red(record.get("resolved_at")) or None
    return Document(
        external_id=ticket_id,
        title=_title(red(record.get("subject")), questions[0]),
        body=f"## Question\n\n{question}\n\n## Resolution\n\n{resolution}\n",
        kind="ticket",
        visibility="internal",
        lang=_language(record, f"{question}\n\n{resolution}"),
        tags=tuple(red(tag) for tag in _tags(record.get("tags"))),
        created_at=red(messages[0].get("created_at")) or None,
        updated_at=resolved_at,
        source=source,
        meta={
            "channel": red(record.get("channel")) or None,
            "status": red(status) or None,
            "resolved_at": resolved_at,
            "message_count": len(messages),
            "pii_redacted": red.total(),
        },
    )


def _check(record: Any, where: str, only_resolved: bool) -> tuple[str, str, list[Record]] | Failure:
    """The ticket's id, status and messages, or why it cannot become a document."""
    if not isinstance(record, dict):
        return Failure(where, f"a ticket must be an object, not {type(record).__name__}")
    ticket_id = _text(record.get("id", record.get("ticket_id")))
    if not ticket_id:
        return Failure(where, "ticket has no id")
    status = _text(record.get("status")).lower()
    if only_resolved and status not in RESOLVED_STATUSES:
        shown = repr(status) if status else "missing"
        return Failure(where, f"ticket {ticket_id} is not resolved (status {shown})")
    messages = record.get("messages")
    if not isinstance(messages, list) or not messages:
        return Failure(where, f"ticket {ticket_id} has no messages")
    if not all(isinstance(message, dict) for message in messages):
        return Failure(where, f"ticket {ticket_id} has a message that is not an object")
    return ticket_id, status, messages


def _conversation(messages: list[Record], red: _Redactor) -> tuple[list[str], list[str]]:
    """Cleaned, redacted customer messages and agent messages, each in thread order."""
    questions: list[str] = []
    answers: list[str] = []
    for message in messages:
        role = _role(message)
        body = clean_message(_text(message.get("body", message.get("text"))))
        if role is not None and body:
            (questions if role == "customer" else answers).append(red(body))
    return questions, answers


def _role(message: Record) -> str | None:
    """'customer' or 'agent'; other authors (system notes, bots) are left out."""
    author = _text(message.get("author", message.get("role"))).lower()
    if author in CUSTOMER_ROLES:
        return "customer"
    if author in AGENT_ROLES:
        return "agent"
    return None


def _title(subject: str, first_question: str) -> str:
    """The (redacted) subject, or the first line of the first customer message."""
    title = " ".join(subject.split())
    if not title:
        first_line = next((ln for ln in first_question.splitlines() if ln.strip()), "")
        title = " ".join(first_line.split())
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    return title


def _language(record: Record, text: str) -> str | None:
    """Detected from question and resolution; the ticket's own locale when text is too short."""
    declared = _text(record.get("lang") or record.get("language") or record.get("locale"))
    return detect_language(text, default=normalise_code(declared) if declared else None)


def _tags(value: Any) -> list[str]:
    """Tags from a list, or from a string separated by `;` or `,`."""
    if isinstance(value, str):
        parts: list[Any] = value.replace(";", ",").split(",")
    elif isinstance(value, list | tuple):
        parts = list(value)
    else:
        return []
    return [tag for tag in map(_text, parts) if tag]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


# --- reading the formats -------------------------------------------------------------------


def _iter_records(path: Path) -> Iterator[tuple[str, Record | Failure]]:
    name = path.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".ndjson")):
        yield from _jsonl_records(path)
    elif name.endswith(".json"):
        yield from _json_records(path)
    elif name.endswith(".csv"):
        yield from _csv_records(path)
    else:
        raise SourceError(f"unsupported ticket file type {path.suffix or '(none)'!r}")


def _json_records(path: Path) -> Iterator[tuple[str, Record | Failure]]:
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and exc.lineno > 1:
            # one object per line under a .json name (Zendesk's full JSON export does this)
            yield from _jsonl_records(path)
            return
        where = f"line {exc.lineno}, column {exc.colno}"
        raise SourceError(f"invalid JSON: {exc.msg} ({where})") from exc
    if isinstance(data, dict) and isinstance(data.get("tickets"), list):
        data = data["tickets"]
    elif isinstance(data, dict) and "messages" in data:
        data = [data]
    if not isinstance(data, list):
        raise SourceError('expected a list of tickets or {"tickets": [...]}')
    for index, record in enumerate(data):
        yield f"{path}[{index}]", record


def _jsonl_records(path: Path) -> Iterator[tuple[str, Record | Failure]]:
    """Stream one ticket per line (no size limit); a binary file is refused, a bad line skipped."""
    try:
        with _open_bytes(path) as stream:
            if b"\x00" in stream.read(8192):
                raise SourceError("file looks binary (contains NUL bytes)")
            stream.seek(0)
            seen_any = False
            for lineno, raw in enumerate(stream, start=1):
                if raw.strip():
                    seen_any = True
                    where = f"{path}:{lineno}"
                    yield where, _parse_line(raw, where, lineno)
    except (OSError, EOFError) as exc:
        raise SourceError(f"cannot read file: {exc}") from exc
    if not seen_any:
        raise SourceError("file is empty")


def _open_bytes(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _parse_line(raw: bytes, where: str, lineno: int) -> Record | Failure:
    if len(raw) > MAX_LINE_BYTES:
        return Failure(where, f"line is {len(raw):,} bytes; the limit is {MAX_LINE_BYTES:,}")
    if b"\x00" in raw:
        return Failure(where, "line contains binary data (NUL bytes)")
    try:
        text = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        return Failure(where, f"line is not valid UTF-8 (byte {exc.start})")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return Failure(where, f"invalid JSON: {exc.msg} (column {exc.colno})")
    if not isinstance(record, dict):
        return Failure(where, f"a ticket must be a JSON object, not {type(record).__name__}")
    return record


def _csv_records(path: Path) -> Iterator[tuple[str, Record | Failure]]:
    text = read_text(path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    reader.fieldnames = header
    try:
        if all(col in header for col in PAIR_COLUMNS):
            yield from _csv_pairs(reader, path)
        elif all(col in header for col in MESSAGE_COLUMNS):
            yield from _csv_messages(reader, path)
        else:
            raise SourceError(
                "CSV header matches neither layout: expected columns "
                f"{', '.join(MESSAGE_COLUMNS)} (one row per message) or "
                f"{', '.join(PAIR_COLUMNS)} (one row per ticket); got {', '.join(header)}"
            )
    except csv.Error as exc:
        raise SourceError(f"CSV is malformed (line {reader.line_num}): {exc}") from exc


def _rows(reader: csv.DictReader[str], path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """Rows with the file line each starts on (a quoted body may span several lines)."""
    start = reader.line_num + 1
    for row in reader:
        yield f"{path}:{start}", row
        start = reader.line_num + 1


def _csv_pairs(reader: csv.DictReader[str], path: Path) -> Iterator[tuple[str, Record]]:
    for where, row in _rows(reader, path):
        record: Record = {key: row.get(key) for key in _TICKET_FIELDS}
        record["messages"] = [
            {"author": "customer", "body": row.get("question") or ""},
            {"author": "agent", "body": row.get("resolution") or ""},
        ]
        yield where, record


_TICKET_FIELDS = ("id", "subject", "channel", "status", "resolved_at", "tags")


def _csv_messages(reader: csv.DictReader[str], path: Path) -> Iterator[tuple[str, Record]]:
    """Group message rows by ticket_id, tickets in order of first appearance."""
    tickets: dict[str, tuple[str, Record]] = {}
    for where, row in _rows(reader, path):
        ticket_id = (row.get("ticket_id") or "").strip()
        if ticket_id not in tickets:
            tickets[ticket_id] = (where, {"id": ticket_id, "messages": []})
        record = tickets[ticket_id][1]
        for key in _TICKET_FIELDS[1:]:
            if not record.get(key) and row.get(key):
                record[key] = row[key]
        message = {"author": row.get("author"), "body": row.get("body")}
        if row.get("created_at"):
            message["created_at"] = row["created_at"]
        record["messages"].append(message)
    yield from tickets.values()
