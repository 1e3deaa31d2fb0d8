"""Resolved tickets -> redacted question/resolution Documents, from JSON, JSONL and CSV."""

from __future__ import annotations

import csv
import gzip
import json
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from ingest.files import Failure
from ingest.sources import load
from ingest.tickets import iter_ticket_documents
from kb.errors import SourceError
from kb.models import Document

SECRETS = (
    "maria.lopez@example.com",
    "maria.lopez",
    "4111 1111 1111 1111",
    "4111",
    "DE89",
    "0532 0130 00",
    "555-0142",
    "7946 0958",
    "refunds@acme-pay.example",
)


def ticket(tid: str = "T-1", status: str = "solved", **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": tid,
        "subject": "Charged twice, card 4111 1111 1111 1111",
        "channel": "email",
        "status": status,
        "resolved_at": "2026-10-03T09:00:00Z",
        "tags": ["billing", "refund"],
        "messages": [
            {
                "author": "customer",
                "created_at": "2026-10-02T08:00:00Z",
                "body": (
                    "Hi team,\n\nI was charged twice for booking #48213990. Please refund to "
                    "DE89 3704 0044 0532 0130 00 or call (415) 555-0142.\n"
                    "My email is maria.lopez@example.com.\n\nThanks,\nMaria Lopez\n"
                    "+44 20 7946 0958\n\n"
                    "On Mon, Oct 2, 2026 at 7:00 AM Acme <refunds@acme-pay.example> wrote:\n"
                    "> Your payment with card 4111 1111 1111 1111 was received."
                ),
            },
            {
                "author": "agent",
                "created_at": "2026-10-02T09:00:00Z",
                "body": (
                    "Hello Maria,\n\nI refunded the duplicate charge for booking #48213990; "
                    "it shows within 3-5 business days.\n\nBest regards,\nAlex\nAcme Support\n"
                    "--\nAcme Inc | acme.example"
                ),
            },
            {"author": "agent", "body": "Follow-up: the refund went out today as INV-2026-000123."},
        ],
    }
    record.update(extra)
    return record


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def split(items: list[Document | Failure]) -> tuple[list[Document], list[Failure]]:
    docs = [item for item in items if isinstance(item, Document)]
    return docs, [item for item in items if isinstance(item, Failure)]


def field_texts(doc: Document) -> list[str]:
    """Every field of the document as text (meta and tags included)."""
    return [repr(getattr(doc, f.name)) for f in fields(doc)]


def assert_no_secrets(doc: Document) -> None:
    for text in field_texts(doc):
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} leaked into {text[:80]!r}"


# --- formats -------------------------------------------------------------------------------


def test_json_list(tmp_path: Path) -> None:
    path = write_json(tmp_path / "t.json", [ticket("T-1"), ticket("T-2")])
    docs, failures = split(list(iter_ticket_documents(path)))
    assert failures == []
    assert [d.external_id for d in docs] == ["T-1", "T-2"]
    doc = docs[0]
    assert doc.kind == "ticket" and doc.visibility == "internal"
    assert doc.url is None
    assert doc.source == str(path)
    assert doc.title == "Charged twice, card [CARD]"
    assert doc.tags == ("billing", "refund")
    assert doc.created_at == "2026-10-02T08:00:00Z"
    assert doc.updated_at == "2026-10-03T09:00:00Z"
    assert doc.lang == "en"
    assert doc.meta == {
        "channel": "email",
        "status": "solved",
        "resolved_at": "2026-10-03T09:00:00Z",
        "message_count": 3,
        "pii_redacted": {"card": 1, "email": 1, "iban": 1, "phone": 1},
    }


def test_body_is_question_then_resolution(tmp_path: Path) -> None:
    path = write_json(tmp_path / "t.json", [ticket()])
    (doc,) = split(list(iter_ticket_documents(path)))[0]
    question, resolution = doc.body.split("## Resolution")
    assert question.startswith("## Question\n\nI was charged twice for booking #48213990.")
    assert "[IBAN]" in question and "[PHONE]" in question and "[EMAIL]" in question
    assert "I refunded the duplicate charge" in resolution
    assert resolution.index("I refunded") < resolution.index("Follow-up: the refund went out")
    assert "INV-2026-000123" in resolution


