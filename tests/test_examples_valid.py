"""The bundled example data passes its own consistency checks (examples/validate.py): the help
center, tickets, PII cases, labelled and ambiguous questions, the multilingual set and the
held-out answer sets; and the held-out sets' checker finds what a careless edit breaks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLES


def test_the_example_data_is_consistent() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "validate.py")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "the multilingual and held-out answer sets" in done.stdout


def test_the_answers_holdout_checker_reports_bad_labels(tmp_path: Path) -> None:
    sys.path.insert(0, str(EXAMPLES))
    try:
        from validate import parse_front_matter  # type: ignore[import-not-found]
        from validate_answers_holdout import check  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(EXAMPLES))
    copy = tmp_path / "answers-holdout1"
    shutil.copytree(EXAMPLES / "answers-holdout1", copy)
    assert check(parse_front_matter, tmp_path) == []
    path = copy / "questions.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    answerable = next(r for r in rows if r["answerable"])
    unanswerable = next(r for r in rows if not r["answerable"])
    answerable["gold_doc_ids"] = ["qby-9999"]
    unanswerable["gold_doc_ids"] = ["qby-0001"]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    found = check(parse_front_matter, tmp_path)
    assert any("gold doc qby-9999 does not exist" in p for p in found)
    assert any("an unanswerable question must have no gold_doc_ids" in p for p in found)
