"""Golden tests of heading-aware chunking, on hand-written Markdown and on real AWS pages."""

from __future__ import annotations

import gzip
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from ingest.chunking import chunk_document
from ingest.markdown_parse import heading_text, markdown_title
from kb.embedders.hashing import HashingEmbedder
from kb.errors import InvalidInput
from kb.models import Chunk, Document

COUNT = HashingEmbedder().count_tokens
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
_MD = MarkdownIt("commonmark").enable("table")


def chunks_of(body: str, budget: int = 200, title: str = "Guide", lang: str = "en") -> list[Chunk]:
    return chunk_document(Document("doc", title, body, lang=lang), COUNT, budget)


def heading_lines(body: str) -> set[int]:
    """Source line numbers of top-level headings (their text lives in heading paths)."""
    lines: set[int] = set()
    for token in _MD.parse(body):
        if token.type == "heading_open" and token.level == 0 and token.map:
            lines.update(range(*token.map))
    return lines


def words(text: str) -> Counter[str]:
    return Counter(w for w in text.split() if re.search(r"\w", w))


def assert_nothing_lost(body: str, chunks: list[Chunk]) -> None:
    """Every word of every non-heading line is in some chunk (repeats allowed)."""
    skip = heading_lines(body)
    source = words("\n".join(li for i, li in enumerate(body.split("\n")) if i not in skip))
    missing = source - words("\n".join(c.text for c in chunks))
    assert not missing, f"lost: {list(missing.items())[:10]}"


def assert_fences_closed(text: str) -> None:
    """Each fenced block in the chunk ends with its own closing fence line."""
    lines = text.split("\n")
    for token in _MD.parse(text):
        if token.type == "fence" and token.map:
            first, last = token.map
            closing = lines[last - 1].strip()
            assert last - first >= 2, text
            assert set(closing) == {token.markup[0]} and len(closing) >= len(token.markup), text


def indivisible_overhead(text: str) -> int:
    """Tokens of the largest unit the chunker may not split (a line, plus its fence/header)."""
    lines = text.split("\n")
    largest = max(COUNT(line) for line in lines)
    if lines[0].lstrip().startswith(("```", "~~~")):
        return largest + COUNT(lines[0]) + COUNT(lines[-1])
    if lines[0].lstrip().startswith("|") and len(lines) > 1:
        return largest + COUNT(lines[0]) + COUNT(lines[1])
    return largest


def assert_invariants(body: str, chunks: list[Chunk], budget: int) -> None:
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    source_lines = {line.strip() for line in body.split("\n")}
    for chunk in chunks:
        assert chunk.text.strip(), "empty chunk"
        assert chunk.token_count == COUNT(chunk.text)
        if chunk.token_count > budget:
            assert indivisible_overhead(chunk.text) > budget, chunk.text
        assert_fences_closed(chunk.text)
        for line in chunk.text.split("\n"):  # table rows are never cut
            if line.lstrip().startswith("|"):
                assert line.strip() in source_lines, line
    assert_nothing_lost(body, chunks)


GUIDE = """\
# Guide

Intro with escaped \\(parentheses\\) and a dot\\.

## Install

Run this:

```bash
pip install kbc
kbc init
```

### Options

| flag | meaning |
| --- | --- |
| -v | verbose |
| -q | quiet |

## Empty

## Use

- one
- two

#### Details

Deep text under a level-4 heading.
"""


def test_heading_paths_follow_sections_and_skip_the_title_h1() -> None:
    chunks = chunks_of(GUIDE)
    assert [c.heading_path for c in chunks] == [
        (),
        ("Install",),
        ("Install", "Options"),
        ("Use",),
    ]
    assert chunks[0].text == "Intro with escaped \\(parentheses\\) and a dot\\."
    assert "#### Details" in chunks[3].text  # a small deep section joins its parent's chunk
    assert all(c.lang == "en" for c in chunks)
    assert_invariants(GUIDE, chunks, 200)


def test_heading_only_sections_make_no_chunk() -> None:
    body = "## Alone\n\n## Parent\n\n### Child\n\nBody text.\n"
    chunks = chunks_of(body)
    assert [(c.heading_path, c.text) for c in chunks] == [(("Parent", "Child"), "Body text.")]


