"""Which languages each embedder was trained for, and the embedder a new store should get.

all-MiniLM-L6-v2 was trained on English pairs only: outside English its vectors are noise
(the multilingual issue measured dense nDCG@10 0.31 in Chinese, 0.44 in Russian). USE
multilingual v3 was trained on 16 languages (zh-cn and zh-tw both `zh` here). The hashing
embedder is lexical — a fake, but one that works in any language — so it covers all.

A store keeps one model (its vectors must be comparable): the first ingest decides it. A
store whose first documents are English only gets MiniLM; one with any other language gets
the multilingual model, and a store that gains a language its model does not cover later is
told so by the ingest summary and `kbc stats`, with the command that re-embeds it.
"""

from __future__ import annotations

from collections.abc import Collection

from kb.embedders.factory import DEFAULT_EMBEDDER, model_id_for_name, name_for_model_id
from kb.errors import InvalidInput

MULTILINGUAL_EMBEDDER = "use-multilingual"
ENGLISH = frozenset({"en"})
USE_LANGUAGES = frozenset(
    {"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"}
)
_COVERS: dict[str, frozenset[str]] = {
    "minilm": ENGLISH,
    "minilm-torch": ENGLISH,
    "use-multilingual": USE_LANGUAGES,
}


def languages_covered(name: str) -> frozenset[str] | None:
    """The languages embedder `name` was trained for; None: any (lexical, no training)."""
    if name == "hashing" or name.startswith("hashing-"):
        return None
    return _COVERS.get(name, ENGLISH)


def embedder_for_languages(languages: Collection[str]) -> str:
    """The embedder a new store whose first documents are in `languages` should get."""
    if set(languages) <= ENGLISH:
        return DEFAULT_EMBEDDER
    return MULTILINGUAL_EMBEDDER


def uncovered_languages(model_id: str | None, languages: Collection[str]) -> list[str]:
    """The languages among `languages` the store's model was not trained for (sorted)."""
    if not model_id:
        return []
    try:
        covered = languages_covered(name_for_model_id(model_id))
    except InvalidInput:
        return []
    if covered is None:
        return []
    return sorted(set(languages) - covered)


def reembed_hint(model_id: str | None, languages: Collection[str]) -> str | None:
    """One line telling an operator which languages the store's model misses and how to
    re-embed, or None when the model covers every language of the store."""
    missing = uncovered_languages(model_id, languages)
    if not missing:
        return None
    target = embedder_for_languages(languages)
    if len(uncovered_languages(model_id_for_name(target), languages)) >= len(missing):
        return (
            f"documents in {', '.join(missing)}: no packaged embedder covers them; "
            "dense search there is weak, keyword search carries it"
        )
    return (
        f"documents in {', '.join(missing)}, which {model_id} was not trained for; "
        f"re-embed the store for them: kbc --embedder {target} reindex --re-embed"
    )
