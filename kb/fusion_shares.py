"""How much hybrid search trusts the dense retriever, per language of the question.

Convex fusion gives each document `share * cosine + (1 - share) * BM25 / top BM25`. One share
for every language is wrong where the embedder was not trained for the language: its cosines
are noise there and keyword search alone does better (the multilingual issue: Chinese hybrid
0.930 < keyword 0.960 with MiniLM). So:

- a language with a share fitted on the store's labelled questions (`kbc calibrate --fusion`,
  saved with the store under meta key `fusion_shares`, versioned `store-N`) uses it;
- else a language the embedder covers uses the shipped share (FusionConfig.dense_share, chosen
  on the English sets);
- else UNCOVERED_SHARE, keyword-heavier than the default: MiniLM's vectors outside English
  are weak but not noise (its word pieces still match shared words and scripts), so they
  still add something. Chosen on one half of examples/multilingual's non-English questions
  with a MiniLM store (best share 0.6 on half 1; 0.7 on half 0) and reported on the other
  half: nDCG@10 0.776 at 0.6 vs 0.765 at 0.2 and 0.776 at 0.8 — a small gain, within noise;
  eval/RESULTS.md has the table. A store whose first documents are not English gets the
  multilingual embedder, so this share is for stores that gained a language later.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from kb.embedders.coverage import languages_covered
from kb.embedders.factory import name_for_model_id
from kb.errors import InvalidInput
from kb.storage.documents import Documents

META_KEY = "fusion_shares"
UNCOVERED_SHARE = 0.6
SHARES_FORMAT = 1


@dataclass(frozen=True)
class LanguageShares:
    """The dense share of convex fusion for each language a question may be in."""

    default: float
    uncovered: float = UNCOVERED_SHARE
    covered: frozenset[str] | None = None  # the embedder's languages; None: every language
    fitted: Mapping[str, float] = field(default_factory=dict)
    version: str = "default"
    questions: Mapping[str, int] = field(default_factory=dict)  # labelled questions per fit

    def share_for(self, lang: str | None) -> float:
        if lang is not None and lang in self.fitted:
            return self.fitted[lang]
        if lang is None or self.covered is None or lang in self.covered:
            return self.default
        return self.uncovered

    def depends_on_language(self, languages: set[str]) -> bool:
        """Whether questions in `languages` get different shares (then each question's
        language must be found; otherwise it does not matter)."""
        return len({self.share_for(lang) for lang in languages | {None}}) > 1

    def describe(self) -> str:
        parts = [f"{lang} {share:g}" for lang, share in sorted(self.fitted.items())]
        where = "fitted: " + ", ".join(parts) if parts else "none fitted"
        covered = "all" if self.covered is None else ",".join(sorted(self.covered))
        return (
            f"{self.version} ({where}); otherwise {self.default:g} where the embedder covers "
            f"the language ({covered}), {self.uncovered:g} elsewhere"
        )


def load_shares(documents: Documents, default: float) -> LanguageShares:
    """The shares a store's questions get: its fitted ones over the defaults for its model."""
    model_id = documents.meta("model_id")
    covered = _covered(model_id)
    raw = documents.meta(META_KEY)
    if not raw:
        return LanguageShares(default=default, covered=covered)
    saved = json.loads(raw)
    if saved.get("model_id") != model_id:  # fitted on another model's vectors: stale
        return LanguageShares(default=default, covered=covered)
    return LanguageShares(
        default=default,
        covered=covered,
        fitted={str(k): float(v) for k, v in saved["shares"].items()},
        version=str(saved["version"]),
        questions={str(k): int(v) for k, v in saved.get("questions", {}).items()},
    )


def save_shares(
    documents: Documents, shares: Mapping[str, float], questions: Mapping[str, int]
) -> str:
    """Save fitted shares with the store (in one meta row); returns the new version."""
    for lang, share in shares.items():
        if not 0.0 <= share <= 1.0:
            raise InvalidInput(f"dense share for {lang!r} must be within 0..1, got {share}")
    previous = documents.meta(META_KEY)
    number = 1 + (int(json.loads(previous)["version"].split("-")[1]) if previous else 0)
    version = f"store-{number}"
    documents.set_meta(
        META_KEY,
        json.dumps(
            {
                "format": SHARES_FORMAT,
                "version": version,
                "model_id": documents.meta("model_id"),
                "shares": dict(sorted(shares.items())),
                "questions": dict(sorted(questions.items())),
            },
            sort_keys=True,
        ),
    )
    return version


def _covered(model_id: str | None) -> frozenset[str] | None:
    if not model_id:
        return None
    try:
        return languages_covered(name_for_model_id(model_id))
    except InvalidInput:
        return None
