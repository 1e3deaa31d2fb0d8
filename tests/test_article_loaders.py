"""Article loaders: Markdown with front matter, HTML, and the shared JSONL format."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from ingest.chunking import chunk_document
from ingest.files import Failure
from ingest.frontmatter import split_front_matter
from ingest.html import load_html_file
from ingest.jsonl_docs import iter_jsonl_documents
from ingest.markdown import load_markdown_file
from kb.embedders.hashing import HashingEmbedder
from kb.errors import SourceError
from kb.models import Document

FULL_FRONT_MATTER = """\
---
id: reset-password
title: Reset your password
url: https://help.example.com/reset
lang: de
visibility: internal
updated_at: 2024-03-05
created_at: 2023-01-02T10:30:00Z
owner: anna@example.com
product: Billing
tags: [account, "password"]
translation_of: reset-password-en
reviewed_by: bob
review_on: 2025-01-01
---
# Passwort zurücksetzen

Öffnen Sie die Einstellungen\\.
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_front_matter_fields(tmp_path: Path) -> None:
    path = write(tmp_path, "de/reset.md", FULL_FRONT_MATTER)
    doc = load_markdown_file(path, tmp_path, kind="article", visibility="public")
    assert doc.external_id == "reset-password"
    assert doc.title == "Reset your password"
    assert doc.url == "https://help.example.com/reset"
    assert (doc.lang, doc.visibility, doc.owner, doc.product) == (
        "de",
        "internal",
        "anna@example.com",
        "Billing",
    )
    assert doc.updated_at == "2024-03-05"
    assert doc.created_at == "2023-01-02T10:30:00+00:00"
    assert doc.tags == ("account", "password")
    assert doc.translation_of == "reset-password-en"
    assert doc.translation_group == "reset-password-en"
    assert doc.meta == {"reviewed_by": "bob", "review_on": "2025-01-01"}
    assert doc.source == str(path)
    assert doc.body == "# Passwort zurücksetzen\n\nÖffnen Sie die Einstellungen\\.\n"


def test_tags_as_comma_string_and_string_dates(tmp_path: Path) -> None:
    text = '---\ntags: "billing, refunds , ,billing"\nupdated_at: "2024-05-06"\n---\nBody.\n'
    doc = load_markdown_file(
        write(tmp_path, "a.md", text), tmp_path, kind="article", visibility="public"
    )
    assert doc.tags == ("billing", "refunds")
    assert doc.updated_at == "2024-05-06"


def test_missing_front_matter_takes_id_from_path_and_title_from_h1(tmp_path: Path) -> None:
    path = write(tmp_path, "billing/refunds.md", "Intro line.\n\n# Getting a refund\n\nText.\n")
    doc = load_markdown_file(path, tmp_path, kind="article", visibility="internal")
    assert doc.external_id == "billing/refunds"
    assert doc.title == "Getting a refund"
    assert doc.visibility == "internal"
    assert doc.meta == {}


def test_title_falls_back_to_the_file_stem(tmp_path: Path) -> None:
    doc = load_markdown_file(
        write(tmp_path, "faq.md", "No heading here.\n"),
        tmp_path,
        kind="article",
        visibility="public",
    )
    assert doc.title == "faq"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\ntitle: [unclosed\n---\nbody\n", "line 3"),
        ("---\ntitle: ok\n  bad: indent\n---\nbody\n", "line 3"),
        ("---\n- a\n- b\n---\nbody\n", "mapping"),
        ("---\ntitle: never closed\n\nbody\n", "never closed"),
        ("---\nvisibility: secret\n---\nbody\n", "visibility"),
        ("---\nupdated_at: last tuesday\n---\nbody\n", "updated_at"),
    ],
)
def test_broken_front_matter_is_a_source_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        load_markdown_file(
            write(tmp_path, "bad.md", text), tmp_path, kind="article", visibility="public"
        )


def test_split_front_matter_edge_cases() -> None:
    assert split_front_matter("no front matter\n---\n") == ({}, "no front matter\n---\n")
    assert split_front_matter("---\n---\nbody") == ({}, "body")
    assert split_front_matter("---\r\na: 1\r\n---\r\nbody") == ({"a": 1}, "body")


HTML_PAGE = """\
<!doctype html>
<html lang="fr">
<head>
  <title>Changer de forfait</title>
  <meta name="description" content="How to change plan">
  <meta name="keywords" content="billing, plans">
  <meta name="last-modified" content="Tue, 05 Mar 2024 10:00:00 GMT">
  <meta property="article:published_time" content="sometime last year">
  <link rel="canonical" href="https://help.example.com/plans">
  <style>body { color: red }</style>
  <script>alert("x")</script>
</head>
<body>
  <nav><a href="/">Home</a> | <a href="/faq">FAQ</a></nav>
  <h1>Changer de forfait</h1>
  <p>Open <a href="/billing">Billing</a> and pick a <strong>plan</strong>.</p>
  <h2>Steps</h2>
  <ol><li>Open settings</li>
    <li>Choose <em>Plan</em><ul><li>Monthly</li><li>Yearly</li></ul></li></ol>
  <h3>Command line</h3>
  <pre><code class="language-bash">kbc plan set pro
kbc plan show</code></pre>
  <h3>Prices</h3>
  <table>
    <tr><th>Plan</th><th>Price</th></tr>
    <tr><td>Free</td><td>0</td></tr>
    <tr><td>Pro | Team</td><td>10</td></tr>
  </table>
  <footer>© Example</footer>
</body>
</html>
"""


