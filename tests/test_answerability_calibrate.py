"""`kbc calibrate`: fits on the store's labelled tickets plus their twins, reports held-out
figures per language, saves a versioned model with the store that `kbc stats` and the
answers path then use; rows from other stores combine leave-one-set-out."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from copilot.cli import main
from copilot.config import Settings
from copilot.engine import Copilot
from kb.answerability import load_for_store
from kb.maintenance import open_store
from kb.retrieval import Retriever
from tests.eval_fixtures import kbc_eval, write_tiny_set


def _kbc(data_dir: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _store(tmp_path: Path) -> tuple[Path, Path]:
    docs, tickets = write_tiny_set(tmp_path)
    data_dir = tmp_path / "store"
    assert kbc_eval(data_dir, tickets, "--corpus", str(docs), "--no-answers").exit_code == 0
    return data_dir, tickets


def test_calibrate_saves_a_versioned_model_used_by_stats_and_answers(tmp_path: Path) -> None:
    data_dir, tickets = _store(tmp_path)
    assert "shipped default" in _kbc(data_dir, "stats")
    out = _kbc(data_dir, "calibrate", str(tickets), "--folds", "2")
    assert "twins" in out and "held out (2-fold by ticket" in out
    assert "lang en" in out and "lang es" in out  # precision / recall per language
    assert "saved answerability model store-1" in out
    saved = json.loads((data_dir / "answerability.json").read_text())
    assert saved["version"] == "store-1" and saved["trained_on"]["labelled_rows"] > 0
    assert "model store-1 (saved with the store)" in _kbc(data_dir, "stats")
    rows = (data_dir / "calibration-rows.jsonl").read_text().splitlines()
    assert sum('"twin": true' in r for r in rows) == 4  # one per ticket with a resolvable gold
    with open_store(data_dir, None) as kb:
        copilot = Copilot.from_settings(Settings(data_dir=data_dir), kb, Retriever(kb))
        assert copilot.answerability_model.version == "store-1"
        assert copilot.answer_threshold == load_for_store(data_dir).threshold
    again = _kbc(data_dir, "calibrate", "--rows", str(data_dir / "calibration-rows.jsonl"))
    assert "store-2" in again


def test_rows_of_several_sets_are_reported_leave_one_set_out(tmp_path: Path) -> None:
    data_dir, tickets = _store(tmp_path)
    _kbc(data_dir, "calibrate", str(tickets), "--dry-run")
    rows = (data_dir / "calibration-rows.jsonl").read_text().splitlines()
    other = tmp_path / "other.jsonl"
    other.write_text("\n".join(r.replace('"set": "store"', '"set": "other"') for r in rows))
    model = tmp_path / "default.json"
    out = _kbc(
        data_dir,
        "calibrate",
        "--rows",
        str(data_dir / "calibration-rows.jsonl"),
        "--rows",
        str(other),
        "--write-model",
        str(model),
    )
    assert "leave-one-set-out" in out and "set other" in out and "set store" in out
    assert json.loads(model.read_text())["trained_on"]["sets"] == {"other": 9, "store": 9}
    assert not (data_dir / "answerability.json").exists()
