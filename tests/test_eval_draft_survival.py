"""The LLM-draft survival figures, worked out by hand on three tickets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from eval.draft_survival import survival


def _t(id_: str, f1: float, cos: float, *, fallback: str | None = None,
       ms: float = 1000.0) -> dict[str, Any]:  # fmt: skip
    metrics = {"token_f1": f1, "cosine": cos, "faithfulness": 1.0 if not fallback else 0.9}
    return {"id": id_, "answer": "a draft", "fallback_reason": fallback,
            "answer_metrics": metrics, "answer_ms": ms}  # fmt: skip


LLM = [_t("a", 0.4, 0.8, ms=2000), _t("b", 0.2, 0.6, ms=4000),
       _t("c", 0.3, 0.7, fallback="invalid_output: cut off", ms=9000)]  # fmt: skip
EXTRACTIVE = [_t("a", 0.5, 0.9), _t("b", 0.3, 0.7), _t("c", 0.3, 0.7)]


def test_kept_drafts_are_compared_with_the_extractive_drafts_of_the_same_tickets() -> None:
    s = survival(LLM, EXTRACTIVE)
    assert (s.n, s.kept, s.fallbacks) == (3, 2, {"invalid_output": 1})
    assert s.faithfulness_kept == 1.0
    assert (s.token_f1_kept, s.token_f1_extractive_same) == (0.3, 0.4)
    assert (s.cosine_kept, s.cosine_extractive_same) == (0.7, 0.8)
    assert (s.token_f1_run, s.token_f1_extractive_run) == (0.3, 0.367)
    assert s.p50_seconds == 4.0


def test_the_command_prints_the_figures(tmp_path: Path) -> None:
    for name, tickets in (("llm.json", LLM), ("ext.json", EXTRACTIVE)):
        (tmp_path / name).write_text(json.dumps({"tickets": tickets}), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "eval.draft_survival", str(tmp_path / "llm.json"),
                          str(tmp_path / "ext.json")], capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    assert "kept 2 / 3 (67%); fallbacks: invalid_output 1" in out
    assert "token F1, kept / extractive same tickets: 0.3 / 0.4" in out
