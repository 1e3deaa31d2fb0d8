"""Zendesk Guide and Intercom article exports: loaded as Documents, translations linked,
restricted and draft articles kept from customers, bad records reported and nothing lost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from copilot.cli import main
from ingest.files import Failure
from ingest.pipeline import run
from ingest.sources import load
from kb.embedders import HashingEmbedder
from kb.models import Document, SearchFilters
from kb.retrieval import Retriever
from kb.store import KnowledgeBase

REFUND_BODY = (
    "<p>Refunds go back to the card you paid with.</p><h2>How long it takes</h2>"
    "<ol><li>Open <strong>Billing</strong>.</li><li>Click <em>Request refund</em>.</li></ol>"
    "<script>track()</script>"
)


def zendesk(article_id: int, locale: str = "en-us", **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": article_id,
        "url": f"https://acme.zendesk.com/api/v2/help_center/{locale}/articles/{article_id}.json",
        "html_url": f"https://acme.zendesk.com/hc/{locale}/articles/{article_id}",
        "author_id": 901,
        "draft": False,
        "section_id": 77,
        "created_at": "2024-04-17T17:18:10Z",
        "updated_at": "2024-05-01T08:00:00Z",
        "edited_at": "2024-05-01T08:00:00Z",
        "name": f"Article {article_id}",
        "title": f"Article {article_id}",
        "source_locale": "en-us",
        "locale": locale,
        "outdated": False,
        "user_segment_id": None,
        "label_names": ["billing"],
        "body": f"<p>Text of article {article_id} about invoices and receipts.</p>",
    }
    record.update(fields)
    return record


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def loaded(path: Path) -> tuple[dict[str, Document], list[Failure]]:
    docs: dict[str, Document] = {}
    failures: list[Failure] = []
    for item in load(path):
        if isinstance(item, Failure):
            failures.append(item)
        else:
            docs[item.external_id] = item
    return docs, failures


def test_zendesk_articles_translations_segments_and_drafts(tmp_path: Path) -> None:
    page = {
        "articles": [
            zendesk(1, title="Refunds", body=REFUND_BODY),
            zendesk(1, "de", title="Rückerstattungen", body="<p>Das Geld geht zurück.</p>"),
            zendesk(2, draft=True),
            zendesk(3, user_segment_id=360001),
            zendesk(4, user_segment_ids=[360002]),
        ],
        "next_page": None,
    }
    docs, failures = loaded(write(tmp_path / "articles.json", page))
    assert failures == []
    assert sorted(docs) == ["zendesk-1", "zendesk-1-de", "zendesk-3", "zendesk-4"]  # no draft
    refunds = docs["zendesk-1"]
    assert refunds.title == "Refunds" and refunds.lang == "en" and refunds.visibility == "public"
    assert refunds.url == "https://acme.zendesk.com/hc/en-us/articles/1"
    assert "## How long it takes" in refunds.body and "1. Open **Billing**." in refunds.body
    assert "track()" not in refunds.body
    assert refunds.tags == ("billing",) and refunds.owner == "901"
    assert refunds.updated_at == "2024-05-01T08:00:00+00:00"
    assert refunds.meta["section_id"] == 77 and refunds.translation_of is None
    german = docs["zendesk-1-de"]
    assert german.lang == "de" and german.translation_of == "zendesk-1"
    # an article limited to a user segment is internal whatever the ingest's default
    assert docs["zendesk-3"].visibility == "internal"
    assert docs["zendesk-4"].visibility == "internal"


def test_zendesk_pages_and_one_article(tmp_path: Path) -> None:
    pages = [{"articles": [zendesk(1)]}, {"articles": [zendesk(2), zendesk(1)]}]
    docs, failures = loaded(write(tmp_path / "pages.json", pages))
    assert sorted(docs) == ["zendesk-1", "zendesk-2"]
    assert [f.reason for f in failures] == ["zendesk-1 appears again; the first one was kept"]
    single, _ = loaded(write(tmp_path / "one.json", {"article": zendesk(9)}))
    assert list(single) == ["zendesk-9"]


def intercom(article_id: str, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": "article",
        "id": article_id,
        "workspace_id": "abc",
        "title": "Export your data",
        "description": "CSV and JSON exports",
        "body": "<p>Go to <b>Settings &gt; Export</b> and pick CSV.</p>",
        "author_id": 55,
        "state": "published",
        "created_at": 1700000000,
        "updated_at": 1714550400,
        "url": f"https://help.acme.example/en/articles/{article_id}",
        "parent_id": 8,
        "parent_type": "collection",
        "default_locale": "en",
    }
    record.update(fields)
    return record


def test_intercom_list_with_translated_content(tmp_path: Path) -> None:
    translated = {
        "type": "article_translated_content",
        "en": {
            "type": "article_content",
            "title": "Export your data",
            "body": "<p>Go to <b>Settings &gt; Export</b> and pick CSV.</p>",
            "state": "published",
            "updated_at": 1714550400,
            "url": "https://help.acme.example/en/articles/7",
        },
        "fr": {
            "type": "article_content",
            "title": "Exporter vos données",
            "body": "<p>Allez dans <b>Paramètres &gt; Export</b>.</p>",
            "state": "published",
            "updated_at": 1714550000,
            "url": "https://help.acme.example/fr/articles/7",
        },
        "es": {
            "type": "article_content",
            "title": "Exportar",
            "body": "<p>x</p>",
            "state": "draft",
        },
    }
    data = {
        "type": "list",
        "data": [
            intercom("7", translated_content=translated),
            intercom("8", translated_content=None, title="Invite teammates"),
            intercom("9", state="draft"),
        ],
    }
    docs, failures = loaded(write(tmp_path / "intercom.json", data))
    assert failures == []
    assert sorted(docs) == ["intercom-7", "intercom-7-fr", "intercom-8"]
    english, french = docs["intercom-7"], docs["intercom-7-fr"]
    assert "**Settings > Export**" in english.body and english.lang == "en"
    assert english.updated_at == "2024-05-01T08:00:00+00:00"
    assert french.title == "Exporter vos données" and french.translation_of == "intercom-7"
    assert french.url == "https://help.acme.example/fr/articles/7"
    assert docs["intercom-8"].title == "Invite teammates"
    assert docs["intercom-8"].created_at == "2023-11-14T22:13:20+00:00"


def test_bad_files_and_records_are_reported_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text('{"articles": [', encoding="utf-8")
    _, failures = loaded(tmp_path / "broken.json")
    assert len(failures) == 1 and "invalid JSON" in failures[0].reason
    _, failures = loaded(write(tmp_path / "other.json", {"results": []}))
    assert "Zendesk Guide" in failures[0].reason and "Intercom" in failures[0].reason
    records = [
        zendesk(1),
        "not an object",
        {"title": "no id"},
        zendesk(2, body=["not", "html"]),
        zendesk(3, updated_at="last tuesday", edited_at=None),
        zendesk(4),
    ]
    docs, failures = loaded(write(tmp_path / "mixed.json", {"articles": records}))
    assert sorted(docs) == ["zendesk-1", "zendesk-4"]
    reasons = {f.source.rsplit("[", 1)[1]: f.reason for f in failures}
    assert reasons["1]"] == "expected an article object, got str"
    assert "no 'id'" in reasons["2]"]
    assert "'body' must be an HTML string" in reasons["3]"]
    assert "not an ISO date" in reasons["4]"]


def test_ingested_export_serves_public_articles_only_and_prunes_drafts(
    tmp_path: Path, embedder: HashingEmbedder
) -> None:
    export = tmp_path / "export"
    export.mkdir()
    articles = [
        zendesk(1, title="Refunds", body=REFUND_BODY),
        zendesk(3, title="Refunds for partners", user_segment_id=360001, body=REFUND_BODY),
        zendesk(5, title="Invoices", body="<p>Invoices are emailed monthly.</p>"),
    ]
    write(export / "articles.json", {"articles": articles})
    kb = KnowledgeBase(tmp_path / "store", embedder)
    try:
        summary = run([export], kb, embedder)
        assert summary.added == 3 and summary.failed == []
        retriever = Retriever(kb)
        public = retriever.search("refund to my card", filters=SearchFilters.public())
        assert "zendesk-1" in [h.external_id for h in public]
        assert "zendesk-3" not in [h.external_id for h in public]  # restricted: never public

        # an article goes back to draft: a prune run removes it
        articles[2]["draft"] = True
        write(export / "articles.json", {"articles": articles})
        pruned = run([export], kb, embedder, prune=True)
        assert pruned.removed == 1 and kb.get_document("zendesk-5") is None
        # a record breaks: reported, and its stored article is not pruned with it
        articles[0]["updated_at"], articles[0]["edited_at"] = "not a date", None
        write(export / "articles.json", {"articles": articles})
        broken = run([export], kb, embedder, prune=True)
        assert broken.removed == 0 and broken.failed[0].source.endswith("articles.json[0]")
        assert kb.get_document("zendesk-1") is not None
        assert kb.get_document("zendesk-3") is not None
    finally:
        kb.database.close()


def test_freshdesk_solutions_articles(tmp_path: Path) -> None:
    def article(article_id: int, status: int, title: str) -> dict[str, Any]:
        return {
            "id": article_id,
            "type": 1,
            "category_id": 5,
            "folder_id": 6,
            "title": title,
            "description": f"<p>{title}: open <b>Admin &gt; Billing</b>.</p>",
            "description_text": f"{title}: open Admin > Billing.",
            "status": status,
            "agent_id": 31,
            "tags": ["billing"],
            "created_at": "2026-01-05T10:00:00Z",
            "updated_at": "2026-02-05T10:00:00Z",
        }

    data = [article(70, 2, "Change your plan"), article(71, 1, "Unfinished draft")]
    docs, failures = loaded(write(tmp_path / "solutions.json", data))
    assert failures == [] and list(docs) == ["freshdesk-70"]
    doc = docs["freshdesk-70"]
    assert doc.title == "Change your plan" and "**Admin > Billing**" in doc.body
    assert doc.tags == ("billing",) and doc.meta["folder_id"] == 6
    single, _ = loaded(write(tmp_path / "one.json", article(72, 2, "Invoices")))
    assert list(single) == ["freshdesk-72"]


def test_kbc_ingest_of_an_export_feeds_search_and_the_translation_flag(tmp_path: Path) -> None:
    articles = [
        zendesk(1, title="Reset your password", updated_at="2026-10-01T10:00:00Z", edited_at=None),
        zendesk(
            1,
            "de",
            title="Passwort zurücksetzen",
            body="<p>Klicken Sie auf der Anmeldeseite auf Passwort vergessen.</p>",
            updated_at="2026-09-01T10:00:00Z",
            edited_at=None,
        ),
        zendesk(2, title="Partner discount codes", user_segment_id=5512),
    ]
    export = write(tmp_path / "articles.json", {"articles": articles, "next_page": None})
    base = ["--data-dir", str(tmp_path / "store"), "--embedder", "hashing"]
    runner = CliRunner()
    ingested = runner.invoke(main, [*base, "ingest", str(export), "--json"])
    assert ingested.exit_code == 0, ingested.output
    assert json.loads(ingested.output)["added"] == 3
    public = runner.invoke(
        main, [*base, "search", "partner discount", "--visibility", "public", "--json"]
    )
    assert "zendesk-2" not in {hit["external_id"] for hit in json.loads(public.output)}
    assert runner.invoke(main, [*base, "flags", "scan"]).exit_code == 0
    flags = json.loads(runner.invoke(main, [*base, "flags", "list", "--json"]).output)
    outdated = [f for f in flags if f["reason"] == "translation_outdated"]
    assert [f["document_id"] for f in outdated] == ["zendesk-1-de"]
