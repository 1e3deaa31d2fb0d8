"""The shared text toolkit (kb.text): one sentence splitter, one stopword list, one table of
number words, one fold, used by the answers and the flags alike."""

from __future__ import annotations

from kb.flags.text import content_terms, sentences
from kb.text import NUMBER_WORDS, STOPWORDS, content_words, fold, split_sentences


def test_number_words_read_as_digits_in_every_language() -> None:
    for word, digits in {"two": "2", "dos": "2", "zwölf": "12", "dix": "10", "dois": "2",
                         "vinte": "20", "trente": "30"}.items():  # fmt: skip
        assert NUMBER_WORDS[fold(word)] == digits
    assert "one" not in NUMBER_WORDS and "sept" not in NUMBER_WORDS  # a pronoun, "Sept."
    assert content_words("dos días") == content_words("2 dias")


def test_fold_and_stopwords_are_shared() -> None:
    assert fold("Grüße, Días") == "grusse, dias"
    assert {"the", "el", "der", "le", "o", "il", "het"} <= STOPWORDS
    assert content_terms("El reembolso de la tienda") == {"reembols", "tiend"}  # stems
    assert content_terms("not without") == set()  # negations tie no two sentences to a topic


def test_flags_split_sentences_as_the_answers_do() -> None:
    body = (
        "# Envíos\n\nEl plazo es p. ej. de dos días. Después llega el paquete.\n\n"
        "1. Abre **Pedidos**.\n2. Pulsa **Seguir**.\n\n```\ncode. Not prose.\n```\n"
    )
    found = sentences(body)
    assert [s.text for s in found] == [
        "El plazo es p. ej. de dos días.",
        "Después llega el paquete.",
        "Abre **Pedidos**.",
        "Pulsa **Seguir**.",
    ]
    assert {s.heading for s in found} == {"Envíos"}
    assert [s.step for s in found] == [None, None, 1, 2]
    assert found[2].block == found[3].block  # the steps of one list
    assert split_sentences("Hola, e.g. esto sigue. Y esto no.") == [
        "Hola, e.g. esto sigue.",
        "Y esto no.",
    ]


def test_polish_and_turkish_number_words_are_read() -> None:
    from kb.flags.claims import extract_claims
    from kb.text import parse_number

    for text, value in {"on beş": 15, "seksen": 80, "iki yüz elli": 250, "piętnaście": 15,
                        "dwadzieścia pięć": 25, "trzysta pięćdziesiąt": 350}.items():  # fmt: skip
        assert parse_number(text) == value, text
    assert parse_number("on") is None and parse_number("bin") is None  # English words
    (price,) = extract_claims("Liman vergisi artık on beş euro.")
    assert price.value == "15 EUR/"
    assert [c.kind for c in extract_claims("Turn it on twice a day.")] == []


def test_dutch_number_words_are_read_and_its_articles_are_not() -> None:
    from kb.text import parse_number

    for text, value in {"vijfentwintig": 25, "tweeëntwintig": 22, "eenentwintig": 21,
                        "honderdvijftig": 150, "tweehonderd": 200, "twaalf": 12,
                        "één": 1, "Eén": 1}.items():  # fmt: skip
        assert parse_number(text) == value, text
    assert parse_number("een") is None  # also "a"


def test_durations_prices_and_percentages_in_dutch_polish_turkish_and_russian() -> None:
    from kb.flags.claims import extract_claims

    def values(text: str) -> list[tuple[str, str]]:
        return [(c.kind, c.value) for c in extract_claims(text)]

    assert values("Je krijgt je geld binnen 14 dagen terug.") == [("duration", "14 day")]
    assert values("Zwrot trwa 5 dni roboczych.") == [("duration", "5 day")]
    assert extract_claims("Zwrot trwa 5 dni roboczych.")[0].unit == "business"
    assert extract_claims("İade 5 iş günü içinde yapılır.")[0].unit == "business"
    assert values("Bilet 7 günlük geçerlidir.") == [("duration", "7 day")]
    assert values("Возврат занимает 3 дня.") == [("duration", "3 day")]
    assert values("Opłata wynosi 80 zł.") == [("price", "80 PLN/")]
    assert values("Ücret 150 TL.") == [("price", "150 TRY/")]
    assert values("Yüzde 20 indirim, ya da %15 kupon.") == [("percent", "20%"), ("percent", "15%")]
    assert values("De korting is 10 procent.") == [("percent", "10%")]


def test_a_time_of_day_is_not_a_number_of_hours() -> None:
    from kb.flags.claims import extract_claims

    assert [c.kind for c in extract_claims("De kassa is open tot 18.00 uur.")] == []
    assert [c.kind for c in extract_claims("Doors open at 19:30 h sharp.")] == []
    (wait,) = extract_claims("Binnen 24 uur krijg je antwoord.")
    assert wait.value == "24 hour"


def test_a_fraction_of_an_hour_in_words_is_a_duration() -> None:
    from kb.flags.claim_compare import conflicts
    from kb.flags.claims import extract_claims

    def minutes(text: str) -> list[float | None]:
        return [c.low for c in extract_claims(text) if c.kind == "duration"]

    assert minutes("Je hebt een kwartier om te betalen.") == [15.0]
    assert minutes("Sie haben eine Viertelstunde Zeit.") == [15.0]
    assert minutes("Comptez une demi-heure.") == [30.0]
    assert minutes("in einer Dreiviertelstunde") == [45.0]
    (quarter,) = extract_claims("You have a quarter of an hour to pay.")
    (fifteen,) = extract_claims("You have 15 minutes to pay.")
    assert not conflicts(quarter, fifteen)


def test_french_numbers_past_seventy_count_on_from_sixty_and_eighty() -> None:
    from kb.text import parse_number

    for text, value in {"soixante et onze": 71, "soixante-douze": 72, "soixante-dix-sept": 77,
                        "cent quatre-vingt-dix-neuf": 199,
                        "quatre-vingt-un": 81, "quatre-vingt-cinq": 85, "quatre-vingt-onze": 91,
                        "quatre-vingt-dix-neuf": 99}.items():  # fmt: skip
        assert parse_number(text) == value, text


def test_a_price_said_aloud_keeps_its_cents() -> None:
    from kb.flags.claims import extract_claims

    def values(text: str) -> list[tuple[str, str]]:
        return [(c.kind, c.value) for c in extract_claims(text)]

    assert values("The seven euros fifty is our late payment fee.") == [("price", "7.5 EUR/")]
    assert values("Plus is three pounds ninety-nine a month.") == [("price", "3.99 GBP/month")]
    assert values("Ça coûte cinq euros quatre-vingt-dix.") == [("price", "5.9 EUR/")]
    assert values("Costa sette euro e cinquanta al mese.") == [("price", "7.5 EUR/month")]
    assert values("Es kostet sieben Euro fünfzig pro Monat.") == [("price", "7.5 EUR/month")]
    # a number that goes on to a unit or a noun is not cents
    assert values("You pay 10 euros 30 days after the order.") == [
        ("price", "10 EUR/"),
        ("duration", "30 day"),
    ]
    assert values("Ten euros and two for delivery.")[0] == ("price", "10 EUR/")
