"""`kbc flags show`: one flag's evidence as a content owner reads it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from copilot.cli import main
from copilot.cli.flags_commands import evidence_lines
from kb.embedders import HashingEmbedder
from kb.flags import Finding, FlagStore
from kb.store import KnowledgeBase


def test_duplicate_passages_side_by_side() -> None:
    lines = evidence_lines(
        {
            "summary": "90% of this article says the same as 'Print a label' (a-1)",
            "duplicate_of": "a-1",
            "passages": [
                {"this": "Print it on A4 paper.", "other": "Use A4 paper.", "similarity": 0.71}
            ],
            "facts": "same numbers",
        },
        width=30,
    )
    assert any("Print it on A4 paper." in line and "| Use A4 paper." in line for line in lines)
    assert "  facts: same numbers" in lines


def test_gap_shows_questions_nearest_article_and_why() -> None:
    lines = evidence_lines(
        {
            "summary": "3 unanswered questions about 'wine'",
            "examples": ["Can I send wine?"],
            "nearest_article": {"id": "a-2", "title": "Parcel limits"},
            "why_not_answered": "'Parcel limits' covers only 30%; nothing on 'wine'",
        }
    )
    assert "  asked: Can I send wine?" in lines
    assert "  nearest article: Parcel limits (a-2)" in lines
    assert any(line.startswith("  why it does not answer:") and "wine" in line for line in lines)


def test_kbc_flags_show(tmp_path: Path) -> None:
    store = tmp_path / "store"
    kb = KnowledgeBase(store, HashingEmbedder(256))
    finding = Finding(
        reason="missing_article",
        document_id=None,
        subject="missing_article:wine",
        severity="low",
        evidence={
            "summary": "3 unanswered questions about 'wine'",
            "examples": ["Can I send wine?"],
        },
        key="k1",
    )
    FlagStore(kb).apply([finding], in_scope=lambda f: True, document_hashes={})
    flag_id = FlagStore(kb).list()[0].id
    kb.database.close()
    result = CliRunner().invoke(
        main, ["--data-dir", str(store), "--embedder", "hashing-256", "flags", "show", str(flag_id)]
    )
    assert result.exit_code == 0, result.output
    assert "missing_article" in result.output and "asked: Can I send wine?" in result.output
