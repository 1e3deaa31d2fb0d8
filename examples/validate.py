#!/usr/bin/env python3
"""Check the example data in this folder for consistency.

Standard library only (PyYAML is used as an extra front-matter check when it happens to be
installed). Run from anywhere:

    python3 examples/validate.py

Prints every problem found and exits 1 if there was any, 0 when the data is clean.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

try:  # optional, stricter YAML check
    import yaml  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - depends on the environment
    yaml = None

HERE = Path(__file__).resolve().parent
HELP_CENTER = HERE / "help-center"
TICKETS = HERE / "tickets" / "resolved.jsonl"
PII_CASES = HERE / "tickets" / "pii_cases.json"
QUESTIONS = HERE / "labelled" / "questions.jsonl"
AMBIGUOUS = HERE / "labelled" / "ambiguous.jsonl"

CANARY = "INTERNAL-ONLY-CANARY-7f3a9"
LANGS = {"en", "es", "de"}
REQUIRED_FM = ("id", "title", "url", "lang", "visibility", "updated_at", "owner", "product", "tags")
TICKET_KEYS = {"id", "subject", "channel", "status", "resolved_at", "tags", "messages"}
CHANNELS = {"email", "chat", "web"}
PII_KINDS = {"email", "phone", "card", "iban"}

problems: list[str] = []


def problem(message: str) -> None:
    problems.append(message)


# --- checks shared with the redactor's tests -------------------------------------------------


def luhn_valid(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    if not digits:
        return False
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def iban_valid(candidate: str) -> bool:
    iban = re.sub(r"\s+", "", candidate).upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", iban):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def parse_time(value: object, where: str) -> datetime | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value):
        problem(f"{where}: timestamp {value!r} is not YYYY-MM-DDTHH:MM:SSZ")
        return None
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")


# --- help center ------------------------------------------------------------------------------


def parse_front_matter(text: str, where: str) -> tuple[dict[str, object], str] | None:
    """The small YAML subset used by the articles: `key: value`, `key: [a, b]`, quoted titles."""
    lines = text.split("\n")
    if lines[0] != "---":
        problem(f"{where}: does not start with a '---' front matter line")
        return None
    try:
        end = lines.index("---", 1)
    except ValueError:
        problem(f"{where}: front matter is never closed")
        return None
    meta: dict[str, object] = {}
    for lineno, line in enumerate(lines[1:end], start=2):
        m = re.fullmatch(r"([a-z_]+): (.+)", line)
        if not m:
            problem(f"{where}:{lineno}: not a 'key: value' line: {line!r}")
            continue
        key, raw = m.groups()
        if key in meta:
            problem(f"{where}:{lineno}: duplicate key {key!r}")
        if raw.startswith("["):
            if not raw.endswith("]"):
                problem(f"{where}:{lineno}: unclosed list")
                continue
            meta[key] = [item.strip() for item in raw[1:-1].split(",") if item.strip()]
        elif raw.startswith('"'):
            try:
                meta[key] = json.loads(raw)
            except json.JSONDecodeError:
                problem(f"{where}:{lineno}: badly quoted value {raw!r}")
        else:
            if ": " in raw or raw.endswith(":") or " #" in raw:
                problem(f"{where}:{lineno}: value needs quotes: {raw!r}")
            meta[key] = raw
    if yaml is not None:
        try:
            loaded = yaml.safe_load("\n".join(lines[1:end]))
        except yaml.YAMLError as exc:
            problem(f"{where}: front matter is not valid YAML: {exc}")
        else:
            if not isinstance(loaded, dict) or str(loaded.get("title")) != str(meta.get("title")):
                problem(f"{where}: YAML reads the front matter differently")
    return meta, "\n".join(lines[end + 1 :])


def check_help_center() -> dict[str, dict[str, object]]:
    articles: dict[str, dict[str, object]] = {}
    files = sorted(HELP_CENTER.rglob("*.md"))
    for path in files:
        where = str(path.relative_to(HERE))
        parsed = parse_front_matter(path.read_text(encoding="utf-8"), where)
        if parsed is None:
            continue
        meta, body = parsed
        missing = [key for key in REQUIRED_FM if key not in meta]
        if missing:
            problem(f"{where}: missing front matter keys {missing}")
            continue
        aid = str(meta["id"])
        if not re.fullmatch(r"orb-\d{4}(-(es|de))?", aid):
            problem(f"{where}: id {aid!r} is not orb-NNNN or orb-NNNN-xx")
        if aid in articles:
            problem(f"{where}: duplicate id {aid}")
        lang = meta["lang"]
        if lang not in LANGS:
            problem(f"{where}: lang {lang!r} not one of {sorted(LANGS)}")
        if path.parent.name != lang:
            problem(f"{where}: lang {lang!r} but the file is in {path.parent.name}/")
        if meta["visibility"] not in {"public", "internal"}:
            problem(f"{where}: visibility {meta['visibility']!r}")
        try:
            meta["updated"] = date.fromisoformat(str(meta["updated_at"]))
        except ValueError:
            problem(f"{where}: updated_at {meta['updated_at']!r} is not YYYY-MM-DD")
            meta["updated"] = date.min
        url = str(meta["url"])
        if not url.startswith("https://help.orbitly.example/"):
            problem(f"{where}: url {url!r} is not on help.orbitly.example")
        if lang != "en" and f"/{lang}/" not in url:
            problem(f"{where}: a {lang} article's url must contain /{lang}/")
        if not isinstance(meta["tags"], list) or not meta["tags"]:
            problem(f"{where}: tags must be a non-empty list")
        if path.stem != re.sub(r"[^a-z0-9-]", "", path.stem):
            problem(f"{where}: file name is not a slug")
        if lang == "en" and not url.endswith(f"{aid}-{path.stem}"):
            problem(f"{where}: url does not end with '<id>-<slug>'")
        if not re.search(r"^## ", body, re.M):
            problem(f"{where}: body has no '##' heading")
        if len(body.split()) < 100:
            problem(f"{where}: body is very short ({len(body.split())} words)")
        meta["body"], meta["where"] = body, where
        articles[aid] = meta

    en = {a: m for a, m in articles.items() if m["lang"] == "en"}
    internal = [m for m in articles.values() if m["visibility"] == "internal"]
    with_canary = [m for m in articles.values() if CANARY in str(m["body"])]
    if len(files) < 44:
        problem(f"help-center: {len(files)} articles, expected at least 44")
    if len(en) < 44:
        problem(f"help-center: {len(en)} English articles, expected at least 44")
    if len(internal) < 8:
        problem(f"help-center: {len(internal)} internal articles, expected at least 8")
    if len(with_canary) != 1 or with_canary[0]["visibility"] != "internal":
        problem(f"help-center: the canary must be in exactly one internal article, found {len(with_canary)}")
    tables = sum(1 for m in articles.values() if m["lang"] == "en" and re.search(r"^\|.*\|\n\|[-| :]+\|$", str(m["body"]), re.M))
    code = sum(1 for m in articles.values() if m["lang"] == "en" and "```" in str(m["body"]))
    if tables < 5:
        problem(f"help-center: {tables} English articles with a table, expected at least 5")
    if code < 5:
        problem(f"help-center: {code} English articles with a code block, expected at least 5")

    translations = Counter()
    stale = 0
    for aid, meta in articles.items():
        source_id = meta.get("translation_of")
        if meta["lang"] == "en":
            if source_id:
                problem(f"{meta['where']}: an English article has translation_of")
            continue
        if not source_id:
            problem(f"{meta['where']}: a translation needs translation_of")
            continue
        source = articles.get(str(source_id))
        if source is None:
            problem(f"{meta['where']}: translation_of {source_id!r} does not exist")
            continue
        if source["lang"] != "en" or source["visibility"] != "public":
            problem(f"{meta['where']}: translation_of must name a public English article")
        if aid != f"{source_id}-{meta['lang']}":
            problem(f"{meta['where']}: id should be {source_id}-{meta['lang']}")
        if meta["visibility"] != source["visibility"]:
            problem(f"{meta['where']}: visibility differs from its source")
        translations[str(meta["lang"])] += 1
        if meta["updated"] < source["updated"]:
            stale += 1
    if translations["es"] < 7 or translations["de"] < 5:
        problem(f"help-center: translations {dict(translations)}, expected es >= 7 and de >= 5")
    if stale != 2:
        problem(f"help-center: {stale} translations older than their source, expected 2")
    return articles


# --- tickets ----------------------------------------------------------------------------------


def check_tickets() -> dict[str, dict[str, object]]:
    tickets: dict[str, dict[str, object]] = {}
    lines = TICKETS.read_text(encoding="utf-8").splitlines()
    for lineno, line in enumerate(lines, start=1):
        where = f"tickets/resolved.jsonl:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problem(f"{where}: invalid JSON: {exc}")
            continue
        if not isinstance(record, dict) or set(record) != TICKET_KEYS:
            problem(f"{where}: keys must be exactly {sorted(TICKET_KEYS)}")
            continue
        tid = record["id"]
        if not re.fullmatch(r"T-\d{5}", str(tid)) or tid in tickets:
            problem(f"{where}: bad or duplicate id {tid!r}")
        if record["channel"] not in CHANNELS:
            problem(f"{where}: channel {record['channel']!r}")
        if record["status"] != "solved":
            problem(f"{where}: status {record['status']!r}")
        if not isinstance(record["tags"], list) or not all(isinstance(t, str) for t in record["tags"]):
            problem(f"{where}: tags must be a list of strings")
        if not isinstance(record["subject"], str) or not record["subject"].strip():
            problem(f"{where}: empty subject")
        messages = record["messages"]
        if not isinstance(messages, list) or not 2 <= len(messages) <= 6:
            problem(f"{where}: needs 2-6 messages")
            continue
        authors = [m.get("author") for m in messages]
        if set(authors) - {"customer", "agent"} or authors[0] != "customer" or "agent" not in authors:
            problem(f"{where}: authors {authors} (first must be customer, one must be agent)")
        times = []
        for i, message in enumerate(messages):
            if set(message) != {"author", "body", "created_at"} or not str(message.get("body", "")).strip():
                problem(f"{where}: message {i} must have author, body, created_at and a body")
            times.append(parse_time(message.get("created_at"), f"{where} message {i}"))
        resolved = parse_time(record["resolved_at"], f"{where} resolved_at")
        known = [t for t in times if t is not None]
        if known != sorted(known) or (resolved and known and resolved < known[-1]):
            problem(f"{where}: timestamps out of order")
        if CANARY in line:
            problem(f"{where}: contains the internal canary")
        tickets[str(tid)] = record
    if len(tickets) < 160:
        problem(f"tickets: {len(tickets)} tickets, expected at least 160")
    return tickets


def ticket_text(record: dict[str, object]) -> str:
    return "\n".join(str(m["body"]) for m in record["messages"])  # type: ignore[union-attr]


def check_pii_cases(tickets: dict[str, dict[str, object]]) -> None:
    cases = json.loads(PII_CASES.read_text(encoding="utf-8"))
    if not isinstance(cases, list) or not cases:
        problem("pii_cases.json: must be a non-empty list")
        return
    seen = set()
    for i, case in enumerate(cases):
        where = f"pii_cases.json[{i}]"
        if set(case) != {"ticket_id", "text_fragment", "kind", "should_redact"}:
            problem(f"{where}: keys must be ticket_id, text_fragment, kind, should_redact")
            continue
        fragment, kind, positive = case["text_fragment"], case["kind"], case["should_redact"]
        if kind not in PII_KINDS or not isinstance(positive, bool):
            problem(f"{where}: kind {kind!r} / should_redact {positive!r}")
        if (case["ticket_id"], fragment) in seen:
            problem(f"{where}: duplicate case")
        seen.add((case["ticket_id"], fragment))
        record = tickets.get(case["ticket_id"])
        if record is None:
            problem(f"{where}: ticket {case['ticket_id']} does not exist")
            continue
        if fragment not in ticket_text(record):
            problem(f"{where}: {fragment!r} does not occur in {case['ticket_id']}'s messages")
        digits = re.sub(r"\D", "", fragment)
        if kind == "card" and positive and not (13 <= len(digits) <= 19 and luhn_valid(digits)):
            problem(f"{where}: card {fragment!r} should pass the Luhn check")
        if kind == "card" and not positive and 13 <= len(digits) <= 19 and luhn_valid(digits):
            problem(f"{where}: negative card {fragment!r} passes the Luhn check")
        if kind == "iban" and positive != iban_valid(fragment):
            problem(f"{where}: IBAN {fragment!r} mod-97 check is {iban_valid(fragment)}, expected {positive}")
        if kind == "email" and positive and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", fragment):
            problem(f"{where}: {fragment!r} does not look like an e-mail address")
    counts = Counter(c["should_redact"] for c in cases if isinstance(c, dict))
    if counts[True] < 10 or counts[False] < 5:
        problem(f"pii_cases.json: {counts[True]} positives / {counts[False]} negatives; too few")


# --- labelled questions -----------------------------------------------------------------------


def check_questions(articles: dict[str, dict[str, object]]) -> None:
    from validate_multilingual import label_problems

    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    seen: set[str] = set()
    langs: Counter[str] = Counter()
    unanswerable = with_history = 0
    for lineno, line in enumerate(lines, start=1):
        where = f"labelled/questions.jsonl:{lineno}"
        try:
            q = json.loads(line)
        except json.JSONDecodeError as exc:
            problem(f"{where}: invalid JSON: {exc}")
            continue
        required = {"id", "question", "gold_doc_ids", "gold_answer", "lang", "channel", "answerable"}
        if not isinstance(q, dict) or not required <= set(q) or set(q) - required - {"history"}:
            problem(f"{where}: keys must be {sorted(required)} plus optional history")
            continue
        if not re.fullmatch(r"Q-\d{3}", q["id"]) or q["id"] in seen:
            problem(f"{where}: bad or duplicate id {q['id']!r}")
        seen.add(q["id"])
        if q["lang"] not in LANGS or q["channel"] not in CHANNELS:
            problem(f"{where}: lang {q['lang']!r} / channel {q['channel']!r}")
        langs[q["lang"]] += 1
        if not q["question"].strip() or not q["gold_answer"].strip():
            problem(f"{where}: empty question or gold answer")
        with_history += "history" in q
        unanswerable += q["answerable"] is False
        for message in label_problems(q):
            problem(f"{where}: {message}")
        for doc_id in q["gold_doc_ids"]:
            article = articles.get(doc_id)
            if article is None:
                problem(f"{where}: gold doc {doc_id} does not exist")
            elif article["visibility"] != "public":
                problem(f"{where}: gold doc {doc_id} is internal")
            elif article["lang"] != q["lang"]:
                problem(f"{where}: gold doc {doc_id} is {article['lang']}, question is {q['lang']}")
        if CANARY in line:
            problem(f"{where}: contains the internal canary")
    if len(seen) < 70:
        problem(f"questions: {len(seen)} questions, expected at least 70")
    if langs["es"] < 10 or langs["de"] < 5:
        problem(f"questions: languages {dict(langs)}, expected es >= 10 and de >= 5")
    if unanswerable < 8:
        problem(f"questions: {unanswerable} unanswerable, expected at least 8")
    if with_history < 10:
        problem(f"questions: {with_history} with history, expected about 15")


def check_ambiguous(articles: dict[str, dict[str, object]]) -> None:
    """Questions that several articles fit about equally: the copilot should ask which."""
    required = {"id", "question", "gold_doc_ids", "gold_answer", "lang", "channel", "answerable",
                "expected"}
    for lineno, line in enumerate(AMBIGUOUS.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"labelled/ambiguous.jsonl:{lineno}"
        q = json.loads(line)
        if set(q) != required or not re.fullmatch(r"A-\d{3}", q["id"]):
            problem(f"{where}: keys must be {sorted(required)}, id A-NNN")
            continue
        if q["expected"] != "clarify" or q["answerable"] is not True:
            problem(f"{where}: expected must be clarify and answerable true")
        if len(q["gold_doc_ids"]) < 2:
            problem(f"{where}: an ambiguous question names at least two candidate articles")
        for doc_id in q["gold_doc_ids"]:
            article = articles.get(doc_id)
            if article is None or article["visibility"] != "public":
                problem(f"{where}: candidate {doc_id} is not a public article")


def main() -> int:
    articles = check_help_center()
    tickets = check_tickets()
    check_pii_cases(tickets)
    check_questions(articles)
    check_ambiguous(articles)
    from validate_multilingual import check as check_multilingual

    problems.extend(check_multilingual(articles, parse_front_matter))
    from validate_answers_holdout import check as check_answers_holdout

    problems.extend(check_answers_holdout(parse_front_matter))
    for message in problems:
        print(message, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(
        f"ok: {len(articles)} articles, {len(tickets)} tickets, "
        f"{len(json.loads(PII_CASES.read_text(encoding='utf-8')))} PII cases, "
        f"{len(QUESTIONS.read_text(encoding='utf-8').splitlines())} questions, and the "
        "multilingual and held-out answer sets"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
