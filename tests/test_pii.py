"""PII redaction: what is redacted, what is deliberately kept, and the checksums behind it."""

from __future__ import annotations

import pytest

from ingest.pii import (
    card_network_plausible,
    iban_valid,
    luhn_valid,
    merge_counts,
    pii_found,
    redact,
)


def redacted(text: str) -> str:
    return redact(text).text


# --- e-mail --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        "maria.lopez@example.com",
        "john.doe+billing@example.com",
        "support@mail.eu.example.co.uk",
        "John.Doe@EXAMPLE.COM",
        "a_b-c%d@sub-domain.example.io",
        "x@example.travel",
        "josé.garcía@correo.es",
        "müller@beispiel.de",
    ],
)
def test_emails_are_redacted(email: str) -> None:
    out = redact(f"Please write to {email}, thanks.")
    assert out.text == "Please write to [EMAIL], thanks."
    assert out.counts == {"email": 1}


@pytest.mark.parametrize(
    "text",
    [
        "ping @maria about the refund",
        "cc @support-team on this",
        "upgrade react@18.2.0 and lodash@4.17.21",
        "the retina icon is icon@2x.png",
        "user@localhost cannot log in",
        "price is 3 @ $4.99 each",
    ],
)
def test_email_lookalikes_are_kept(text: str) -> None:
    assert redacted(text) == text


def test_email_at_sentence_end_keeps_the_full_stop() -> None:
    assert redacted("Mail me at ana@example.es.") == "Mail me at [EMAIL]."


# --- payment cards ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "card",
    [
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111111111111111",
        "5555 5555 5555 4444",
        "5105-1051-0510-5100",
        "3782 822463 10005",  # Amex 4-6-5
        "371449635398431",
        "6011 1111 1111 1117",
        "3056 930902 5904",  # Diners 4-6-4
        "4222222222222",  # 13 digits
        "2223 0000 4841 0010",  # Mastercard 2-series
    ],
)
def test_luhn_valid_cards_are_redacted(card: str) -> None:
    out = redact(f"My card {card} was charged twice.")
    assert out.text == "My card [CARD] was charged twice."
    assert out.counts == {"card": 1}


@pytest.mark.parametrize(
    "text",
    [
        "reference 1234 5678 9012 3456 is not a card",  # fails Luhn
        "card 4111 1111 1111 1112 typo",  # fails Luhn
        "tracking 4000 1234 5678 9011",  # fails Luhn
        "amount 1234567890123 units",  # starts with 1: no card network
        "order #48213990 shipped",
        "invoice INV-2026-000123",
    ],
)
def test_card_lookalikes_are_kept(text: str) -> None:
    assert redacted(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "row 616436837154256 | 616436837207838",  # Luhn-valid ids, no card network prefix
        "timestamp t=3953995344550 d=540540",
        "epoch 1696233600000 ms",
    ],
)
def test_luhn_valid_ids_without_a_card_network_are_kept(text: str) -> None:
    assert redacted(text) == text


def test_card_network_unit() -> None:
    assert card_network_plausible("4111111111111111")
    assert card_network_plausible("378282246310005")
    assert not card_network_plausible("3782822463100050")  # Amex is 15 digits
    assert not card_network_plausible("616436837154256")
    assert card_network_plausible("6759649826438453", grouped=True)  # Maestro
    assert not card_network_plausible("6759649826438453")


def test_luhn_unit() -> None:
    assert luhn_valid("79927398713")
    assert luhn_valid("4111 1111 1111 1111")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("1234 5678 9012 3456")
    assert not luhn_valid("")


# --- IBAN ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iban",
    [
        "DE89 3704 0044 0532 0130 00",
        "DE89370400440532013000",
        "GB82 WEST 1234 5698 7654 32",
        "GB82WEST12345698765432",
        "ES91 2100 0418 4502 0005 1332",
        "FR14 2004 1010 0505 0001 3M02 606",
        "NL91 ABNA 0417 1643 00",
        "BE68 5390 0754 7034",
        "de89 3704 0044 0532 0130 00",
    ],
)
def test_valid_ibans_are_redacted(iban: str) -> None:
    out = redact(f"Refund to IBAN {iban} and confirm.")
    assert out.text == "Refund to IBAN [IBAN] and confirm."
    assert out.counts == {"iban": 1}


@pytest.mark.parametrize(
    "text",
    [
        "IBAN DE89 3704 0044 0532 0130 01 has a typo",  # mod-97 fails
        "GB82 WEST 1234 5698 7654 33",  # mod-97 fails
        "DE89 3704 0044 0532 0130",  # too short for DE
        "error code AB12 CDEF GHIJ KLMN seen",
    ],
)
def test_iban_lookalikes_are_kept(text: str) -> None:
    assert redacted(text) == text


def test_iban_followed_by_bic_keeps_the_bic() -> None:
    text = "IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX"
    assert redacted(text) == "IBAN [IBAN] BIC COBADEFFXXX"


def test_two_ibans_in_a_row() -> None:
    out = redact("DE89 3704 0044 0532 0130 00 GB82 WEST 1234 5698 7654 32")
    assert out.text == "[IBAN] [IBAN]"
    assert out.counts == {"iban": 2}


def test_iban_unit() -> None:
    assert iban_valid("DE89 3704 0044 0532 0130 00")
    assert iban_valid("gb82west12345698765432")
    assert not iban_valid("DE89 3704 0044 0532 0130 01")
    assert not iban_valid("DE89 3704 0044 0532 0130 000")  # wrong length for DE
    assert not iban_valid("1234")


