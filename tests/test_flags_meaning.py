"""Duplicates by meaning: reworded copies are found, template siblings and translations not."""

from __future__ import annotations

from kb.flags.duplicates import DuplicateConfig
from kb.flags.duplicates_semantic import facts_agree, names
from tests.test_flags_signals import NOW, add, article, found, store  # noqa: F401

ORIGINAL = """Forgot your password? You can set a new one from the sign-in page.

## Reset it by email

Click **Forgot password** on the sign-in page and enter the email address of your account. We
send you a reset link that works for 60 minutes. Open it, choose a new password and sign in.

If the email doesn't arrive within a few minutes, check your spam folder and make sure you used
the address your account was created with.
"""
REWORDED = """Can't remember your password? A new one can be set from the sign-in screen.

## Resetting by email

On the sign-in screen, choose **Forgot password** and type the email address your account uses.
You will receive a reset link that stays valid for 60 minutes. Follow it, pick a new password
and log in.

When no email shows up after a few minutes, look in your spam folder and check that you typed
the address the account was created with.
"""
SIBLING_A = """We deliver to the Canal Islands with Standard service only.

Delivery to the Canal Islands takes 3-5 business days. A surcharge of 4 EUR per parcel is added at
checkout and the maximum weight is 20 kg. Express is not available there.
"""
SIBLING_B = """We deliver to the Lake Islands with Standard service only.

Delivery to the Lake Islands takes 6-9 business days. A surcharge of 9 EUR per parcel is added at
checkout and the maximum weight is 15 kg. Express is not available there.
"""


def test_a_reworded_copy_is_a_duplicate_by_meaning(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    add(
        store,
        article("pw-1", "Reset your password", ORIGINAL, updated_at="2026-03-01"),
        article("pw-2", "Forgot your password?", REWORDED, updated_at="2026-09-01"),
    )
    flags = found(store, "duplicate")
    assert [(f.document_id, f.evidence["duplicate_of"]) for f in flags] == [("pw-2", "pw-1")]
    ev = flags[0].evidence
    assert ev["matched_by"] == "meaning"
    assert ev["passages"] and {"this", "other", "similarity"} <= set(ev["passages"][0])
    # word 3-grams alone miss it: this is what the meaning pass adds
    wording_only = DuplicateConfig(by_meaning=False)
    assert found(store, "duplicate", duplicates=wording_only) == []


def test_template_siblings_with_other_facts_are_not_duplicates(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    add(
        store,
        article("isl-1", "Shipping to the Canal Islands", SIBLING_A),
        article("isl-2", "Shipping to the Lake Islands", SIBLING_B),
    )
    assert found(store, "duplicate") == []


def test_a_translation_is_never_a_duplicate(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    add(
        store,
        article("pw-1", "Reset your password", ORIGINAL),
        article("pw-1-gb", "Reset your password", REWORDED, translation_of="pw-1"),
    )
    assert found(store, "duplicate") == []


def test_facts_agree_reads_numbers_units_and_names() -> None:
    assert facts_agree("The link works for 60 minutes.", "The link stays valid for one hour.")[0]
    disagree, why = facts_agree(
        "Delivery takes 3-5 business days.", "Delivery takes 6-9 business days."
    )
    assert not disagree and "3-5" in why
    disagree, why = facts_agree(
        "You can connect Google calendars here.", "You can connect Outlook calendars here."
    )
    assert not disagree and "google" in why
    assert names("Open the app. Then tap Track on the Parcelio screen.") == {"track", "parcelio"}


def test_recheck_of_one_article_finds_its_reworded_copy(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from kb.flags import ScanConfig
    from kb.flags.scan import detect

    add(
        store,
        article("pw-1", "Reset your password", ORIGINAL, updated_at="2026-03-01"),
        article("pw-2", "Forgot your password?", REWORDED, updated_at="2026-09-01"),
    )
    cfg = ScanConfig(now=NOW)
    summary = detect(store, cfg, only=["pw-1"], reasons=["duplicate"])
    assert [f.subject for f in summary.findings] == ["duplicate:pw-1|pw-2"]
