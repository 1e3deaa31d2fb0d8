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


def _the_one_duplicate(store, older, newer) -> dict:  # type: ignore[no-untyped-def]  # noqa: F811
    """Ingest two articles; the one duplicate flag is on the newer, naming the older."""
    add(store, older, newer)
    flags = found(store, "duplicate")
    assert [(f.document_id, f.evidence["duplicate_of"]) for f in flags] == [
        (newer.external_id, older.external_id)
    ]
    return flags[0].evidence


def test_a_reworded_copy_is_a_duplicate_by_meaning(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    ev = _the_one_duplicate(
        store,
        article("pw-1", "Reset your password", ORIGINAL, updated_at="2026-03-01"),
        article("pw-2", "Forgot your password?", REWORDED, updated_at="2026-09-01"),
    )
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


STEPS = """Some branches have a play corner where our staff look after your children while you shop.

## Booking a slot

1. In the app, go to **Branch > Play corner**.
2. Pick the day and time. You can book up to 3 days ahead.
3. Add your child's name and age, and confirm.

## Good to know

1. Children aged 4 to 9 can come.
2. A visit lasts at most 2 hours.
3. It costs €5 per visit; with Gold it's free.
4. Opening times: Monday to Friday 9:00 to 12:00, Saturday 10:00 to 14:00.
"""
PROSE = """Shopping with little ones is easier when someone keeps them busy. That's why selected
branches have a play corner, a bright room where our team looks after your children.

Kids from 4 up to 9 are welcome for up to two hours at a time. A visit is €5, and on Gold it is
included. The corner is open on weekday mornings from 9:00 to 12:00 and on Saturdays from 10:00
to 14:00.

Reserving takes seconds: open **Branch > Play corner** in the app and choose a time up to three
days in advance.
"""
CITY_A = """Our Lisbon shops are in Alfama, Belém and Parque das Nações. Every shop is open from
9:00 to 20:00, repairs take up to 5 days and a screen check costs €15. Book a visit in
**Shops > Book a visit**.
"""
CITY_B = """Our Porto shops are in Ribeira, Boavista and Matosinhos. Every shop is open from
9:00 to 20:00, repairs take up to 5 days and a screen check costs €15. Book a visit in
**Shops > Book a visit**.
"""


def test_a_rewrite_in_other_words_and_chunks_is_a_duplicate_by_its_facts(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    ev = _the_one_duplicate(
        store,
        article("pc-1", "Play corner", STEPS, updated_at="2026-03-01"),
        article("pc-2", "A play corner while you shop", PROSE, updated_at="2026-09-01"),
    )
    assert ev["matched_by"] == "facts, whole articles"
    assert "Branch > Play corner" in ev["facts"] and ev["passages"]


def test_a_template_with_the_same_facts_naming_other_places_is_not_a_duplicate(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    add(
        store,
        article("city-1", "Our shops in Lisbon", CITY_A),
        article("city-2", "Our shops in Porto", CITY_B),
    )
    assert found(store, "duplicate") == []


def test_a_fact_fingerprint_reads_number_words_and_units() -> None:
    from kb.flags.duplicate_facts import fingerprint, shared_facts

    digits = fingerprint("Plan it within your first 4 weeks. Cancel up to 12 hours before.")
    words_ = fingerprint("Plan it within your first four weeks. Cancel up to twelve hours before.")
    assert set(digits) == set(words_) and len(digits) == 2
    # two shared facts are not enough to call two articles one
    assert shared_facts(digits, words_) == ([], 1.0)
    german = fingerprint("Planen Sie es für die ersten vier Wochen, bis 12 Stunden vorher.")
    assert set(german) & set(digits)
    # two procedures on one screen share its labels; a copy keeps a number as well
    screen = fingerprint("Open **Event details**, set **Recurrence** and **Schedule time zone**.")
    assert shared_facts(screen, screen)[0] == []
    with_value = fingerprint(
        "Open **Event details**, set **Recurrence** and **Schedule time zone** up to 30 days ahead."
    )
    assert len(shared_facts(with_value, with_value)[0]) == 4


def test_weekdays_and_months_are_not_names() -> None:
    assert names("Open from Monday to Friday and on Saturdays in May, at Kreuzberg.") == {
        "kreuzberg"
    }


def test_facts_that_many_articles_state_do_not_make_two_of_them_one() -> None:
    """Read whole, a pair counts only the facts few articles state: a limit every page of a
    template repeats ("up to 50 tags, 128 characters") says nothing about which two are one."""
    import numpy as np

    from kb.flags.corpus import Article
    from kb.flags.duplicate_facts import FactsConfig
    from kb.flags.duplicates_semantic import DocChunks
    from kb.flags.duplicates_whole import WholeFacts

    common = "You can add up to 50 tags, each key up to 128 characters and each value up to 256."
    own = "Exports run every 6 hours, keep 30 days of history and cost €2 per month."

    def page(ext: str, body: str) -> Article:
        return Article(ext, ext, body, "en", None, None, (), None, None, {}, "", "")

    texts = {f"p{i}": f"Service {i} pages. {common}" for i in range(7)}
    texts["x1"], texts["x2"] = f"Exports. {own}", f"Exporting data. {own} {common}"
    wholes = WholeFacts({e: page(e, t) for e, t in texts.items()}, 0.6, 0.34, FactsConfig())
    docs = {e: DocChunks([i], np.ones((1, 4), dtype=np.float32)) for i, e in enumerate(texts)}
    pairs = [("p0", "p1"), ("p2", "p3"), ("x1", "x2")]
    decided = wholes.decide(pairs, docs)
    assert list(decided) == [("x1", "x2")]
    assert sorted(decided["x1", "x2"][2]) == ["2 EUR/month", "30 day", "6 hour"]


POINTER_TARGET = """You can watch Nimbus TV on your phone, tablet or computer with the app.

Sign in with your Nimbus account email and password.
"""
POINTER_SOURCE = """Nimbus TV Max is our biggest package, with sport and films added to your plan.

## What you get

- **Price:** €18 per month, on your usual bill.
- **Channels:** 120, including 4 sports channels, 6 film channels and 40 in HD.
- **Recording:** 200 hours of cloud recording; recordings are kept for 90 days.
- **Screens:** watch on 4 screens at the same time.

## On other devices

You can also watch on your phone, tablet or computer with the app: see
[Watch Nimbus TV on other devices](https://help.example/articles/tv-2-watch-on-other-devices).
"""


def test_a_passage_that_only_points_to_another_article_does_not_copy_it(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from kb.flags.corpus import Article
    from kb.flags.duplicates import DuplicateConfig, _points

    target = Article(
        "tv-2",
        "t",
        POINTER_TARGET,
        "en",
        "https://help.example/articles/tv-2-watch-on-other-devices",
        None,
        (),
        None,
        None,
        {},
        "",
        "",
    )
    pointer = "You can also watch it on your phone: see [other devices](/articles/tv-2-other)."
    assert _points(pointer, target, DuplicateConfig())
    copy = (
        "You can watch on your phone, tablet or computer with the app and sign in with your "
        "account email. More in [other devices](/articles/tv-2-other)."
    )
    assert not _points(copy, target, DuplicateConfig())  # a copy may link to its original
    add(
        store,
        article("tv-1", "Nimbus TV Max", POINTER_SOURCE),
        article("tv-2", "Watch Nimbus TV on other devices", POINTER_TARGET),
    )
    assert found(store, "duplicate") == []
