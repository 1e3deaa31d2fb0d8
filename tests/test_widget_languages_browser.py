"""The widget in the customer's language, in headless Chromium: a shop page with
`data-lang="ja"` on another origin gets Japanese UI text from /widget/strings and a Japanese
hand-off; an Arabic browser gets the widget right to left without its layout breaking.
The real app runs under uvicorn on a loopback port over a real store (MiniLM); a second tiny
server on another loopback port plays the shop (a routed page would not be on loopback, and
Chromium refuses a public page's requests to loopback)."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from copilot.app import build_state, create_app
from copilot.config import Settings
from copilot.messages import message, widget_strings
from kb.storage.keys import KeyStore
from tests.api_fixtures import build_store
from tests.browser import chromium, playwright_or_skip
from tests.live_server import QuietHandler, free_port, serve

sync_api = playwright_or_skip()

pytestmark = pytest.mark.slow
HANDOFF_EMAIL = "support@orbitly.example"
ROOT = "document.querySelector('[data-kbc-widget]').shadowRoot.querySelector('.w')"


@dataclass
class Site:
    base: str
    widget: str
    shop: str  # a customer's site on another origin the widget key allows
    shop_dir: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    data_dir = build_store(tmp_path_factory.mktemp("widget-languages"))
    shop_dir = tmp_path_factory.mktemp("shop")
    shop = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(QuietHandler, directory=str(shop_dir))
    )
    threading.Thread(target=shop.serve_forever, daemon=True).start()
    shop_origin = f"http://127.0.0.1:{shop.server_address[1]}"
    port = free_port()
    state = build_state(Settings(data_dir=data_dir, handoff_email=HANDOFF_EMAIL))
    origins = (f"http://127.0.0.1:{port}", shop_origin)
    widget = KeyStore(state.kb).create("widget", name="shop", origins=origins)
    state.settings = state.settings.model_copy(update={"demo_widget_key": widget})
    try:
        with serve(create_app(state.settings, state=state), port) as url:
            yield Site(base=url, widget=widget, shop=shop_origin, shop_dir=shop_dir)
    finally:
        shop.shutdown()
        shop.server_close()
        state.kb.database.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def new_page(browser: Any, locale: str) -> Any:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def open_widget(page: Any, url: str) -> None:
    page.goto(url)
    page.click("button.l")
    page.wait_for_selector("#kbc-panel:not([hidden])")


def ask(page: Any, question: str) -> None:
    page.fill("#kbc-q", question)
    page.press("#kbc-q", "Enter")


def test_a_japanese_shop_page_gets_japanese_ui_text_and_hand_off(site: Site, browser: Any) -> None:
    page = new_page(browser, "en-US")  # the page's data-lang wins over the browser's English
    try:
        shop = (
            "<!doctype html><html lang=ja><title>ショップ</title><h1>オービットリー</h1>"
            f'<script src="{site.base}/widget.js" data-key="{site.widget}" data-lang="ja" async>'
            "</script>"
        )
        (site.shop_dir / "ja.html").write_text(shop, encoding="utf-8")
        fetched: list[str] = []

        def strings_fetched(request: Any) -> None:
            if "/widget/strings/" in request.url:
                fetched.append(request.url)

        page.on("request", strings_fetched)
        ja = widget_strings("ja").strings
        open_widget(page, f"{site.shop}/ja.html")
        assert page.locator("button.l").inner_text() == ja["title"] == "ヘルプ"
        assert page.locator("#kbc-title").inner_text() == "ヘルプ"
        assert page.get_attribute("#kbc-q", "placeholder") == ja["ph"]
        assert page.get_attribute("button.l", "aria-label") == ja["open"]
        assert page.locator(".m").first.inner_text() == ja["hi"]
        assert page.evaluate(f"[{ROOT}.lang, {ROOT}.dir]") == ["ja", "ltr"]
        ask(page, "猫の予防接種の予約はどこでできますか？")
        handoff = page.locator(".m.h")
        handoff.wait_for()
        text = handoff.inner_text()
        assert any(message(r, "ja") in text for r in ("no_relevant_article", "low_confidence"))
        assert handoff.locator("a.c").inner_text() == ja["email"]
        assert fetched == [f"{site.base}/widget/strings/ja.json"], "fetched once, cross-origin"
    finally:
        page.context.close()


# An answer as /v1/answers gives it, in Arabic, with a list, citations and two sources (one an
# English article named so): the parts of the layout that right to left could break.
ARABIC_ANSWER = {
    "answer_id": 1,
    "outcome": "answered",
    "lang": "ar",
    "confidence": 0.9,
    "answer": (
        "افتح **الإعدادات** ثم اختر الحساب [1].\n\n"
        "1. اضغط على نسيت كلمة المرور [1]\n2. افتح الرابط في بريدك الإلكتروني [2]"
    ),
    "sources": [
        {"n": 1, "title": "إعادة تعيين كلمة المرور", "url": "https://help.test/ar/kb-password"},
        {
            "n": 2,
            "title": "Reset your password",
            "url": "https://help.test/kb-password",
            "note": message("article_in", "ar").format(language="الإنجليزية"),
        },
    ],
    "sentences": [],
    "handoff": None,
}

LAYOUT = f"""() => {{
  const w = {ROOT}, log = w.querySelector('.g'), box = (e) => e.getBoundingClientRect();
  const panel = box(w.querySelector('.p'));
  const inside = (e) => {{ const b = box(e);
    return b.left >= panel.left - 0.5 && b.right <= panel.right + 0.5 && b.width > 0; }};
  const q = w.querySelector('.m.q'), a = w.querySelector('.m.a');
  const lists = [...a.querySelectorAll('ol, ul')].map((l) => getComputedStyle(l));
  return {{
    dir: w.dir, direction: getComputedStyle(a).direction,
    overflow: log.scrollWidth - log.clientWidth,
    question_left_of_answer: box(q).left < box(a).left,
    question_at_the_left: Math.abs(box(q).left - box(log).left) < 24,
    answer_at_the_right: Math.abs(box(log).right - box(a).right) < 24,
    lists_pad_the_right: lists.every((s) => s.paddingRight === '20px' && s.paddingLeft === '0px'),
    all_inside: [...w.querySelectorAll('.m, .m li, .m button, .m a, form button, form input')]
      .every(inside),
    items: a.querySelectorAll('.s li').length,
  }};
}}"""


def test_an_arabic_widget_is_right_to_left_and_its_layout_holds(site: Site, browser: Any) -> None:
    page = new_page(browser, "ar-EG")  # the browser's language, as on the demo page
    try:
        ar = widget_strings("ar").strings
        open_widget(page, f"{site.base}/demo")
        assert page.evaluate(f"[{ROOT}.lang, {ROOT}.dir]") == ["ar", "rtl"]
        assert page.locator("button.l").inner_text() == ar["title"]
        ask(page, "أين يمكنني حجز موعد لتطعيم قطتي عند الطبيب البيطري؟")  # the real server
        handoff = page.locator(".m.h")
        handoff.wait_for()
        text = handoff.inner_text()
        assert any(message(r, "ar") in text for r in ("no_relevant_article", "low_confidence"))
        page.route(
            "**/v1/answers",
            lambda route: route.fulfill(
                status=200, content_type="application/json", body=json.dumps(ARABIC_ANSWER)
            ),
        )
        ask(page, "كيف أعيد تعيين كلمة المرور؟")
        answer = page.locator(".m.a")
        answer.wait_for()
        assert answer.locator(".s h3").inner_text().strip() != ""
        assert ar["helped"] in answer.inner_text()
        layout = page.evaluate(LAYOUT)
        assert layout == {
            "dir": "rtl",
            "direction": "rtl",
            "overflow": 0,
            "question_left_of_answer": True,
            "question_at_the_left": True,
            "answer_at_the_right": True,
            "lists_pad_the_right": True,
            "all_inside": True,
            "items": 2,
        }, layout
        note = answer.locator(".s li").nth(1).inner_text()
        assert note.endswith("(مقالة باللغة الإنجليزية)"), note
        page.click(f".m.a button:text('{ar['yes']}')")  # feedback, in Arabic too
        page.wait_for_selector(f"text={ar['thanks']}")
    finally:
        page.context.close()
