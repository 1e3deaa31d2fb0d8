"""Checks of the held-out answer sets (`examples/answers-holdout*/`), run by validate.py.

Articles: front matter complete, a unique id, public. Questions: the labelled-question fields
(plus optional history of customer/agent turns), unique ids, an answerable question with gold
documents that exist in the set's own help center, an unanswerable one with none, and at
least MIN_UNANSWERABLE unanswerable questions (the set exists to measure hand-off).
"""

from __future__ import annotations

import json
from pathlib import Path

from validate_multilingual import (
    QUESTION_KEYS,
    ParseFrontMatter,
    articles_with_front_matter,
    label_problems,
)

HERE = Path(__file__).resolve().parent
MIN_UNANSWERABLE = 20
REQUIRED_FM = ("id", "title", "url", "lang", "visibility", "updated_at", "owner", "product",
               "tags")  # fmt: skip
CHANNELS = {"chat", "email", "web"}


def _articles(root: Path, parse: ParseFrontMatter, problems: list[str]) -> set[str]:
    ids: set[str] = set()
    for _, where, meta, body in articles_with_front_matter(
        root / "help-center", parse, REQUIRED_FM, problems
    ):
        if not body.strip():
            problems.append(f"{where}: empty body")
        if meta["id"] in ids:
            problems.append(f"{where}: duplicate id {meta['id']}")
        if meta["visibility"] != "public":
            problems.append(f"{where}: not public")
        ids.add(str(meta["id"]))
    if not ids:
        problems.append(f"{root.name}: no articles")
    return ids


def _questions(root: Path, articles: set[str], problems: list[str]) -> None:
    seen: set[str] = set()
    unanswerable = 0
    path = root / "questions.jsonl"
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{root.name}/questions.jsonl:{lineno}"
        try:
            q = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: invalid JSON: {exc}")
            continue
        if (
            not isinstance(q, dict)
            or not set(q) >= QUESTION_KEYS
            or set(q) - QUESTION_KEYS - {"history"}
        ):
            problems.append(f"{where}: keys must be {sorted(QUESTION_KEYS)} plus optional history")
            continue
        if q["id"] in seen or q["channel"] not in CHANNELS or not str(q["question"]).strip():
            problems.append(f"{where}: duplicate id, unknown channel or empty question")
        seen.add(q["id"])
        unanswerable += q["answerable"] is False
        problems.extend(f"{where}: {message}" for message in label_problems(q))
        problems.extend(
            f"{where}: gold doc {d} does not exist" for d in q["gold_doc_ids"] if d not in articles
        )
    if unanswerable < MIN_UNANSWERABLE:
        problems.append(f"{root.name}: {unanswerable} unanswerable, expected {MIN_UNANSWERABLE}+")


def check(parse: ParseFrontMatter, here: Path = HERE) -> list[str]:
    """Problems found in every `answers-holdout*` folder of `here`; `parse` is validate.py's
    front-matter parser."""
    problems: list[str] = []
    for root in sorted(here.glob("answers-holdout*")):
        _questions(root, _articles(root, parse, problems), problems)
    return problems
