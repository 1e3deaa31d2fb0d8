"""The widget's `clarify`: candidate topics as buttons in headless Chromium; choosing one
answers from that article (real app under uvicorn, real store, MiniLM)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from copilot.app import build_state, create_app
from copilot.config import Settings
from kb.storage.keys import KeyStore
from tests.browser import chromium, playwright_or_skip
from tests.live_server import free_port, serve
from tests.test_clarify import build_clarify_store

sync_api = playwright_or_skip()

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = build_clarify_store(tmp_path_factory.mktemp("clarify-browser"))
    port = free_port()
    state = build_state(Settings(data_dir=store))
    widget = KeyStore(state.kb).create("widget", name="demo", origins=(f"http://127.0.0.1:{port}",))
    state.settings = state.settings.model_copy(update={"demo_widget_key": widget})
    with serve(create_app(state.settings, state=state), port) as url:
        yield url
    state.kb.database.close()


@pytest.fixture
def page(base: str) -> Iterator[Any]:
    with chromium() as browser:
        page = browser.new_page(locale="en-US")
        page.set_default_timeout(20_000)
        yield page


def test_widget_asks_which_article_then_answers_the_chosen_one(base: str, page: Any) -> None:
    page.goto(f"{base}/demo")
    page.click("button.l")
    page.wait_for_selector("#kbc-panel:not([hidden])")
    page.fill("#kbc-q", "How do I cancel?")
    page.press("#kbc-q", "Enter")
    choice = page.locator(".m.a .k")
    choice.wait_for()
    buttons = choice.locator("button")
    titles = set(buttons.all_inner_texts())
    assert titles == {"Cancel your subscription", "Cancel or reschedule a booking"}
    assert page.locator(".m.h").count() == 0  # not a hand-off
    choice.locator("button", has_text="Cancel your subscription").click()
    answer = page.locator(".m.a").nth(1)
    answer.wait_for()
    assert "Settings > Billing" in answer.inner_text() or "Cancel plan" in answer.inner_text()
    assert all(b.is_disabled() for b in buttons.all())  # one choice per question
