"""Each flag signal on small hand-made stores: one positive and one negative case at least."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.pipeline import upsert_documents
from ingest.tickets import ticket_to_document
from kb.embedders import HashingEmbedder
from kb.flags import Finding, ScanConfig
from kb.flags.claim_compare import comparable, conflicts
from kb.flags.claims import extract_claims
from kb.flags.links import malformed
from kb.flags.review import ReviewPolicy
from kb.flags.scan import detect
from kb.models import Document
from kb.store import KnowledgeBase

NOW = datetime(2026, 11, 20, tzinfo=UTC)
HOST = "https://help.example.test/articles/"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[KnowledgeBase]:
    kb = KnowledgeBase(tmp_path / "store", HashingEmbedder(256))
    yield kb
    kb.database.close()


def article(ext: str, title: str, body: str, **kw: object) -> Document:
    kw.setdefault("updated_at", "2026-06-01")
    kw.setdefault("lang", "en")
    return Document(external_id=ext, title=title, body=body, url=HOST + ext, **kw)  # type: ignore[arg-type]


def ticket(ext: str, subject: str, question: str, answer: str, resolved: str) -> Document:
    doc = ticket_to_document(
        {
            "id": ext,
            "subject": subject,
            "status": "solved",
            "resolved_at": resolved,
            "messages": [
                {"author": "customer", "body": question},
                {"author": "agent", "body": answer},
            ],
        },
        source="test",
    )
    assert isinstance(doc, Document)
    return doc


def add(kb: KnowledgeBase, *docs: Document) -> None:
    assert kb.embedder is not None
    assert upsert_documents(list(docs), kb, kb.embedder).failed == []


def found(kb: KnowledgeBase, reason: str, **cfg: object) -> list[Finding]:
    config = ScanConfig(now=NOW, **cfg)  # type: ignore[arg-type]
    return [f for f in detect(kb, config, reasons=[reason]).findings if f.reason == reason]


# --- claims ------------------------------------------------------------------------------


def test_claims_normalise_values_and_units() -> None:
    kinds = {
        c.kind: c
        for c in extract_claims(
            "Pro costs **$12 per user** a month, refunds within 30 days, 20% off, "
            "up to 50 members, iOS 16 or later, under **Settings > Billing > Invoices** "
            "click **Download PDF**."
        )
    }
    assert kinds["price"].value == "12 USD/user"
    assert kinds["duration"].low == 30 * 1440 and kinds["duration"].qualifier == "max"
    assert kinds["percent"].value == "20%"
    assert kinds["quantity"].unit == "member"
    assert (kinds["version"].unit, kinds["version"].value) == ("ios", "16")
    assert kinds["path"].value == "Settings > Billing > Invoices"
    assert kinds["label"].value == "Download PDF"


def test_business_days_read_against_calendar_days_with_their_weekends() -> None:
    (a,) = extract_claims("Refunds are possible within 14 days.")
    (b,) = extract_claims("It takes 5-10 business days to appear.")
    assert comparable(a, b) and not conflicts(a, b)  # 10 working days may span 14 days
    (hours,) = extract_claims("A mechanic visits within 48 hours.")
    (days,) = extract_claims("A mechanic visits within three working days.")
    assert comparable(hours, days) and conflicts(hours, days)
    (week,) = extract_claims("Delivery takes 1 week.")
    (five,) = extract_claims("Delivery takes 5 business days.")
    assert not conflicts(week, five)
    (hrs,) = extract_claims("We reply within 8 business hours.")
    assert not comparable(hrs, hours)  # business hours have no calendar reading


def test_overlapping_ranges_agree_and_paths_contained_agree() -> None:
    (a,) = extract_claims("Delivery takes 3-5 days.")
    (b,) = extract_claims("Delivery takes 4 days.")
    assert comparable(a, b) and not conflicts(a, b)
    (p,) = [c for c in extract_claims("Go to **Settings > Integrations**.") if c.kind == "path"]
    (q,) = [c for c in extract_claims("Open Settings > Integrations > Zoom.") if c.kind == "path"]
    assert not comparable(p, q) or not conflicts(p, q)


# --- contradicted_by_tickets --------------------------------------------------------------

TRIAL = article(
    "kb-trial",
    "How the free trial works",
    "New workspaces start on a free trial of the Team plan. The trial lasts **14 days** "
    "and doesn't need a card.",
)


def test_contradiction_from_a_recent_ticket_with_evidence(store: KnowledgeBase) -> None:
    add(
        store,
        TRIAL,
        ticket(
            "T-1",
            "How long is the trial?",
            "The help center says the trial is 14 days, which is it?",
            "New workspaces get a 30-day trial of the Team plan now.",
            "2026-10-01T10:00:00Z",
        ),
    )
    (flag,) = found(store, "contradicted_by_tickets")
    assert flag.document_id == "kb-trial"
    item = flag.evidence["items"][0]
    assert item["ticket_id"] == "T-1" and item["resolved_at"] == "2026-10-01"
    assert "14 days" in item["article_sentence"] and "30-day" in item["ticket_sentence"]
    assert flag.evidence["since"] == "2026-10-01"


@pytest.mark.parametrize(
    ("answer", "resolved"),
    [
        ("Yes, the trial lasts 14 days and needs no card.", "2026-10-01T10:00:00Z"),  # agrees
        ("As a one-off, I've extended your trial by 7 days.", "2026-10-01T10:00:00Z"),  # exception
        ("New workspaces get a 30-day trial now.", "2026-01-05T10:00:00Z"),  # before the edit
        ("New workspaces get a 30-day trial now.", "2025-10-01T10:00:00Z"),  # outside the window
        # 2 years is 52 times 14 days: another quantity (an account's age), not the trial changed
        ("The Team plan trial needs an account open for 2 years.", "2026-10-01T10:00:00Z"),
    ],
)
def test_no_contradiction_when_ticket_agrees_or_does_not_apply(
    store: KnowledgeBase, answer: str, resolved: str
) -> None:
    add(store, TRIAL, ticket("T-2", "Trial length", "How long is the trial?", answer, resolved))
    assert found(store, "contradicted_by_tickets") == []


def test_value_within_an_article_limit_is_not_a_contradiction(store: KnowledgeBase) -> None:
    add(
        store,
        article(
            "kb-buffer",
            "Buffer time",
            "You can add up to **120 minutes** of buffer before or after each meeting.",
        ),
        ticket(
            "T-3",
            "Buffer",
            "Can I add a buffer before meetings?",
            "I've set a 15 minutes buffer before your meetings.",
            "2026-10-01T10:00:00Z",
        ),
    )
    assert found(store, "contradicted_by_tickets") == []


def test_renamed_label_and_moved_menu_are_contradictions(store: KnowledgeBase) -> None:
    add(
        store,
        article(
            "kb-export",
            "Export bookings",
            "Open **Bookings** and click the **Export CSV** "
            "button at the top of the bookings list.",
        ),
        article(
            "kb-invoices",
            "Download invoices",
            "Go to **Settings > Billing > Invoices** and click the invoice you need.",
        ),
        ticket(
            "T-4",
            "No export button",
            "I can't find the Export CSV button in Bookings.",
            'The export button was renamed: it is now called "Download report" in Bookings.',
            "2026-10-01T10:00:00Z",
        ),
        ticket(
            "T-5",
            "Where are invoices",
            "Where are invoices now? Not under Settings > Billing.",
            "Invoices moved: they are now under Account > Billing > Invoice history.",
            "2026-10-02T10:00:00Z",
        ),
    )
    kinds = {
        f.document_id: f.evidence["items"][0]["kind"]
        for f in found(store, "contradicted_by_tickets")
    }
    assert kinds == {"kb-export": "label", "kb-invoices": "path"}


class RejectAll:
    def confirm(self, article_sentence: str, ticket_sentence: str, claim: str) -> bool | None:
        return False


def test_verifier_can_reject_candidates(store: KnowledgeBase) -> None:
    add(
        store,
        TRIAL,
        ticket(
            "T-6",
            "Trial",
            "How long is the trial?",
            "New workspaces get a 30-day trial now.",
            "2026-10-01T10:00:00Z",
        ),
    )
    assert found(store, "contradicted_by_tickets", verifier=RejectAll()) == []


# --- duplicate ----------------------------------------------------------------------------

CALENDAR = (
    "Connect Google Calendar so Orbitly can check your busy times and add new bookings to "
    "your calendar. Go to Settings, open Calendars, click Add calendar, choose Google and "
    "sign in with the account that holds your calendar. Allow Orbitly to see and edit "
    "events, then pick which calendars to check for conflicts."
)


def test_near_duplicate_articles_are_flagged_with_passages(store: KnowledgeBase) -> None:
    add(
        store,
        article("kb-a", "Connect Google Calendar", CALENDAR, updated_at="2026-05-01"),
        article(
            "kb-b",
            "Sync your Google Calendar",
            CALENDAR.replace("busy times", "busy slots"),
            updated_at="2026-09-01",
        ),
    )
    (flag,) = found(store, "duplicate")
    assert flag.document_id == "kb-b" and flag.evidence["duplicate_of"] == "kb-a"
    assert flag.evidence["passages"][0]["similarity"] >= 0.5


def test_translations_and_different_articles_are_not_duplicates(store: KnowledgeBase) -> None:
    add(
        store,
        article("kb-a", "Connect Google Calendar", CALENDAR),
        article("kb-a-es", "Conectar Google Calendar", CALENDAR, lang="es", translation_of="kb-a"),
        article(
            "kb-c",
            "Remove a member",
            "Open Members, find the person and choose Remove from "
            "workspace. Pick who takes over their upcoming bookings and round-robin slots.",
        ),
    )
    assert found(store, "duplicate") == []


# --- broken_link --------------------------------------------------------------------------


def test_broken_and_malformed_links(store: KnowledgeBase) -> None:
    add(
        store,
        article(
            "kb-1",
            "Refunds",
            "See [billing](/articles/kb-2) and [old](/articles/kb-9-gone), "
            "[status](htps://status.example.com) and [docs](https://developers.example.com).",
        ),
        article(
            "kb-2",
            "Billing",
            "All links fine: [refunds](https://help.example.test/articles/"
            "kb-1-refunds-policy) and [mail](mailto:help@example.com).",
        ),
    )
    (flag,) = found(store, "broken_link")
    assert flag.document_id == "kb-1"
    problems = {link["url"]: link["problem"] for link in flag.evidence["links"]}
    assert problems == {
        "/articles/kb-9-gone": "missing_article",
        "htps://status.example.com": "malformed",
    }


@pytest.mark.parametrize(
    ("href", "ok"),
    [
        ("https://example.com/a", True),
        ("/articles/x", True),
        ("https:/example.com", False),
        ("www.example.com", False),
        ("https://exa mple.com", False),
        ("javascript:alert(1)", False),
    ],
)
def test_malformed_urls(href: str, ok: bool) -> None:
    assert (malformed(href) is None) is ok


# --- review_due ---------------------------------------------------------------------------


def test_review_policy_by_tag_product_and_reviewed_at(store: KnowledgeBase) -> None:
    add(
        store,
        article("kb-price", "Pricing", "Prices.", tags=("pricing",), updated_at="2026-07-01"),
        article("kb-pay", "Payments", "Cards.", product="payments", updated_at="2026-04-01"),
        article(
            "kb-sec",
            "SSO",
            "SAML.",
            tags=("security",),
            updated_at="2025-01-01",
            meta={"reviewed_at": "2026-10-01"},
        ),
        article("kb-old", "Shortcuts", "Keys.", updated_at="2026-01-01"),
    )
    policy = ReviewPolicy(
        default_days=365, by_tag={"pricing": 90, "security": 180}, by_product={"payments": 120}
    )
    flags = {f.document_id: f for f in found(store, "review_due", review=policy)}
    assert set(flags) == {"kb-price", "kb-pay"}
    assert flags["kb-price"].evidence["policy_rule"] == "tag:pricing"


# --- translation_outdated ------------------------------------------------------------------


def test_translation_older_than_source(store: KnowledgeBase) -> None:
    add(
        store,
        article("kb-a", "Refunds", "Within 30 days.", updated_at="2026-08-01"),
        article(
            "kb-a-de",
            "Rückerstattung",
            "Innerhalb von 14 Tagen.",
            lang="de",
            translation_of="kb-a",
            updated_at="2026-02-01",
        ),
        article("kb-b", "Plans", "Three plans.", updated_at="2026-07-01"),
        article(
            "kb-b-es",
            "Planes",
            "Tres planes.",
            lang="es",
            translation_of="kb-b",
            updated_at="2026-07-02",
        ),
    )
    (flag,) = found(store, "translation_outdated")
    assert flag.document_id == "kb-a-de" and flag.evidence["days_behind"] == 181
