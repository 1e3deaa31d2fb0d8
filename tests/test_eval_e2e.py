"""End to end: `kbc eval` ingests a corpus, runs every mode and writes the three reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.harness import EvalOptions, run_eval
from eval.judge import Verdict
from eval.report_html import render_html
from eval.report_json import Report
from ingest.pipeline import run
from kb.store import KnowledgeBase
from tests.conftest import EXAMPLES
from tests.eval_fixtures import kbc_eval, write_tiny_set

GATE_FAILED_EXIT = 10


def test_tiny_help_center_reports_and_gate(tmp_path: Path) -> None:
    docs, tickets = write_tiny_set(tmp_path)
    out = tmp_path / "run1"
    result = kbc_eval(tmp_path / "store", tickets, "--corpus", str(docs), "--out", str(out))
    assert result.exit_code == 0, result.output
    for name in ("report.json", "report.md", "report.html"):
        assert (out / name).stat().st_size > 0
    report = Report.model_validate_json((out / "report.json").read_text())
    assert report.dataset["usable"] == 5 and report.dataset["rejected"] == {"empty question": 1}
    assert report.dataset["unknown_gold_ids"] == 1
    assert set(report.retrieval) == {"hybrid", "dense", "keyword"}
    assert report.retrieval["keyword"].n == 4  # t4 is unanswerable, t6 was rejected
    assert report.retrieval["keyword"].metrics["recall@10"] == 1.0
    assert report.answers is not None and report.answers.n == 5
    assert report.handoff is not None and len(report.handoff.curve) == 21
    dims = {(r.dimension, r.value) for r in report.slices}
    assert {("lang", "es"), ("channel", "email"), ("answerable", "no")} <= dims
    assert any(a.external_id == "kb-password" and a.gold == 1 for a in report.articles)
    assert "retrieval.hybrid.ndcg@10" in report.headline
    md = (out / "report.md").read_text()
    assert "## Retrieval (document level)" in md and "By lang" in md

    # The same store, retrieval only, against that baseline: deterministic, so it passes.
    base = out / "report.json"
    again = kbc_eval(
        tmp_path / "store",
        tickets,
        "--no-answers",
        "--out",
        str(tmp_path / "r2"),
        "--baseline",
        str(base),
    )
    assert again.exit_code == 0, again.output
    assert "regression gate passed" in again.output

    # A baseline that was better by more than the tolerance fails and names the metric.
    data = json.loads(base.read_text())
    data["headline"]["retrieval.dense.mrr@10"] = 1.5
    better = tmp_path / "better.json"
    better.write_text(json.dumps(data))
    failed = kbc_eval(
        tmp_path / "store",
        tickets,
        "--no-answers",
        "--retrieval",
        "dense",
        "--out",
        str(tmp_path / "r3"),
        "--baseline",
        str(better),
        "--tolerance",
        "0.02",
    )
    assert failed.exit_code == GATE_FAILED_EXIT
    assert "retrieval.dense.mrr@10" in failed.output and "FAILED" in failed.output


def test_examples_labelled_set(tmp_path: Path) -> None:
    questions = EXAMPLES / "labelled" / "questions.jsonl"
    if not (questions.exists() and (EXAMPLES / "help-center").exists()):
        pytest.skip("examples/labelled/questions.jsonl or examples/help-center not present")
    out = tmp_path / "out"
    result = kbc_eval(
        tmp_path / "store", questions, "--corpus", str(EXAMPLES / "help-center"), "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    for name in ("report.json", "report.md", "report.html"):
        assert (out / name).stat().st_size > 0
    report = Report.model_validate_json((out / "report.json").read_text())
    assert report.dataset["usable"] == report.dataset["rows"] > 0
    assert report.dataset["unknown_gold_ids"] == 0
    langs = {r.value for r in report.slices if r.dimension == "lang"}
    assert {"en", "es", "de"} <= langs
    assert report.retrieval["hybrid"].metrics["recall@10"] > 0.5
    assert report.answers is not None and report.answers.drafted > 0
    assert report.answers.metrics["faithfulness"] is not None


class _AlwaysRight:
    """A deterministic stand-in for the LLM judge."""

    model = "fake/judge"

    def judge(self, question: str, reference: str, candidate: str) -> Verdict:
        return Verdict(True, "fake", "CORRECT")


def test_judge_is_optional_and_labelled(tmp_path: Path, kb: KnowledgeBase) -> None:
    docs, tickets = write_tiny_set(tmp_path)
    assert kb.embedder is not None
    run(docs.iterdir(), kb, kb.embedder)
    options = EvalOptions(modes=("keyword",))
    plain = run_eval(tickets, kb, options)
    assert plain.config.judge is None and "answers.judge_correct" not in plain.headline
    judged = run_eval(tickets, kb, options, judge=_AlwaysRight())
    assert judged.config.judge == "fake/judge"
    assert judged.answers is not None and judged.answers.judge_model == "fake/judge"
    assert judged.headline["answers.judge_correct"] == 1.0
    assert judged.handoff is not None and judged.handoff.correctness == "llm_judge"
    assert "LLM judge used" in render_html(judged)


def test_agent_audience_drafts_replies_from_all_articles(tmp_path: Path, kb: KnowledgeBase) -> None:
    docs, tickets = write_tiny_set(tmp_path)
    assert kb.embedder is not None
    run(docs.iterdir(), kb, kb.embedder)
    report = run_eval(tickets, kb, EvalOptions(modes=("keyword",), audience="agent"))
    assert report.config.audience == "agent"
    assert {t.outcome for t in report.tickets} == {"drafted"}
    assert report.answers is not None and report.answers.drafted == 5
