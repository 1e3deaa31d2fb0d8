"""The customer's language: what they wrote; for a text too short for langdetect, its cues
(`¿`, `cómo`, `ich`) among the help center's languages; else their locale; else English."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from kb.text.language import text_language
from kb.text.language_cues import SCRIPTS, cue_language, dominant_script


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
    plus the locale's) when given — unless it is written in a script none of them uses."""
    fallback = locale_language(locale) or "en"
    candidates = None if available is None else {*available, fallback}
    text = "\n".join(texts)
    script = dominant_script(text)
    if script is not None:
        # a non-Latin script decides among the languages that write it: the help center's
        # first, else any (a Japanese question to an English help center is Japanese)
        writers = SCRIPTS[script][1]
        pool = [w for w in writers if candidates is None or w in candidates] or list(writers)
        found = text_language(text, pool) or cue_language(text, pool)
        return found if found in pool else pool[0]
    return text_language(text, candidates) or fallback
