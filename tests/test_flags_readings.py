"""How a ticket's words are read against an article: a value said not to hold, counted
things named with a modifier, table rows, a control the customer asked for by name, the
customer's own values in German, and German paraphrases among duplicates."""

from __future__ import annotations

from dataclasses import replace

from kb.flags.claim_compare import comparable, conflicts
from kb.flags.claims import extract_claims
from kb.flags.duplicates_semantic import facts_agree
from kb.store import KnowledgeBase
from tests.test_flags_signals import add, article, found, store, ticket  # noqa: F401

REPAIRS = article(
    "kb-repairs",
    "Repairs and servicing",
    "On the **Bike** tab, tap **Report a problem**. A mechanic visits within 48 hours on "
    "working days, at home or at your workplace.",
)


def test_a_value_said_not_to_hold_is_not_an_agreement(store: KnowledgeBase) -> None:  # noqa: F811
    """ "now 3 working days, not 48 hours": the 48 hours is the old value, not a confirmation
    that would outweigh the new one (the old rule read the sentence as agreeing)."""
    add(
        store,
        REPAIRS,
        ticket(
            "T-1",
            "Mechanic hasn't come",
            "I reported a broken brake on Monday and nobody came. When will the mechanic come?",
            "Sorry for the wait. Our target for a mechanic visit is now 3 working days, not 48 "
            "hours. Your visit is booked for Thursday.",
            "2026-10-06T12:00:00Z",
        ),
    )
    (flag,) = found(store, "contradicted_by_tickets")
    item = flag.evidence["items"][0]
    assert (item["article_value"], item["ticket_value"]) == ("48 hour", "3 day")
    (claim,) = [c for c in extract_claims("It is 3 days, not 48 hours.") if c.value == "48 hour"]
    assert claim.qualifier == "not"


def test_counted_things_match_through_their_modifiers() -> None:
    (article_claim,) = extract_claims("Up to 4 swaps per month are included in the Power plan.")
    (ticket_claim,) = extract_claims("The Power plan includes up to eight battery swaps a month.")
    assert comparable(article_claim, ticket_claim) and conflicts(article_claim, ticket_claim)
    (other,) = extract_claims("Up to 8 battery chargers can be booked.")
    assert not comparable(article_claim, other)


def test_a_value_in_a_table_row_is_about_its_row(store: KnowledgeBase) -> None:  # noqa: F811
    """The row's first cell names what the price is for, beyond the words next to it."""
    add(
        store,
        article(
            "kb-plans",
            "Plans and prices",
            "Two plans, both with maintenance.\n\n| plan | bike | price |\n|---|---|---|\n"
            "| Original | city bike, 7 gears | €19.90 per month |\n"
            "| Power | e-bike with a large 500 Wh battery pack | €59 per month |\n",
        ),
        ticket(
            "T-2",
            "Power plan price",
            "what does Power cost a month?",
            "The Power plan is €64 per month, maintenance and theft cover included.",
            "2026-11-02T14:30:00Z",
        ),
    )
    (flag,) = found(store, "contradicted_by_tickets")
    assert flag.evidence["items"][0]["article_value"] == "59 EUR/month"
    assert flag.evidence["items"][0]["article_sentence"].startswith("plan: Power | bike:")