def test_level3_heading_always_starts_a_new_chunk_but_level4_may_not() -> None:
    body = "## A\n\nalpha\n\n### B\n\nbeta\n\n#### C\n\ngamma\n"
    chunks = chunks_of(body)
    assert [c.heading_path for c in chunks] == [("A",), ("A", "B")]
    assert chunks[1].text == "beta\n\n#### C\n\ngamma"


def test_deep_section_that_does_not_fit_starts_its_own_chunk_with_its_path() -> None:
    body = "## A\n\n" + "word " * 30 + "\n\n#### Deep\n\n" + "more " * 30 + "\n"
    chunks = chunks_of(body, budget=40)
    assert [c.heading_path for c in chunks] == [("A",), ("A", "Deep")]


def test_heading_text_is_plain() -> None:
    assert heading_text('Request Syntax<a name="API_Req"></a>') == "Request Syntax"
    assert heading_text("Use `kbc` with **care** \\(beta\\)") == "Use kbc with care (beta)"
    assert markdown_title("intro\n\nTitle\n=====\n\n# Later\n") == "Title"
    assert markdown_title("## only h2\n") is None


def test_code_block_larger_than_budget_splits_at_lines_into_valid_fences() -> None:
    code = "\n".join(f"echo step {i} done" for i in range(30))
    body = f"## Script\n\nRun:\n\n```bash\n{code}\n```\n\nThen check.\n"
    chunks = chunks_of(body, budget=40)
    code_chunks = [c for c in chunks if "```" in c.text]
    assert len(code_chunks) > 1
    joined: list[str] = []
    for chunk in code_chunks:
        match = re.search(r"^```bash\n(.*?)\n```$", chunk.text, re.DOTALL | re.MULTILINE)
        assert match is not None, chunk.text
        assert chunk.text.count("```") == 2
        joined.extend(match.group(1).split("\n"))
    assert joined == code.split("\n")  # every line once, in order, each piece a whole fence
    assert_invariants(body, chunks, 40)


def test_code_block_that_fits_is_never_split() -> None:
    code = "\n".join(f"line {i}" for i in range(10))
    body = f"Before the code, a sentence.\n\n```\n{code}\n```\n\nAfter.\n"
    chunks = chunks_of(body, budget=45)
    assert any(f"```\n{code}\n```" in c.text for c in chunks)
    assert_invariants(body, chunks, 45)


def test_unclosed_fence_in_a_list_item_is_closed_in_its_chunk() -> None:
    body = "1. Run:\n\n   ```\n   aws s3 ls\n2. Next step\n"
    chunks = chunks_of(body)
    assert len(chunks) == 1
    assert_fences_closed(chunks[0].text)
    assert "aws s3 ls" in chunks[0].text


def test_table_split_repeats_header_and_never_splits_a_row() -> None:
    rows = "\n".join(f"| option{i} | value number {i} |" for i in range(20))
    body = f"## Limits\n\n| name | value |\n| --- | --- |\n{rows}\n"
    chunks = chunks_of(body, budget=50)
    assert len(chunks) > 1
    seen: list[str] = []
    for chunk in chunks:
        lines = chunk.text.split("\n")
        assert lines[:2] == ["| name | value |", "| --- | --- |"]
        seen.extend(lines[2:])
        assert chunk.token_count <= 50
    assert seen == rows.split("\n")
    assert_invariants(body, chunks, 50)


def test_long_paragraph_splits_at_sentences_then_words() -> None:
    sentences = " ".join(f"Sentence number {i} ends here\\." for i in range(20))
    body = f"{sentences}\n\n{'longword ' * 80}\n"
    chunks = chunks_of(body, budget=30)
    prose = [c for c in chunks if "Sentence" in c.text]
    assert len(prose) > 1
    assert all(c.text.endswith("here\\.") for c in prose)  # cut only after a sentence
    assert all(c.token_count <= 30 for c in chunks)
    assert_invariants(body, chunks, 30)


