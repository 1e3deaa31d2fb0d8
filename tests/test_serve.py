"""One pass through a real uvicorn server on loopback: health, auth, an answer, CORS."""

from __future__ import annotations

from pathlib import Path

import httpx

from copilot.app import build_state, create_app
from copilot.config import Settings
from ingest.pipeline import run
from kb.maintenance import open_store
from kb.storage.keys import KeyStore
from tests.helpcenter import write_help_center
from tests.live_server import serve


def test_real_server_on_loopback(tmp_path: Path) -> None:
    data_dir = tmp_path / "store"
    with open_store(data_dir, "hashing") as kb:
        assert kb.embedder is not None
        run([write_help_center(tmp_path / "hc")], kb, kb.embedder)
    settings = Settings(data_dir=data_dir, answer_threshold=0.0, relevance_floor=-1.0)
    state = build_state(settings)
    agent = KeyStore(state.kb).create("agent")
    with serve(create_app(settings, state=state)) as base, httpx.Client(base_url=base) as http:
        assert http.get("/healthz").json()["status"] == "ok"
        assert http.post("/v1/answers", json={"question": "x"}).status_code == 401
        r = http.post(
            "/v1/answers",
            json={"question": "How do I export bookings to CSV?"},
            headers={"Authorization": f"Bearer {agent}"},
        )
        assert r.status_code == 200, r.text
        assert r.json()["sources"][0]["external_id"] == "kb-export"
        spec = http.get("/openapi.json")
        assert spec.status_code == 200 and "/v1/replies" in spec.json()["paths"]
