"""The customer-facing strings (copilot/translations/*.json): every key in every language we
answer in, placeholders intact, English where a language or a key is missing, and the widget
asking only for keys the table has."""

from __future__ import annotations

import fnmatch
import re
import string
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from copilot.messages import (
    RTL_LANGUAGES,
    Table,
    language_names,
    languages,
    message,
    messages,
    other_language_note,
    widget_strings,
    widget_table,
)

ROOT = Path(__file__).resolve().parents[1]
# the languages the multilingual embedder covers
EXPECTED = {
    *("en", "es", "de", "fr", "pt", "it", "nl", "pl"),
    *("tr", "ru", "ar", "ja", "zh", "ko", "th"),
}
KINDS = {"messages": messages, "widget": widget_table}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_we_answer_in_every_language_the_embedder_covers() -> None:
    assert languages() == EXPECTED


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_key_has_every_language_and_keeps_its_placeholders(kind: str) -> None:
    table: Table = KINDS[kind]()
    for key, texts in table.items():
        assert set(texts) == languages(), (kind, key, languages() ^ set(texts))
        english = fields(texts["en"])
        for lang, text in texts.items():
            assert text and text == text.strip(), (kind, key, lang)
            assert fields(text) == english, (kind, key, lang, text)


def test_the_article_note_and_the_rate_limit_line_carry_their_placeholders() -> None:
    assert all("{language}" in text for text in messages()["article_in"].values())
    assert all("{n}" in text for text in widget_table()["rate"].values())


def test_every_reply_language_names_every_article_language() -> None:
    names = language_names()
    for reply in languages():
        assert set(names[reply]) == languages(), (reply, languages() ^ set(names[reply]))
        assert all(name.strip() for name in names[reply].values()), reply
        assert len(set(names[reply].values())) == len(languages()), f"{reply}: two alike"


def test_a_line_in_a_language_we_do_not_have_reads_english() -> None:
    assert message("clarify", "sv") == messages()["clarify"]["en"]
    assert message("low_confidence", "ja").startswith("正確にお答えできる自信がありません。")
    assert other_language_note("en", "sv") == "(article in English)"
    assert other_language_note("sv", "ja") == "（SVの記事）"


def test_an_article_in_another_language_is_named_in_the_new_reply_languages() -> None:
    assert other_language_note("en", "ja") == "（英語の記事）"
    assert other_language_note("en", "zh") == "（英文文章）"
    assert other_language_note("de", "ru") == "(статья на немецком)"
    assert other_language_note("en", "ar") == "(مقالة باللغة الإنجليزية)"
    assert other_language_note("fr", "pl") == "(artykuł w języku francuskim)"
    assert other_language_note("en", "tr") == "(İngilizce makale)"
    assert other_language_note("ja", "ja") is None


def test_widget_strings_fall_back_to_english_and_say_their_direction() -> None:
    japanese = widget_strings("ja")
    assert (japanese.lang, japanese.dir, japanese.strings["title"]) == ("ja", "ltr", "ヘルプ")
    arabic = widget_strings("ar")
    assert arabic.dir == "rtl" and "ar" in RTL_LANGUAGES
    unknown = widget_strings("sv")
    assert unknown.lang == "en" and unknown.strings == widget_strings("en").strings
    assert set(japanese.strings) == set(widget_table())


def test_the_widget_asks_for_exactly_the_keys_the_table_has() -> None:
    script = (ROOT / "copilot/pages/static/widget.js").read_text(encoding="utf-8")
    used = set(re.findall(r"\bt\('(\w+)'", script))
    assert used == set(widget_table()), used ^ set(widget_table())
    assert "{/*EN*/}" in script, "the slot the server fills with the English strings"


def test_the_translations_ship_as_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["copilot"]
    folder = resources.files("copilot").joinpath("translations")
    shipped = [p.name for p in folder.iterdir() if p.name.endswith(".json")]
    assert sorted(shipped) == ["language_names.json", "messages.json", "widget.json"]
    assert all(
        any(fnmatch.fnmatch(f"translations/{name}", p) for p in patterns) for name in shipped
    )