def test_quoted_history_greeting_and_signatures_are_stripped(tmp_path: Path) -> None:
    path = write_json(tmp_path / "t.json", [ticket()])
    (doc,) = split(list(iter_ticket_documents(path)))[0]
    for gone in (
        "wrote:",
        "> Your payment",
        "Hi team",
        "Thanks,",
        "Maria Lopez",
        "Best regards",
        "Acme Support",
        "Acme Inc",
        "Hello Maria",
    ):
        assert gone not in doc.body


def test_no_pii_in_any_field(tmp_path: Path) -> None:
    record = ticket(tags=["vip", "maria.lopez@example.com"], channel="phone (415) 555-0142")
    path = write_json(tmp_path / "t.json", {"tickets": [record]})
    (doc,) = split(list(iter_ticket_documents(path)))[0]
    assert_no_secrets(doc)
    assert doc.tags == ("vip", "[EMAIL]")
    assert doc.meta["channel"] == "phone [PHONE]"


def test_json_object_with_tickets_key(tmp_path: Path) -> None:
    path = write_json(tmp_path / "t.json", {"tickets": [ticket("T-9")]})
    docs, failures = split(list(iter_ticket_documents(path)))
    assert [d.external_id for d in docs] == ["T-9"] and failures == []


def test_jsonl_bad_line_is_a_failure_and_the_rest_loads(tmp_path: Path) -> None:
    lines = [json.dumps(ticket("T-1")), "{not json", "", json.dumps(ticket("T-3")), "[1, 2]"]
    path = write_jsonl(tmp_path / "t.jsonl", lines)
    docs, failures = split(list(iter_ticket_documents(path)))
    assert [d.external_id for d in docs] == ["T-1", "T-3"]
    assert [f.source for f in failures] == [f"{path}:2", f"{path}:5"]
    assert "invalid JSON" in failures[0].reason
    assert "object" in failures[1].reason
    assert all(d.source == str(path) for d in docs)


def test_jsonl_bad_utf8_line_is_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(json.dumps(ticket("T-1")).encode() + b'\n{"id": "caf\xe9"}\n')
    docs, failures = split(list(iter_ticket_documents(path)))
    assert [d.external_id for d in docs] == ["T-1"]
    assert failures == [Failure(f"{path}:2", "line is not valid UTF-8 (byte 11)")]


def test_jsonl_gz(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(json.dumps(ticket("T-7")) + "\n")
    docs, _ = split(list(iter_ticket_documents(path)))
    assert [d.external_id for d in docs] == ["T-7"]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.jsonl", b"", "file is empty"),
        ("blank.jsonl", b"\n\n  \n", "file is empty"),
        ("bin.jsonl", b"\x00\x01\x02binary", "binary"),
        ("empty.json", b"", "file is empty"),
        ("bad.json", b"[{", "invalid JSON"),
        ("latin1.json", b'[{"id": "caf\xe9"}]', "not valid UTF-8"),
        ("shape.json", b'"just a string"', "expected a list of tickets"),
        ("bin.csv", b"\x00\x00", "binary"),
        ("cols.csv", b"a,b,c\n1,2,3\n", "CSV header matches neither layout"),
    ],
)
def test_file_level_problems_raise_source_error(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError, match=reason):
        list(iter_ticket_documents(path))


def test_file_problems_become_failures_through_load(tmp_path: Path) -> None:
    (tmp_path / "bin.jsonl").write_bytes(b"\x00\x01")
    write_json(tmp_path / "ok.json", [ticket("T-1")])
    docs, failures = split(list(load(tmp_path, kind="ticket")))
    assert [d.external_id for d in docs] == ["T-1"]
    assert len(failures) == 1 and "binary" in failures[0].reason


# --- CSV -----------------------------------------------------------------------------------


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_csv_one_row_per_message(tmp_path: Path) -> None:
    header = [
        "ticket_id",
        "subject",
        "channel",
        "status",
        "resolved_at",
        "tags",
        "author",
        "body",
        "created_at",
    ]
    rows = [
        [
            "T-1",
            "Refund",
            "email",
            "solved",
            "2026-10-03",
            "billing;refund",
            "customer",
            "Please refund me, card 4111 1111 1111 1111.\n\nSent from my iPhone",
            "2026-10-01",
        ],
        [
            "T-2",
            "Login",
            "chat",
            "closed",
            "2026-10-04",
            "auth, sso",
            "customer",
            "SSO login loops forever.",
            "2026-10-02",
        ],
        ["T-1", "", "", "", "", "", "agent", "Refunded today.", "2026-10-02"],
        ["T-2", "", "", "", "", "", "agent", "Clear cookies and sign in again.", "2026-10-03"],
        ["T-3", "Still broken", "chat", "open", "", "", "customer", "Help", "2026-10-05"],
    ]
    path = write_csv(tmp_path / "m.csv", header, rows)
    docs, failures = split(list(iter_ticket_documents(path)))
    assert [d.external_id for d in docs] == ["T-1", "T-2"]
    first = docs[0]
    assert first.tags == ("billing", "refund")
    assert docs[1].tags == ("auth", "sso")
    assert first.body == (
        "## Question\n\nPlease refund me, card [CARD].\n\n## Resolution\n\nRefunded today.\n"
    )
    assert first.created_at == "2026-10-01"
    assert first.meta["message_count"] == 2
    assert failures == [Failure(f"{path}:8", "ticket T-3 is not resolved (status 'open')")]


