"""Checks of the multilingual labelled set (`examples/multilingual/`), run by validate.py.

Translations: front matter complete, `id` = `<translation_of>-<lang>`, the source a public
English article, the file in its language's folder, the url under `/<lang>/`, the same
`updated_at` as the source or later. Questions: the labelled-question fields, ids
`ML-<LANG>-NNN`, gold documents that exist in the question's own language, at least
MIN_PER_LANGUAGE questions in each language.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE / "multilingual"
LANGS = {"en", "es", "de", "ru", "ar", "ja", "zh"}
MIN_PER_LANGUAGE = 30
REQUIRED_FM = ("id", "title", "url", "lang", "visibility", "updated_at", "owner", "product",
               "tags", "translation_of")  # fmt: skip
QUESTION_KEYS = {"id", "question", "gold_doc_ids", "gold_answer", "lang", "channel", "answerable"}

ParseFrontMatter = Callable[[str, str], "tuple[dict[str, object], str] | None"]


def _turn_ok(turn: object) -> bool:
    return (
        isinstance(turn, dict)
        and set(turn) == {"role", "text"}
        and turn["role"] in {"customer", "agent"}
    )


def label_problems(q: dict[str, object]) -> list[str]:
    """What is wrong with a labelled question's optional history and its answerable / gold
    labels (the checks every labelled-question file shares)."""
    problems: list[str] = []
    if "history" in q:
        hist = q["history"]
        if not isinstance(hist, list) or not hist or not all(_turn_ok(h) for h in hist):
            problems.append("history must be a list of {role, text} turns")
    if q["answerable"] is False:
        if q["gold_doc_ids"]:
            problems.append("an unanswerable question must have no gold_doc_ids")
    elif q["answerable"] is not True:
        problems.append("answerable must be true or false")
    elif not q["gold_doc_ids"]:
        problems.append("an answerable question needs gold_doc_ids")
    return problems


def articles_with_front_matter(
    folder: Path, parse: ParseFrontMatter, required: tuple[str, ...], problems: list[str]
) -> Iterator[tuple[Path, str, dict[str, object], str]]:
    """(path, where, front matter, body) of each Markdown file under `folder` whose front
    matter has every `required` key; the others are reported in `problems`."""
    for path in sorted(folder.rglob("*.md")):
        where = str(path.relative_to(folder.parent.parent))  # <set>/help-center/...
        parsed = parse(path.read_text(encoding="utf-8"), where)
        if parsed is None:
            problems.append(f"{where}: no front matter")
            continue
        meta, body = parsed
        missing = [k for k in required if k not in meta]
        if missing:
            problems.append(f"{where}: missing front matter keys {missing}")
            continue
        yield path, where, meta, body


def check(articles: dict[str, dict[str, object]], parse: ParseFrontMatter) -> list[str]:
    """Problems found; `articles` are the main help center's (by id), `parse` its parser."""
    problems: list[str] = []
    if not ROOT.exists():
        return [f"{ROOT.name}/ is missing"]
    found = dict(articles)
    help_center = ROOT / "help-center"
    for path, where, meta, body in articles_with_front_matter(
        help_center, parse, REQUIRED_FM, problems
    ):
        aid, lang, source_id = str(meta["id"]), str(meta["lang"]), str(meta["translation_of"])
        source = articles.get(source_id)
        if lang not in LANGS or path.parent.name != lang:
            problems.append(f"{where}: lang {lang!r} (folder {path.parent.name}/)")
        if aid != f"{source_id}-{lang}" or aid in found:
            problems.append(f"{where}: id {aid!r} must be new and be {source_id}-{lang}")
        if source is None or source["lang"] != "en" or source["visibility"] != "public":
            problems.append(f"{where}: translation_of {source_id} is not a public English article")
        elif date.fromisoformat(str(meta["updated_at"])) < source["updated"]:  # type: ignore[operator]
            problems.append(f"{where}: older than its source {source_id}")
        if f"/{lang}/" not in str(meta["url"]) or not re.search(r"^## ", body, re.M):
            problems.append(f"{where}: url must contain /{lang}/ and the body a '##' heading")
        found[aid] = {**meta, "body": body}
    per_lang: Counter[str] = Counter()
    questions = ROOT / "questions.jsonl"
    for lineno, line in enumerate(questions.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"multilingual/questions.jsonl:{lineno}"
        q = json.loads(line)
        if set(q) != QUESTION_KEYS or not re.fullmatch(rf"ML-{q['lang'].upper()}-\d{{3}}", q["id"]):
            problems.append(f"{where}: keys must be {sorted(QUESTION_KEYS)}, id ML-<LANG>-NNN")
            continue
        per_lang[q["lang"]] += 1
        if not q["gold_doc_ids"] or q["answerable"] is not True:
            problems.append(f"{where}: every question here is answerable, with gold documents")
        for doc_id in q["gold_doc_ids"]:
            doc = found.get(doc_id)
            if doc is None or doc["lang"] != q["lang"]:
                problems.append(f"{where}: gold {doc_id} is not an article in {q['lang']}")
    for lang in sorted(LANGS):
        if per_lang[lang] < MIN_PER_LANGUAGE:
            problems.append(f"multilingual: {per_lang[lang]} questions in {lang}, want 30+")
    return problems
