"""Decision rows (one per original or twin), the answerability figures over them, and fitting.

A row is what the decision saw (features) and what answering would have been (label). The
same figures come out of `kbc eval --twins` (the engine's own decisions) and `kbc calibrate`
(any model's, recomputed from the features), so a fitted model is judged exactly as served.
"""

from __future__ import annotations

import json
import pickle
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eval.report_json import TicketRecord
from kb.answerability import (
    DEFAULT_FEATURES,
    AnswerabilityModel,
    TermStats,
    candidate_topics,
    extract,
    fit,
)
from kb.models import Hit

TARGET_RECALL = 0.85  # share of unanswerable questions the chosen threshold must hand off
THRESHOLDS = tuple(round(i / 40, 3) for i in range(1, 40))
MIN_ANSWERED = 10  # a "threshold reaching the target precision" must answer at least this many


@dataclass
class Row:
    set: str
    id: str
    lang: str
    channel: str
    twin: bool
    answerable: bool
    gold_in_top10: bool  # a gold document is in the hybrid top 10 (answerable originals)
    gold_in_sources: bool  # ... among the sources the answer is composed from
    could_answer: bool  # a cited draft exists
    correct: bool  # answering cites a gold document
    clarified: bool
    features: dict[str, float]
    p: float = 0.0  # the decision's probability (recomputed per model)
    # originals: the top source is a gold document; twins: their original's top source was
    # (a "clean" twin: the original's best evidence is exactly what the twin lost)
    top_is_gold: bool = False

    @property
    def label(self) -> int | None:
        """1: answering from these sources is right; 0: must hand off; None: neither is clear
        (answerable, but the gold document is not among the sources)."""
        if not self.answerable:
            return 0
        return 1 if self.gold_in_sources else None


@dataclass(frozen=True)
class DecisionInput:
    """What one answer decision read: enough to recompute its features offline."""

    question: str
    history: tuple[str, ...]
    hits: tuple[Hit, ...]
    answer: str | None


def write_inputs(inputs: dict[str, DecisionInput], path: Path) -> Path:
    """Pickled (the caller's own file, read back only by `read_inputs` for refitting)."""
    path.write_bytes(pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL))
    return path


def read_inputs(path: Path) -> dict[str, DecisionInput]:
    data = pickle.loads(Path(path).read_bytes())  # our own file, written by write_inputs
    return dict(data)


def recompute(rows: Sequence[Row], inputs: dict[str, DecisionInput], stats: TermStats) -> None:
    """Refresh each row's features (and whether it asks "which one?") from its decision input
    after a change to the features or the clarify rule. A row the run clarified has no draft,
    so if the rule no longer clarifies it, it counts as handed off (could_answer stays False).
    """
    for row in rows:
        given = inputs.get(row.id)
        if given is not None:
            evidence = extract(
                given.question, given.hits, stats, history=given.history, answer=given.answer
            )
            legacy = row.features.get("legacy_confidence")
            row.features = dict(evidence.features)
            if legacy is not None:
                row.features["legacy_confidence"] = legacy
            row.clarified = bool(candidate_topics(given.question, given.hits, given.history))


def rows_from_records(records: Iterable[TicketRecord], set_name: str, mode: str) -> list[Row]:
    records = list(records)
    top_gold = {
        r.id: bool(r.source_ids) and r.source_ids[0] in set(r.gold_doc_ids) for r in records
    }
    out: list[Row] = []
    for r in records:
        if r.outcome is None:
            continue
        gold = set(r.gold_doc_ids)
        out.append(
            Row(
                set=set_name,
                id=r.id,
                lang=r.lang or "unknown",
                channel=r.channel or "-",
                twin=r.twin_of is not None,
                answerable=r.answerable,
                gold_in_top10=bool(gold & set(r.rankings.get(mode, [])[:10])),
                gold_in_sources=bool(gold & set(r.source_ids)),
                could_answer=r.could_answer,
                correct=bool(r.correct),
                clarified=r.outcome == "clarify",
                features=dict(r.features),
                p=r.confidence or 0.0,
                top_is_gold=top_gold.get(r.twin_of or r.id, False),
            )
        )
    return out