def test_a_control_the_customer_named_and_the_reply_says_changed(store: KnowledgeBase) -> None:  # noqa: F811
    """The customer names the old button and the old menu; the reply says it changed and
    gives the new one, in other sentences, without repeating the old names."""
    add(
        store,
        article(
            "kb-return",
            "Return your bike",
            "When your subscription ends we collect the bike. Open the **Bike** tab and tap "
            "**Schedule pickup**, then choose a two-hour slot.",
        ),
        article(
            "kb-pay",
            "Payment methods",
            "To add a card, go to **Account > Payment methods** and tap **Add**.",
        ),
        article(
            "kb-pause",
            "Pause your subscription",
            "You can pause your subscription for up to 2 months a year when it ends its term.",
        ),
        ticket(
            "T-3",
            "No Schedule pickup button",
            "my subscription ends friday but i cant find the schedule pickup button",
            "Sorry for the confusion: in app 4.2 that button was renamed. On the Bike tab tap "
            "**Book collection** and choose your slot.",
            "2026-11-05T18:25:00Z",
        ),
        ticket(
            "T-4",
            "Can't find Payment methods",
            "I want to add a new card but there's no Payment methods under Account anymore.",
            "In the new app the payment settings moved: go to **Profile > Wallet** and tap "
            "**Add**.",
            "2026-10-25T15:10:00Z",
        ),
    )
    kinds = {
        f.document_id: f.evidence["items"][0]["kind"]
        for f in found(store, "contradicted_by_tickets")
    }
    assert kinds == {"kb-return": "label", "kb-pay": "path"}


def test_a_german_customer_value_before_a_final_verb_is_theirs(store: KnowledgeBase) -> None:  # noqa: F811
    add(
        store,
        article(
            "kb-akku",
            "Akku laden",
            "Ein leerer Akku ist nach etwa 4 Stunden voll geladen.",
            lang="de",
        ),
        ticket(
            "T-5",
            "Akku wird nicht voll",
            "Mein Akku hängt seit 7 Stunden am Ladegerät und ist nicht voll.",
            "Da dein Akku nach 7 Stunden noch nicht voll war, tauschen wir ihn kostenlos aus.",
            "2026-11-10T10:00:00Z",
        ),
    )
    assert found(store, "contradicted_by_tickets") == []


def test_german_paraphrase_agrees_and_a_german_template_pair_does_not() -> None:
    """German capitalises every noun: a paraphrase's other nouns ("Manometer" for
    "Druckanzeige") are not other names; a template filled in for two cities still is."""
    one = (
        "Kontrolliere den Druck alle 14 Tage. Für jedes Veloma-Rad gelten 3,5 bis 4,5 bar. Du "
        "brauchst eine Pumpe mit Druckanzeige und einem Aufsatz für Sclaverand-Ventile."
    )
    two = (
        "Prüfe den Druck alle zwei Wochen. Bei allen Veloma-Rädern sind es 3,5 bis 4,5 bar. "
        "Benutze eine Pumpe mit Manometer und Sclaverand-Ventil-Aufsatz."
    )
    assert facts_agree(one, two, lang="de")[0]
    assert not facts_agree(one, two, lang="en")[0]  # capitalised words read as names
    berlin = (
        "In Berlin liefern wir montags bis samstags. Die Stationen in Mitte und Kreuzberg "
        "sind rund um die Uhr offen."
    )
    hamburg = (
        "In Hamburg liefern wir montags bis samstags. Die Stationen in Altona und Eimsbüttel "
        "sind rund um die Uhr offen."
    )
    assert not facts_agree(berlin, hamburg, lang="de")[0]


def test_an_agreement_on_one_kind_of_value_leaves_another_kind_contradicted(
    store: KnowledgeBase,  # noqa: F811
) -> None:
    """The ticket repeats the article's 70% but not its 10 years: the agreement on the
    percentage said nothing about the warranty's length (the old rule let it cancel it)."""
    add(
        store,
        article(
            "kb-warranty",
            "Battery warranty",
            "Your home battery comes with a 10-year warranty, with at least 70% of its capacity "
            "guaranteed over that time.",
        ),
        ticket(
            "T-6",
            "Battery warranty length",
            "How many years is the battery warranty?",
            "Batteries installed since July come with a 12-year warranty, with at least 70% of "
            "the capacity guaranteed over that time.",
            "2026-10-10T10:00:00Z",
        ),
    )
    (flag,) = found(store, "contradicted_by_tickets")
    assert flag.evidence["items"][0]["ticket_value"] == "12 year"


