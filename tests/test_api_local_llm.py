"""Replies through the whole API path with the local model out of process: streaming, and a
model server killed mid-request never takes the API down (scripted model; the real 0.5B too)."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from copilot.local_model import ServerOptions
from copilot.state import AppState
from tests.api_fixtures import Keys, auth, build_store, client_for
from tests.local_model_support import real_model_missing

MODEL = "local/qwen2.5-0.5b-instruct"
THREAD = {"messages": [{"author": "customer", "body": "How do I export my bookings?"}]}
SCRIPTED = "Go to Bookings > Export and pick a date range [1]."


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("llm-api"))


def _client(store: Path, model: str, fake_delay: float | None) -> tuple[TestClient, Keys, AppState]:
    # a generous deadline: CI's two cores may be busy; the deadline is not what is tested here
    client, keys, state = client_for(store, llm_model=model, llm_max_tokens=64, llm_timeout_s=300)
    if fake_delay is not None:  # the scripted model in a real child process
        state.engine.generator.local_options = ServerOptions(fake=SCRIPTED, fake_delay_s=fake_delay)
    return client, keys, state


def _sse(body: str) -> list[tuple[str, Any]]:
    events = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def _kill_mid_request(client: TestClient, keys: Keys, state: AppState) -> dict[str, Any]:
    """Send a reply request and SIGKILL the model server while it generates."""
    local = state.engine.generator.local
    assert local is not None and local.ready
    pid = local.pid
    box: dict[str, Any] = {}

    def call() -> None:
        box["response"] = client.post("/v1/replies", json=THREAD, headers=auth(keys.agent))

    worker = threading.Thread(target=call)
    worker.start()
    health = local.api_base.removesuffix("/v1") + "/health"
    end = time.monotonic() + 120
    while time.monotonic() < end and not httpx.get(health, timeout=5).json()["busy"]:
        time.sleep(0.02)  # until the model server is generating this reply
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    worker.join(180)
    response = box["response"]
    assert response.status_code == 200, response.text
    assert local.wait_ready(180), local.status()
    return dict(response.json())


def test_streamed_reply_and_a_killed_model_server(store: Path) -> None:
    client, keys, state = _client(store, "local/fake", fake_delay=0.05)
    with client:
        r = client.post("/v1/replies", json={**THREAD, "stream": True}, headers=auth(keys.agent))
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = _sse(r.text)
        tokens = [data["text"] for kind, data in events if kind == "token"]
        assert len(tokens) > 3 and "".join(tokens) == SCRIPTED
        kind, reply = events[-1]
        assert kind == "reply" and reply["generator_used"] == "local/fake"
        assert reply["draft_id"] > 0 and "[1]" in reply["text"]

        health = client.get("/healthz").json()["llm"]
        assert health["state"] == "ready" and health["pid"] != os.getpid()
        body = _kill_mid_request(client, keys, state)
        assert body["generator_used"] == "extractive" and body["fallback_reason"]
        assert client.get("/healthz").json()["llm"]["restarts"] == 1
        again = client.post("/v1/replies", json=THREAD, headers=auth(keys.agent)).json()
        assert again["generator_used"] == "local/fake" and again["fallback_reason"] is None
        # the widget never waits on the model: answers are extractive by default
        answer = client.post("/v1/answers", json={"question": "How do I export bookings?"},
                             headers=auth(keys.agent)).json()  # fmt: skip
        assert answer.get("generator_used", "extractive") == "extractive"
    assert state.engine.generator.local is None  # shutdown stopped the child


@pytest.mark.slow
def test_reply_through_the_real_local_model_survives_a_kill(store: Path) -> None:
    reason = real_model_missing()
    if reason:
        pytest.skip(reason)
    client, keys, state = _client(store, MODEL, fake_delay=None)
    with client:
        r = client.post("/v1/replies", json=THREAD, headers=auth(keys.agent))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["llm_tokens"] > 0 and body["llm_first_token_ms"] is not None  # the model ran
        if body["generator_used"] == MODEL:
            assert body["fallback_reason"] is None and "[1]" in body["text"]
        else:  # a small model's draft that fails its checks is replaced, and says why
            assert body["generator_used"] == "extractive" and body["fallback_reason"]
        assert body["sources"][0]["external_id"] == "kb-export"
        assert "evil.example" not in body["text"]

        killed = _kill_mid_request(client, keys, state)
        assert killed["generator_used"] == "extractive" and killed["fallback_reason"]
        after = client.post("/v1/replies", json=THREAD, headers=auth(keys.agent)).json()
        assert after["llm_tokens"] > 0  # the restarted model served the next request
