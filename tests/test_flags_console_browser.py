"""The flags console driven in headless Chromium against a real uvicorn server."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest

from bench.flags import build_labelled_store, labelled_config
from copilot.app import build_state, create_app
from copilot.config import Settings
from kb.flags import run_scan
from kb.storage.keys import KeyStore
from tests.browser import chromium, playwright_or_skip
from tests.live_server import serve

sync_api = playwright_or_skip()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    data_dir = tmp_path_factory.mktemp("console") / "store"
    kb, labels = build_labelled_store(data_dir)
    run_scan(kb, labelled_config(labels))
    settings = Settings.model_validate({"data_dir": data_dir, "embedder": "hashing-384"})
    owner = KeyStore(kb).create("owner")
    with serve(create_app(settings, state=build_state(settings, kb))) as base:
        yield base, owner
    kb.database.close()


def _get(url: str, key: str) -> dict[str, object]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        data: dict[str, object] = json.loads(response.read())
    return data


def test_acknowledge_a_flag_through_the_page(server: tuple[str, str]) -> None:
    base, owner = server
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base}/flags-console")
        page.fill("#key", owner)
        page.click("#signin button[type=submit]")
        first = page.locator("#flags li.flag").first
        first.wait_for(timeout=30_000)
        flag_id = int(first.get_attribute("data-id") or "0")
        first.locator("button").click()
        page.locator("#detail").wait_for(state="visible", timeout=30_000)
        assert page.locator("#evidence .ev-summary").inner_text().strip()
        assert page.locator("#article").inner_text().strip()
        page.fill("#note", "checking with the billing team")
        page.click("#ack")
        try:
            page.locator("#message", has_text="is now acknowledged").wait_for(timeout=30_000)
        except sync_api.TimeoutError:
            pytest.fail(f"no confirmation; the page says {page.inner_text('#message')!r}")
        assert page.evaluate("sessionStorage.getItem('kbc_owner_key')") == owner
    listed = _get(f"{base}/v1/flags?status=acknowledged", owner)
    flags: list[dict[str, object]] = listed["flags"]  # type: ignore[assignment]
    states = {f["id"]: (f["status"], f["note"]) for f in flags}
    assert states[flag_id] == ("acknowledged", "checking with the billing team")


def test_wrong_role_cannot_use_the_console(server: tuple[str, str]) -> None:
    base, _ = server
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base}/flags-console")
        page.fill("#key", "kbc_nope_nope")
        page.click("#signin button[type=submit]")
        page.locator("#message", has_text="owner or admin").wait_for(timeout=30_000)
        assert page.locator("#app").is_hidden()