def test_sentence_cuts_never_turn_text_into_a_fence() -> None:
    # a line that starts with ``` but has a backtick in its "info" is paragraph text;
    # cutting it before that backtick would open a fence in the chunk (seen in aws-docs)
    line = "```   Find the alias\\. Then run it\\. Use `list-aliases` to see all\\."
    body = "Some intro sentence here\\. " * 4 + "\n" + line + "\n" + "Closing words\\. " * 4
    assert not any(t.type == "fence" for t in _MD.parse(body))
    chunks = chunks_of(body, budget=12)
    assert len(chunks) > 2
    for chunk in chunks:
        assert not any(t.type == "fence" for t in _MD.parse(chunk.text)), chunk.text
    assert_invariants(body, chunks, 12)


def test_list_items_stay_whole() -> None:
    items = "\n".join(f"- item {i} has a few words in it" for i in range(12))
    chunks = chunks_of(f"## Steps\n\n{items}\n", budget=30)
    assert len(chunks) > 1
    for chunk in chunks:
        assert all(
            re.fullmatch(r"- item \d+ has a few words in it", li) for li in chunk.text.split("\n")
        )


def test_documents_without_headings_and_plain_text() -> None:
    plain = "Just some text.\nOn two lines.\n\nAnd a second paragraph."
    chunks = chunks_of(plain)
    assert len(chunks) == 1 and chunks[0].heading_path == () and chunks[0].text == plain


def test_ticket_question_and_resolution_sections() -> None:
    body = "## Question\n\nMy invoice is wrong.\n\n## Resolution\n\nWe refunded the difference.\n"
    chunks = chunks_of(body, title="Invoice wrong")
    assert [(c.heading_path, c.text) for c in chunks] == [
        (("Question",), "My invoice is wrong."),
        (("Resolution",), "We refunded the difference."),
    ]


def test_empty_documents_give_no_chunks() -> None:
    assert chunks_of("") == []
    assert chunks_of("  \n\n ") == []
    assert chunks_of("# Guide\n\n## Nothing here\n") == []


def test_budget_must_be_positive() -> None:
    with pytest.raises(InvalidInput):
        chunks_of("text", budget=0)


def test_escaped_markdown_and_crlf_are_preserved() -> None:
    body = "Escapes: \\(a\\) \\. \\_x\\_ \\*y\\* `code\\(`\r\nsecond line\r\n"
    (chunk,) = chunks_of(body)
    assert chunk.text == "Escapes: \\(a\\) \\. \\_x\\_ \\*y\\* `code\\(`\nsecond line"


# -- real pages from ../shared/data/aws-docs ----------------------------------------------


def aws_docs(limit: int) -> Iterator[Document]:
    path = SHARED_DATA / "aws-docs" / "docs.jsonl.gz"
    if not path.exists():
        pytest.skip(f"../shared/data/aws-docs not present: {path} (only on the team's machines)")
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        for line in itertools.islice(stream, limit):
            record = json.loads(line)
            yield Document(record["id"], record["title"], record["text"], lang=record["lang"])


@pytest.fixture(scope="module")
def aws_sample() -> list[Document]:
    return list(aws_docs(300))


def test_aws_sample_has_the_hard_cases(aws_sample: list[Document]) -> None:
    assert sum("```" in d.body for d in aws_sample) >= 20
    assert sum("\n| --- |" in d.body or "\n|---" in d.body for d in aws_sample) >= 5
    assert sum("\\(" in d.body for d in aws_sample) >= 50


@pytest.mark.parametrize("budget", [200, 60])
def test_aws_invariants(aws_sample: list[Document], budget: int) -> None:
    hard = [d for d in aws_sample if "```" in d.body or "\n|" in d.body or "\\(" in d.body]
    for doc in hard:
        chunks = chunk_document(doc, COUNT, budget)
        assert chunks, doc.external_id
        assert_invariants(doc.body, chunks, budget)
        escaped = doc.body.count("\\(")
        assert sum(c.text.count("\\(") for c in chunks) >= escaped - _in_headings(doc.body, "\\(")


def _in_headings(body: str, needle: str) -> int:
    skip = heading_lines(body)
    return sum(li.count(needle) for i, li in enumerate(body.split("\n")) if i in skip)


def test_aws_heading_paths_are_clean(aws_sample: list[Document]) -> None:
    for doc in aws_sample[:100]:
        for chunk in chunk_document(doc, COUNT, 200):
            assert all("<a name" not in h and h for h in chunk.heading_path), chunk.heading_path
