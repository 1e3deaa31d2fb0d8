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
    assert content_terms("El reembolso de la tienda") == {"reembolso", "tienda"}
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