def write_rows(rows: Sequence[Row], path: Path) -> Path:
    path.write_text("".join(json.dumps(asdict(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def read_rows(path: Path) -> list[Row]:
    return [Row(**json.loads(line)) for line in Path(path).read_text("utf-8").splitlines() if line]


def rescore(rows: Sequence[Row], model: AnswerabilityModel) -> None:
    if rows:
        x = np.asarray([[r.features.get(n, 0.0) for n in model.features] for r in rows])
        for row, p in zip(rows, model.probabilities(x), strict=True):
            row.p = float(p)


def answered(row: Row, threshold: float) -> bool:
    """The engine's rule: a cited draft, no clarifying question, confidence at the threshold."""
    return row.could_answer and not row.clarified and row.p >= threshold


def figures(rows: Sequence[Row], threshold: float) -> dict[str, Any]:
    """Hand-off recall of unanswerables, answered share of answerables, precision, coverage."""
    unans = [r for r in rows if not r.answerable]
    ans10 = [r for r in rows if r.answerable and r.gold_in_top10]
    said = [r for r in rows if answered(r, threshold)]
    handed = [r for r in rows if not answered(r, threshold) and not r.clarified]
    right_handoffs = [r for r in handed if not r.answerable or not r.gold_in_sources]
    clean = [r for r in unans if r.twin and r.top_is_gold]
    return {
        "n": len(rows),
        "unanswerable": len(unans),
        "twins": sum(1 for r in unans if r.twin),
        "unanswerable_handed_off": _share(sum(1 for r in unans if r in handed), len(unans)),
        "unanswerable_clarified": _share(sum(1 for r in unans if r.clarified), len(unans)),
        "clean_twins": len(clean),
        "clean_twins_handed_off": _share(sum(1 for r in clean if r in handed), len(clean)),
        "answerable_top10": len(ans10),
        "answerable_top10_answered": _share(
            sum(1 for r in ans10 if answered(r, threshold)), len(ans10)
        ),
        "precision": _share(sum(1 for r in said if r.correct and r.answerable), len(said)),
        "handoff_precision": _share(len(right_handoffs), len(handed)),
        "coverage": _share(len(said), len(rows)),
        "clarified": sum(1 for r in rows if r.clarified),
    }


def curve(rows: Sequence[Row], target_precision: float = 0.9) -> dict[str, Any]:
    """Precision / coverage / unanswerable recall per threshold, and the best threshold
    reaching `target_precision` (most coverage) with at least MIN_ANSWERED answers, if any."""
    points = [{"threshold": t, **figures(rows, t)} for t in THRESHOLDS]
    ok = [
        p
        for p in points
        if p["precision"] is not None
        and p["precision"] >= target_precision
        and p["coverage"] * p["n"] >= MIN_ANSWERED
    ]
    best = max(ok, key=lambda p: (p["coverage"], -p["threshold"])) if ok else None
    return {"points": points, "recommended": best["threshold"] if best else None}


def by_slice(rows: Sequence[Row], threshold: float, field: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        groups[str(getattr(r, field))].append(r)
    return {k: figures(v, threshold) for k, v in sorted(groups.items(), key=lambda kv: -len(kv[1]))}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def training_arrays(
    rows: Sequence[Row], features: Sequence[str] = DEFAULT_FEATURES
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labelled rows only; weights balance classes and give every set the same total."""
    kept = [r for r in rows if r.label is not None]
    x = np.asarray([[r.features.get(n, 0.0) for n in features] for r in kept], dtype=np.float64)
    y = np.asarray([r.label for r in kept], dtype=np.float64)
    weight = np.ones(len(kept))
    cells: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, r in enumerate(kept):
        cells[(r.set, int(y[i]))].append(i)
    for members in cells.values():
        weight[members] = 1.0 / len(members)
    return x, y, weight


def choose_threshold(rows: Sequence[Row], target_recall: float = TARGET_RECALL) -> float:
    """The lowest threshold (the most answers) at which the unanswerables handed off reach
    `target_recall`, averaged over sets (each set counts the same); scored rows required."""
    sets = sorted({r.set for r in rows})
    by_set = {s: [r for r in rows if r.set == s] for s in sets}
    for t in THRESHOLDS:
        rates = [figures(by_set[s], t)["unanswerable_handed_off"] for s in sets]
        known = [x for x in rates if x is not None]
        if not known or sum(known) / len(known) >= target_recall:
            return t
    return THRESHOLDS[-1]


def fit_model(
    rows: Sequence[Row],
    *,
    target_recall: float = TARGET_RECALL,
    l2: float = 30.0,
    features: Sequence[str] = DEFAULT_FEATURES,
) -> AnswerabilityModel:
    x, y, weight = training_arrays(rows, features)
    model = fit(x, y, sample_weight=weight, l2=l2, features=features)
    scored = [Row(**asdict(r)) for r in rows]
    rescore(scored, model)
    sets = {s: sum(1 for r in rows if r.set == s) for s in sorted({r.set for r in rows})}
    return AnswerabilityModel(
        features=model.features,
        mean=model.mean,
        scale=model.scale,
        weights=model.weights,
        bias=model.bias,
        threshold=choose_threshold(scored, target_recall),
        trained_on={"sets": sets, "labelled_rows": len(y), "l2": l2},
    )


def folds(rows: Sequence[Row], k: int) -> list[tuple[list[Row], list[Row]]]:
    """k folds by original ticket (a twin stays with its original), deterministic."""

    def key(r: Row) -> str:
        return r.id.split("~", 1)[0]

    originals = sorted({key(r) for r in rows})
    which = {o: i % k for i, o in enumerate(originals)}
    return [
        ([r for r in rows if which[key(r)] != f], [r for r in rows if which[key(r)] == f])
        for f in range(k)
    ]


def summary(
    records: Sequence[TicketRecord],
    mode: str,
    threshold: float,
    twins: bool,
    target_precision: float = 0.9,
) -> dict[str, Any]:
    """A report's `answerability`: unanswerables handed off (real and twins), answered share
    of answerables whose gold is in the top 10, precision, coverage; overall, per language,
    channel and twin, the curve, and how many `expected: clarify` tickets got one."""
    rows = rows_from_records(records, "run", mode)
    clarify = [r for r in records if r.expected == "clarify"]
    return {
        "threshold": threshold,
        "twins": twins,
        "overall": figures(rows, threshold),
        "lang": by_slice(rows, threshold, "lang"),
        "channel": by_slice(rows, threshold, "channel"),
        "twin": by_slice(rows, threshold, "twin"),
        "curve": curve(rows, target_precision),
        "clarify_expected": len(clarify),
        "clarify_hit": sum(1 for r in clarify if r.outcome == "clarify"),
    }