def test_html_becomes_markdown_with_metadata(tmp_path: Path) -> None:
    path = write(tmp_path, "plans/change.html", HTML_PAGE)
    doc = load_html_file(path, tmp_path, kind="article", visibility="public")
    assert doc.external_id == "plans/change"
    assert doc.title == "Changer de forfait"
    assert doc.lang == "fr"
    assert doc.url == "https://help.example.com/plans"
    assert doc.tags == ("billing", "plans")
    assert doc.meta == {"description": "How to change plan"}
    assert (doc.updated_at, doc.created_at) == ("2024-03-05T10:00:00+00:00", None)
    body = doc.body
    for dropped in ("alert", "color: red", "Home", "FAQ", "© Example"):
        assert dropped not in body
    assert "# Changer de forfait\n\nOpen [Billing](/billing) and pick a **plan**." in body
    assert "## Steps\n\n1. Open settings\n2. Choose *Plan*\n   - Monthly\n   - Yearly" in body
    assert "### Command line\n\n```bash\nkbc plan set pro\nkbc plan show\n```" in body
    assert "| Plan | Price |\n| --- | --- |\n| Free | 0 |\n| Pro \\| Team | 10 |" in body
    chunks = chunk_document(doc, HashingEmbedder().count_tokens, 200)
    assert [c.heading_path for c in chunks] == [
        (),
        ("Steps",),
        ("Steps", "Command line"),
        ("Steps", "Prices"),
    ]


def test_html_title_falls_back_to_first_h1(tmp_path: Path) -> None:
    page = "<html><body><div><h1>Only <em>heading</em></h1><p>1. not a list</p></div></body></html>"
    doc = load_html_file(
        write(tmp_path, "x.htm", page), tmp_path, kind="article", visibility="public"
    )
    assert doc.title == "Only heading"
    assert "1\\. not a list" in doc.body  # plain text never turns into list markup


def jsonl_lines() -> list[str]:
    good = {
        "id": "guides/Setup.md",
        "title": 'Setup<a name="setup"></a>',
        "text": "# Setup\n\nInstall it\\.",
        "url": None,
        "lang": "en",
        "updated_at": None,
        "product": "Widget",
        "doc_type": "guide",
        "rating": 5,
    }
    numeric = {"id": 42, "title": "Numbers", "text": "Body.", "lang": "en"}
    return [
        json.dumps(good),
        "{not json",
        json.dumps({"title": "no id", "text": "x"}),
        json.dumps({"id": "no-text", "title": "t"}),
        "",
        json.dumps(numeric),
        json.dumps(["an", "array"]),
    ]


def check_jsonl(items: list[Document | Failure], path: Path) -> None:
    docs = [i for i in items if isinstance(i, Document)]
    failures = [i for i in items if isinstance(i, Failure)]
    assert [d.external_id for d in docs] == ["guides/Setup.md", "42"]
    first = docs[0]
    assert first.title == "Setup"
    assert first.body == "# Setup\n\nInstall it\\."
    assert (first.product, first.lang, first.url, first.updated_at) == ("Widget", "en", None, None)
    assert first.meta == {"doc_type": "guide", "rating": 5}
    assert first.visibility == "internal" and first.source == str(path)
    assert [f.source for f in failures] == [f"{path}:{n}" for n in (2, 3, 4, 7)]
    assert "invalid JSON" in failures[0].reason
    assert "id" in failures[1].reason and "text" in failures[2].reason


def test_jsonl_bad_lines_become_failures_and_the_rest_loads(tmp_path: Path) -> None:
    path = write(tmp_path, "docs.jsonl", "\n".join(jsonl_lines()) + "\n")
    check_jsonl(list(iter_jsonl_documents(path, kind="article", visibility="internal")), path)


def test_jsonl_gzip(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.write("\n".join(jsonl_lines()) + "\n")
    check_jsonl(list(iter_jsonl_documents(path, kind="article", visibility="internal")), path)


def test_jsonl_truncated_gzip_keeps_what_was_read(tmp_path: Path) -> None:
    records = [json.dumps({"id": f"d{i}", "title": "t", "text": "x" * 50}) for i in range(2000)]
    data = gzip.compress(("\n".join(records) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(iter_jsonl_documents(path, kind="article", visibility="public"))
    assert isinstance(items[-1], Failure) and "damaged" in items[-1].reason
    assert all(isinstance(i, Document) for i in items[:-1]) and len(items) > 10


def test_jsonl_unreadable_file_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError):
        list(iter_jsonl_documents(tmp_path / "missing.jsonl", kind="article", visibility="public"))
    not_gzip = write(tmp_path, "plain.jsonl.gz", '{"id": 1, "text": "x"}\n')
    with pytest.raises(SourceError):
        list(iter_jsonl_documents(not_gzip, kind="article", visibility="public"))


def test_jsonl_ticket_kind_is_internal(tmp_path: Path) -> None:
    path = write(tmp_path, "t.jsonl", json.dumps({"id": "t1", "text": "## Question\n\nHi"}) + "\n")
    (doc,) = iter_jsonl_documents(path, kind="ticket", visibility="public")
    assert isinstance(doc, Document)
    assert doc.visibility == "internal" and doc.title == "t1"