# --- phone numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "+1 (415) 555-0142",
        "+1 415 555 0142",
        "+1-415-555-0142",
        "+44 20 7946 0958",
        "+44 (0)20 7946 0958",
        "+44 7700 900123",
        "+49 30 901820",
        "+49 (30) 901820",
        "+4915112345678",
        "+34 912 345 678",
        "+34 612-345-678",
        "+33 1 23 45 67 89",
        "+33.1.23.45.67.89",
        "(415) 555-0142",
        "(415)555-0142",
        "415-555-0142",
        "415.555.0142",
        "415 555 0142",
        "1-800-555-0199",
    ],
)
def test_phones_are_redacted(phone: str) -> None:
    out = redact(f"Reach the customer on {phone} after 5pm.")
    assert out.text == "Reach the customer on [PHONE] after 5pm."
    assert out.counts == {"phone": 1}


@pytest.mark.parametrize(
    "phone",
    [
        "01223 413000",
        "01223304705",
        "020 7946 0958",
        "0151 23456789",
        "06 12 34 56 78",
        "0612345678",
        "0800 123 4567",
    ],
)
def test_trunk_prefixed_national_phones_are_redacted(phone: str) -> None:
    assert redacted(f"The hotel is on {phone}.") == "The hotel is on [PHONE]."


@pytest.mark.parametrize(
    "text",
    [
        'account "012345678901" in us-west-2',  # 12-digit AWS account id
        "arn:aws:ecs:us-west-2:0123456789:cluster/x",
        "fingerprint D4C5 10AE 3C20 6F46 6DC0 2474 0960 5836 0418",
        "dump 00 00 00 00 01 01 00 00 00 48 e1 7a",
        "open 0900-1700 daily",
    ],
)
def test_trunk_lookalikes_are_kept(text: str) -> None:
    assert redacted(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call me on 07700 900123 tomorrow", "call me on [PHONE] tomorrow"),
        ("mi móvil es 612 345 678, gracias", "mi móvil es [PHONE], gracias"),
        ("Telefon: 030 901820", "Telefon: [PHONE]"),
        ("Handy 0151 23456789", "Handy [PHONE]"),
        ("my number is 0612345678", "my number is [PHONE]"),
        ("téléphone : 01 23 45 67 89", "téléphone : [PHONE]"),
    ],
)
def test_national_phones_after_a_phone_word_are_redacted(text: str, expected: str) -> None:
    assert redacted(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "resolved on 2026-10-02 at 14:30",
        "renewal date 10/02/2026",
        "meeting 02.10.2026 at 10:30:15",
        "the plan costs $1,299.00 per year",
        "total 1.299,00 EUR",
        "upgrade to v4.12.1 or 2.13.0",
        "booking #48213990 is confirmed",
        "invoice INV-2026-000123 attached",
        "see ticket T-10001 and T-10002",
        "since 2019 and 2024",
        "server 192.168.100.200 and 10.0.0.1",
        "please call us regarding booking 48213990",
        "call me on 2026-10-02 please",
        "call me at 10:30 or 14:00",
        "order number 48213990",
        "we reached 1000000 users",
        "C++ 17 and +30 days",
        "reference 2026-000-1234",
    ],
)
def test_phone_lookalikes_are_kept(text: str) -> None:
    assert redacted(text) == text


def test_card_is_not_half_eaten_by_the_phone_pattern() -> None:
    out = redact("card 4111 1111 1111 1111 phone +1 415 555 0142")
    assert out.text == "card [CARD] phone [PHONE]"
    assert out.counts == {"card": 1, "phone": 1}


# --- whole messages ------------------------------------------------------------------------


REALISTIC_EMAIL = """Hi team,

I was charged twice for booking #48213990 (invoice INV-2026-000123) on 2026-10-02.
The card was 4111 1111 1111 1111. Please refund to my IBAN DE89 3704 0044 0532 0130 00
or call me on +49 30 901820 / (415) 555-0142. My login is maria.lopez+shop@example.com.
I'm on app version v4.12.1 and paid $1,299.00.

Thanks,
Maria
"""


def test_realistic_multi_pii_email() -> None:
    out = redact(REALISTIC_EMAIL)
    for secret in ("4111", "DE89", "901820", "555-0142", "maria.lopez"):
        assert secret not in out.text
    for kept in ("#48213990", "INV-2026-000123", "2026-10-02", "v4.12.1", "$1,299.00"):
        assert kept in out.text
    assert out.counts == {"email": 1, "iban": 1, "card": 1, "phone": 2}


@pytest.mark.parametrize(
    "text",
    [REALISTIC_EMAIL, "call +44 20 7946 0958", "mi móvil es 612 345 678", "no pii here"],
)
def test_redaction_is_idempotent(text: str) -> None:
    once = redact(text)
    twice = redact(once.text)
    assert twice.text == once.text
    assert twice.counts == {}


def test_empty_text() -> None:
    assert redact("") == redact("")
    assert redact("").text == ""
    assert redact("").counts == {}


def test_merge_counts() -> None:
    assert merge_counts({"email": 1}, {}, {"email": 2, "phone": 1}) == {"email": 3, "phone": 1}


def test_pii_found_lists_what_redact_replaces() -> None:
    text = (
        "Mail jo@example.com or ana@example.org, card 4111 1111 1111 1111, "
        "IBAN DE89 3704 0044 0532 0130 00, call +44 20 7946 0958."
    )
    red = redact(text)
    found = pii_found(text)
    assert len(found) == sum(red.counts.values()) == 5
    assert [kind for kind, _ in found].count("email") == red.counts["email"]
    for _, value in found:
        assert value in text and value not in red.text
