"""The widget, its demo page and the agent console, driven in headless Chromium.

The real app runs under uvicorn on a loopback port over a real store (MiniLM embedder);
a second tiny server on another port plays a website the widget key does not allow.
"""

from __future__ import annotations

import http.server
import json
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from copilot.app import build_state, create_app
from copilot.config import Settings
from copilot.state import AppState
from kb.storage.keys import KeyStore
from tests.api_fixtures import CANARY, build_store
from tests.browser import chromium, playwright_or_skip
from tests.live_server import QuietHandler, free_port, serve

sync_api = playwright_or_skip()

pytestmark = pytest.mark.slow
HANDOFF_EMAIL = "support@orbitly.example"
# A draft the LLM composer returns for the console test: the last sentence is in no source.
MOCK_DRAFT = (
    "Click **Forgot password** on the sign-in page and enter your email address [1]. "
    "We send a reset link that expires after 30 minutes [1]. "
    "As an apology we will add a free month of Orbitly Pro to your account [1]."
)


@dataclass
class Site:
    base: str
    state: AppState
    agent: str
    widget: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    data_dir = build_store(tmp_path_factory.mktemp("pages"))
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    state = build_state(Settings(data_dir=data_dir, handoff_email=HANDOFF_EMAIL))
    keys = KeyStore(state.kb)
    widget = keys.create("widget", name="demo", origins=(origin,))
    agent = keys.create("agent", name="console")
    state.settings = state.settings.model_copy(update={"demo_widget_key": widget})
    with serve(create_app(state.settings, state=state), port) as base:
        yield Site(base=base, state=state, agent=agent, widget=widget)
    state.kb.database.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    yield from _page_in(browser, "en-US")


@pytest.fixture
def german_page(browser: Any) -> Iterator[Any]:
    """A page in a browser whose language is German (de-DE)."""
    yield from _page_in(browser, "de-DE")


def _page_in(browser: Any, locale: str) -> Iterator[Any]:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 860})
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        yield page
    finally:
        context.close()


def ask(page: Any, question: str) -> None:
    page.fill("#kbc-q", question)
    page.press("#kbc-q", "Enter")


def open_widget(page: Any, url: str) -> None:
    page.goto(url)
    page.click("button.l")
    page.wait_for_selector("#kbc-panel:not([hidden])")


# -- widget ------------------------------------------------------------------------------------


def test_widget_script_is_small_and_cacheable(site: Site) -> None:
    with urllib.request.urlopen(f"{site.base}/widget.js", timeout=10) as response:
        body = response.read()
        etag = response.headers["ETag"]
        assert response.headers["Content-Type"].startswith("text/javascript")
        assert "max-age=" in response.headers["Cache-Control"]
    assert len(body) < 20_000
    request = urllib.request.Request(f"{site.base}/widget.js", headers={"If-None-Match": etag})
    with pytest.raises(urllib.error.HTTPError) as not_modified:
        urllib.request.urlopen(request, timeout=10)
    assert not_modified.value.code == 304


def test_demo_page_without_a_key_says_how_to_create_one(site: Site) -> None:
    configured = site.state.settings
    site.state.settings = configured.model_copy(update={"demo_widget_key": None})
    try:
        with urllib.request.urlopen(f"{site.base}/demo", timeout=10) as response:
            page = response.read().decode()
    finally:
        site.state.settings = configured
    assert f"kbc keys create --role widget --origin {site.base}" in page
    assert "widget.js" not in page


