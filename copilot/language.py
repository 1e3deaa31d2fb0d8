"""The customer's language: what they wrote; for a text too short for langdetect, its cues
(`¿`, `cómo`, `ich`) among the help center's languages; else their locale; else English."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from kb.text.language import text_language


def locale_language(locale: str | None) -> str | None:
    """`es-ES` / `de_AT` / `fr` -> `es` / `de` / `fr`."""
    if not locale:
        return None
    code = locale.replace("_", "-").split("-", 1)[0].strip().lower()
    return code if code.isalpha() and 2 <= len(code) <= 3 else None


def customer_language(
    texts: Sequence[str], locale: str | None = None, available: Collection[str] | None = None
) -> str:
    """The language the customer wrote in; among `available` (the help center's languages,
    plus the locale's) when given."""
    fallback = locale_language(locale) or "en"
    candidates = None if available is None else {*available, fallback}
    return text_language("\n".join(texts), candidates) or fallback
