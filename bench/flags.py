"""Flag quality on the labelled set (precision/recall per reason) and scan time at scale.

    .venv/bin/python -m bench.flags                       # dev set, hashing embedder
    .venv/bin/python -m bench.flags --embedder minilm     # same, with MiniLM
    .venv/bin/python -m bench.flags --embedder default    # the model a new store would get
    .venv/bin/python -m bench.flags --set holdout6 [--brief]  # any set by name
    .venv/bin/python -m bench.flags --aws 26624 [--store DIR]   # scale run (hashing-384)

`--embedder default` picks what `kbc ingest` gives a new store of the set's articles
(MiniLM for English only, else USE multilingual: kb.embedders.coverage).

The dev set is examples/flags (articles, resolved tickets, answer log and feedback seeds,
labels.json); examples/flags-holdout .. flags-holdout17 have the same layout and were each
written before the detectors ran on them, scored once (bench/RESULTS.md) and then read: they
are development sets now, and measuring again needs a new set written blind (`--brief` prints
only the figures, for a first look at one). A
flag matches a positive label by (reason, document id), a duplicate label with a `pair` by
the pair of articles (either may carry the flag); a missing_article flag matches a topic
label when one of its words appears in its title or key words.
Precision counts every flag of a reason (labelled or not); recall counts labelled positives.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.common import OUT, SHARED, head_jsonl, peak_rss_mib, require
from ingest.languages import corpus_languages
from ingest.pipeline import run
from kb.embedders import HashingEmbedder, get_embedder
from kb.embedders.coverage import embedder_for_languages
from kb.flags import REASONS, Flag, FlagStore, ScanConfig, run_scan
from kb.flags.review import ReviewPolicy
from kb.flags.seed import load_answers, load_feedback
from kb.store import KnowledgeBase

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "flags"
SETS = {
    "dev": EXAMPLES,
    "holdout": EXAMPLES.parent / "flags-holdout",
    "holdout2": EXAMPLES.parent / "flags-holdout2",
    "holdout3": EXAMPLES.parent / "flags-holdout3",
    "holdout4": EXAMPLES.parent / "flags-holdout4",
    "holdout5": EXAMPLES.parent / "flags-holdout5",
    "holdout6": EXAMPLES.parent / "flags-holdout6",
    "holdout7": EXAMPLES.parent / "flags-holdout7",
    "holdout8": EXAMPLES.parent / "flags-holdout8",
    "holdout9": EXAMPLES.parent / "flags-holdout9",
    "holdout10": EXAMPLES.parent / "flags-holdout10",
    "holdout11": EXAMPLES.parent / "flags-holdout11",
    "holdout12": EXAMPLES.parent / "flags-holdout12",
    "holdout13": EXAMPLES.parent / "flags-holdout13",
    "holdout14": EXAMPLES.parent / "flags-holdout14",
    "holdout15": EXAMPLES.parent / "flags-holdout15",
    "holdout16": EXAMPLES.parent / "flags-holdout16",
    "holdout17": EXAMPLES.parent / "flags-holdout17",
}


def build_labelled_store(
    data_dir: Path, embedder_name: str = "hashing", examples: Path = EXAMPLES
) -> tuple[KnowledgeBase, dict[str, Any]]:
    """Ingest a labelled flag set into a fresh store and seed its answer log and feedback."""
    labels = json.loads((examples / "labels.json").read_text(encoding="utf-8"))
    if embedder_name == "default":
        embedder_name = embedder_for_languages(corpus_languages([examples / "articles"]))
    embedder = HashingEmbedder(384) if embedder_name == "hashing" else get_embedder(embedder_name)
    kb = KnowledgeBase(data_dir, embedder)
    for path, kind in ((examples / "articles", "article"), (examples / "tickets.jsonl", "ticket")):
        summary = run([path], kb, embedder, kind=kind)  # type: ignore[arg-type]
        if summary.failed:
            raise SystemExit(f"ingest failed: {summary.failed}")
    now = datetime.fromisoformat(labels["now"])
    load_answers(kb, examples / "answers.jsonl", now=now)
    load_feedback(kb, examples / "feedback.jsonl")
    return kb, labels


def labelled_config(labels: dict[str, Any]) -> ScanConfig:
    return ScanConfig(
        now=datetime.fromisoformat(labels["now"]),
        review=ReviewPolicy.from_dict(labels["review_policy"]),
    )


def _matches(flag: Flag, label: dict[str, Any]) -> bool:
    if flag.reason != label["reason"]:
        return False
    if "topic" in label:  # what the cluster is about: its title and its key words
        ev = flag.evidence
        text = " ".join(
            [
                ev.get("suggested_title", ""),
                *ev.get("terms", [])[:3],
                *ev.get("words_no_article_uses", []),
            ]
        ).lower()
        return any(word in text for word in label["topic"])
    if "pair" in label and flag.reason == "duplicate":
        return set(flag.subject.split(":", 1)[1].split("|")) == set(label["pair"])
    return flag.document_id == label["document_id"]


def score(flags: list[Flag], labels: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per reason: true/false positives, precision, recall, and negatives wrongly flagged."""
    out: dict[str, dict[str, Any]] = {}
    for reason in REASONS:
        mine = [f for f in flags if f.reason == reason]
        positives = [p for p in labels["positives"] if p["reason"] == reason]
        negatives = [n for n in labels["negatives"] if n["reason"] == reason]
        tp_flags = [f for f in mine if any(_matches(f, p) for p in positives)]
        found = [p for p in positives if any(_matches(f, p) for f in mine)]
        flagged_negatives = [n for n in negatives if any(_matches(f, n) for f in mine)]
        out[reason] = {
            "flags": len(mine),
            "positives": len(positives),
            "negatives": len(negatives),
            "true_positives": len(tp_flags),
            "precision": round(len(tp_flags) / len(mine), 3) if mine else None,
            "recall": round(len(found) / len(positives), 3) if positives else None,
            "missed": [p.get("document_id") or p.get("topic") for p in positives if p not in found],
            "false_positives": [f.document_id or f.subject for f in mine if f not in tp_flags],
            "negatives_flagged": [
                n.get("document_id") or n.get("topic") for n in flagged_negatives
            ],
        }
    return out