def test_csv_one_row_per_ticket(tmp_path: Path) -> None:
    header = ["ID", "Subject", "Channel", "Status", "Resolved_At", "Tags", "Question", "Resolution"]
    rows = [
        [
            "101",
            "Export fails",
            "web",
            "resolved",
            "2026-09-01",
            "export;csv",
            "The CSV export times out.",
            "Use the async export under Reports > Export.",
        ],
        ["102", "", "web", "pending", "", "", "Where is my invoice?", ""],
    ]
    path = write_csv(tmp_path / "p.csv", header, rows)
    docs, failures = split(list(iter_ticket_documents(path)))
    assert [d.external_id for d in docs] == ["101"]
    assert docs[0].tags == ("export", "csv")
    assert "## Resolution\n\nUse the async export" in docs[0].body
    assert len(failures) == 1 and "not resolved (status 'pending')" in failures[0].reason


# --- ticket-level failures and details -----------------------------------------------------


def test_unresolved_ticket_is_skipped_with_reason(tmp_path: Path) -> None:
    path = write_json(tmp_path / "t.json", [ticket("T-1", status="open"), ticket("T-2")])
    docs, failures = split(list(iter_ticket_documents(path)))
    assert [d.external_id for d in docs] == ["T-2"]
    assert failures[0].reason == "ticket T-1 is not resolved (status 'open')"
    assert failures[0].source == f"{path}[0]"


def test_only_resolved_false_keeps_open_tickets(tmp_path: Path) -> None:
    path = write_json(tmp_path / "t.json", [ticket("T-1", status="open")])
    docs, _ = split(list(iter_ticket_documents(path, only_resolved=False)))
    assert [d.external_id for d in docs] == ["T-1"]


@pytest.mark.parametrize(
    ("messages", "reason"),
    [
        ([{"author": "agent", "body": "We fixed it."}], "ticket T-1 has no customer message"),
        ([{"author": "customer", "body": "Help!"}], "ticket T-1 has no agent message"),
        ([], "ticket T-1 has no messages"),
        (["hello"], "ticket T-1 has a message that is not an object"),
    ],
)
def test_one_sided_tickets_fail(tmp_path: Path, messages: list[Any], reason: str) -> None:
    path = write_json(tmp_path / "t.json", [ticket(messages=messages)])
    (failure,) = list(iter_ticket_documents(path))
    assert isinstance(failure, Failure) and reason in failure.reason


def test_ticket_without_id_fails(tmp_path: Path) -> None:
    record = ticket()
    del record["id"]
    path = write_json(tmp_path / "t.json", [record])
    (failure,) = list(iter_ticket_documents(path))
    assert isinstance(failure, Failure) and failure.reason == "ticket has no id"


def test_title_falls_back_to_first_customer_line(tmp_path: Path) -> None:
    messages = [
        {"author": "customer", "body": "Hi,\nCall me at 415-555-0142 about the refund\nmore"},
        {"author": "agent", "body": "Done."},
    ]
    path = write_json(tmp_path / "t.json", [ticket(subject="", messages=messages)])
    (doc,) = split(list(iter_ticket_documents(path)))[0]
    assert doc.title == "Call me at [PHONE] about the refund"


def test_spanish_ticket_language(tmp_path: Path) -> None:
    messages = [
        {"author": "customer", "body": "No puedo descargar la factura de octubre desde la web."},
        {"author": "agent", "body": "Puede descargarla en Ajustes > Facturación > Historial."},
    ]
    path = write_json(tmp_path / "t.json", [ticket(messages=messages, subject="Factura")])
    (doc,) = split(list(iter_ticket_documents(path)))[0]
    assert doc.lang == "es"


# --- clean_message -------------------------------------------------------------------------
