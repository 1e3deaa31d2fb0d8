"""Language detection for documents, tickets and customer messages: langdetect, seeded so
answers never vary. Part of the shared text toolkit: ingest, the flags and the copilot use it.

langdetect is probabilistic; with `DetectorFactory.seed = 0` and a fresh detector per call
the same text gives the same language in every call and every process.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from functools import lru_cache

MAX_PROSE_CHARS = 2000  # detection on the first ~2000 chars of prose is as good and much cheaper
# prose() reads at most this much of a text: it only has to yield MAX_PROSE_CHARS of prose
MAX_SCAN_CHARS = 20 * MAX_PROSE_CHARS
MIN_LETTERS = 20  # below this, langdetect is a coin toss: return the caller's default

_FENCED_CODE = re.compile(r"^(```|~~~).*?(^\1[^\n]*$|\Z)", re.MULTILINE | re.DOTALL)
_INDENTED_CODE = re.compile(r"^(?: {4}|\t)[^\n]*$", re.MULTILINE)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_HTML_BLOCK_OPEN = re.compile(r"<(script|style)\b", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]{0,1000}>")
_MD_IMAGE = re.compile(r"!\[[^\[\]]{0,500}\]\([^()]{0,2000}\)")
_MD_LINK = re.compile(r"\[([^\[\]]{0,500})\]\([^()]{0,2000}\)")
_URL = re.compile(r"(?:https?://|ftp://|www\.)\S+", re.IGNORECASE)
# bounded repeats (RFC 5321 sizes): `\S+@\S+` backtracks quadratically over a long run
_EMAIL = re.compile(r"[^\s@]{1,64}@[^\s@]{1,255}")
_PLACEHOLDER = re.compile(r"\[(?:EMAIL|PHONE|CARD|IBAN)\]")
_MARKUP = re.compile(r"[#*_>|=~\-+]{1,}")
_SPACES = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]")


def prose(text: str) -> str:
    """Text with code, URLs, e-mail addresses, placeholders and markup removed (from the first
    MAX_SCAN_CHARS characters: every pattern below then runs over bounded input)."""
    text = text[:MAX_SCAN_CHARS]
    text = _FENCED_CODE.sub(" ", text)
    text = _INDENTED_CODE.sub(" ", text)
    text = _INLINE_CODE.sub(" ", text)
    text = _drop_html_blocks(text)
    text = _HTML_TAG.sub(" ", text)
    text = _MD_IMAGE.sub(" ", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _URL.sub(" ", text)
    text = _EMAIL.sub(" ", text)
    text = _PLACEHOLDER.sub(" ", text)
    text = _MARKUP.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _drop_html_blocks(text: str) -> str:
    """Remove <script>/<style> elements. A loop, not `<(script|style).*?</\\1>`: that pattern
    rescans to the end from every unclosed opening tag (quadratic)."""
    out: list[str] = []
    pos = 0
    lower = text.lower()
    while (m := _HTML_BLOCK_OPEN.search(text, pos)) is not None:
        close = lower.find(f"</{m.group(1).lower()}", m.end())
        if close < 0:
            break  # unclosed: no later opening tag can be closed either
        end = lower.find(">", close)
        out.append(text[pos : m.start()])
        out.append(" ")
        pos = len(text) if end < 0 else end + 1
    out.append(text[pos:])
    return "".join(out)


def normalise_code(code: str) -> str:
    """ISO 639-1 from a langdetect or locale code: 'zh-cn' -> 'zh', 'pt_BR' -> 'pt'."""
    return re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]


@lru_cache(maxsize=1)
def detectable_languages() -> frozenset[str]:
    """Every code `detect_language` can answer besides its default (langdetect's profiles,
    normalised): read from the profile names, without loading the profiles."""
    try:
        from langdetect.detector_factory import PROFILES_DIRECTORY
    except ImportError:  # pragma: no cover - langdetect is a core dependency
        return frozenset()
    return frozenset(normalise_code(name) for name in os.listdir(PROFILES_DIRECTORY))


def detect_language(
    text: str, default: str | None = None, candidates: Collection[str] | None = None
) -> str | None:
    """ISO 639-1 code of the text's language, or `default` when the text is too short or unclear.

    With `candidates`, the most probable of those languages wins (short texts confuse close
    languages such as es/pt; a help center knows which languages it has).

    Deterministic: the same text always gives the same answer, in every process.
    """
    sample = prose(text)[:MAX_PROSE_CHARS]
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return default
    try:
        from langdetect import DetectorFactory, detect_langs
        from langdetect.lang_detect_exception import LangDetectException
    except ImportError:  # pragma: no cover - langdetect is a core dependency
        return default
    DetectorFactory.seed = 0  # each detect_langs call builds a fresh detector with this seed
    try:
        ranked = detect_langs(sample)
    except LangDetectException:
        return default
    codes = [normalise_code(str(r.lang)) for r in ranked]
    if candidates is not None:
        codes = [c for c in codes if c in candidates]
    return codes[0] if codes else default


def text_language(text: str, candidates: Collection[str] | None = None) -> str | None:
    """The language of a text of any length among `candidates`: langdetect where it has
    enough letters, else the short text's cues (`¿`, `cómo`, a script); None when unclear."""
    from kb.text.language_cues import cue_language

    return detect_language(text, candidates=candidates) or cue_language(text, candidates)
