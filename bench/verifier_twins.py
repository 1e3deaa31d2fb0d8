"""The LLM answer verifier on a labelled set with leave-gold-out twins: does a reading model
tell "this passage answers it" from "this passage is about it"?

    .venv/bin/python -m bench.verifier_twins --store DIR --tickets FILE \
        [--model local/qwen2.5-1.5b-instruct] [--limit N] [--rows OUT.jsonl]

Every question (answerable originals, real unanswerable ones, and the twin of each original
with gold, its gold documents and their translations excluded from retrieval) goes through
`Copilot.answer` with no verifier; each one that reaches the decision (a cited draft) is then
put to the verifier with the same sources. One row per question is appended to `--rows` as it
is done, so an interrupted run resumes where it stopped.

The summary reads the rows two ways, decision alone and decision + verifier ("answer when
the score clears t and the model says yes"), at the shipped threshold and over a threshold
grid. A threshold chosen for the combined rule is fitted on one half of the tickets (split by
a hash of the original's id, a twin with its original) and reported on the other, both ways
round: no figure below is read on the tickets it was chosen on.
"""

from __future__ import annotations

import argparse
import json
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import OUT, percentile
from copilot.answer_verifier import LLMAnswerVerifier
from copilot.config import Settings
from copilot.engine import Copilot
from copilot.llm import LLMGateway
from eval.dataset import Ticket, load_tickets
from eval.harness import HISTORY_ROLES, catalog
from eval.twins import ExcludingRetriever, excluded_documents
from kb.maintenance import open_store
from kb.models import SearchFilters
from kb.retrieval import Retriever
from kb.store import KnowledgeBase

GRID = [round(0.05 * i, 2) for i in range(21)]


def _questions(kb: KnowledgeBase, tickets: list[Ticket]) -> Iterator[tuple[Ticket, set[str]]]:
    """Each ticket as it is (nothing excluded), then the twin of each ticket with gold."""
    for t in tickets:
        yield t, set()
    for t in tickets:
        if t.has_gold:
            yield t, excluded_documents(kb, t.gold_doc_ids)


def _row(
    copilot: Copilot, verifier: LLMAnswerVerifier, ticket: Ticket, excluded: set[str]
) -> dict[str, Any]:
    history = ticket.history_texts(HISTORY_ROLES["all"])
    top10 = copilot.retriever.search(
        ticket.question, k=10, filters=SearchFilters.public(), history=history
    )
    answered = copilot.answer(ticket.question, history=history, locale=ticket.lang)
    twin = bool(excluded)
    gold = set(ticket.gold_doc_ids) if not twin else set()
    sources = [s.external_id for s in answered.sources]
    row: dict[str, Any] = {
        "id": ticket.id + ("~twin" if twin else ""),
        "original": ticket.id,
        "lang": ticket.lang,
        "twin": twin,
        "unanswerable": twin or not ticket.answerable,
        "gold_top10": bool(gold & {h.external_id for h in top10}),
        "gold_in_sources": bool(gold & set(sources)),
        "outcome": answered.outcome,
        "reason": answered.reason,
        "score": round(answered.confidence, 4),
        "cited": bool(answered.composed and answered.composed.draft.cited),
        "verdict": None,
        "verifier_s": None,
    }
    if answered.composed is not None and row["cited"]:
        verdict = verifier.verify(ticket.question, answered.sources)
        row["verdict"], row["verifier_s"] = verdict.answers, round(verdict.seconds, 2)
        row["verifier_error"] = verdict.error
    return row


def _rates(rows: list[dict[str, Any]], t: float, verified: bool) -> dict[str, float | int]:
    def says(r: dict[str, Any]) -> bool:
        # only a cited draft reaches the threshold (no relevant article, clarify and asked-for
        # humans have none); a verifier that abstained lets the decision stand
        ok = bool(r["cited"]) and r["score"] >= t
        return ok and (not verified or r["verdict"] is not False)

    unans = [r for r in rows if r["unanswerable"]]
    top10 = [r for r in rows if not r["unanswerable"] and r["gold_top10"]]
    answers = [r for r in rows if says(r)]
    right = [r for r in answers if r["gold_in_sources"]]
    return {
        "handed_off_unanswerable": round(1 - sum(map(says, unans)) / max(len(unans), 1), 3),
        "answered_top10": round(sum(map(says, top10)) / max(len(top10), 1), 3),
        "precision": round(len(right) / len(answers), 3) if answers else 0.0,
        "answers": len(answers),
        "n_unanswerable": len(unans),
        "n_top10": len(top10),
    }


