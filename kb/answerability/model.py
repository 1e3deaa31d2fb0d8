"""A small calibrated model: P(an answer from these passages would be right) from Evidence.

Logistic regression on standardized features, fitted in numpy (Newton steps, L2), saved as
versioned JSON: a shipped default (`default_model.json`, fitted by `kbc calibrate` on the
team's sets; see eval/RESULTS.md) and, after `kbc calibrate`, one saved with the store.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from kb.answerability.features import FEATURES, Evidence
from kb.errors import InvalidInput, StoreCorrupt

FORMAT = 1
STORE_FILE = "answerability.json"
DEFAULT_THRESHOLD = 0.5
# Standardized features are clipped to +-CLIP: a store unlike the training sets (a tiny help
# center where the top article always stands far apart) must not extrapolate one feature
# into certainty.
CLIP = 2.5


@dataclass(frozen=True)
class AnswerabilityModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float = DEFAULT_THRESHOLD
    version: str = "untrained"
    trained_on: dict[str, Any] = field(default_factory=dict)
    clip: float = CLIP

    def probability(self, evidence: Evidence) -> float:
        return float(self.probabilities(np.asarray([evidence.vector(self.features)]))[0])

    def _z(self, x: np.ndarray) -> np.ndarray:
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return np.asarray(np.clip(z, -self.clip, self.clip))

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        z = self._z(x)
        logits = z @ np.asarray(self.weights) + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30))))

    def contributions(self, evidence: Evidence) -> dict[str, float]:
        """Each feature's share of the logit (positive: towards answering), for the evidence."""
        z = self._z(np.asarray(evidence.vector(self.features)))
        return {n: round(float(v), 3) for n, v in zip(self.features, z * self.weights, strict=True)}

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "bias": self.bias,
            "threshold": self.threshold,
            "clip": self.clip,
            "trained_on": self.trained_on,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnswerabilityModel:
        if data.get("format") != FORMAT:
            raise StoreCorrupt(f"answerability model format {data.get('format')!r} is unknown")
        names = tuple(str(n) for n in data["features"])
        unknown = set(names) - set(FEATURES)
        if unknown:
            raise StoreCorrupt(f"answerability model uses unknown features: {sorted(unknown)}")
        model = cls(
            features=names,
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) for v in data["scale"]),
            weights=tuple(float(v) for v in data["weights"]),
            bias=float(data["bias"]),
            threshold=float(data.get("threshold", DEFAULT_THRESHOLD)),
            version=str(data.get("version", "unknown")),
            trained_on=dict(data.get("trained_on", {})),
            clip=float(data.get("clip", CLIP)),
        )
        if not len(model.mean) == len(model.scale) == len(model.weights) == len(names):
            raise StoreCorrupt("answerability model: feature and weight counts differ")
        return model


def fit(
    x: np.ndarray,
    y: np.ndarray,
    *,
    sample_weight: np.ndarray | None = None,
    l2: float = 1.0,
    features: Sequence[str] = FEATURES,
    iterations: int = 50,
) -> AnswerabilityModel:
    """L2-regularized logistic regression by Newton's method (small, exact, deterministic)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] != y.shape[0] or x.shape[1] != len(features):
        raise InvalidInput("fit: x must be (n, features) and y (n,)")
    if len(set(y.tolist())) < 2:
        raise InvalidInput("fit needs both answerable and unanswerable examples")
    sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    sw = sw * len(y) / sw.sum()
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    z = np.hstack([np.clip((x - mean) / scale, -CLIP, CLIP), np.ones((len(y), 1))])
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ beta, -30, 30)))
        grad = z.T @ (sw * (p - y)) + penalty * beta
        hess = (z * (sw * p * (1 - p))[:, None]).T @ z + np.diag(penalty) + 1e-9 * np.eye(len(beta))
        step = np.linalg.solve(hess, grad)
        beta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return AnswerabilityModel(
        features=tuple(features),
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        weights=tuple(float(v) for v in beta[:-1]),
        bias=float(beta[-1]),
    )


# The shipped default per embedding model: cosine features live on each model's own scale
# (USE's cosines of a right and a wrong passage sit closer together than MiniLM's), so a
# model fitted on MiniLM stores misreads a USE store. Both were fitted on the same three
# sets, each on stores built with its embedder (eval/RESULTS.md).
DEFAULT_FILES = {"universal-sentence-encoder-multilingual-3": "default_model_use.json"}


def default_model(model_id: str | None = None) -> AnswerabilityModel:
    """The shipped default (package data) for a store whose vectors come from `model_id`."""
    name = DEFAULT_FILES.get(model_id or "", "default_model.json")
    text = resources.files("kb.answerability").joinpath(name).read_text("utf-8")
    return AnswerabilityModel.from_dict(json.loads(text))


def store_model_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / STORE_FILE


def load_for_store(data_dir: Path | str, model_id: str | None = None) -> AnswerabilityModel:
    """The model `kbc calibrate` saved with this store, else the shipped default for the
    store's embedding model."""
    path = store_model_path(data_dir)
    if not path.exists():
        return default_model(model_id)
    try:
        return AnswerabilityModel.from_dict(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreCorrupt(f"cannot read {path}: {exc}") from exc


def next_version(data_dir: Path | str) -> str:
    """`store-N` numbering: one more than the model saved with the store, if any."""
    path = store_model_path(data_dir)
    try:
        current = json.loads(path.read_text("utf-8")).get("version", "")
        n = int(str(current).rsplit("-", 1)[-1]) if str(current).startswith("store-") else 0
    except (OSError, ValueError):
        n = 0
    return f"store-{n + 1}"


def save_for_store(model: AnswerabilityModel, data_dir: Path | str) -> Path:
    """Write atomically (temp file, fsync, rename) next to the store's database."""
    path = store_model_path(data_dir)
    data = model.as_dict()
    data["saved_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".answerability-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))
