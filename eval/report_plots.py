"""The report's plots as PNG data URIs (matplotlib, Agg backend: no display, no network)."""

from __future__ import annotations

import base64
import io
from typing import Any

from eval.report_json import Report
from eval.retrieval_metrics import CURVE_KS


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _data_uri(fig: Any) -> str:
    plt = _pyplot()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def recall_curves(report: Report) -> str:
    """Recall@k for k = 1..10, one line per retrieval mode."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for mode, summary in report.retrieval.items():
        ax.plot(CURVE_KS, summary.recall_curve, marker="o", label=mode)
    ax.set_xlabel("k (documents)")
    ax.set_ylabel("recall@k")
    ax.set_ylim(0, 1)
    ax.set_xticks(list(CURVE_KS))
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title("Recall@k by retrieval mode")
    return _data_uri(fig)


def threshold_curve(report: Report) -> str | None:
    """Precision and coverage of `answered` against the confidence threshold."""
    h = report.handoff
    if h is None:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.6))
    xs = [p.threshold for p in h.curve]
    ax.plot(
        xs,
        [p.precision if p.precision is not None else float("nan") for p in h.curve],
        marker=".",
        label="precision",
    )
    ax.plot(xs, [p.coverage for p in h.curve], marker=".", label="coverage")
    ax.axvline(h.threshold, color="grey", linestyle="--", label=f"configured {h.threshold:g}")
    if h.recommended_threshold is not None:
        ax.axvline(
            h.recommended_threshold,
            color="green",
            linestyle=":",
            label=f"recommended {h.recommended_threshold:g}",
        )
    ax.axhline(h.target_precision, color="red", alpha=0.3, label=f"target {h.target_precision:g}")
    ax.set_xlabel("confidence threshold")
    ax.set_ylim(0, 1.05)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("Hand-off threshold")
    return _data_uri(fig)


def language_bars(report: Report) -> str | None:
    """nDCG@10 per language, one bar per retrieval mode."""
    rows = [r for r in report.slices if r.dimension == "lang" and r.n_with_gold]
    if not rows:
        return None
    plt = _pyplot()
    modes = list(report.retrieval)
    fig, ax = plt.subplots(figsize=(6, 3.6))
    width = 0.8 / max(1, len(modes))
    for i, mode in enumerate(modes):
        xs = [j + i * width for j in range(len(rows))]
        ax.bar(xs, [r.retrieval.get(mode, {}).get("ndcg@10", 0.0) for r in rows], width, label=mode)
    ax.set_xticks([j + width * (len(modes) - 1) / 2 for j in range(len(rows))])
    ax.set_xticklabels([f"{r.value} (n={r.n_with_gold})" for r in rows])
    ax.set_ylabel("nDCG@10")
    ax.set_ylim(0, 1.15)
    ax.legend(fontsize=8, ncol=len(modes), loc="upper center")
    ax.set_title("nDCG@10 by language")
    return _data_uri(fig)


def all_plots(report: Report) -> list[tuple[str, str]]:
    """(caption, data URI) for every plot the report can draw."""
    plots = [("Recall@k per retrieval mode", recall_curves(report))]
    for caption, uri in (
        ("Precision and coverage of answering, by confidence threshold", threshold_curve(report)),
        ("nDCG@10 per language and retrieval mode", language_bars(report)),
    ):
        if uri is not None:
            plots.append((caption, uri))
    return plots
