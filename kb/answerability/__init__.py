"""Answerability: does the evidence retrieved for a question answer it, or only share its topic?

Pure features (`features.extract`), a small calibrated logistic model with a shipped default
(`model`), and the narrow "ask which one" rule (`clarify`). Used by the answers path and
reusable by flags; imports nothing outside `kb`.
"""

from __future__ import annotations

from kb.answerability.clarify import Topic, candidate_topics
from kb.answerability.features import DEFAULT_FEATURES, FEATURES, Evidence, extract
from kb.answerability.model import (
    AnswerabilityModel,
    default_model,
    fit,
    load_for_store,
    save_for_store,
)
from kb.answerability.term_stats import FixedTermStats, StoreTermStats, TermStats

__all__ = [
    "DEFAULT_FEATURES",
    "FEATURES",
    "AnswerabilityModel",
    "Evidence",
    "FixedTermStats",
    "StoreTermStats",
    "TermStats",
    "Topic",
    "candidate_topics",
    "default_model",
    "extract",
    "fit",
    "load_for_store",
    "save_for_store",
]
