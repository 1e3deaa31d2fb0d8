"""Answers and hand-offs in the customer's language: a short question's own cues, the widget's
locale, the help center's languages (POST /v1/answers through the real app)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from copilot.state import AppState
from ingest.pipeline import run
from kb.maintenance import open_store
from tests.api_fixtures import WIDGET_ORIGIN, Keys, auth, build_store, client_for, store_url_of

JA_ARTICLE = """---
id: kb-password-ja
title: パスワードの再設定
url: https://help.test/ja/kb-password
lang: ja
---
ログイン画面で「パスワードをお忘れですか」を選びます。登録したメールアドレスに再設定用のリンクが
届きます。リンクは24時間有効です。
"""


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Keys, AppState]]:
    root = tmp_path_factory.mktemp("lang")
    data_dir = build_store(root)
    (root / "ja").mkdir()
    (root / "ja" / "password.md").write_text(JA_ARTICLE, encoding="utf-8")
    with open_store(data_dir, "minilm", store_url_of(data_dir)) as kb:
        assert kb.embedder is not None
        assert run([root / "ja"], kb, kb.embedder).failed == []
    client, keys, state = client_for(data_dir, answer_threshold=0.3)
    with client:
        yield client, keys, state


def _ask(api: tuple[TestClient, Keys, AppState], question: str, locale: str | None = None) -> dict:
    client, keys, _ = api
    body = {"question": question, **({"locale": locale} if locale else {})}
    r = client.post("/v1/answers", json=body, headers=auth(keys.widget, WIDGET_ORIGIN))
    assert r.status_code == 200, r.text
    return r.json()


def test_a_three_word_spanish_question_is_answered_in_spanish(
    api: tuple[TestClient, Keys, AppState],
) -> None:
    for locale in (None, "en-US", "de-DE"):
        out = _ask(api, "¿cómo exporto reservas?", locale)
        # 18 letters: too few for langdetect; `¿` and `cómo` decide, whatever the locale
        assert out["lang"] == "es", (locale, out)
        assert out["outcome"] == "answered", out
        assert [s["external_id"] for s in out["sources"]] == ["kb-export-es"]
        assert out["answer"].startswith("Ve a **Reservas > Exportar**")


def test_a_german_customer_hands_off_in_german_and_the_english_article_says_so(
    api: tuple[TestClient, Keys, AppState],
) -> None:
    out = _ask(api, "Wie exportiere ich meine Buchungen als CSV-Datei?", "de-DE")
    # the help center explains CSV exports in English and Spanish only
    assert out["lang"] == "de" and out["outcome"] == "handoff", out
    handoff = out["handoff"]
    assert handoff["reason"] == "low_confidence"
    assert handoff["message"].startswith("Ich bin mir nicht sicher genug")
    english = [a for a in handoff["articles"] if a["lang"] == "en"]
    assert english and english[0]["external_id"] == "kb-export", handoff
    assert all(a["note"] == "(Artikel auf Englisch)" for a in english)
    nothing = _ask(api, "Kann ich mit SAP Ariba arbeiten?", "de-DE")["handoff"]
    assert nothing["reason"] == "no_relevant_article" and nothing["articles"] == []
    assert (
        nothing["message"]
        == "Ich habe keinen Artikel dazu gefunden. Unser Support-Team hilft dir gern."
    )


def test_an_article_in_the_reply_language_carries_no_note(
    api: tuple[TestClient, Keys, AppState],
) -> None:
    out = _ask(api, "How can I export bookings to CSV?")
    assert out["outcome"] == "answered" and out["sources"], out
    assert all(s["note"] is None for s in out["sources"] if s["lang"] == "en")


def test_a_japanese_question_is_answered_from_the_japanese_article(
    api: tuple[TestClient, Keys, AppState],
) -> None:
    # shares words with the article (パスワード), not a sentence: keyword bigrams find it, and
    # sentences without spaces are quotable
    for question in ("パスワードを忘れた時はどうすればいいですか", "パスワードを忘れました"):
        out = _ask(api, question)
        assert out["lang"] == "ja" and out["outcome"] == "answered", out
        assert [s["external_id"] for s in out["sources"]] == ["kb-password-ja"]
        assert out["answer"].startswith("ログイン画面で「パスワードをお忘れですか」を選びます")
