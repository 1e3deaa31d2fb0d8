"""The grounded cut of one help center, read off its own resolved tickets (`kbc qa calibrate`).

How closely a reply's sentences match the articles depends on how a team writes: a manual's
experts copy it (mean support near 1.0), hotel agents paraphrase reviews (median 0.45). One
shipped cut cannot fit both (eval/RESULTS.md, "QA scorecards"). So a store may save its own:
the mean support score that all but the lowest CUT_QUANTILE of its resolved tickets' replies
reach, each scored against its own question as a scorecard would. The quantile is a product
choice (one in ten of the team's own replies would be flagged), not fitted. A cut is tied to
the embedder it was read with; a store re-embedded with another falls back to the shipped rule.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Protocol

from kb.errors import InvalidInput, PayloadTooLarge
from kb.flags.corpus import split_ticket
from kb.store import KnowledgeBase

CALIBRATION = "qa_grounded"
CUT_QUANTILE = 0.1
MIN_REPLIES = 30
MAX_REPLIES = 200


@dataclass(frozen=True)
class GroundedCut:
    """A reply is grounded when its factual sentences' mean support score reaches `cut`."""

    cut: float
    replies: int  # resolved tickets' replies it was read from
    skipped: int  # too long to score, or with nothing to score
    model_id: str | None
    created_at: str

    def describe(self) -> str:
        return (
            f"this help center's cut {self.cut:.2f}, reached by {1 - CUT_QUANTILE:.0%} of "
            f"{self.replies} resolved tickets' replies"
        )


class MeanSupport(Protocol):
    """What calibration needs of a scorecard checker: a reply's mean support score."""

    def mean_support(self, question: str, reply: str, subject: str) -> float | None: ...


def load_cut(kb: KnowledgeBase) -> GroundedCut | None:
    """The store's saved cut, or None (never calibrated, or read with another embedder)."""
    raw = kb.calibration(CALIBRATION)
    if not raw:
        return None
    cut = GroundedCut(**json.loads(raw))
    return cut if cut.model_id == kb.model_id else None


def calibrate_grounded(
    kb: KnowledgeBase, checker: MeanSupport, limit: int = MAX_REPLIES
) -> GroundedCut:
    """Score up to `limit` resolved tickets (a fixed sample: by a hash of their id) and save
    the cut; fewer than MIN_REPLIES scored is an InvalidInput, and nothing is saved."""
    tickets = sorted(kb.catalog.tickets(), key=lambda t: _hashed(t.external_id))
    scores: list[float] = []
    skipped = 0
    for ticket in tickets:
        if len(scores) >= limit:
            break
        question, resolution = split_ticket(ticket.body)
        if not question or not resolution:
            skipped += 1
            continue
        try:
            score = checker.mean_support(question, resolution, ticket.title)
        except (PayloadTooLarge, InvalidInput):
            score = None
        if score is None:
            skipped += 1
        else:
            scores.append(score)
    if len(scores) < MIN_REPLIES:
        raise InvalidInput(
            f"a grounded cut needs at least {MIN_REPLIES} resolved tickets with a reply to "
            f"score; this store has {len(scores)} (kbc ingest --kind ticket them first)"
        )
    cut = GroundedCut(
        cut=round(lower_quantile(scores, CUT_QUANTILE), 4),
        replies=len(scores),
        skipped=skipped,
        model_id=kb.model_id,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    kb.set_calibration(CALIBRATION, json.dumps(asdict(cut), sort_keys=True))
    return cut


def lower_quantile(values: list[float], q: float) -> float:
    """The value at rank floor(q * n) of the sorted values: at least 1 - q of them reach it."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _hashed(external_id: str) -> str:
    return hashlib.sha256(external_id.encode("utf-8")).hexdigest()
