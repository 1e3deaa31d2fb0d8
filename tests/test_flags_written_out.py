"""Facts written out in other forms: a price table whose billing period is in its heading or
header, a price in pounds spelt out, a menu path written as labels chained by "then", a
control named plainly after "tap", a path that stops at its first lowercase word, and
request words that tie no questions into a gap."""

from __future__ import annotations

from kb.flags.claim_compare import comparable, conflicts
from kb.flags.claim_match import sides_of
from kb.flags.claims import extract_claims
from kb.flags.duplicate_facts import shared_facts
from kb.flags.gaps import GapConfig, find_gaps
from kb.store import KnowledgeBase
from tests.test_flags_answer_check import FixedCheck
from tests.test_flags_signals import NOW, add, article, found, store, ticket  # noqa: F401
from tests.test_flags_usage import _ask

PRICES = (
    "Two memberships.\n\n## Price per month\n\n| Plan | Price |\n|---|---|\n"
    "| Flex | £189 |\n| Resident | £349 |\n"
)


def test_a_price_in_a_table_takes_its_period_from_the_heading() -> None:
    (flex, resident) = [side.claims[0] for side in sides_of(PRICES)]
    assert (flex.unit, resident.value) == ("GBP/month", "349 GBP/month")
    (spelt,) = [
        c for c in extract_claims("Resident is three hundred and seventy-nine pounds a month.")
    ]
    assert spelt.value == "379 GBP/month"
    assert comparable(resident, spelt) and conflicts(resident, spelt)


def test_an_empty_top_left_header_cell_still_names_the_columns() -> None:
    """ "| | Per month |": the row's first cell names it, the header the value's period."""
    (row,) = sides_of("Prices.\n\n| | Per month |\n|---|---|\n| Resident | £349 |\n")
    assert row.sentence.text == "Resident | Per month: £349"
    assert row.claims[0].unit == "GBP/month"


def test_labels_chained_by_then_are_a_menu_path() -> None:
    kinds = [(c.kind, c.value) for c in extract_claims("Tap **Documents**, then **Certificate**.")]
    assert ("path", "Documents > Certificate") in kinds
    assert ("label", "Certificate") in kinds  # still a label: a rename of it is still read
    (spanish,) = [
        c for c in extract_claims("Pulsa **Cuenta** y luego **Perfil**.") if c.kind == "path"
    ]
    assert spanish.value == "Cuenta > Perfil"
    assert [c.kind for c in extract_claims("Tap **Download PDF**, or **Share**.")] == [
        "label",
        "label",
    ]


def test_a_path_moved_away_from_chained_labels_is_a_contradiction(store: KnowledgeBase) -> None:  # noqa: F811
    add(
        store,
        article(
            "kb-cert",
            "Download a vaccination certificate",
            "1. Tap **Pets** and choose the pet.\n2. Tap **Documents**, then **Vaccination "
            "certificate**.\n3. Tap **Download PDF**.",
        ),
        ticket(
            "T-1",
            "Where is the certificate?",
            "I can't find the vaccination certificate under Documents.",
            "Sorry about that: with app version 5.0 the certificate moved. You'll now find it "
            "under **Health > Vaccinations > Certificate**.",
            "2026-10-19T09:50:00Z",
        ),
    )
    (flag,) = found(store, "contradicted_by_tickets")
    item = flag.evidence["items"][0]
    assert item["article_value"] == "Documents > Vaccination certificate"
    assert item["ticket_value"] == "Health > Vaccinations > Certificate"


def test_a_control_named_plainly_after_tap_is_a_label() -> None:
    claims = extract_claims("Since version 6.2 the button is called Add visitor: tap Add visitor.")
    assert [(c.kind, c.value) for c in claims if c.kind == "label"] == [("label", "Add visitor")]
    assert not [
        c for c in extract_claims("In Paris we open at 8 and close at 6.") if c.kind == "label"
    ]


def test_a_path_written_without_bold_matches_its_longer_copy() -> None:
    """ "Guests > Wi-Fi code" written plainly is read as "Guests > Wi-Fi": the same path."""
    steps = {"path:guest wi fi cod": "Guests > Wi-Fi code", "duration:1440-1440:time": "24 hour",
             "quantity:1-1:gbit": "1 gbit", "label:certificat": "Certificate"}  # fmt: skip
    faq = {"path:guest wi fi": "Guests > Wi-Fi", "duration:1440-1440:time": "24 hour",
           "quantity:1-1:gbit": "1 gbit"}  # fmt: skip
    common, share = shared_facts(faq, steps)
    assert len(common) == 3 and share == 1.0
    elsewhere = {**faq, "path:guest wi fi": "Guests > Invite"}
    elsewhere["path:guest invit"] = elsewhere.pop("path:guest wi fi")
    assert shared_facts(elsewhere, steps)[0] == []  # two facts only: another screen


