"""duplicate, the copy left behind: an older version of an article, never deleted, said in
the same words but with values that drifted. It is flagged (on the older copy) only when one
of the two is past its review date and the other is not; the same wording with other values
on pages kept up together is a template filled in twice, and stays unflagged."""

from __future__ import annotations

from kb.flags.review import ReviewPolicy
from kb.store import KnowledgeBase
from tests.test_flags_signals import add, article, found, store  # noqa: F401

REFUNDS = """If an event is cancelled, you get your money back automatically.

## How the refund works

We refund the ticket price and the service fee to the card you paid with. The money
reaches your account within {days} working days of the cancellation.

## Gift card instead

You can choose credit on a gift card instead. The credit is valid for {months} months and
can be used for any event on the site.

## Parking and extras

Parking passes and other extras bought with the tickets are refunded in the same payment.
"""

CITY = """Our {city} home zone covers the centre and the airport.

## Where to park

Park in any {city} bay marked with our logo. Ending a trip outside the {city} zone costs a
relocation fee of {fee} EUR.

## Airport

At the {city} airport, park on level 0 of car park P2. An airport surcharge of {fee} EUR
applies to every trip that ends there.
"""


def _refunds(ext: str, updated_at: str, days: int, months: int):  # type: ignore[no-untyped-def]
    body = REFUNDS.format(days=days, months=months)
    return article(ext, "Refunds for cancelled events", body, updated_at=updated_at)


def test_an_older_copy_whose_values_drifted_is_flagged_on_the_old_copy(
    store: KnowledgeBase,  # noqa: F811
) -> None:
    add(store, _refunds("ref-old", "2025-03-11", 10, 6), _refunds("ref", "2026-10-02", 14, 12))
    flags = found(store, "duplicate")
    assert [(f.document_id, f.evidence["duplicate_of"]) for f in flags] == [("ref-old", "ref")]
    ev = flags[0].evidence
    assert ev["matched_by"] == "wording, values drifted"
    assert "10" in ev["facts"] and "14" in ev["facts"]  # the values that drifted, named
    assert "last edited 2025-03-11" in ev["summary"]
    assert ev["passages"] and {"this", "other"} <= set(ev["passages"][0])


def test_the_same_pair_kept_up_together_is_not_a_duplicate(store: KnowledgeBase) -> None:  # noqa: F811
    """Neither copy is past its review date: nothing says one was left behind."""
    add(store, _refunds("ref-a", "2026-09-01", 10, 6), _refunds("ref-b", "2026-10-02", 14, 12))
    assert found(store, "duplicate") == []
    # and with no review rule at all, an old copy is not told from a template either
    add(store, _refunds("ref-a", "2025-03-11", 10, 6))
    assert found(store, "duplicate", review=ReviewPolicy(default_days=None)) == []


def test_a_template_for_another_city_is_not_a_copy_left_behind(store: KnowledgeBase) -> None:  # noqa: F811
    berlin = CITY.format(city="Berlin", fee=9)
    munich = CITY.format(city="Munich", fee=12)
    add(
        store,
        article("zone-b", "Home zone Berlin", berlin, updated_at="2025-02-01"),
        article("zone-m", "Home zone Munich", munich, updated_at="2026-10-01"),
    )
    assert found(store, "duplicate") == []