def _half(row: dict[str, Any]) -> int:
    return zlib.crc32(row["original"].encode()) % 2


def _fit(rows: list[dict[str, Any]], verified: bool) -> float:
    """The lowest grid threshold handing off >= 85% of the unanswerable questions (the
    issue's operating point), or the top of the grid."""
    for t in GRID:
        if _rates(rows, t, verified)["handed_off_unanswerable"] >= 0.85:
            return t
    return GRID[-1]


def summarize(rows: list[dict[str, Any]], shipped: float) -> dict[str, Any]:
    seconds = [r["verifier_s"] for r in rows if r["verifier_s"] is not None]
    out: dict[str, Any] = {
        "n": len(rows),
        "verified": len(seconds),
        "abstained": sum(1 for r in rows if r["verifier_s"] is not None and r["verdict"] is None),
        "verifier_s_p50": round(percentile(seconds, 50), 2) if seconds else None,
        "verifier_s_p99": round(percentile(seconds, 99), 2) if seconds else None,
        "shipped_threshold": shipped,
        "at_shipped": {
            "decision": _rates(rows, shipped, False),
            "decision+verifier": _rates(rows, shipped, True),
        },
        "held_out_halves": [],
        "grid": {
            str(t): {"decision": _rates(rows, t, False), "decision+verifier": _rates(rows, t, True)}
            for t in GRID
        },
    }
    for fit_half in (0, 1):
        fit = [r for r in rows if _half(r) == fit_half]
        held = [r for r in rows if _half(r) != fit_half]
        for verified in (False, True):
            t = _fit(fit, verified)
            out["held_out_halves"].append(
                {"fit_half": fit_half, "verifier": verified, "threshold": t}
                | _rates(held, t, verified)
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--tickets", type=Path, required=True)
    parser.add_argument("--model", default="local/qwen2.5-1.5b-instruct")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--rows", type=Path, default=OUT / "verifier-twins-rows.jsonl")
    parser.add_argument("--summary-only", action="store_true", help="read --rows, run nothing")
    args = parser.parse_args()
    done: dict[str, dict[str, Any]] = {}
    if args.rows.exists():
        done = {r["id"]: r for r in map(json.loads, args.rows.open()) if r}
    with open_store(args.store, None) as kb:
        settings = Settings(data_dir=args.store)
        plain = Copilot.from_settings(settings, kb, Retriever(kb))
        shipped = plain.answer_threshold
        if not args.summary_only:
            tickets = list(load_tickets(args.tickets, set(catalog(kb)), limit=args.limit).tickets)
            gateway = LLMGateway(args.model, timeout_s=args.timeout, retries=0)
            gateway.warm_up()
            verifier = LLMAnswerVerifier(gateway, timeout_s=args.timeout)
            args.rows.parent.mkdir(parents=True, exist_ok=True)
            twin_retriever = ExcludingRetriever(kb, plain.retriever.config)
            twin_copilot = Copilot(kb, twin_retriever, plain.composer, plain.settings)
            started = time.perf_counter()
            try:
                with args.rows.open("a") as sink:
                    for ticket, excluded in _questions(kb, tickets):
                        key = ticket.id + ("~twin" if excluded else "")
                        if key in done:
                            continue
                        twin_retriever.exclude(excluded)
                        copilot = twin_copilot if excluded else plain
                        row = _row(copilot, verifier, ticket, excluded)
                        done[key] = row
                        sink.write(json.dumps(row) + "\n")
                        sink.flush()
                        print(f"{len(done)} {key} {row['outcome']} {row['score']} "
                              f"{row['verdict']} {row['verifier_s']} "
                              f"({time.perf_counter() - started:.0f} s)", flush=True)  # fmt: skip
            finally:
                gateway.close()
    summary = summarize(list(done.values()), shipped)
    summary["model"] = args.model
    out = args.rows.with_suffix(".summary.json")
    out.write_text(json.dumps(summary, indent=2))
    brief = {k: v for k, v in summary.items() if k != "grid"}
    print(json.dumps(brief, indent=2))


if __name__ == "__main__":
    main()
