"""Which names tell two articles apart, read whole: the ones each is about (written twice, or
in its body and its title), never the help center's own name nor one written in passing."""

from __future__ import annotations

from kb.flags.duplicates_semantic import names
from kb.flags.duplicates_whole import own_names, subject_names
from kb.models import Document
from kb.storage.catalog_flags import Article
from kb.store import KnowledgeBase
from tests.test_flags_meaning import _the_one_duplicate
from tests.test_flags_signals import add, article, found, store  # noqa: F401

PAYMENTS = """When you book, we place a temporary hold on your card. It isn't a payment.

## How much is held

- £150 for each trip, on Flex and on the yearly plan.
- £300 if you joined less than 30 days ago, or if the van is one of our 9-seaters.

## When the hold is released

We release the hold once the trip is paid, usually minutes after you end it. Your bank can
take 3 to 5 working days to show the money as available again.
"""
BRAND_REWRITE = """Seen a pending amount from Vanlo in your banking app right after booking?
That's a hold, not a charge, and it goes away on its own.

Each time you book we reserve £150 on your card, whichever plan you're on. If you're new to
Vanlo (a member for under 30 days), or you've booked a 9-seater, we reserve £300 instead.

As soon as your trip is paid for we let the hold go. Some banks take 3 to 5 working days
before the amount is back in your balance; that part is up to them, not to Vanlo.

The payments team's page has the same rules: [Deposits and card holds](https://help.vanlo.example/articles/dep).
"""


def _page(ext: str, title: str, body: str) -> Article:
    url = f"https://help.vanlo.example/articles/{ext}"
    return Article(ext, title, body, "en", url, None, (), None, None, {}, "", "")


def test_the_names_an_article_is_about() -> None:
    pages = [
        _page("dep", "Deposits and card holds", PAYMENTS),
        _page("why", "Holds", BRAND_REWRITE),
    ]
    own = own_names(pages)
    assert "vanlo" in own  # the help center's host: every page may name it
    assert names(PAYMENTS) == {"flex"} and subject_names(pages[0], own) == set()  # in passing
    assert subject_names(pages[1], own) == set()  # the brand twice, a link's title once
    city = _page("ldn", "Home zone London", "Park in London's bays. Our London zone is big.")
    assert subject_names(city, own) == {"london"}
    titled = _page("gc", "Connect Google Calendar", "Link it to Google once.")
    assert subject_names(titled, own) == {"google"}


def test_month_abbreviations_are_not_names() -> None:
    assert names("Order by 16 Dec for delivery, or by 2 Jan with Express.") == {"express"}


def _on_vanlo(ext: str, title: str, body: str, updated_at: str) -> Document:
    url = f"https://help.vanlo.example/articles/{ext}"
    return Document(
        external_id=ext, title=title, body=body, url=url, lang="en", updated_at=updated_at
    )


def test_a_brand_teams_rewrite_naming_the_brand_is_a_duplicate(store: KnowledgeBase) -> None:  # noqa: F811
    """The original names its Flex plan twice, the rewrite the brand twice: read as subjects,
    "they name different things" — unless the brand is known for the help center's own name."""
    original = PAYMENTS + "\nOn Flex, the hold is taken again for each extension of a trip.\n"
    ev = _the_one_duplicate(
        store,
        _on_vanlo("dep", "Deposits and card holds", original, "2026-02-10"),
        _on_vanlo("why", "Why we hold money on your card", BRAND_REWRITE, "2026-10-22"),
    )
    assert "150 GBP" in ev["facts"] and "300 GBP" in ev["facts"]


def test_a_name_both_write_once_in_passing_does_not_part_them(store: KnowledgeBase) -> None:  # noqa: F811
    ev = _the_one_duplicate(
        store,
        article("dep", "Deposits and card holds", PAYMENTS, updated_at="2026-02-10"),
        article("why", "Why we hold money on your card", BRAND_REWRITE, updated_at="2026-10-22"),
    )
    assert ev["matched_by"] == "facts, whole articles"
