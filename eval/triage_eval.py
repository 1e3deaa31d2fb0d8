"""How well triage suggests the tags a team gave its tickets, on resolved tickets whose tags
a person wrote (examples/tickets/resolved.jsonl, 163 tickets, 145 tags).

    python -m eval.triage_eval [--tickets examples/tickets/resolved.jsonl] [--data-dir D]

Builds (or reopens) a store of the bundled help center and the tickets. Each ticket is
triaged as it arrived: its subject and the customer's messages before the first agent reply,
with itself left out of the neighbours. The tickets are split in two by a hash of their id:
the rule (a vote over the neighbours at a share, the nearest ticket's tags, or both) is chosen
on half 0 by micro-F1 and reported on half 1, with the shipped default as the API runs it, next
to a baseline from half 0: always the most common tag.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copilot.triage import Triager
from kb.retrieval import Retriever

REPO = Path(__file__).resolve().parents[1]
GRID = [round(0.05 * i, 2) for i in range(2, 13)]  # 0.10 .. 0.60


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, suggested: set[str], gold: set[str]) -> None:
        self.tp += len(suggested & gold)
        self.fp += len(suggested - gold)
        self.fn += len(gold - suggested)

    def as_dict(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}


def half(ticket_id: str) -> int:
    return hashlib.sha256(ticket_id.encode()).digest()[0] % 2


def arrival(ticket: dict[str, Any]) -> list[tuple[str, str]]:
    """The customer's messages before the first agent reply."""
    out = []
    for m in ticket.get("messages", []):
        if m.get("author") != "customer":
            break
        out.append(("customer", str(m.get("body", ""))))
    return out


def votes(triager: Triager, tickets: list[dict[str, Any]]) -> list[tuple[Any, set[str], int]]:
    """Each ticket's triage at the lowest share (every tag of the grid), its gold, its half."""
    out = []
    for t in tickets:
        thread = arrival(t)
        if not thread or not t.get("tags"):
            continue
        found = triager.triage(thread, subject=t.get("subject"), exclude={str(t["id"])})
        out.append((found, set(t["tags"]), half(str(t["id"]))))
    return out


def scored(
    rows: list[tuple[Any, set[str], int]], which: int, share: float, nearest: bool = False
) -> Scores:
    """Tags with at least `share` of the vote (and, with `nearest`, the nearest ticket's)."""
    s = Scores()
    for found, gold, h in rows:
        if h == which:
            chosen = {x.tag for x in found.tags if x.share >= share}
            s.add(chosen | (_tags_of_nearest(found) if nearest else set()), gold)
    return s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=Path, default=REPO / "examples/tickets/resolved.jsonl")
    parser.add_argument("--corpus", type=Path, default=REPO / "examples/help-center")
    parser.add_argument("--data-dir", type=Path, default=REPO / ".kbc-triage-eval")
    args = parser.parse_args()
    from ingest.languages import corpus_languages
    from ingest.pipeline import run
    from kb.maintenance import open_store

    tickets = [json.loads(line) for line in args.tickets.read_text().splitlines() if line.strip()]
    with open_store(args.data_dir, languages=lambda: corpus_languages([args.corpus])) as kb:
        assert kb.embedder is not None
        run([args.corpus], kb, kb.embedder)
        run([args.tickets], kb, kb.embedder, kind="ticket")
        retriever = Retriever(kb)
        rows = votes(Triager(kb, retriever, tag_share=0.0), tickets)  # every tag, with its share
        shipped = votes(Triager(kb, retriever), tickets)  # the default rule, as the API runs it
    fit: dict[str, float] = {f"vote {s}": scored(rows, 0, s).as_dict()["f1"] for s in GRID}
    fit |= {f"nearest + vote {s}": scored(rows, 0, s, True).as_dict()["f1"] for s in GRID}
    fit["nearest"] = scored(rows, 0, 2.0, True).as_dict()["f1"]
    best = max(fit, key=lambda k: fit[k])
    common = Counter(tag for _, gold, h in rows if h == 0 for tag in gold).most_common(1)[0][0]
    baseline = Scores()
    for _, gold, h in rows:
        if h == 1:
            baseline.add({common}, gold)
    report = {
        "tickets": {
            "half 0 (fit)": sum(h == 0 for *_, h in rows),
            "half 1": sum(h for *_, h in rows),
        },
        "fit_f1_by_share": fit,
        "chosen on half 0": best,
        "half 1, shipped (Triager default)": _suggested(shipped, 1).as_dict(),
        **{
            f"half 1, {k}": _on_half_1(rows, k)
            for k in ("vote 0.25", "vote 0.3", "nearest", "nearest + vote 0.4")
        },
        f"half 1, always '{common}'": baseline.as_dict(),
    }
    print(json.dumps(report, indent=2))


def _suggested(rows: list[tuple[Any, set[str], int]], which: int) -> Scores:
    s = Scores()
    for found, gold, h in rows:
        if h == which:
            s.add({x.tag for x in found.tags}, gold)
    return s


def _on_half_1(rows: list[tuple[Any, set[str], int]], key: str) -> dict[str, float]:
    share = float(key.rsplit(" ", 1)[1]) if "vote" in key else 2.0
    return scored(rows, 1, share, key.startswith("nearest")).as_dict()


def _tags_of_nearest(found: Any) -> set[str]:
    """Tags the nearest ticket alone carries (those whose carriers start with it)."""
    nearest = found.similar_tickets[0].external_id
    return {t.tag for t in found.tags if t.tickets and t.tickets[0] == nearest}


if __name__ == "__main__":
    main()
