"""The bounded keyword tail: a query of common words ranks only rows holding its rarer terms."""

from __future__ import annotations

from kb.models import Chunk, Document, SearchFilters
from kb.storage.sqlite_fts import document_frequencies, keyword_search, shaped_expression
from kb.store import DocumentWrite, KnowledgeBase

EVERYTHING = SearchFilters.everything()


def _fill(kb: KnowledgeBase) -> dict[str, int]:
    """60 chunks say "bucket"; 3 also say "lifecycle"; 1 says "lifecycle" and "glacier"."""
    texts = {f"common-{i}": f"bucket storage notes number {i}" for i in range(56)}
    texts.update(
        {
            "rare-1": "bucket lifecycle rules",
            "rare-2": "bucket lifecycle expiration",
            "rare-3": "lifecycle and glacier transitions for a bucket",
            "other": "glacier vault lock",
            "bucket-heavy": "bucket bucket bucket bucket policy",
        }
    )
    assert kb.embedder is not None
    writes = []
    for ext, text in texts.items():
        doc = Document(external_id=ext, title=ext, body=text)
        chunk = Chunk(0, text, (), len(text.split()), "en")
        vector = kb.embedder.embed([chunk.embedding_text(doc.title)])
        writes.append(DocumentWrite(doc, [chunk], [ext], vector))
    kb.write(writes)
    rows = kb.database.execute(
        "SELECT d.external_id, c.id FROM chunks c JOIN documents d ON d.id = c.document_id"
    )
    return {ext: cid for ext, cid in rows}


def test_frequencies_come_from_the_index(kb: KnowledgeBase) -> None:
    _fill(kb)
    df = document_frequencies(kb.database, ["bucket", "lifecycle", "glacier", "absent"])
    assert df == {"bucket": 60, "lifecycle": 3, "glacier": 2, "absent": 0}


def test_under_budget_the_query_is_exact(kb: KnowledgeBase) -> None:
    _fill(kb)
    terms = ["bucket", "lifecycle"]
    assert shaped_expression(kb.database, terms, budget=1000) == '"bucket" OR "lifecycle"'
    assert keyword_search(kb.database, "bucket lifecycle", EVERYTHING, 10, budget=1000) == (
        keyword_search(kb.database, "bucket lifecycle", EVERYTHING, 10, budget=None)
    )


def test_over_budget_only_rows_with_rarer_terms_are_ranked(kb: KnowledgeBase) -> None:
    ids = _fill(kb)
    expr = shaped_expression(kb.database, ["bucket", "lifecycle", "glacier"], budget=10)
    assert expr == '("glacier" OR "lifecycle") AND ("bucket" OR "lifecycle" OR "glacier")'
    shaped = keyword_search(kb.database, "bucket lifecycle glacier", EVERYTHING, 10, budget=10)
    exact = keyword_search(kb.database, "bucket lifecycle glacier", EVERYTHING, 10, budget=None)
    assert {cid for cid, _ in shaped} == {ids[e] for e in ("rare-1", "rare-2", "rare-3", "other")}
    assert len(exact) == 10  # unbounded: the common-only rows fill the list too
    # Every term still scores: the row holding all three ranks first in both.
    assert shaped[0][0] == exact[0][0] == ids["rare-3"]


def test_when_every_term_is_common_the_two_rarest_must_both_match(kb: KnowledgeBase) -> None:
    ids = _fill(kb)
    expr = shaped_expression(kb.database, ["bucket", "lifecycle"], budget=2)
    assert expr == '("lifecycle" AND "bucket") AND ("bucket" OR "lifecycle")'
    shaped = keyword_search(kb.database, "bucket lifecycle", EVERYTHING, 10, budget=2)
    assert {cid for cid, _ in shaped} == {ids[e] for e in ("rare-1", "rare-2", "rare-3")}
