"""Answerability features and model: pure parts on hand-made hits, the model's file format,
and the real decision (shipped default, real MiniLM store) on a planted off-topic question."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from copilot.config import Settings
from copilot.engine import Copilot
from ingest.pipeline import run
from kb.answerability import (
    FEATURES,
    AnswerabilityModel,
    FixedTermStats,
    default_model,
    extract,
    fit,
    load_for_store,
    save_for_store,
)
from kb.answerability.model import next_version
from kb.answerability.text import named_things, slot, terms
from kb.errors import StoreCorrupt
from kb.maintenance import open_store
from kb.models import ChunkHit, Hit
from kb.retrieval import Retriever
from kb.store import KnowledgeBase
from tests.helpcenter import write_help_center

STATS = FixedTermStats(
    {"refund": 3, "annual": 2, "plan": 10, "days": 6, "after": 20, "pay": 4, "crypto": 0},
    total=40,
)


def hit(ext: str, title: str, text: str, cosine: float, dense: int, keyword: int | None) -> Hit:
    chunk = ChunkHit(chunk_id=dense, ordinal=0, heading_path=(), text=text, score=cosine)
    return Hit(
        external_id=ext,
        title=title,
        url=None,
        kind="article",
        visibility="public",
        lang="en",
        score=cosine,
        snippet=text[:80],
        heading_path=(),
        chunks=(chunk,),
        dense_rank=dense,
        keyword_rank=keyword,
        dense_score=cosine,
    )


REFUNDS = hit(
    "kb-refunds",
    "Refunds for annual plans",
    "Annual plans can be refunded within 14 days of the renewal.",
    0.62,
    1,
    1,
)


def test_terms_fold_case_and_diacritics_and_drop_stopwords() -> None:
    assert terms("How do I get a Refund for my ANNUAL plan?") == ["refund", "annual", "plan"]
    assert terms("¿Cómo pido un reembolso?") == ["pido", "reembolso"]
    assert "stripe" in named_things("Can invitees pay me through Stripe Link?")
    assert slot("How much does the Pro plan cost?") == "price"
    assert slot("How do I reset it?") is None


def test_when_the_customer_writes_is_neither_asked_nor_a_name() -> None:
    # dates, clock times and contraction fragments say when and how, not what is asked
    question = "We're in October and it's 11am now: the refund I asked for on the 18th, dont see it"
    assert terms(question) == ["refund", "asked", "see"]
    assert named_things("Since September the Stripe payout from Friday at 9am is missing") == [
        "stripe"
    ]
    assert "2fa" in named_things("My 2FA code fails"), "letter-digit tokens stay names"
    missing = extract("My refund from the 18th of October?", [REFUNDS], STATS)
    assert missing.features["missing_named"] == 0.0 and missing.features["coverage_best"] == 1.0


def test_answering_passage_scores_above_a_same_topic_passage() -> None:
    answers = extract("Can I get a refund on my annual plan after 10 days?", [REFUNDS], STATS)
    off = extract("Can I pay my annual plan with a crypto wallet?", [REFUNDS], STATS)
    assert answers.features["coverage_best"] > off.features["coverage_best"]
    assert answers.features["unknown"] == 0.0 < off.features["unknown"]
    assert off.missing[:2] == ("crypto", "wallet")
    assert answers.best_passage == ("kb-refunds", 0)
    model = default_model()
    assert model.probability(answers) > model.probability(off)


def test_context_names_from_history_must_appear_in_the_passage() -> None:
    history = ["The Hobsons House has 3 stars."]
    other = hit("h2/review", "ACORN GUEST HOUSE", "The bathroom was spotless.", 0.5, 1, 1)
    same = hit("h20/review", "HOBSONS HOUSE", "The bathroom was spotless.", 0.5, 1, 1)
    q = "Are the bathrooms clean?"
    elsewhere = extract(q, [other], STATS, history=history).features["context"]
    assert elsewhere == 0.5  # "house" is there, "hobsons" is not
    assert extract(q, [same], STATS, history=history).features["context"] == 1.0


def test_no_hits_is_no_evidence() -> None:
    ev = extract("Do you sell pizza?", [], STATS)
    assert ev.features["coverage_best"] == 0.0 and ev.best_passage is None
    assert set(ev.features) == set(FEATURES)


def test_fit_separates_and_round_trips(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    n = 200
    y = (rng.random(n) > 0.5).astype(float)
    x = rng.normal(0, 1, (n, len(FEATURES)))
    x[:, FEATURES.index("coverage_best")] += 2.5 * y
    model = fit(x, y)
    p = model.probabilities(x)
    assert float(np.mean((p > 0.5) == (y == 1))) > 0.85
    assert model.weights[FEATURES.index("coverage_best")] > 0
    saved = AnswerabilityModel(**{**asdict(model), "version": next_version(tmp_path)})
    save_for_store(saved, tmp_path)
    loaded = load_for_store(tmp_path)
    assert loaded.version == "store-1" and next_version(tmp_path) == "store-2"
    assert np.allclose(loaded.probabilities(x), p)


def test_a_broken_model_file_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "answerability.json").write_text(json.dumps({"format": 99}))
    with pytest.raises(StoreCorrupt):
        load_for_store(tmp_path)
    assert load_for_store(tmp_path / "elsewhere").version == default_model().version


def test_each_embedder_gets_the_shipped_default_fitted_on_its_own_vectors(tmp_path: Path) -> None:
    use = "universal-sentence-encoder-multilingual-3"
    assert default_model().version == "default-1"  # fitted on MiniLM stores
    assert default_model("sentence-transformers/all-MiniLM-L6-v2").version == "default-1"
    assert default_model(use).version == "default-use-1"
    assert load_for_store(tmp_path, use).version == "default-use-1"
    assert default_model(use).features == default_model().features


@pytest.fixture(scope="module")
def minilm_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    root = tmp_path_factory.mktemp("answerability")
    src = write_help_center(root / "hc")
    with open_store(root / "store", "minilm") as kb:
        assert kb.embedder is not None
        assert run([src], kb, kb.embedder).failed == []
        yield kb


@pytest.mark.slow
def test_planted_off_topic_question_sharing_vocabulary_is_handed_off(
    minilm_store: KnowledgeBase,
) -> None:
    """Exporting to CSV is an article; exporting to a named tool no article mentions is not."""
    copilot = Copilot.from_settings(Settings(), minilm_store, Retriever(minilm_store))
    planted = copilot.answer("Can I export my bookings straight into QuickBooks Online?")
    assert planted.outcome == "handoff" and planted.reason == "low_confidence"
    assert planted.evidence is not None and "quickbooks" in planted.evidence.missing
    real = copilot.answer("How do I export my bookings to a CSV file?")
    assert real.outcome == "answered"
    assert real.confidence > planted.confidence
