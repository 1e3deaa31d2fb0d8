"""What the copilot and its widget say to a customer in their own words, per language.

The text is data a translator edits, not code: `copilot/translations/` holds one JSON file per
kind, each `{key: {language: text}}` (`language_names.json` is `{reply: {article: name}}`):
hand-off lines and the clarifying question (`messages.json`), the widget's UI (`widget.json`)
and language names in the form that fits the "(article in {language})" note. Every file has
every language we answer in (a test checks it); a language without a table reads English.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

Table = Mapping[str, Mapping[str, str]]

# Scripts written right to left: the widget sets dir="rtl" for these.
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})


@cache
def _table(kind: str) -> Table:
    """`copilot/translations/<kind>.json`, read once and frozen."""
    path = resources.files("copilot").joinpath("translations", f"{kind}.json")
    data: dict[str, dict[str, str]] = json.loads(path.read_text("utf-8"))
    return MappingProxyType({k: MappingProxyType(v) for k, v in data.items()})


def messages() -> Table:
    """MESSAGES[key][language]: hand-off lines, the clarifying question, the article note."""
    return _table("messages")


def language_names() -> Table:
    """LANGUAGE_NAMES[reply language][article language]."""
    return _table("language_names")


def widget_table() -> Table:
    """WIDGET[key][language]: the widget's labels, buttons and error lines."""
    return _table("widget")


def languages() -> frozenset[str]:
    """The languages we answer in: those that can name the others."""
    return frozenset(language_names())


def has_message(key: str) -> bool:
    return key in messages()


def message(key: str, lang: str) -> str:
    """The line `key` in `lang`, or in English when `lang` has none."""
    table = messages()[key]
    return table.get(lang, table["en"])


def other_language_note(article_lang: str | None, reply_lang: str) -> str | None:
    """The note naming an article's language when it is not the reply's: an English article
    in a German reply is "(Artikel auf Englisch)"; None for the same or an unknown language."""
    if not article_lang or article_lang == reply_lang:
        return None
    all_names = language_names()
    names = all_names.get(reply_lang, all_names["en"])
    language = names.get(article_lang, article_lang.upper())
    return message("article_in", reply_lang if reply_lang in all_names else "en").format(
        language=language
    )


@dataclass(frozen=True)
class WidgetStrings:
    """The widget's UI in one language; `lang` is "en" when the one asked for has no table."""

    lang: str
    dir: str
    strings: dict[str, str]


def widget_strings(lang: str) -> WidgetStrings:
    """Every widget key in `lang`, a key it lacks in English; English for an unknown language."""
    return _widget_strings(lang if lang in widget_table()["title"] else "en")


@cache  # keyed by the languages the table has, not by whatever a caller asks for
def _widget_strings(lang: str) -> WidgetStrings:
    strings = {key: texts.get(lang, texts["en"]) for key, texts in widget_table().items()}
    return WidgetStrings(lang, "rtl" if lang in RTL_LANGUAGES else "ltr", strings)