def test_a_price_takes_its_period_from_the_words_before_it() -> None:
    (fee,) = extract_claims("Plan: Plus | Monthly fee: €69")
    (price,) = extract_claims("The Plus plan costs €74 per month.")
    assert fee.unit == "EUR/month" and comparable(fee, price) and conflicts(fee, price)
    (german,) = extract_claims("Die monatliche Gebühr beträgt 19 €.")
    assert german.unit == "EUR/month"


def test_number_words_up_to_999_in_every_language_claims_read() -> None:
    read = {
        "La tarifa es de doscientos cuarenta y nueve euros.": "249 EUR/",
        "Il costo è di trecentocinquanta euro.": "350 EUR/",
        "The fee is two hundred and fifty dollars.": "250 USD/",
        "Die Gebühr beträgt zweihundertfünfzig Euro.": "250 EUR/",
        "A taxa é de duzentos e cinquenta euros.": "250 EUR/",
        "Les frais sont de trois cent vingt euros.": "320 EUR/",
        "La garanzia dura dodici anni.": "12 year",
        "Il collegamento richiede sei settimane.": "6 week",
    }
    for sentence, value in read.items():
        assert [c.value for c in extract_claims(sentence)] == [value], sentence
    # English words that are Italian numbers stay words
    assert extract_claims("The fee is due each month.") == []


def test_a_renamed_button_the_customer_named_in_a_short_article_sentence(
    store: KnowledgeBase,  # noqa: F811
) -> None:
    """The article's sentence is only "Tap Export CSV."; the reply says the button is now
    called something else: the change cue in that sentence is enough."""
    add(
        store,
        article(
            "kb-export",
            "Export your production data",
            "In the app, open **Energy > History**.\n\nTap **Export CSV**.\n\nThe file has one "
            "line per day.",
        ),
        ticket(
            "T-7",
            "Export button gone",
            "My accountant needs a CSV of my production but the Export CSV button is gone.",
            "Sorry about that: since the November update the button is called **Download "
            "data**. It's at the bottom of Energy > History.",
            "2026-11-10T10:00:00Z",
        ),
    )
    (flag,) = found(store, "contradicted_by_tickets")
    assert flag.evidence["items"][0]["ticket_value"] == "Download data"


def test_questions_about_an_article_tickets_contradict_are_not_a_gap(
    store: KnowledgeBase,  # noqa: F811
) -> None:
    """Customers ask the price; the article's price is out of date, so the answer check
    finds no answer — but a ticket in the cluster contradicts that very article: the
    cluster is its evidence, not a missing article."""
    from kb.flags import ScanConfig
    from kb.flags.gaps import GapConfig
    from kb.flags.scan import detect
    from tests.test_flags_answer_check import FixedCheck
    from tests.test_flags_signals import NOW
    from tests.test_flags_usage import _ask

    add(
        store,
        article("kb-price", "Plans and prices", "The Plus plan costs **€69 per month**."),
        ticket(
            "T-8",
            "Plus plan price",
            "how much is the plus plan a month?",
            "Since October the Plus plan costs €74 per month.",
            "2026-10-20T10:00:00Z",
        ),
    )
    _ask(store, "how much is the Plus plan per month", days_ago=3)
    _ask(store, "what does Plus cost monthly?", days_ago=4)
    cfg = ScanConfig(
        now=NOW,
        gaps=GapConfig(cover_threshold=1.01, cluster_threshold=0.0),  # one cluster of all three
        answer_check=FixedCheck(answered=False, article_id="kb-price"),
    )
    summary = detect(store, cfg, reasons=["missing_article", "contradicted_by_tickets"])
    reasons = sorted(f.reason for f in summary.findings)
    assert reasons == ["contradicted_by_tickets"]
    (flag,) = summary.findings
    assert "how much is the Plus plan per month" in flag.evidence["answered_questions"]
    # checked against another article, the cluster stays a gap
    cfg = replace(cfg, answer_check=FixedCheck(answered=False, article_id="kb-other"))
    summary = detect(store, cfg, reasons=["missing_article", "contradicted_by_tickets"])
    assert sorted(f.reason for f in summary.findings) == [
        "contradicted_by_tickets",
        "missing_article",
    ]


