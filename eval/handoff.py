"""Hand-off quality: how often an `answered` outcome is right, and how many customers get one.

Each ticket contributes (confidence, could_answer, correct, answerable): `could_answer` is
whether the copilot produced a cited draft (hard hand-offs never can); at threshold t the
copilot answers when could_answer and confidence >= t — the rule `Copilot.answer` applies.
Precision = correct answers / answers; coverage = answers / all tickets scored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

THRESHOLDS: tuple[float, ...] = tuple(round(i / 20, 2) for i in range(21))  # 0.00 .. 1.00


@dataclass(frozen=True)
class Outcome:
    confidence: float
    could_answer: bool
    correct: bool  # an answer here would be right (gold cited, or the judge agreed)
    answerable: bool


@dataclass(frozen=True)
class CurvePoint:
    threshold: float
    answered: int
    correct: int
    precision: float | None  # None when nothing is answered at this threshold
    coverage: float


def point(outcomes: Sequence[Outcome], threshold: float) -> CurvePoint:
    """Precision and coverage of answering at `threshold`."""
    answered = [o for o in outcomes if o.could_answer and o.confidence >= threshold]
    correct = sum(1 for o in answered if o.correct and o.answerable)
    return CurvePoint(
        threshold=threshold,
        answered=len(answered),
        correct=correct,
        precision=correct / len(answered) if answered else None,
        coverage=len(answered) / len(outcomes) if outcomes else 0.0,
    )


def curve(
    outcomes: Sequence[Outcome], thresholds: Sequence[float] = THRESHOLDS
) -> list[CurvePoint]:
    return [point(outcomes, t) for t in thresholds]


def recommend_threshold(points: Sequence[CurvePoint], target_precision: float) -> float | None:
    """The threshold with the most coverage whose precision reaches the target (None: none does).

    Ties in coverage go to the lower threshold (it is the less restrictive setting).
    """
    ok = [p for p in points if p.precision is not None and p.precision >= target_precision]
    if not ok:
        return None
    best = max(ok, key=lambda p: (p.coverage, -p.threshold))
    return best.threshold
