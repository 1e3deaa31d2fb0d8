"""Live help-center sync against a real HTTP server on loopback that speaks the shapes of the
Zendesk, Intercom and Freshdesk APIs: pagination, authentication, restricted articles,
retries, refusals, pruning, and a failed sync that changes nothing."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from copilot.cli import main
from ingest.connectors import helpdesks
from ingest.connectors.helpdesks import Freshdesk, Intercom, Zendesk
from ingest.connectors.http import JsonClient, base_url
from ingest.connectors.sync import fetch, write
from ingest.pipeline import run
from kb.embedders import HashingEmbedder
from kb.errors import InvalidInput, RemoteUnavailable
from kb.models import SearchFilters
from kb.retrieval import Retriever
from kb.store import KnowledgeBase
from tests.helpdesk_server import FakeHelpdesk
from tests.test_helpcenter_exports import zendesk


def zendesk_center(desk: FakeHelpdesk, en: list[dict[str, Any]]) -> None:
    """Locales en-us and de; en-us in two cursor pages (the second after `c1`)."""
    desk.route("/api/v2/help_center/locales.json", {"locales": ["en-us", "de"]})
    first, rest = en[:2], en[2:]
    next_link = f"{desk.url}/api/v2/help_center/en-us/articles.json?page[size]=100&page[after]=c1"
    desk.route(
        "/api/v2/help_center/en-us/articles.json",
        {"articles": first, "meta": {"has_more": bool(rest)}, "links": {"next": next_link}},
    )
    desk.route(
        "/api/v2/help_center/en-us/articles.json?page[after]=c1",
        {"articles": rest, "meta": {"has_more": False}, "links": {"next": None}},
    )
    german = zendesk(1, "de", title="Rückerstattungen", body="<p>Das Geld geht zurück.</p>")
    desk.route(
        "/api/v2/help_center/de/articles.json",
        {"articles": [german], "meta": {"has_more": False}, "links": {"next": None}},
    )


def test_zendesk_sync_pages_translations_segments_then_prunes(
    desk: FakeHelpdesk, kb: KnowledgeBase, embedder: HashingEmbedder
) -> None:
    articles = [
        zendesk(1, title="Refunds", body="<p>Refunds go back to the card you paid with.</p>"),
        zendesk(2, draft=True),
        zendesk(3, title="Partner discount codes", user_segment_id=5512),
        zendesk(4, title="Invoices", body="<p>Download invoices from Billing.</p>"),
    ]
    zendesk_center(desk, articles)
    center = Zendesk(desk.url, "tok-123", email="agent@acme.test")

    first = write(center, fetch(center), kb, embedder, prune=True)

    assert first.pages == 3 and first.ingest.added == 4 and not first.ingest.failed
    doc = kb.get_document("zendesk-1-de")
    assert doc is not None and doc.translation_of == "zendesk-1" and doc.lang == "de"
    assert kb.get_document("zendesk-2") is None  # a draft
    restricted = kb.get_document("zendesk-3")
    assert restricted is not None and restricted.visibility == "internal"
    everyone = Retriever(kb).search("partner discount codes", filters=SearchFilters.everything())
    assert everyone[0].external_id == "zendesk-3"
    hits = Retriever(kb).search("partner discount codes", filters=SearchFilters.public())
    assert "zendesk-3" not in [h.external_id for h in hits]
    expected = "Basic " + base64.b64encode(b"agent@acme.test/token:tok-123").decode()
    assert {headers["Authorization"] for _, headers in desk.seen} == {expected}

    zendesk_center(desk, [articles[0], articles[2]])  # article 4 deleted in Zendesk
    second = write(center, fetch(center), kb, embedder, prune=True)
    assert (second.ingest.unchanged, second.ingest.removed) == (3, 1)
    assert kb.get_document("zendesk-4") is None


def test_prune_is_skipped_when_a_record_fails_and_other_sources_are_untouched(
    desk: FakeHelpdesk, kb: KnowledgeBase, embedder: HashingEmbedder, tmp_path: Path
) -> None:
    zendesk_center(desk, [zendesk(1), zendesk(4)])
    center = Zendesk(desk.url, "tok")
    write(center, fetch(center), kb, embedder)
    note = tmp_path / "local.md"
    note.write_text("# Local note\n\nA file article beside the synced ones.\n", encoding="utf-8")
    run([note], kb, embedder)

    zendesk_center(desk, [zendesk(1, title="", name="")])  # 4 gone, 1 unreadable
    summary = write(center, fetch(center), kb, embedder, prune=True)

    assert [f.reason for f in summary.ingest.failed] == ["article 1 has no title"]
    assert summary.ingest.failed[0].source.endswith("en-us/page1[0]")
    assert summary.prune_skipped and summary.ingest.removed == 0
    assert kb.get_document("zendesk-1") and kb.get_document("zendesk-4")

    zendesk_center(desk, [zendesk(1)])  # readable again: now 4 goes, the file article stays
    pruned = write(center, fetch(center), kb, embedder, prune=True)
    assert pruned.ingest.removed == 1 and kb.get_document("zendesk-4") is None
    assert sorted(kb.document_hashes()) == ["local", "zendesk-1", "zendesk-1-de"]


def test_a_refused_token_fails_the_sync_and_writes_nothing(
    desk: FakeHelpdesk, kb: KnowledgeBase
) -> None:
    desk.route(
        "/api/v2/help_center/locales.json", (401, {"error": "Couldn't authenticate you"}, {})
    )
    with pytest.raises(RemoteUnavailable) as caught:
        fetch(Zendesk(desk.url, "secret-token-value"))
    message = caught.value.message
    assert "HTTP 401" in message and "credentials were refused" in message
    assert "secret-token-value" not in message
    assert kb.counts()["documents"] == 0


def test_rate_limits_are_waited_out_with_retry_after(desk: FakeHelpdesk) -> None:
    desk.route("/ping", (429, {}, {"Retry-After": "7"}), (503, {}, {}), {"ok": True})
    waits: list[float] = []
    client = JsonClient(desk.url, sleep=waits.append)
    assert client.get("/ping") == {"ok": True}
    assert waits == [7.0, 2.0] and client.requests == 3

    desk.route("/busy", (429, {}, {"Retry-After": "3600"}))
    with pytest.raises(RemoteUnavailable, match="HTTP 429"):
        client.get("/busy")
    assert max(waits) == 60.0  # the wait is capped, the retries are counted


def test_links_and_redirects_to_another_host_are_not_followed(desk: FakeHelpdesk) -> None:
    other = FakeHelpdesk()
    try:
        other.route("/steal", {"articles": []})
        client = JsonClient(desk.url, {"Authorization": "Bearer tok"})
        with pytest.raises(RemoteUnavailable, match="another host"):
            client.get(f"{other.url}/steal")
        desk.route("/moved", (302, {}, {"Location": f"{other.url}/steal"}))
        with pytest.raises(RemoteUnavailable, match="HTTP 302"):
            client.get("/moved")
        assert other.seen == []  # the token never reached the other host
    finally:
        other.close()


def test_bounded_responses_and_urls(desk: FakeHelpdesk) -> None:
    desk.route("/big", {"articles": ["x" * 5000]})
    with pytest.raises(RemoteUnavailable, match="more than"):
        JsonClient(desk.url, max_bytes=1000).get("/big")
    desk.route("/html", (200, b"<html>login</html>", {}))
    with pytest.raises(RemoteUnavailable, match="did not return JSON"):
        JsonClient(desk.url).get("/html")
    with pytest.raises(InvalidInput, match="https"):
        base_url("http://acme.zendesk.com")
    with pytest.raises(InvalidInput, match="not an http"):
        base_url("ftp://acme.zendesk.com")
    assert base_url("https://acme.zendesk.com/") == "https://acme.zendesk.com"


def test_a_runaway_pagination_stops_at_the_page_budget(desk: FakeHelpdesk) -> None:
    desk.route("/api/v2/help_center/locales.json", {"locales": ["en-us"]})
    loop = f"{desk.url}/api/v2/help_center/en-us/articles.json"
    desk.route(
        "/api/v2/help_center/en-us/articles.json",
        {"articles": [], "meta": {"has_more": True}, "links": {"next": loop}},
    )
    center = Zendesk(desk.url, "tok", max_pages=5)
    with pytest.raises(RemoteUnavailable, match="more than 5 pages"):
        fetch(center)
    assert len(desk.seen) == 6  # locales + 5 pages


def intercom_article(article_id: int, **fields: Any) -> dict[str, Any]:
    return {
        "type": "article",
        "id": str(article_id),
        "title": f"Intercom article {article_id}",
        "body": f"<p>Body of Intercom article {article_id} about exports.</p>",
        "state": "published",
        "default_locale": "en",
        "created_at": 1714000000,
        "updated_at": 1715000000,
        **fields,
    }


def test_intercom_pages_and_translations(
    desk: FakeHelpdesk, kb: KnowledgeBase, embedder: HashingEmbedder
) -> None:
    translated = {
        "type": "article_translated_content",
        "en": {"title": "Exports", "body": "<p>Export your data as CSV.</p>", "state": "published"},
        "fr": {
            "title": "Exports",
            "body": "<p>Exportez vos données en CSV.</p>",
            "state": "published",
        },
    }
    desk.route(
        "/articles?page=1",
        {"type": "list", "pages": {"page": 1, "total_pages": 2}, "data": [intercom_article(7)]},
    )
    desk.route(
        "/articles?page=2",
        {
            "type": "list",
            "pages": {"page": 2, "total_pages": 2},
            "data": [
                intercom_article(8, translated_content=translated),
                intercom_article(9, state="draft"),
            ],
        },
    )
    center = Intercom("tok-ic", url=desk.url)
    summary = write(center, fetch(center), kb, embedder)
    assert summary.pages == 2 and summary.ingest.added == 3
    french = kb.get_document("intercom-8-fr")
    assert french is not None and french.translation_of == "intercom-8"
    assert kb.get_document("intercom-9") is None
    assert all(h["Authorization"] == "Bearer tok-ic" for _, h in desk.seen)
    assert all(h["Intercom-Version"] == helpdesks.INTERCOM_VERSION for _, h in desk.seen)


def freshdesk_article(article_id: int, folder: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": article_id,
        "title": f"Freshdesk article {article_id}",
        "description": f"<p>Freshdesk article {article_id} on shipping labels.</p>",
        "status": 2,
        "folder_id": folder,
        "category_id": 1,
        "created_at": "2024-04-17T17:18:10Z",
        "updated_at": "2024-05-01T08:00:00Z",
        **fields,
    }


def test_freshdesk_folders_visibility_and_pages(
    desk: FakeHelpdesk,
    kb: KnowledgeBase,
    embedder: HashingEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(helpdesks, "FRESHDESK_PAGE_SIZE", 2)
    desk.route("/api/v2/solutions/categories", [{"id": 1, "name": "General"}])
    desk.route(
        "/api/v2/solutions/categories/1/folders",
        [{"id": 10, "visibility": 1}, {"id": 20, "visibility": 3}],  # all users; agents only
    )
    desk.route(
        "/api/v2/solutions/folders/10/articles?page=1",
        [freshdesk_article(101, 10), freshdesk_article(102, 10, status=1)],
    )
    desk.route("/api/v2/solutions/folders/10/articles?page=2", [freshdesk_article(103, 10)])
    desk.route("/api/v2/solutions/folders/20/articles?page=1", [freshdesk_article(201, 20)])
    center = Freshdesk(desk.url, "fd-key")
    summary = write(center, fetch(center), kb, embedder)
    assert summary.pages == 3 and summary.ingest.added == 3  # 102 is a draft
    public, internal = kb.get_document("freshdesk-103"), kb.get_document("freshdesk-201")
    assert public is not None and public.visibility == "public"
    assert internal is not None and internal.visibility == "internal"
    expected = "Basic " + base64.b64encode(b"fd-key:X").decode()
    assert {h["Authorization"] for _, h in desk.seen} == {expected}


def test_kbc_sync_command(
    desk: FakeHelpdesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zendesk_center(desk, [zendesk(1, title="Refunds"), zendesk(4, title="Invoices")])
    base = ["--data-dir", str(tmp_path / "store"), "--embedder", "hashing"]
    runner = CliRunner()
    monkeypatch.delenv("ZENDESK_TOKEN", raising=False)
    missing = runner.invoke(main, [*base, "sync", "zendesk", "--url", desk.url])
    assert missing.exit_code == 2 and "set ZENDESK_TOKEN" in missing.output

    monkeypatch.setenv("ZENDESK_TOKEN", "tok")
    done = runner.invoke(main, [*base, "sync", "zendesk", "--url", desk.url, "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert (report["added"], report["pages"], report["failed"]) == (3, 2, [])

    desk.route("/api/v2/help_center/locales.json", (500, {"error": "boom"}, {}))
    failed = runner.invoke(main, [*base, "sync", "zendesk", "--url", desk.url])
    assert failed.exit_code == 11 and "HTTP 500" in failed.output