def test_a_paraphrase_in_portuguese_shares_its_facts_below_the_cosine(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Below the meaning cosine (here set above what the pair scores), the same figures and
    labels let a paraphrase through; an article on another subject does not share them."""
    from kb.embedders.factory import get_embedder
    from kb.flags.corpus import articles
    from kb.flags.duplicate_facts import FactsConfig
    from kb.flags.duplicates import DuplicateConfig, find_duplicates
    from kb.flags.duplicates_semantic import MeaningConfig, fact_marks, share_facts

    one = (
        "Para usar um código de desconto, abra **Conta > Créditos e códigos** e toque em "
        "**Aplicar**. Só pode usar 1 código por caixa e o código não se soma ao desconto de "
        "boas-vindas de 30%. Os créditos valem 12 meses."
    )
    two = (
        "Tem um código promocional? Vá a **Conta > Créditos e códigos**, escreva-o e carregue "
        "em **Aplicar**. Cada caixa aceita apenas 1 código, que não acumula com os 30% de "
        "boas-vindas; os créditos expiram ao fim de 12 meses."
    )
    other = (
        "Para pausar as entregas, abra **Conta > Entregas** e toque em **Pausar**. Pode pausar "
        "até 4 semanas seguidas e deve fazê-lo 5 dias antes da entrega."
    )
    assert share_facts(fact_marks(one), fact_marks(two), MeaningConfig())
    assert not share_facts(fact_marks(one), fact_marks(other), MeaningConfig())
    kb = KnowledgeBase(tmp_path / "use", get_embedder("use-multilingual"))
    try:
        add(
            kb,
            article("pt-codes", "Códigos de desconto", one, lang="pt"),
            article(
                "pt-promo", "Usar um código promocional", two, lang="pt", updated_at="2026-07-01"
            ),
            article("pt-pause", "Pausar as entregas", other, lang="pt"),
        )
        by_id = {a.external_id: a for a in articles(kb)}
        strict = MeaningConfig(article_cosine=0.99, chunk_cosine=0.99)
        result = find_duplicates(kb, by_id, cfg=DuplicateConfig(meaning=strict))
        assert [(f.subject, f.evidence["matched_by"]) for f in result.findings] == [
            ("duplicate:pt-codes|pt-promo", "meaning and facts")
        ]
        no_facts = DuplicateConfig(
            meaning=replace(strict, min_shared_facts=99), whole_facts=FactsConfig(min_shared=99)
        )
        assert find_duplicates(kb, by_id, cfg=no_facts).findings == []
    finally:
        kb.database.close()


def test_two_short_articles_that_split_into_other_chunks_are_compared_whole() -> None:
    """A paraphrase that regroups its sections: no chunk pair reaches the cosine, the two
    articles' mean vectors do; a long article is never compared whole."""
    import numpy as np

    from kb.flags.duplicates_semantic import DocChunks
    from kb.flags.duplicates_whole import short_wholes

    def unit(*v: float) -> np.ndarray:
        x = np.asarray(v, dtype=np.float32)
        return x / np.linalg.norm(x)

    # a says x then y in two chunks; b says both in one
    a = DocChunks([1, 2], np.stack([unit(1, 0, 0), unit(0, 1, 0)]))
    b = DocChunks([9], np.stack([unit(1, 1, 0.1)]))
    assert float((a.vectors @ b.vectors.T).max()) < 0.8
    hits = short_wholes(a, b, 0.8, 3)
    assert [h[:2] for h in hits] == [(1, 9)]  # (a's chunk, b's chunk), in the pair's order
    far = DocChunks([9], np.stack([unit(0, 0.2, 1)]))
    assert short_wholes(a, far, 0.8, 3) == []
    long_ = DocChunks([1, 2, 3, 4], np.stack([unit(1, 0.3, 0)] * 4))
    assert short_wholes(long_, b, 0.8, 3) == []
