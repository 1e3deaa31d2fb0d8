"""Personal data a reply exposes: what the ticket redactor (ingest.pii) finds in the reply,
less what the customer wrote themselves and what the help center itself publishes (a support
address, a hotline)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from copilot.qa.types import PiiFinding
from ingest.pii import PLACEHOLDERS, pii_found

_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))
_NOT_DIGIT = re.compile(r"\D")
SHOWN_TAIL = 4  # characters of a value the scorecard shows


def pii_values(text: str) -> list[tuple[str, str]]:
    """(kind, value as written) of every e-mail, phone, card and IBAN `redact` replaces (one
    pass of its matchers: linear in the text, where aligning the redacted text with the
    original was quadratic — 7 s for 16,000 characters)."""
    values = [
        (kind, value.strip())
        for kind, value in pii_found(text)
        if value.strip() and not _PLACEHOLDER.fullmatch(value.strip())  # "[EMAIL]" by hand
    ]
    return sorted(values, key=lambda kv: text.find(kv[1]))  # in reading order


def normalised(kind: str, value: str) -> str:
    """Comparison form: e-mails lower-cased, numbers as their digits (and IBAN letters)."""
    if kind == "email":
        return value.lower()
    if kind == "iban":
        return re.sub(r"\s+", "", value).upper()
    return _NOT_DIGIT.sub("", value)


def masked(kind: str, value: str) -> str:
    """`a…@example.com`, `…1111`: enough to find it in the reply, not enough to reuse it."""
    if kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}…@{domain}"
    return "…" + normalised(kind, value)[-SHOWN_TAIL:]


def exposed(reply: str, allowed_texts: Iterable[str]) -> list[PiiFinding]:
    """Personal data in `reply` found in none of `allowed_texts` (the customer's messages, the
    articles the reply was checked against)."""
    found = pii_values(reply)
    if not found:
        return []
    allowed = {
        (kind, normalised(kind, v)) for text in allowed_texts for kind, v in pii_values(text)
    }
    out: list[PiiFinding] = []
    for kind, value in found:
        key = (kind, normalised(kind, value))
        finding = PiiFinding(kind, masked(kind, value))
        if key not in allowed and finding not in out:
            out.append(finding)
    return out
