"""Leave-gold-out twins: the same question, its gold documents and their translations never
reachable by retrieval, labelled unanswerable, reported next to the originals."""

from __future__ import annotations

from pathlib import Path

from copilot.config import Settings
from eval.calibration import Row, figures, folds, rows_from_records
from eval.harness import EvalOptions, run_eval
from eval.twins import ExcludingRetriever, excluded_documents
from ingest.pipeline import run
from kb.models import SearchFilters
from kb.store import KnowledgeBase
from tests.eval_fixtures import write_tiny_set


def _ingested(kb: KnowledgeBase, tmp_path: Path) -> Path:
    docs, tickets = write_tiny_set(tmp_path)
    assert kb.embedder is not None
    assert run([docs], kb, kb.embedder).failed == []
    return tickets


def test_excluded_documents_include_translations(kb: KnowledgeBase, tmp_path: Path) -> None:
    _ingested(kb, tmp_path)
    assert excluded_documents(kb, ["kb-password"]) == {"kb-password", "kb-password-es"}
    assert excluded_documents(kb, ["kb-password-es"]) == {"kb-password", "kb-password-es"}
    assert excluded_documents(kb, []) == set()


def test_excluding_retriever_never_returns_excluded_chunks(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    _ingested(kb, tmp_path)
    retriever = ExcludingRetriever(kb)
    everything = SearchFilters.everything()
    question = "reset password forgot password link contraseña"
    assert "kb-password" in {h.external_id for h in retriever.search(question, filters=everything)}
    retriever.exclude({"kb-password", "kb-password-es"})
    for mode in ("hybrid", "dense", "keyword"):
        hits = retriever.search(question, k=10, filters=everything, mode=mode)
        assert not {h.external_id for h in hits} & {"kb-password", "kb-password-es"}, mode


def test_twins_never_see_their_gold_documents(kb: KnowledgeBase, tmp_path: Path) -> None:
    tickets = _ingested(kb, tmp_path)
    options = EvalOptions(twins=True, settings=Settings(answer_threshold=0.0))
    report = run_eval(tickets, kb, options)
    originals = [t for t in report.tickets if t.twin_of is None]
    twins = [t for t in report.tickets if t.twin_of is not None]
    with_gold = [t for t in originals if t.gold_doc_ids]
    assert len(twins) == len(with_gold) > 0
    for twin in twins:
        original = next(t for t in originals if t.id == twin.twin_of)
        assert set(original.gold_doc_ids) <= set(twin.excluded_ids)
        assert not twin.answerable and twin.correct is False and not twin.gold_doc_ids
        seen = set(twin.source_ids).union(*twin.rankings.values())
        assert not seen & set(twin.excluded_ids), twin.id
        assert twin.slices["twin"] == "yes" and twin.features
    # the Spanish password question's twin loses the English original too
    es_twin = next(t for t in twins if t.twin_of == "t3")
    assert {"kb-password", "kb-password-es"} <= set(es_twin.excluded_ids)
    assert report.answerability is not None
    overall = report.answerability["overall"]
    assert overall["twins"] == len(twins)
    assert overall["unanswerable"] == len(twins) + sum(1 for t in originals if not t.answerable)
    assert {"en", "es"} <= set(report.answerability["lang"])


def _row(id_: str, *, answerable: bool, p: float, correct: bool = True) -> Row:
    return Row(
        set="s",
        id=id_,
        lang="en",
        channel="chat",
        twin="~" in id_,
        answerable=answerable,
        gold_in_top10=answerable,
        gold_in_sources=answerable,
        could_answer=True,
        correct=correct and answerable,
        clarified=False,
        features={},
        p=p,
    )


def test_figures_count_hand_offs_and_answers_by_the_engine_rule() -> None:
    rows = [
        _row("a", answerable=True, p=0.9),
        _row("a~twin", answerable=False, p=0.2),
        _row("b", answerable=True, p=0.4),
        _row("b~twin", answerable=False, p=0.7),
    ]
    f = figures(rows, 0.5)
    assert f["unanswerable_handed_off"] == 0.5
    assert f["answerable_top10_answered"] == 0.5
    assert f["precision"] == 0.5 and f["coverage"] == 0.5
    assert f["handoff_precision"] == 0.5  # b was answerable from its sources
    splits = folds(rows, 2)
    for train, test in splits:  # a twin stays in its original's fold
        assert {r.id.split("~")[0] for r in train}.isdisjoint({r.id.split("~")[0] for r in test})


def test_rows_from_records_label_twins_unanswerable(kb: KnowledgeBase, tmp_path: Path) -> None:
    tickets = _ingested(kb, tmp_path)
    report = run_eval(tickets, kb, EvalOptions(modes=("hybrid",), twins=True))
    rows = rows_from_records(report.tickets, "tiny", "hybrid")
    assert all(r.label == 0 for r in rows if r.twin)
    assert {r.label for r in rows if not r.twin and r.answerable} <= {0, 1, None}
