"""The regression gate fails on a constructed drop beyond tolerance and passes otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.gate import compare
from eval.report_json import read_headline

BASE = {"retrieval.hybrid.ndcg@10": 0.80, "answers.token_f1": 0.40, "handoff.coverage": 0.5}


def test_gate_passes_within_tolerance_and_on_improvement() -> None:
    current = {
        "retrieval.hybrid.ndcg@10": 0.785,
        "answers.token_f1": 0.45,
        "handoff.coverage": 0.48,
    }
    result = compare(BASE, current, 0.02)
    assert result.passed and len(result.compared) == 3
    assert "passed" in result.lines()[0]


def test_gate_fails_and_names_each_dropped_metric() -> None:
    current = {"retrieval.hybrid.ndcg@10": 0.75, "answers.token_f1": 0.30, "handoff.coverage": 0.5}
    result = compare(BASE, current, 0.02)
    assert not result.passed
    assert [d.metric for d in result.failures] == ["answers.token_f1", "retrieval.hybrid.ndcg@10"]
    text = "\n".join(result.lines())
    assert "retrieval.hybrid.ndcg@10: 0.8000 -> 0.7500 (-0.0500)" in text
    assert "handoff.coverage" not in text.split("FAILED")[1].split("dropped", 1)[0]


def test_gate_edge_and_missing_metrics() -> None:
    assert compare({"m": 0.5}, {"m": 0.48}, 0.02).passed  # exactly the tolerance passes
    result = compare({"m": 0.5, "gone": 0.9}, {"m": 0.5, "new": 0.1}, 0.0)
    assert (
        result.passed and result.only_in_baseline == ["gone"] and result.only_in_current == ["new"]
    )
    with pytest.raises(ValueError):
        compare({}, {}, -0.1)


def test_read_headline_rejects_other_json(tmp_path: Path) -> None:
    good = tmp_path / "r.json"
    good.write_text(json.dumps({"headline": {"a": 1, "b": "x"}}))
    assert read_headline(good) == {"a": 1.0}
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    with pytest.raises(ValueError):
        read_headline(bad)
