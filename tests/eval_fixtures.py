"""A tiny labelled set over tests.helpcenter, and a helper running `kbc eval` on it."""

from __future__ import annotations

import json
from pathlib import Path

import click.testing
from click.testing import CliRunner

from copilot.cli import main
from tests.helpcenter import write_help_center

TICKETS = [
    {
        "id": "t1",
        "question": "How do I reset my password?",
        "gold_doc_ids": ["kb-password"],
        "gold_answer": "Click Forgot password on the sign-in page; the link expires in 30 minutes.",
        "lang": "en",
        "channel": "chat",
    },
    {
        "id": "t2",
        "question": "Can I export my bookings to a CSV file?",
        "gold_doc_ids": ["kb-export"],
        "gold_answer": "Go to Bookings > Export and pick a date range.",
        "lang": "en",
        "channel": "email",
    },
    {
        "id": "t3",
        "question": "¿Cómo restablezco mi contraseña?",
        "gold_doc_ids": ["kb-password-es"],
        "gold_answer": "Haz clic en ¿Olvidaste tu contraseña?",
        "lang": "es",
        "channel": "chat",
    },
    {
        "id": "t4",
        "question": "Do you sell pizza?",
        "gold_doc_ids": [],
        "answerable": False,
        "gold_answer": "",
        "lang": "en",
        "channel": "chat",
    },
    {
        "id": "t5",
        "question": "How do refunds work?",
        "gold_doc_ids": ["kb-refunds", "kb-gone"],
        "gold_answer": "Refunds go back to the original payment method.",
        "lang": "en",
        "channel": "email",
    },
    {"id": "t6", "question": "  ", "gold_doc_ids": ["kb-password"]},
]


def write_tiny_set(root: Path) -> tuple[Path, Path]:
    """(help center folder, tickets.jsonl) under `root`."""
    docs = write_help_center(root / "help")
    tickets = root / "tickets.jsonl"
    tickets.write_text("\n".join(json.dumps(t) for t in TICKETS) + "\n", encoding="utf-8")
    return docs, tickets


def kbc_eval(data_dir: Path, tickets: Path, *args: str) -> click.testing.Result:
    base = ["--data-dir", str(data_dir), "--embedder", "hashing", "eval", str(tickets)]
    return CliRunner().invoke(main, [*base, *args], catch_exceptions=False)
