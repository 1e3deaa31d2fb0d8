"""The languages of a corpus before it is ingested: a new store picks its embedder by them.

Read with the same loaders and language rule as ingestion (`prepare`), so the choice matches
what the store will hold. A language counts when a document declares it (front matter, a
`lang` field), or when detection finds it in at least MIN_DETECTED_SHARE of the documents and
in two or more: langdetect misreads a short English page now and then ("Reset your password.
Open Settings and choose Reset." reads as Afrikaans), and one misread page must not pick the
store's model. A declared language outside English decides at once; otherwise the corpus is
read to its end — on a first ingest, whose embedding costs ~20x more, that is a few percent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from ingest.files import Failure
from ingest.pipeline import prepare
from ingest.sources import load
from kb.models import Kind, Visibility

MIN_DETECTED_SHARE = 0.05
MIN_DETECTED_DOCUMENTS = 2


def corpus_languages(
    paths: Iterable[Path], *, kind: Kind = "article", visibility: Visibility = "public"
) -> set[str]:
    """The languages that count among the documents under `paths` (see the module doc)."""
    declared: set[str] = set()
    detected: Counter[str] = Counter()
    total = 0
    for path in paths:
        for item in load(Path(path), kind=kind, visibility=visibility):
            if isinstance(item, Failure):
                continue
            total += 1
            was_declared = bool(item.lang)
            lang = prepare(item).lang
            if not lang:
                continue
            if was_declared:
                declared.add(lang)
                if lang != "en":
                    return declared
            else:
                detected[lang] += 1
    floor = max(MIN_DETECTED_DOCUMENTS, MIN_DETECTED_SHARE * total)
    return declared | {lang for lang, n in detected.items() if n >= floor or lang == "en"}