def labelled(embedder_name: str, which: str = "dev", brief: bool = False) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        kb, labels = build_labelled_store(Path(tmp) / "store", embedder_name, SETS[which])
        built = time.perf_counter() - started
        summary = run_scan(kb, labelled_config(labels))
        flags = FlagStore(kb).list()
        result: dict[str, Any] = {
            "set": which,
            "embedder": kb.model_id,
            "build_seconds": round(built, 2),
            "scan": summary.as_dict(),
            "scores": score(flags, labels),
            "labels": {
                "positives": len(labels["positives"]),
                "negatives": len(labels["negatives"]),
            },
        }
        kb.database.close()
    print(f"{which} set: {result['labels']} embedder {result['embedder']}")
    print(
        f"{'reason':26} {'flags':>5} {'pos':>4} {'neg':>4} {'precision':>9} {'recall':>6}"
        "  neg flagged"
    )
    for reason, s in result["scores"].items():
        p = "-" if s["precision"] is None else f"{s['precision']:.2f}"
        r = "-" if s["recall"] is None else f"{s['recall']:.2f}"
        print(
            f"{reason:26} {s['flags']:5} {s['positives']:4} {s['negatives']:4} {p:>9} {r:>6}  "
            f"{len(s['negatives_flagged'])}"
        )
        if not brief and (s["missed"] or s["false_positives"]):
            print(f"    missed {s['missed']}  false positives {s['false_positives']}")
    return result


def aws(n: int, store: Path | None) -> dict[str, Any]:
    """Scan the first `n` aws-docs pages (hashing-384 embedder: this measures the scan)."""
    corpus = require(SHARED / "aws-docs" / "docs.jsonl.gz")
    data_dir = store or Path(tempfile.mkdtemp()) / "aws-store"
    ingest_seconds = None
    kb = KnowledgeBase(data_dir, HashingEmbedder(384))
    if kb.counts()["documents"] == 0:
        subset = Path(tempfile.mkdtemp()) / "aws-subset.jsonl"
        with subset.open("w", encoding="utf-8") as fh:
            for row in head_jsonl(corpus, n):
                fh.write(json.dumps(row) + "\n")
        started = time.perf_counter()
        run([subset], kb, kb.embedder)  # type: ignore[arg-type]
        ingest_seconds = round(time.perf_counter() - started, 1)
    counts = kb.counts()
    started = time.perf_counter()
    summary = run_scan(kb)
    wall = time.perf_counter() - started
    result = {
        "documents": counts["documents"],
        "chunks": counts["chunks"],
        "ingest_seconds": ingest_seconds,
        "scan_wall_seconds": round(wall, 1),
        "scan": summary.as_dict(),
        "peak_rss_mib": round(peak_rss_mib()),
    }
    kb.database.close()
    print(f"aws-docs: {counts['documents']} articles, {counts['chunks']} chunks; scan {wall:.1f}s")
    for name, seconds in summary.seconds.items():
        print(f"  {name:26} {seconds:8.2f}s  found {summary.found.get(name, '')}")
    print(f"  details {json.dumps(summary.details)}  peak RSS {result['peak_rss_mib']} MiB")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--embedder",
        default="hashing",
        help="hashing (the default here), minilm, use-multilingual, or default (what a new "
        "store of the set's articles gets)",
    )
    parser.add_argument(
        "--aws",
        type=int,
        default=None,
        nargs="?",
        const=26624,
        help="scan the first N aws-docs pages instead (default all 26,624)",
    )
    parser.add_argument("--store", type=Path, default=None, help="reuse this aws store")
    parser.add_argument("--set", dest="which", choices=sorted(SETS), default="dev")
    parser.add_argument(
        "--brief", action="store_true", help="figures only (no missed/false-positive lists)"
    )
    args = parser.parse_args()
    result = (
        aws(args.aws, args.store) if args.aws else labelled(args.embedder, args.which, args.brief)
    )
    OUT.mkdir(parents=True, exist_ok=True)
    name = "flags-aws.json" if args.aws else f"flags-{args.which}-{args.embedder}.json"
    (OUT / name).write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
