"""The contradiction window is relative to the article's last edit, not a fixed cliff."""

from __future__ import annotations

from pathlib import Path

from kb.flags import ScanConfig
from kb.flags.contradictions import ContradictionConfig
from tests.test_flags_signals import add, article, found, store, ticket  # noqa: F401

PICKUP = (
    "You can have a courier collect your parcel. You can book a pickup up to 14 days in "
    "advance from the delivery options screen."
)


def _old_article_and_ticket(kb, resolved: str) -> None:  # type: ignore[no-untyped-def]
    add(
        kb,
        article("pickup", "Schedule a courier pickup", PICKUP, updated_at="2025-03-10"),
        ticket(
            "t-old",
            "Pickup three weeks ahead",
            "Can I book a courier pickup three weeks ahead? I read 14 days somewhere.",
            "Yes: since the June update you can book a courier pickup up to 30 days in advance.",
            resolved,
        ),
    )


def test_old_ticket_about_an_article_never_edited_since_counts(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _old_article_and_ticket(store, "2025-07-02T09:30:00Z")  # ~16 months before NOW
    flags = found(store, "contradicted_by_tickets")
    assert [f.document_id for f in flags] == ["pickup"]
    assert flags[0].evidence["article_updated_at"] == "2025-03-10"
    assert flags[0].evidence["since"] == "2025-07-02"


def test_an_age_cap_is_an_explicit_setting(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _old_article_and_ticket(store, "2025-07-02T09:30:00Z")
    capped = ContradictionConfig(max_age_days=180)
    assert found(store, "contradicted_by_tickets", contradictions=capped) == []


def test_ticket_resolved_before_the_last_edit_never_counts(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _old_article_and_ticket(store, "2025-02-01T09:30:00Z")
    assert found(store, "contradicted_by_tickets") == []


def test_undated_article_uses_its_own_window(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _old_article_and_ticket(store, "2025-07-02T09:30:00Z")
    add(store, article("pickup", "Schedule a courier pickup", PICKUP, updated_at=None))
    assert found(store, "contradicted_by_tickets") == []  # 16 months > the 365-day default
    wide = ContradictionConfig(undated_window_days=730)
    assert len(found(store, "contradicted_by_tickets", contradictions=wide)) == 1


def test_for_store_carries_the_cap(tmp_path: Path) -> None:
    cfg = ScanConfig.for_store(tmp_path, ticket_max_age_days=90)
    assert cfg.contradictions.max_age_days == 90
    assert ScanConfig.for_store(tmp_path).contradictions.max_age_days is None
