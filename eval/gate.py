"""Regression gate: compare a run's headline metrics with a baseline report's.

A metric fails when it dropped by more than `tolerance` (absolute, metrics are shares in
[0, 1]). Metrics only one side has are listed, never failed: a run may add or drop modes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Drop:
    metric: str
    baseline: float
    current: float

    @property
    def delta(self) -> float:
        return self.current - self.baseline

    def describe(self) -> str:
        return f"{self.metric}: {self.baseline:.4f} -> {self.current:.4f} ({self.delta:+.4f})"


@dataclass
class GateResult:
    tolerance: float
    failures: list[Drop] = field(default_factory=list)
    compared: list[Drop] = field(default_factory=list)
    only_in_baseline: list[str] = field(default_factory=list)
    only_in_current: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def lines(self) -> list[str]:
        if self.passed:
            head = (
                f"regression gate passed: {len(self.compared)} metrics within "
                f"{self.tolerance:g} of the baseline"
            )
        else:
            head = (
                f"regression gate FAILED: {len(self.failures)} metric(s) dropped more than "
                f"{self.tolerance:g}"
            )
        out = [head, *(f"  dropped {d.describe()}" for d in self.failures)]
        if self.only_in_baseline:
            out.append(f"  not measured this run: {', '.join(self.only_in_baseline)}")
        return out


def compare(
    baseline: Mapping[str, float], current: Mapping[str, float], tolerance: float
) -> GateResult:
    """Fail each metric with current < baseline - tolerance (ties at the edge pass)."""
    if tolerance < 0:
        raise ValueError("tolerance must be >= 0")
    result = GateResult(tolerance=tolerance)
    for name in sorted(baseline):
        if name not in current:
            result.only_in_baseline.append(name)
            continue
        drop = Drop(name, float(baseline[name]), float(current[name]))
        result.compared.append(drop)
        if drop.delta < -tolerance - 1e-12:
            result.failures.append(drop)
    result.only_in_current = sorted(set(current) - set(baseline))
    return result
