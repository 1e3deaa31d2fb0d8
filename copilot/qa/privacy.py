"""Personal data a reply exposes: what the ticket redactor (ingest.pii) finds in the reply,
less what the customer wrote themselves and what the help center itself publishes (a support
address, a hotline)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from copilot.qa.types import PiiFinding
from ingest.pii import PLACEHOLDERS, redact

_KIND_OF = {placeholder: kind for kind, placeholder in PLACEHOLDERS.items()}
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))
_NOT_DIGIT = re.compile(r"\D")
SHOWN_TAIL = 4  # characters of a value the scorecard shows


def pii_values(text: str) -> list[tuple[str, str]]:
    """(kind, value as written) of every e-mail, phone, card and IBAN `redact` replaces.

    `redact` only returns the redacted text, so the values are read back by aligning it with
    the original: each placeholder stands where its value stood."""
    redacted = redact(text).text
    if redacted == text:
        return []
    blocks = difflib.SequenceMatcher(None, text, redacted, autojunk=False).get_matching_blocks()
    out: list[tuple[str, str]] = []
    for m in _PLACEHOLDER.finditer(redacted):
        js, je = m.span()
        # the matching text just before the placeholder ends where the value starts; the
        # matching text just after it starts where the value ends
        start = max((b.a + min(b.size, js - b.b) for b in blocks if b.b < js and b.size),
                    default=0)  # fmt: skip
        end = min((b.a + max(0, je - b.b) for b in blocks if b.b + b.size > je),
                  default=len(text))  # fmt: skip
        value = text[start:end].strip()
        if value and not _PLACEHOLDER.fullmatch(value):  # "[EMAIL]" written by hand
            out.append((_KIND_OF[m.group(0)], value))
    return out


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
