"""How many LLM drafts survive their own checks, and how they compare with the extractive
drafts of the same tickets: the figures of eval/RESULTS.md "LLM drafts that survive" (issue
11), read from two `kbc eval` reports (one run with the LLM, one extractive, same tickets).

    python -m eval.draft_survival LLM/report.json EXTRACTIVE/report.json

"kept" = the LLM's draft was used (an answer, no fallback). Token F1 and cosine of the kept
drafts sit next to the extractive drafts of the same tickets; the whole run (kept and
fallbacks) next to the whole extractive run.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean, median
from typing import Any

Ticket = Mapping[str, Any]


@dataclass(frozen=True)
class Survival:
    n: int
    kept: int
    fallbacks: dict[str, int]  # reason (up to its first ':') -> tickets
    faithfulness_kept: float | None
    token_f1_kept: float | None
    token_f1_extractive_same: float | None
    cosine_kept: float | None
    cosine_extractive_same: float | None
    token_f1_run: float | None
    token_f1_extractive_run: float | None
    p50_seconds: float | None  # per draft, every ticket of the LLM run


def _mean(tickets: Iterable[Ticket], metric: str) -> float | None:
    values = [t["answer_metrics"][metric] for t in tickets
              if (t.get("answer_metrics") or {}).get(metric) is not None]  # fmt: skip
    return round(fmean(values), 3) if values else None


def survival(llm: Iterable[Ticket], extractive: Iterable[Ticket]) -> Survival:
    """The survival figures of an LLM run's tickets against an extractive run's (by id)."""
    runs = list(llm)
    plain = {t["id"]: t for t in extractive}
    kept = [t for t in runs if t.get("answer") and not t.get("fallback_reason")]
    same = [plain[t["id"]] for t in kept if t["id"] in plain]
    reasons = Counter(str(t["fallback_reason"]).split(":", 1)[0] for t in runs
                      if t.get("fallback_reason"))  # fmt: skip
    seconds = [t["answer_ms"] / 1000 for t in runs if t.get("answer_ms") is not None]
    return Survival(
        n=len(runs), kept=len(kept), fallbacks=dict(reasons.most_common()),
        faithfulness_kept=_mean(kept, "faithfulness"),
        token_f1_kept=_mean(kept, "token_f1"), token_f1_extractive_same=_mean(same, "token_f1"),
        cosine_kept=_mean(kept, "cosine"), cosine_extractive_same=_mean(same, "cosine"),
        token_f1_run=_mean(runs, "token_f1"),
        token_f1_extractive_run=_mean(plain.values(), "token_f1"),
        p50_seconds=round(median(seconds), 1) if seconds else None,
    )  # fmt: skip


def _tickets(path: Path) -> list[Ticket]:
    tickets: list[Ticket] = json.loads(path.read_text(encoding="utf-8"))["tickets"]
    return tickets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("llm", type=Path, help="report.json of the LLM run")
    parser.add_argument("extractive", type=Path, help="report.json of the extractive run")
    args = parser.parse_args()
    s = survival(_tickets(args.llm), _tickets(args.extractive))
    fallbacks = ", ".join(f"{k} {v}" for k, v in s.fallbacks.items()) or "none"
    print(f"kept {s.kept} / {s.n} ({s.kept / max(s.n, 1):.0%}); fallbacks: {fallbacks}")
    print(f"faithfulness, kept: {s.faithfulness_kept}")
    print(f"token F1, kept / extractive same tickets: {s.token_f1_kept} / "
          f"{s.token_f1_extractive_same}")  # fmt: skip
    print(f"cosine, kept / extractive same tickets: {s.cosine_kept} / {s.cosine_extractive_same}")
    print(f"whole run token F1 / all-extractive: {s.token_f1_run} / {s.token_f1_extractive_run}")
    print(f"p50 per draft: {s.p50_seconds} s")


if __name__ == "__main__":
    main()
