"""QA scorecards: an automatic, checkable first pass over replies agents sent (grounded,
contradicts, language, answered every question, privacy), deterministic and LLM-free."""

from __future__ import annotations

from copilot.qa.calibration import GroundedCut, calibrate_grounded, load_cut
from copilot.qa.scorecard import GROUNDED, ScorecardChecker, SourceFinder, criterion
from copilot.qa.types import (
    CRITERIA,
    ArticleRef,
    Contradiction,
    Criterion,
    CriterionName,
    PiiFinding,
    QuestionCheck,
    Scorecard,
    SentenceCheck,
)

__all__ = [
    "CRITERIA",
    "GROUNDED",
    "ArticleRef",
    "Contradiction",
    "Criterion",
    "CriterionName",
    "GroundedCut",
    "PiiFinding",
    "QuestionCheck",
    "Scorecard",
    "ScorecardChecker",
    "SentenceCheck",
    "SourceFinder",
    "calibrate_grounded",
    "criterion",
    "load_cut",
]