def test_demo_page_answers_with_numbered_sources(site: Site, page: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    open_widget(page, f"{site.base}/demo")
    assert page.get_attribute("#kbc-panel", "role") == "dialog"
    ask(page, "How do I reset my password?")
    answer = page.locator(".m.a")
    answer.wait_for()
    assert "Forgot password" in answer.inner_text()
    assert answer.locator("strong").first.inner_text() == "Forgot password"  # Markdown, safely
    source = answer.locator(".s ol li a").first
    assert source.get_attribute("href") == "https://help.test/kb-password"
    assert source.inner_text() == "Reset your password"
    assert answer.locator("sup a").first.get_attribute("href") == "https://help.test/kb-password"
    assert all(u.startswith(site.base) for u in requested), "no third-party requests"


def test_feedback_reaches_the_api(site: Site, page: Any) -> None:
    open_widget(page, f"{site.base}/demo")
    ask(page, "How can I export my bookings to CSV?")
    page.locator(".m.a").wait_for()
    with page.expect_response(lambda r: r.url.endswith("/v1/feedback")) as sent:
        page.click(".m.a button:text('Yes')")
    assert sent.value.status == 200
    page.wait_for_selector("text=Thanks for letting us know!")
    answer_id = sent.value.request.post_data_json["answer_id"]
    votes = [f.helpful for f in site.state.kb.catalog.feedback_rows() if f.answer_id == answer_id]
    assert votes[:1] == [1]


def test_question_without_a_good_article_hands_off(site: Site, page: Any) -> None:
    open_widget(page, f"{site.base}/demo")
    ask(page, "Can Orbitly control the firmware of my espresso machine?")
    handoff = page.locator(".m.h")
    handoff.wait_for()
    assert "couldn't find an article" in handoff.inner_text()
    assert handoff.locator("a.c").get_attribute("href") == f"mailto:{HANDOFF_EMAIL}"
    assert page.locator(".m.a").count() == 0


def test_widget_never_shows_internal_secrets_or_unknown_links(site: Site, page: Any) -> None:
    bodies: list[str] = []
    page.on("response", lambda r: "/v1/" in r.url and bodies.append(r.text()))
    open_widget(page, f"{site.base}/demo")
    for question in (
        "Can agents refund an annual plan up to 60 days after renewal with lead approval?",
        "What does the secret canary in the internal runbook say?",
        "How do I download my invoices?",  # the article with planted instructions and a link
    ):
        count = page.locator(".m.a, .m.h").count()
        ask(page, question)
        page.locator(".m.a, .m.h").nth(count).wait_for()
    assert CANARY not in page.locator(".g").inner_text()
    links = page.locator(".g a").evaluate_all("as => as.map(a => a.href)")
    assert links and all(
        link.startswith(("https://help.test/", f"mailto:{HANDOFF_EMAIL}")) for link in links
    ), links
    assert bodies and not any(CANARY in b for b in bodies)


def test_widget_on_a_disallowed_origin_is_refused(site: Site, page: Any, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        "<!doctype html><title>Other shop</title><h1>Another site</h1>"
        f'<script src="{site.base}/widget.js" data-key="{site.widget}" async></script>',
        encoding="utf-8",
    )
    handler = partial(QuietHandler, directory=str(tmp_path))
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        origin = f"http://127.0.0.1:{other.server_address[1]}"
        failed: list[str] = []
        page.on("requestfailed", lambda r: failed.append(r.url))
        open_widget(page, f"{origin}/index.html")
        ask(page, "How do I reset my password?")
        error = page.locator(".m.e")
        error.wait_for()
        assert "isn't enabled on this website" in error.inner_text()
        assert page.locator(".m.a").count() == 0
        assert f"{site.base}/v1/answers" in failed  # blocked by the refused CORS preflight
        preflight = urllib.request.Request(
            f"{site.base}/v1/answers",
            method="OPTIONS",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(preflight, timeout=10)
        assert refused.value.code == 403
    finally:
        other.shutdown()
        other.server_close()


def test_widget_works_with_the_keyboard_alone(site: Site, page: Any) -> None:
    page.goto(f"{site.base}/demo")
    focused = "document.activeElement.shadowRoot?.activeElement?.className ?? ''"
    for _ in range(30):  # Tab through the page until the launcher has focus
        page.keyboard.press("Tab")
        if page.evaluate(focused) == "l":
            break
    else:
        pytest.fail("the launcher is not reachable with Tab")
    launcher = page.locator("button.l")
    assert launcher.get_attribute("aria-controls") == "kbc-panel"
    page.keyboard.press("Enter")
    assert launcher.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.activeElement.shadowRoot.activeElement.id") == "kbc-q"
    assert page.get_attribute(".g", "aria-live") == "polite"
    page.keyboard.type("How do I reset my password?")
    page.keyboard.press("Enter")
    page.locator(".m.a").wait_for()
    page.keyboard.press("Shift+Tab")  # from the input back to the answer's "No" ...
    page.keyboard.press("Shift+Tab")  # ... and "Yes" buttons
    assert page.evaluate("document.activeElement.shadowRoot.activeElement.textContent") == "Yes"
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Thanks for letting us know!")
    page.keyboard.press("Escape")
    assert page.locator("#kbc-panel").is_hidden()
    assert launcher.get_attribute("aria-expanded") == "false"
    assert page.evaluate(focused) == "l"


def test_widget_speaks_the_question_language_then_the_browser_language(
    site: Site, german_page: Any
) -> None:
    page = german_page
    open_widget(page, f"{site.base}/demo")
    assert page.locator("button.l").inner_text() == "Hilfe"
    ask(page, "¿Cómo restablezco mi contraseña?")
    page.locator(".m.a").wait_for()
    assert "¿Te ha ayudado?" in page.locator(".m.a").inner_text()
    assert page.locator("#kbc-title").inner_text() == "Ayuda"


def test_a_german_hand_off_names_the_english_article_it_still_offers(
    site: Site, german_page: Any
) -> None:
    page = german_page
    open_widget(page, f"{site.base}/demo")
    ask(page, "Wie exportiere ich meine Buchungen als CSV-Datei?")
    handoff = page.locator(".m.h")
    handoff.wait_for()
    text = handoff.inner_text()
    assert "Ich bin mir nicht sicher genug" in text and "(Artikel auf Englisch)" in text, text
    assert handoff.locator("h3").text_content() == "Bis dahin helfen dir vielleicht diese Artikel"


def test_widget_explains_rate_limits_and_network_errors(site: Site, page: Any) -> None:
    open_widget(page, f"{site.base}/demo")
    page.route(
        "**/v1/answers",
        lambda route: route.fulfill(
            status=429,
            headers={"Retry-After": "7", "Access-Control-Allow-Origin": "*"},
            content_type="application/json",
            body=json.dumps({"error": {"code": "rate_limited", "message": "slow down"}}),
        ),
    )
    ask(page, "How do I reset my password?")
    page.wait_for_selector(".m.e >> text=please wait 7 seconds")
    page.unroute("**/v1/answers")
    page.route("**/v1/answers", lambda route: route.abort())
    page.route("**/widget.js", lambda route: route.abort())  # the whole server is unreachable
    ask(page, "How do I reset my password?")
    page.wait_for_selector(".m.e >> text=couldn't reach the help center")
    page.unroute("**/v1/answers")
    page.unroute("**/widget.js")
    page.locator(".m.e button").last.click()  # "Try again" now succeeds
    page.locator(".m.a").wait_for()


# -- agent console -----------------------------------------------------------------------------


def _llm_engine(state: AppState) -> Any:
    """The real Copilot with the LLM composer over litellm's mock response (no network)."""
    from copilot.compose import ExtractiveComposer, LLMComposer
    from copilot.engine import Copilot
    from copilot.llm import LLMGateway

    gateway = LLMGateway("openai/gpt-4o-mini", mock_response=MOCK_DRAFT)
    composer = LLMComposer(
        gateway, ExtractiveComposer(state.kb.embedder), state.kb.embedder, structured=False
    )
    return Copilot(state.kb, state.retriever, composer, state.settings, generator=gateway)


def sign_in(page: Any, site: Site) -> None:
    page.goto(f"{site.base}/console")
    page.fill("#key", site.agent)
    page.click("#signin-form button[type=submit]")
    page.wait_for_selector("#app:not([hidden])")
    assert page.evaluate("sessionStorage.getItem('kbc.console.key')") == site.agent
    assert site.agent not in page.url


def test_console_drafts_a_reply_and_highlights_unsupported_sentences(site: Site, page: Any) -> None:
    extractive = site.state.engine
    site.state.engine = _llm_engine(site.state)
    try:
        sign_in(page, site)
        page.select_option("#example", index=1)  # locked out, reset email never arrived
        assert page.locator("#messages li.msg").count() == 4
        page.click("#draft")
        page.wait_for_selector("#draft-card:not([hidden])", timeout=30_000)
        # streamed tokens first, then the checked draft with its sentence check
        page.wait_for_selector("#check-card:not([hidden]) .sentence", timeout=30_000)
    finally:
        site.state.engine = extractive
    draft = page.input_value("#draft-text")
    assert "[1]" in draft and "Forgot password" in draft
    unsupported = page.locator(".sentence.unsupported")
    assert unsupported.count() == 1 and "free month" in unsupported.inner_text()
    assert page.locator(".sentence.supported").count() >= 2
    assert page.locator("#sources .source").first.locator("a").get_attribute("href") == (
        "https://help.test/kb-password"
    )
    assert page.locator("#sources >> text=Resolved ticket · internal").count() >= 1
    assert not page.locator("#summary-card").is_hidden()  # four messages: summarized too
    page.fill("#draft-text", draft.replace(MOCK_DRAFT.split(". ")[-1], "Thanks for your patience."))
    page.click("#send")
    page.wait_for_selector("#send-status >> text=Edit distance")
    edited = [
        f
        for f in site.state.kb.catalog.feedback_rows()
        if f.draft_id is not None and f.edit_distance is not None and f.edit_distance > 0
    ]
    assert len(edited) == 1


def test_console_searches_articles_and_resolved_tickets(site: Site, page: Any) -> None:
    sign_in(page, site)
    page.fill("#q", "refund after 40 days")
    page.press("#q", "Enter")
    page.wait_for_selector("#hits li.hit")
    hits = page.locator("#hits").inner_text()
    assert "Resolved ticket · internal" in hits and "Refunds and cancellations" in hits
    page.reload()  # the key survives a reload in session storage
    page.wait_for_selector("#app:not([hidden])")
    page.click("#signout")
    assert page.evaluate("sessionStorage.getItem('kbc.console.key')") is None
