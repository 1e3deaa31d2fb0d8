"""A store's embedder follows its languages; hybrid search's dense share follows the question's
language (fitted per language, else by what the embedder covers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from copilot.cli import main
from eval.dataset import load_tickets
from eval.fusion_fit import GRID, fit_fusion
from ingest.languages import corpus_languages
from ingest.pipeline import run
from kb.embedders import HashingEmbedder
from kb.embedders.coverage import embedder_for_languages, reembed_hint, uncovered_languages
from kb.fusion_shares import UNCOVERED_SHARE, LanguageShares, load_shares, save_shares
from kb.maintenance import open_store
from kb.models import SearchFilters
from kb.retrieval import Retriever
from kb.store import KnowledgeBase

MINILM = "sentence-transformers/all-MiniLM-L6-v2"
USE = "universal-sentence-encoder-multilingual-3"


def _article(root: Path, name: str, lang: str, title: str, body: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / f"{name}.md").write_text(
        f"---\nid: {name}\ntitle: {title}\nurl: https://help.test/{name}\nlang: {lang}\n---\n\n"
        f"# {title}\n\n{body}\n",
        encoding="utf-8",
    )


def _corpus(root: Path) -> Path:
    _article(root, "en-export", "en", "Export bookings", "Go to Settings and choose Export CSV.")
    _article(root, "en-refund", "en", "Refunds", "Refunds reach your card within 10 days.")
    _article(root, "zh-export", "zh", "导出预订", "打开设置，选择导出，然后下载表格文件。")
    _article(root, "zh-refund", "zh", "退款政策", "退款会在十天内退回到您的银行卡。")
    return root


def test_a_new_store_gets_the_embedder_that_covers_its_first_documents(tmp_path: Path) -> None:
    english = tmp_path / "en"
    _article(english, "a", "en", "Export", "Choose Export.")
    mixed = _corpus(tmp_path / "mixed")
    assert corpus_languages([english]) == {"en"}
    assert "zh" in corpus_languages([mixed])
    undeclared = tmp_path / "undeclared"
    undeclared.mkdir()
    # langdetect reads this short English page as Afrikaans: one misread page picks nothing
    (undeclared / "reset.md").write_text(
        "# Reset your password\n\nOpen Settings and choose Reset.\n"
    )
    (undeclared / "export.md").write_text("# Export your data\n\nChoose Export and pick CSV.\n")
    assert corpus_languages([undeclared]) == {"en"}
    assert embedder_for_languages({"en"}) == "minilm"
    assert embedder_for_languages({"en", "zh"}) == "use-multilingual"
    with open_store(tmp_path / "s1", languages=lambda: corpus_languages([english])) as kb:
        assert kb.model_id == MINILM
    with open_store(tmp_path / "s2", languages=lambda: corpus_languages([mixed])) as kb:
        assert kb.model_id == USE
    # an existing store keeps its model whatever comes next; the languages are not even read
    with open_store(tmp_path / "s1", languages=lambda: pytest.fail("read")) as kb:
        assert kb.model_id == MINILM


def test_a_store_that_gains_an_uncovered_language_is_told_how_to_re_embed(
    tmp_path: Path,
) -> None:
    assert uncovered_languages(MINILM, {"en", "zh"}) == ["zh"]
    assert uncovered_languages(USE, {"en", "zh"}) == []
    assert uncovered_languages("hashing-256", {"en", "zh"}) == []
    hint = reembed_hint(MINILM, {"en", "zh"})
    assert hint is not None and "kbc --embedder use-multilingual reindex --re-embed" in hint
    assert "no packaged embedder" in str(reembed_hint(USE, {"en", "hi"}))
    english = tmp_path / "en"
    _article(english, "a", "en", "Export", "Choose Export.")
    data = tmp_path / "store"
    first = CliRunner().invoke(main, ["--data-dir", str(data), "ingest", str(english)])
    assert first.exit_code == 0, first.output
    chinese = tmp_path / "zh"
    _article(chinese, "b", "zh", "导出", "打开设置，选择导出。")
    later = CliRunner().invoke(main, ["--data-dir", str(data), "ingest", str(chinese), "--json"])
    assert later.exit_code == 0, later.output
    summary = json.loads(later.stdout)
    assert summary["model_id"] == MINILM and "reindex --re-embed" in summary["hint"]
    stats = CliRunner().invoke(main, ["--data-dir", str(data), "stats"])
    assert "documents in zh" in stats.output and "reindex --re-embed" in stats.output


def test_shares_by_language() -> None:
    shares = LanguageShares(default=0.8, covered=frozenset({"en"}), fitted={"de": 0.5})
    assert shares.share_for("en") == 0.8
    assert shares.share_for("de") == 0.5  # fitted wins over coverage
    assert shares.share_for("zh") == UNCOVERED_SHARE
    assert shares.share_for(None) == 0.8
    assert shares.depends_on_language({"en", "zh"})
    assert not shares.depends_on_language({"en"})
    assert not LanguageShares(default=0.8).depends_on_language({"en", "zh"})


@pytest.fixture
def store(tmp_path: Path) -> KnowledgeBase:
    kb = KnowledgeBase(tmp_path / "store", HashingEmbedder(256))
    assert run([_corpus(tmp_path / "hc")], kb, kb.embedder).failed == []  # type: ignore[arg-type]
    return kb


def test_fitted_shares_are_saved_with_the_store_and_follow_the_question(
    store: KnowledgeBase,
) -> None:
    with store.transaction():
        assert save_shares(store.documents, {"zh": 0.0, "en": 0.9}, {"zh": 12, "en": 30}) == (
            "store-1"
        )
    shares = load_shares(store.documents, 0.8)
    assert shares.version == "store-1" and shares.fitted == {"en": 0.9, "zh": 0.0}
    retriever = Retriever(store)
    assert retriever.dense_share("导出预订的表格") == 0.0  # Chinese, found by its script
    assert retriever.dense_share("How do I export my bookings to a spreadsheet?") == 0.9
    assert retriever.dense_share("x", SearchFilters.public(lang="zh")) == 0.0
    # share 0: hybrid ranks keyword matches as keyword search does (dense-only ones after)
    hybrid = [h.external_id for h in retriever.search("退款 十天", k=4)]
    keyword = [h.external_id for h in retriever.search("退款 十天", k=4, mode="keyword")]
    assert hybrid[: len(keyword)] == keyword and hybrid[0] == "zh-refund"
    with store.transaction():
        assert save_shares(store.documents, {"zh": 0.1}, {"zh": 12}) == "store-2"
    store.documents.set_meta("model_id", "hashing-512")  # fitted on other vectors: ignored
    assert load_shares(store.documents, 0.8).fitted == {}


def test_fit_picks_a_grid_share_per_language_and_scores_it_held_out(
    store: KnowledgeBase, tmp_path: Path
) -> None:
    questions = tmp_path / "q.jsonl"
    lines = []
    for i in range(12):
        lines.append(
            {
                "id": f"en-{i}",
                "question": f"export bookings csv {i}",
                "gold_doc_ids": ["en-export"],
                "lang": "en",
            }
        )
        lines.append(
            {
                "id": f"zh-{i}",
                "question": "怎么退款" if i % 2 else "导出表格",
                "gold_doc_ids": ["zh-refund" if i % 2 else "zh-export"],
                "lang": "zh",
            }
        )
    lines.append({"id": "ja-1", "question": "返金", "gold_doc_ids": ["zh-refund"], "lang": "ja"})
    questions.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    dataset = load_tickets(questions, {"en-export", "en-refund", "zh-export", "zh-refund"})
    fit = fit_fusion(Retriever(store), dataset.tickets, SearchFilters.public(), folds=3)
    by = {f.lang: f for f in fit.languages}
    assert set(by) == {"en", "ja", "zh"}
    assert by["ja"].share is None and by["ja"].held_out is None  # one question: not fitted
    for lang in ("en", "zh"):
        f = by[lang]
        assert f.questions == 12 and f.share in GRID and f.held_out is not None
        assert f.by_share[f.share] == max(f.by_share.values())
    assert fit.shares.keys() == {"en", "zh"}


def test_calibrate_fusion_saves_and_stats_shows_it(store: KnowledgeBase, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        "\n".join(
            json.dumps(
                {
                    "id": f"zh-{i}",
                    "question": "退款要多久",
                    "gold_doc_ids": ["zh-refund"],
                    "lang": "zh",
                },
                ensure_ascii=False,
            )
            for i in range(10)
        )
        + "\n"
    )
    data = str(store.data_dir)
    store.close()
    args = ["--data-dir", data, "calibrate", "--fusion", str(questions)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "saved fusion shares store-1" in result.output
    stats = CliRunner().invoke(main, ["--data-dir", data, "stats"])
    assert "store-1 (fitted: zh" in stats.output


def test_the_scale_study_raw_scale_ranks_as_hybrid_search_does(store: KnowledgeBase) -> None:
    """eval.fusion_scales re-fuses candidates itself; its "raw" scale must be the convex
    fusion kb.retrieval runs, or its comparison of scales says nothing."""
    from eval.fusion_scales import Pool, ranking

    retriever = Retriever(store)
    for question in ("How do I export my bookings?", "退款 十天", "cancel a refund"):
        found = retriever.candidates(question, SearchFilters.public())
        rows = store.chunk_rows({c for c, _ in found.dense} | {c for c, _ in found.keyword})
        pool = Pool(
            None,
            frozenset(),
            found.dense,
            found.keyword,
            {c: row.external_id for c, row in rows.items()},
        )
        for share in (0.0, 0.5, 0.8, 1.0):
            fused = [h.external_id for h in retriever.fuse(found, share)]
            assert ranking(pool, share, "raw", k=len(fused)) == fused, (question, share)
