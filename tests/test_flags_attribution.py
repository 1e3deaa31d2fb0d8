"""A ticket claim is held against the one article it is about, among its nearest articles."""

from __future__ import annotations

from kb.flags.claim_match import Judgement
from kb.flags.contradictions import attribute
from kb.store import KnowledgeBase
from tests.test_flags_signals import add, article, found, store, ticket  # noqa: F401

GENERAL = article(
    "kb-limits",
    "Size and weight limits",
    "The maximum weight for a single parcel is 30 kg. The longest side can be at most 120 cm.",
)
ISLANDS = article(
    "kb-islands",
    "Shipping to the islands",
    "A surcharge of €4 per parcel is added at checkout, and the maximum weight for a parcel "
    "is 20 kg.",
)
CLAIMS = article(
    "kb-claims",
    "Report a damaged parcel",
    "Open a claim in the app. Claims must be opened within 14 days of the delivery date.",
)
CREDIT = article(
    "kb-credit",
    "Compensation for late deliveries",
    "The credit appears within 48 hours of the delivery date and can be used on any label.",
)


def test_a_region_limit_is_not_read_against_the_general_one(store: KnowledgeBase) -> None:  # noqa: F811
    add(
        store,
        GENERAL,
        ISLANDS,
        ticket(
            "T-1",
            "Heavy suitcase",
            "Can I send a 32 kg suitcase?",
            "Yes. The single parcel limit is now 35 kg, and the longest side must still be at "
            "most 120 cm.",
            "2026-10-01T10:00:00Z",
        ),
        ticket(
            "T-2",
            "weight limit",
            "what's the max weight for one parcel?",
            "Since October the maximum weight for a single parcel is 35 kg.",
            "2026-10-05T10:00:00Z",
        ),
    )
    assert [f.document_id for f in found(store, "contradicted_by_tickets")] == ["kb-limits"]


def test_a_rule_another_article_states_is_not_a_contradiction(store: KnowledgeBase) -> None:  # noqa: F811
    add(
        store,
        CLAIMS,
        CREDIT,
        ticket(
            "T-3",
            "Claim rejected",
            "Why was my damage claim rejected? The delivery date was in September.",
            "The claim was opened 20 days after the delivery date, and claims must be opened "
            "within 14 days of the delivery date.",
            "2026-10-01T10:00:00Z",
        ),
    )
    assert found(store, "contradicted_by_tickets") == []


def _judged(strength: int, agreed: dict[tuple[str, str], int] | None = None) -> Judgement:
    item = {"kind": "quantity", "ticket_sentence": "s", "ticket_value": "35 kg"}
    return Judgement(found=[(strength, ("s", "35 kg"), item)], agreed=agreed or {})


def test_attribute_keeps_the_closest_article_and_its_translations() -> None:
    judged = [
        ("general", 0.6, _judged(3)),
        ("general-es", 0.5, _judged(2)),
        ("region", 0.7, _judged(2)),
    ]
    out = attribute(judged, {"general-es": "general"})
    assert sorted(out) == ["general", "general-es"]
    # equally close: the nearer article
    assert sorted(attribute([("a", 0.4, _judged(2)), ("b", 0.6, _judged(2))], {})) == ["b"]


def test_attribute_drops_a_sentence_another_article_confirms() -> None:
    confirms = Judgement(agreed={("s", "quantity"): 2})
    assert attribute([("credit", 0.6, _judged(2)), ("claims", 0.5, confirms)], {}) == {}
    # a confirmation of another kind of value in the sentence says nothing about this one
    other_kind = Judgement(agreed={("s", "price"): 2})
    assert sorted(attribute([("a", 0.6, _judged(2)), ("b", 0.5, other_kind)], {})) == ["a"]
    # a translation of the contradicted article confirming it does not explain it away
    out = attribute([("a", 0.6, _judged(2)), ("a-es", 0.5, confirms)], {"a-es": "a"})
    assert sorted(out) == ["a"]


LOCKERS = article(
    "kb-lockers",
    "Lockers and ski storage",
    "A day locker costs €8.\n\n"
    "New this winter: heated lockers that dry your boots and gloves overnight, €12 a day, at "
    "the foot of the gondola next to the day lockers.",
)


def test_a_value_the_article_states_itself_does_not_contradict_its_other_values(
    store: KnowledgeBase,  # noqa: F811
) -> None:
    """ "A locker costs €8 for the day" restates the day locker's €8; the heated lockers'
    sentence shares more words but states another thing's price."""
    add(
        store,
        LOCKERS,
        ticket(
            "T-9",
            "locker price",
            "How much is a locker for the day at the gondola?",
            "For the day, a locker at the foot of the gondola costs €8.",
            "2026-10-01T10:00:00Z",
        ),
        ticket(
            "T-10",
            "locker price",
            "How much is a heated locker at the gondola?",
            "A heated locker for boots and gloves now costs €15 a day at the gondola.",
            "2026-10-02T10:00:00Z",
        ),
    )
    (flag,) = found(store, "contradicted_by_tickets")
    assert [i["ticket_id"] for i in flag.evidence["items"]] == ["T-10"]


def test_an_age_is_not_a_duration() -> None:
    from kb.flags.claims import extract_claims

    ages = (
        "Your 7-year-old needs a child pass.",
        "Mein Sohn ist 5 Jahre alt.",
        "Children aged 2 years and up ride free.",
        "A 6-month-old baby",
    )
    for text in ages:
        assert [c for c in extract_claims(text) if c.kind == "duration"] == [], text
    assert [c.value for c in extract_claims("Refunds take 7 days.")] == ["7 day"]


def test_a_sentence_with_nothing_specific_is_about_its_articles_title() -> None:
    """A sentence like "Your order has to be over £150." names only a word every page uses:
    it is about the article's subject, so a ticket on instalments saying £100 contradicts it,
    and one on delivery fees does not. A sentence with another value ("One week: €35") is
    not."""
    from datetime import UTC, datetime

    from kb.flags.claim_match import judge, sides_of
    from kb.flags.corpus import Article, Ticket

    def page(title: str, body: str) -> Article:
        return Article("a", title, body, "en", None, None, (), None, None, {}, "", "")

    def reply(text: str) -> Ticket:
        return Ticket("T-1", "question", "", text, datetime(2026, 10, 1, tzinfo=UTC), "en")

    def values(art: Article, text: str) -> list[str]:
        t = reply(text)
        weak = {"order", "pay", "week"}
        found = judge(art, t, sides_of(art.body), sides_of(t.resolution), weak).found
        return [item["ticket_value"] for _, _, item in found]

    spread = page("Pay in instalments", "Spread the cost. Your order has to be over £150.")
    instalments = "Your order needs to be over a hundred pounds to pay in 3 instalments."
    assert values(spread, instalments) == ["100 GBP/"]
    assert values(spread, "Delivery of your order is £100 for the crate.") == []
    lockers = page("Lockers", "One week: €35.")
    assert values(lockers, "The new heated lockers cost €12 at the gondola.") == []
