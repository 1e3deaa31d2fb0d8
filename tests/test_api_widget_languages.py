"""Hand-offs in the customer's language beyond the Latin-script six, and the widget's strings
served from the same table (GET /widget/strings/{lang}.json, /widget.js), through the real app
over a real store (MiniLM)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from shutil import which

import pytest
from fastapi.testclient import TestClient

from copilot.messages import message, widget_strings
from copilot.state import AppState
from tests.api_fixtures import WIDGET_ORIGIN, Keys, auth, build_store, client_for

# Questions no article of the Orbitly help center (English and Spanish) can answer.
QUESTIONS = {
    "ja": ("猫の予防接種の予約はどこでできますか？", "ja-JP"),
    "zh": ("我的猫需要打疫苗，请问在哪里可以预约兽医？", "zh-CN"),
    "ru": ("Где можно записать кошку на прививку к ветеринару?", "ru-RU"),
    "ar": ("أين يمكنني حجز موعد لتطعيم قطتي عند الطبيب البيطري؟", "ar-EG"),
}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Keys, AppState]]:
    data_dir = build_store(tmp_path_factory.mktemp("widget-lang"))
    client, keys, state = client_for(data_dir, handoff_email="support@orbitly.example")
    with client:
        yield client, keys, state


@pytest.mark.parametrize("lang", sorted(QUESTIONS))
def test_a_hand_off_comes_in_the_customer_s_language(
    api: tuple[TestClient, Keys, AppState], lang: str
) -> None:
    client, keys, _ = api
    question, locale = QUESTIONS[lang]
    r = client.post(
        "/v1/answers",
        json={"question": question, "locale": locale},
        headers=auth(keys.widget, WIDGET_ORIGIN),
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["lang"] == lang and out["outcome"] == "handoff", out
    handoff = out["handoff"]
    assert handoff["message"] == message(handoff["reason"], lang), handoff
    assert handoff["message"] != message(handoff["reason"], "en")
    for article in handoff["articles"]:  # English articles, each named so in the reply language
        assert article["note"] and article["note"] != f"(article in {article['lang']})", article


def test_widget_strings_are_served_per_language_and_cacheable(
    api: tuple[TestClient, Keys, AppState],
) -> None:
    client, _, _ = api
    r = client.get("/widget/strings/ja.json", headers={"Origin": "https://shop.example.com"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body == {"lang": "ja", "dir": "ltr", "strings": widget_strings("ja").strings}
    assert body["strings"]["title"] == "ヘルプ"
    assert "max-age=" in r.headers["cache-control"] and "public" in r.headers["cache-control"]
    assert r.headers["access-control-allow-origin"] == "*"
    again = client.get("/widget/strings/ja.json", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/widget/strings/ar.json").json()["dir"] == "rtl"
    assert client.get("/widget/strings/pt-BR.json").json()["lang"] == "pt"
    assert client.get("/widget/strings/ZH_tw.json").json()["lang"] == "zh"


def test_an_unknown_language_gets_english_and_a_bad_tag_a_404(
    api: tuple[TestClient, Keys, AppState],
) -> None:
    client, _, _ = api
    unknown = client.get("/widget/strings/sv.json")
    assert unknown.status_code == 200
    assert unknown.json() == {"lang": "en", "dir": "ltr", "strings": widget_strings("en").strings}
    for bad in ("1x.json", "en-US-x-y-z-w.json", "%3Cscript%3E.json", "toolongtag.json"):
        r = client.get(f"/widget/strings/{bad}")
        assert r.status_code == 404, (bad, r.text)
        assert r.json()["error"]["code"] == "not_found", bad
    assert client.get("/widget/strings/ja").status_code == 404  # no .json
    assert client.post("/widget/strings/ja.json").status_code == 405


def test_the_served_widget_carries_the_english_strings_and_stays_under_budget(
    api: tuple[TestClient, Keys, AppState], tmp_path: Path
) -> None:
    client, _, _ = api
    script = client.get("/widget.js").text
    assert "{/*EN*/}" not in script
    english = json.dumps(widget_strings("en").strings, ensure_ascii=False, separators=(",", ":"))
    assert f"const EN = {english};" in script
    assert len(script.encode()) < 20_000
    for lang in ("de", "ja", "ar"):  # no other language is inline any more
        assert widget_strings(lang).strings["helped"] not in script
    if which("node"):
        (tmp_path / "widget.js").write_text(script, encoding="utf-8")
        subprocess.run(["node", "--check", str(tmp_path / "widget.js")], check=True)