def test_request_words_and_weeks_group_no_gap(store: KnowledgeBase) -> None:  # noqa: F811
    """Three unrelated questions share only "puedo" (can I) or "Woche" (week), words the
    help center never uses: no gap (they grouped one before)."""
    add(store, article("kb-pay", "Pagos", "Aceptamos tarjeta y transferencia.", lang="es"))
    for n, question in enumerate(
        [
            "¿Puedo pagar a plazos la operación?",
            "¿Cuándo puedo recoger a mi perra después de la esterilización?",
            "¿Puedo llevar a mi gato al hotel de mascotas?",
            "Letzte Woche war die Tierärztin bei uns zu Hause.",
            "Nächste Woche hat unser Beagle eine Zahnreinigung.",
            "Wann kommt der Befund? Schon eine Woche her.",
        ]
    ):
        _ask(store, question, days_ago=n + 1)
    cfg = GapConfig(cover_threshold=1.01, cluster_threshold=0.0)  # words decide, not cosine
    result = find_gaps(store, now=NOW, cfg=cfg, checker=FixedCheck(answered=False))
    words = [f.evidence["words_no_article_uses"] for f in result.findings]
    assert not any({"puedo", "woch"} & set(w) for w in words)


def test_a_bold_label_written_plainly_in_the_copy_is_shared() -> None:
    """Steps set **Account > Profile** and **Account**; the FAQ writes "tap Account and then
    Profile" plainly. Those labels complete a match of two facts, never one of a single fact
    (a one-step article and a broad guide that has the step name the same controls)."""
    steps = {"path:account profil": "Account > Profile", "quantity:4-4:digit": "4 digit",
             "label:account number": "Account number", "quantity:9-9:char": "9 char"}  # fmt: skip
    faq = {"path:account profil": "Account > Profile", "quantity:4-4:digit": "4 digit",
           "quantity:2-2:letter": "2 letter", "quantity:3-3:plac": "3 plac"}  # fmt: skip
    faq_text = "Your account number is under Account > Profile: tap Account number to copy it."
    assert shared_facts(faq, steps)[0] == []  # two facts: not enough alone
    common, _ = shared_facts(faq, steps, texts=(faq_text, "steps text"))
    assert "Account number" in common and len(common) == 3
    one_step = {
        "label:restart hub": "Restart hub",
        "label:hub": "Hub",
        "duration:3-3:time": "3 min",
    }
    guide = "Slow? Restart the hub under Hub > Restart hub and give it 3 minutes."
    assert shared_facts(one_step, {"duration:3-3:time": "3 min"}, texts=("", guide))[0] == []


def test_a_date_is_one_fact_however_its_month_is_written() -> None:
    from kb.flags.duplicate_facts import fingerprint

    assert (
        set(fingerprint("Last orders by 16 December."))
        == set(fingerprint("- Last orders: 16 Dec"))
        == {"date:12-16"}
    )
    assert set(fingerprint("Pedidos hasta el 17 dic")) == {"date:12-17"}


def test_an_faq_answers_bare_count_is_of_what_its_question_asks() -> None:
    from kb.flags.duplicate_facts import fingerprint

    faq = fingerprint("### How many devices can I connect?\n\nThree at the same time.")
    steps = fingerprint("Up to **3 devices** per member can be connected.")
    assert set(faq) == set(steps) == {"quantity:3-3:devic"}
    assert fingerprint("### Opening hours\n\nThree of our shops open early.") == {}


def test_a_path_step_may_go_on_in_lower_case_but_not_the_last() -> None:
    (path, label) = extract_claims(
        "Open Account > Connected services > Google Photos and tap Disconnect."
    )
    assert (path.value, label.value) == (
        "Account > Connected services > Google Photos",
        "Disconnect",
    )


def test_a_doubled_l_is_one_stem() -> None:
    """ "can be cancelled within 1 hour" is about what "cancel within 2 hours" is about."""
    from kb.flags.text import stem

    assert stem("cancelled") == stem("cancel") == stem("cancelling")
    assert stem("installed") == stem("install") and stem("called") == stem("call") == "call"


def test_a_whole_number_of_months_or_years_is_one_value_however_written() -> None:
    from kb.flags.duplicate_facts import fingerprint

    (months,) = extract_claims("Gift cards are valid for 24 months.")
    (years,) = extract_claims("Your card lasts two years.")
    (year,) = extract_claims("Credit is valid for 1 year.")
    (weeks,) = extract_claims("Credit is valid for 6 weeks.")
    assert not conflicts(months, years) and conflicts(months, year)
    assert conflicts(year, weeks)
    assert set(fingerprint("Valid for 24 months.")) == set(fingerprint("Valid for two years."))
    assert set(fingerprint("Valid for 12 months.")) == set(fingerprint("Valid for 365 days."))


def test_a_question_set_in_bold_is_a_heading_not_a_label() -> None:
    assert extract_claims("**How long does it last?** Two years.")[0].kind == "duration"
    assert [c.kind for c in extract_claims("**¿Cuánto dura?**")] == []
    assert [c.value for c in extract_claims("Tap **Add gift card**.")] == ["Add gift card"]
