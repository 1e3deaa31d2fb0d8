"""The ticket loader keeps what it can, and counts (never hides) what it cannot use."""

from __future__ import annotations

import json
from pathlib import Path

from eval.dataset import load_tickets


def _write(path: Path, lines: list[object]) -> Path:
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
        encoding="utf-8",
    )
    return path


def test_loader_reports_unusable_rows_with_counts(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "t.jsonl",
        [
            {
                "id": "1",
                "question": "How do I reset my password?",
                "gold_doc_ids": ["d1"],
                "gold_answer": "Click Forgot password.",
                "lang": "en",
                "channel": "chat",
            },
            {"id": "2", "question": "   ", "gold_doc_ids": ["d1"]},
            "{not json",
            ["a", "list"],
            {"question": "no id here"},
            {"id": "1", "question": "duplicate id"},
            {"id": "3", "question": "Partly known gold", "gold_doc_ids": ["d1", "ghost"]},
            {"id": "4", "question": "Only unknown gold", "gold_doc_ids": ["ghost2"]},
            {"id": "5", "question": "Out of scope", "gold_doc_ids": [], "answerable": False},
            {"id": "6", "question": "Bad flag", "answerable": "maybe"},
            "",
        ],
    )
    ds = load_tickets(path, known_ids={"d1", "d2"})
    rep = ds.report
    assert [t.id for t in ds.tickets] == ["1", "3", "4", "5"]
    assert rep.rows == 10 and rep.usable == 4
    assert dict(rep.rejected) == {
        "empty question": 1,
        "invalid JSON": 1,
        "not a JSON object": 1,
        "missing id": 1,
        "duplicate id": 1,
        "answerable is not true/false": 1,
    }
    assert rep.unknown_gold_ids == 2 and rep.tickets_with_unknown_gold == 2
    assert rep.tickets_without_gold == 1  # ticket 4: answerable but nothing resolves
    assert rep.unanswerable == 1
    assert any(e.startswith("line 2: empty question") for e in rep.examples)
    by_id = {t.id: t for t in ds.tickets}
    assert by_id["3"].gold_doc_ids == ("d1",) and by_id["3"].unknown_gold_ids == ("ghost",)
    assert not by_id["4"].has_gold and by_id["1"].has_gold
    assert "4 of 10 rows usable" in rep.summary_line()


def test_history_roles_and_extras(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "t.jsonl",
        [
            {
                "id": 7,
                "question": "Does it have parking?",
                "qa_type": "faq",
                "history": [
                    {"role": "U", "text": "A hotel in the west"},
                    {"role": "S", "text": "Hobsons House fits."},
                    "and cheap?",
                ],
            },
            {"id": "8", "question": "x", "history": [{"role": "martian", "text": "hi"}]},
        ],
    )
    ds = load_tickets(path, known_ids=None)
    (ticket,) = ds.tickets
    assert ticket.id == "7" and ticket.extras == {"qa_type": "faq"}
    assert ticket.history_texts() == ["A hotel in the west", "and cheap?"]
    assert ticket.history_texts(("customer", "agent"))[1] == "Hobsons House fits."
    assert ds.report.rejected == {"unknown history role": 1}


def test_empty_store_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.jsonl", [{"id": "1", "question": "q", "gold_doc_ids": ["d"]}])
    ds = load_tickets(path, known_ids=set())
    assert ds.report.usable == 1 and ds.report.unknown_gold_ids == 1
    assert ds.report.warnings


def test_limit_counts_only_rows_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.jsonl", [{"id": str(i), "question": f"q{i}"} for i in range(5)])
    ds = load_tickets(path, limit=2)
    assert len(ds.tickets) == 2 and ds.report.rows == 2
