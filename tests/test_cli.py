"""The `kbc` CLI: every command has help; ingest/search/stats/reindex; one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from copilot.cli import main
from tests.helpcenter import ARTICLES, write_help_center


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [prefix]
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # lazily loaded commands included
        command = group.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            out += _all_commands(command, (*prefix, name))
        else:
            out.append((*prefix, name))
    return out


@pytest.mark.parametrize("path", _all_commands(main), ids=lambda p: " ".join(p) or "kbc")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output and len(result.output) > 80


def _kbc(tmp_path: Path, *args: str, embedder: str = "hashing") -> click.testing.Result:
    base = ["--data-dir", str(tmp_path / "store"), "--embedder", embedder]
    return CliRunner().invoke(main, [*base, *args], catch_exceptions=False)


def test_ingest_search_stats_reindex(tmp_path: Path) -> None:
    src = write_help_center(tmp_path / "hc")
    result = _kbc(tmp_path, "ingest", str(src), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["added"] == len(ARTICLES)
    again = _kbc(tmp_path, "ingest", str(src))
    assert f"unchanged {len(ARTICLES)}" in again.output

    found = _kbc(tmp_path, "search", "export bookings csv", "--json", "--k", "2")
    hits = json.loads(found.output)
    assert hits[0]["external_id"] == "kb-export" and len(hits) == 2
    text = _kbc(tmp_path, "search", "reset password", "--mode", "keyword")
    assert text.output.startswith("1. Reset your password")

    stats = json.loads(_kbc(tmp_path, "stats", "--json").output)
    assert stats["documents"] == len(ARTICLES) and stats["model_id"] == "hashing-256"
    assert stats["by_visibility"] == {"internal": 1, "public": len(ARTICLES) - 1}

    assert "rebuilt the vector index" in _kbc(tmp_path, "reindex").output
    switched = _kbc(tmp_path, "reindex", "--re-embed", embedder="hashing-64")
    assert "hashing-64" in switched.output
    assert json.loads(_kbc(tmp_path, "stats", "--json").output)["model_id"] == "hashing-64"


def test_errors_are_one_line_with_exit_codes(tmp_path: Path) -> None:
    empty = _kbc(tmp_path, "search", "anything")
    assert empty.exit_code == 2
    assert empty.output.strip().count("\n") == 0 and "kbc ingest" in empty.output

    _kbc(tmp_path, "ingest", str(write_help_center(tmp_path / "hc")))
    mismatch = _kbc(tmp_path, "search", "x", embedder="hashing-32")
    assert mismatch.exit_code == 4 and "kbc reindex --re-embed" in mismatch.output

    missing = _kbc(tmp_path, "ingest", str(tmp_path / "nope"))
    assert missing.exit_code == 1 and "no such file or folder" in missing.output

    unknown = _kbc(tmp_path, "search", "x", embedder="word2vec")
    assert unknown.exit_code == 2 and "unknown embedder" in unknown.output
