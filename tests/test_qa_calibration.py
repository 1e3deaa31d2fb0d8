"""The grounded cut read off a store's own resolved tickets (examples/tickets, hashing embedder):
saved with the store and tied to its embedder, then used by scorecards; too few tickets is a
clear error that saves nothing; `kbc qa calibrate` and `kbc qa score` use the same cut."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from copilot.app import build_state
from copilot.cli import main
from copilot.config import Settings
from copilot.qa import ScorecardChecker, calibrate_grounded, criterion, load_cut
from copilot.qa.calibration import CALIBRATION, MIN_REPLIES, lower_quantile
from copilot.state import AppState
from ingest.pipeline import run
from kb.embedders import HashingEmbedder
from kb.errors import InvalidInput
from kb.store import KnowledgeBase
from tests.conftest import EXAMPLES

QUESTION = "How long does a refund take to reach my invitee?"
ON_TOPIC = (
    "Refunds usually take 5–10 business days to appear on the invitee's statement, depending "
    "on their bank. To refund, go to Bookings, open the booking and click Refund payment."
)
OFF_TOPIC = (
    "The hotel's breakfast is served from seven until half past ten in the garden room. "
    "Guests mention that the rooftop pool is heated and the staff at the front desk are kind."
)


def _store(path: Path, *, tickets: bool) -> tuple[KnowledgeBase, AppState]:
    kb = KnowledgeBase(path, HashingEmbedder(256))
    assert run([EXAMPLES / "help-center"], kb, kb.embedder).failed == []
    if tickets:
        ingested = run([EXAMPLES / "tickets" / "resolved.jsonl"], kb, kb.embedder, kind="ticket")
        assert ingested.added >= MIN_REPLIES
    settings = Settings.model_validate({"data_dir": path, "embedder": "hashing-256"})
    return kb, build_state(settings, kb)


@pytest.fixture(scope="module")
def calibrated(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[KnowledgeBase, AppState]]:
    kb, state = _store(tmp_path_factory.mktemp("qa-cut") / "store", tickets=True)
    yield kb, state
    kb.database.close()


def test_the_cut_is_read_off_the_tickets_saved_and_used(
    calibrated: tuple[KnowledgeBase, AppState],
) -> None:
    kb, state = calibrated
    assert load_cut(kb) is None
    checker = ScorecardChecker(kb, state.engine)
    cut = calibrate_grounded(kb, checker)

    assert cut.replies >= MIN_REPLIES and 0.0 < cut.cut < 1.0
    assert cut.model_id == kb.model_id and load_cut(kb) == cut
    again = calibrate_grounded(kb, checker)
    assert (again.cut, again.replies) == (cut.cut, cut.replies)  # a fixed sample

    judged = ScorecardChecker(kb, state.engine, grounded_cut=cut)
    good = criterion(judged.score([("customer", QUESTION)], ON_TOPIC), "grounded")
    bad = criterion(judged.score([("customer", QUESTION)], OFF_TOPIC), "grounded")
    assert good.passed and "this help center's cut" in good.detail
    assert not bad.passed and bad.score < cut.cut
    shipped = criterion(checker.score([("customer", QUESTION)], ON_TOPIC), "grounded")
    assert "cut" not in shipped.detail  # without a cut: the shipped rule


def test_a_cut_read_with_another_embedder_is_not_used(
    calibrated: tuple[KnowledgeBase, AppState],
) -> None:
    kb, _ = calibrated
    saved = {"cut": 0.5, "replies": 40, "skipped": 0, "model_id": "other-model",
             "created_at": "2026-12-01T00:00:00+00:00"}  # fmt: skip
    kb.set_calibration(CALIBRATION, json.dumps(saved))
    assert load_cut(kb) is None


def test_too_few_tickets_is_a_clear_error_and_saves_nothing(tmp_path: Path) -> None:
    kb, state = _store(tmp_path / "store", tickets=False)
    try:
        with pytest.raises(InvalidInput, match="at least 30 resolved tickets"):
            calibrate_grounded(kb, ScorecardChecker(kb, state.engine))
        assert kb.calibration(CALIBRATION) is None
    finally:
        kb.database.close()


def test_lower_quantile_is_hand_checkable() -> None:
    values = [float(v) for v in range(10, 0, -1)]
    assert lower_quantile(values, 0.1) == 2.0  # 9 of 10 reach it
    assert lower_quantile(values, 0.0) == 1.0 and lower_quantile([0.3], 0.1) == 0.3


def test_cli_calibrates_and_scores_with_the_cut(tmp_path: Path) -> None:
    kb, _ = _store(tmp_path / "store", tickets=True)
    kb.database.close()
    base = ["--data-dir", str(tmp_path / "store")]
    runner = CliRunner()
    done = runner.invoke(main, [*base, "qa", "calibrate", "--json"])
    assert done.exit_code == 0, done.output
    cut = json.loads(done.output)
    assert cut["replies"] >= MIN_REPLIES and 0.0 < cut["cut"] < 1.0
    shown = runner.invoke(main, [*base, "stats"])
    assert f"qa grounded cut {cut['cut']:g} from {cut['replies']} resolved" in shown.output
    thread = tmp_path / "thread.json"
    thread.write_text(json.dumps({"messages": [{"author": "customer", "body": QUESTION}],
                                  "reply": ON_TOPIC}), encoding="utf-8")  # fmt: skip
    scored = runner.invoke(main, [*base, "qa", "score", str(thread), "--json"])
    grounded = next(c for c in json.loads(scored.output)["criteria"] if c["name"] == "grounded")
    assert grounded["passed"] and f"cut {cut['cut']:.2f}" in grounded["detail"]
