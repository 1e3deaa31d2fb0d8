"""The example tickets in examples/tickets: they load, their PII is redacted, their languages."""

from __future__ import annotations

import collections
import json
import re
from pathlib import Path
from typing import Any

import pytest

from ingest.files import Failure
from ingest.pii import PLACEHOLDERS, redact
from ingest.tickets import iter_ticket_documents
from kb.models import Document
from tests.test_tickets import field_texts, split

EXAMPLE_TICKETS = Path(__file__).resolve().parents[1] / "examples" / "tickets"
KIND_ALIASES = {"credit_card": "card", "card_number": "card", "phone_number": "phone"}


def example_file(name: str) -> Path:
    path = EXAMPLE_TICKETS / name
    if not path.exists():
        pytest.skip(f"examples/tickets/{name} not written yet")
    return path


def raw_example_tickets() -> dict[str, dict[str, Any]]:
    path = example_file("resolved.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    return {str(record.get("id")): record for record in records}


def raw_strings(value: Any) -> list[str]:
    """Every string inside a raw ticket record (subject, bodies, tags, ...)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in raw_strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in raw_strings(item)]
    return []


def example_documents() -> tuple[dict[str, Document], list[Failure]]:
    docs, failures = split(list(iter_ticket_documents(example_file("resolved.jsonl"))))
    return {doc.external_id: doc for doc in docs}, failures


def test_example_tickets_load() -> None:
    docs, failures = example_documents()
    assert docs
    unexpected = [f for f in failures if "is not resolved" not in f.reason]
    assert unexpected == []
    for doc in docs.values():
        assert doc.kind == "ticket" and doc.visibility == "internal"
        assert doc.body.startswith("## Question\n\n") and "\n## Resolution\n\n" in doc.body


def test_example_pii_cases() -> None:
    cases = json.loads(example_file("pii_cases.json").read_text(encoding="utf-8"))
    raw = raw_example_tickets()
    docs, _ = example_documents()
    misses = []
    for case in cases:
        fragment, ticket_id = case["text_fragment"], str(case["ticket_id"])
        kind = KIND_ALIASES.get(str(case["kind"]).lower(), str(case["kind"]).lower())
        sources = [s for s in raw_strings(raw.get(ticket_id)) if fragment in s]
        redactions = [redact(s) for s in sources]
        doc = docs.get(ticket_id)
        in_doc = doc is not None and any(fragment in text for text in field_texts(doc))
        if case["should_redact"]:
            leaked = in_doc or any(fragment in r.text for r in redactions)
            wrong_kind = any(kind not in r.counts for r in redactions) and kind in PLACEHOLDERS
            if leaked or wrong_kind or not sources:
                misses.append(f"{ticket_id}: {fragment!r} ({kind}) not redacted as {kind}")
        elif not sources or any(fragment not in r.text for r in redactions):
            misses.append(f"{ticket_id}: {fragment!r} ({kind}) should be kept")
    assert misses == []


STOPWORDS = {
    "en": {"the", "and", "to", "is", "my", "for", "you", "it", "of", "in", "we", "can", "your"},
    "es": {"el", "la", "los", "las", "que", "y", "en", "no", "por", "para", "mi", "una", "es"},
    "de": {"der", "die", "das", "und", "ich", "nicht", "ist", "mit", "sie", "ein", "zu", "wir"},
}


def stopword_language(text: str) -> str | None:
    """An independent oracle: the language whose stopwords clearly dominate the text."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    scores = sorted(((sum(w in stop for w in words), lang) for lang, stop in STOPWORDS.items()))
    (second, _), (best, lang) = scores[-2], scores[-1]
    return lang if best >= 5 and best >= 2 * second else None


def test_example_ticket_languages() -> None:
    raw = raw_example_tickets()
    docs, _ = example_documents()
    checked = collections.Counter()
    for tid, record in raw.items():
        declared = record.get("lang") or record.get("language") or record.get("locale")
        bodies = " ".join(raw_strings(record.get("messages")))
        expected = str(declared)[:2].lower() if declared else stopword_language(bodies)
        if expected in {"es", "de"} and tid in docs:
            assert docs[tid].lang == expected, f"ticket {tid}"
            checked[expected] += 1
    assert checked["es"] and checked["de"], "the examples should hold Spanish and German tickets"
