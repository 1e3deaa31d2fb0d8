"""The multilingual text toolkit (kb/text) and the claims the flags read with it."""

from __future__ import annotations

import pytest

from kb.flags.claim_compare import comparable, conflicts
from kb.flags.claims import Claim, extract_claims
from kb.text import duration_unit, measure_unit, parse_number, qualifier
from tests.test_flags_signals import add, article, found, store, ticket  # noqa: F401


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("thirty", 30),
        ("twenty-four", 24),
        ("treinta y cinco", 35),
        ("veintidós", 22),
        ("vierundzwanzig", 24),
        ("zwölf", 12),
        ("vingt-quatre", 24),
        ("quatre-vingt-dix", 90),
        ("vinte e quatro", 24),
        ("dezasseis", 16),
        ("1.000", 1000),
        ("1,000", 1000),
        ("12,90", 12.9),
        ("2.5", 2.5),
    ],
)
def test_number_words_and_decimal_marks(text: str, value: float) -> None:
    assert parse_number(text) == value


def test_units_fold_languages_and_scales() -> None:
    assert duration_unit("Stunden") == duration_unit("hours")
    assert duration_unit("días") == duration_unit("dias") == duration_unit("jours")
    kg, kilos = measure_unit("kg"), measure_unit("kilogramos")
    assert kg is not None and kilos is not None and kg.family == kilos.family == "weight"
    assert measure_unit("Mo") == measure_unit("MB")
    assert measure_unit("to") is None  # lower-case "to" is English, not terabytes


def test_qualifiers_in_five_languages() -> None:
    assert qualifier("puede tardar hasta ") == "max"
    assert qualifier("Dateien bis zu ") == "max"
    assert qualifier("jusqu’à ") == "max"
    assert qualifier("pelo menos ") == "min"
    assert qualifier("al menos ") == "min"
    assert qualifier("la tienda ") == ""


def _one(text: str, kind: str) -> Claim:
    claims = [c for c in extract_claims(text) if c.kind == kind]
    assert len(claims) == 1, (text, claims)
    return claims[0]


def test_claims_compare_across_units_and_languages() -> None:
    thirty = _one("The maximum weight for a parcel is 30 kg.", "quantity")
    thirty_five = _one("Parcels can now weigh up to 35 kilograms.", "quantity")
    assert comparable(thirty, thirty_five) and conflicts(thirty, thirty_five)
    es = _one("El reembolso llega en un plazo de cinco días hábiles.", "duration")
    en = _one("Refunds arrive within 5 business days.", "duration")
    assert comparable(es, en) and not conflicts(es, en)
    two_h, minutes = _one("up to 2 hours", "duration"), _one("up to 120 minutes", "duration")
    assert not conflicts(two_h, minutes)
    price = _one("Plus cuesta 7,99 € al mes.", "price")
    assert price.value == "7.99 EUR/month"
    brl = _one("A cobertura é de até R$ 1.000 por encomenda.", "price")
    assert (brl.low, brl.qualifier) == (1000, "max")


def test_menu_paths_in_other_languages() -> None:
    paths = [c.value for c in extract_claims("Abre **Configuración > Métodos de pago** y pulsa.")]
    assert "Configuración > Métodos de pago" in paths
    plain = [c.value for c in extract_claims("Öffne Einstellungen > Rechnungen und lade sie.")]
    assert "Einstellungen > Rechnungen" in plain


@pytest.mark.parametrize(
    "text",
    [
        "Once you pay, the label is ready.",
        "Pon una caja en el punto.",
        "Returns null values for sept fields.",
    ],
)
def test_words_that_only_look_like_numbers(text: str) -> None:
    assert [c for c in extract_claims(text) if c.kind in ("quantity", "duration")] == []


def test_calendar_is_not_calendar_days() -> None:
    assert [c.kind for c in extract_claims("Works with Microsoft 365 calendars.")] == ["quantity"]
    assert _one("Refunds take 30 calendar days.", "duration").unit == "time"


def test_spanish_ticket_contradicts_spanish_article(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    add(
        store,
        article(
            "a-es",
            "Reembolsos de devoluciones",
            "Cuando la tienda recibe el paquete, el reembolso llega a tu tarjeta en un plazo "
            "de cinco días hábiles.",
            lang="es",
        ),
        ticket(
            "t-es-1",
            "Reembolso lento",
            "La tienda recibió mi devolución hace una semana y no tengo el reembolso.",
            "Desde septiembre el reembolso de una devolución tarda hasta diez días hábiles en "
            "llegar a tu tarjeta.",
            "2026-10-01T10:00:00Z",
        ),
    )
    flags = found(store, "contradicted_by_tickets")
    assert [f.document_id for f in flags] == ["a-es"]
    item = flags[0].evidence["items"][0]
    assert (item["article_value"], item["ticket_value"]) == ("5 day", "10 day")


def test_spanish_ticket_that_agrees_is_no_contradiction(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    add(
        store,
        article(
            "a-es",
            "Reembolsos de devoluciones",
            "Cuando la tienda recibe el paquete, el reembolso llega a tu tarjeta en un plazo "
            "de cinco días hábiles.",
            lang="es",
        ),
        ticket(
            "t-es-2",
            "Reembolso",
            "¿Cuánto tarda el reembolso de una devolución?",
            "El reembolso llega a tu tarjeta en un plazo de 5 días hábiles desde que la "
            "tienda recibe el paquete.",
            "2026-10-01T10:00:00Z",
        ),
    )
    assert found(store, "contradicted_by_tickets") == []


def test_a_ticket_saying_dos_dias_is_compared(store) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    add(
        store,
        article(
            "a-es-envio",
            "Plazos de envío",
            "Cuando pagas el pedido, la tienda lo entrega en tu casa en 7 días hábiles.",
            lang="es",
        ),
        ticket(
            "t-es-3",
            "Envío",
            "¿Cuándo llega mi pedido?",
            "Desde octubre la tienda entrega el pedido en tu casa en dos días hábiles.",
            "2026-10-01T10:00:00Z",
        ),
    )
    flags = found(store, "contradicted_by_tickets")
    assert [f.document_id for f in flags] == ["a-es-envio"]
    item = flags[0].evidence["items"][0]
    assert (item["article_value"], item["ticket_value"]) == ("7 day", "2 day")
