"""GET/PATCH /v1/flags on the labelled example set: roles, ordering, detail, transitions."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bench.flags import build_labelled_store, labelled_config
from copilot.app import build_state, create_app
from copilot.config import Settings
from kb.flags import run_scan
from kb.storage.keys import KeyStore

ROLES = ("agent", "owner", "admin", "widget")


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    data_dir = tmp_path_factory.mktemp("flags") / "store"
    kb, labels = build_labelled_store(data_dir)
    (data_dir / "review_policy.json").write_text(json.dumps(labels["review_policy"]))
    run_scan(kb, labelled_config(labels))
    settings = Settings.model_validate({"data_dir": data_dir, "embedder": "hashing-384"})
    state = build_state(settings, kb)
    keys = KeyStore(kb)
    tokens = {
        role: keys.create(role, origins=("https://shop.example.com",) if role == "widget" else ())
        for role in ROLES
    }
    with TestClient(create_app(settings, state=state)) as client:
        yield client, tokens
    kb.database.close()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Origin": "https://shop.example.com"}


@pytest.mark.parametrize(
    ("role", "status"), [("agent", 403), ("widget", 403), ("owner", 200), ("admin", 200)]
)
def test_roles(api: tuple[TestClient, dict[str, str]], role: str, status: int) -> None:
    client, tokens = api
    assert client.get("/v1/flags", headers=auth(tokens[role])).status_code == status
    patched = client.patch("/v1/flags/1", json={"note": "hi"}, headers=auth(tokens[role]))
    assert patched.status_code == status
    if status == 403:
        assert patched.json()["error"]["code"] == "forbidden"


def test_no_key_is_401(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    assert client.get("/v1/flags").status_code == 401


def test_list_sorted_by_impact_and_filtered(api: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = api
    body = client.get("/v1/flags", headers=auth(tokens["owner"])).json()
    impacts = [f["impact"] for f in body["flags"]]
    assert impacts == sorted(impacts, reverse=True) and body["total"] >= 30
    assert body["counts"]["contradicted_by_tickets"]["open"] >= 10
    only = client.get("/v1/flags", params={"reason": "duplicate"}, headers=auth(tokens["owner"]))
    assert {f["reason"] for f in only.json()["flags"]} == {"duplicate"}
    bad = client.get("/v1/flags", params={"reason": "nope"}, headers=auth(tokens["owner"]))
    assert bad.status_code == 422


def _first(client: TestClient, token: str, reason: str) -> dict[str, object]:
    flags = client.get("/v1/flags", params={"reason": reason}, headers=auth(token)).json()["flags"]
    return flags[0]


def test_detail_has_article_text_and_related(api: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = api
    flag = _first(client, tokens["owner"], "duplicate")
    detail = client.get(f"/v1/flags/{flag['id']}", headers=auth(tokens["owner"])).json()
    assert detail["article"]["external_id"] == flag["document_id"]
    assert detail["related"]["external_id"] == detail["evidence"]["duplicate_of"]
    assert detail["evidence"]["passages"]
    missing = client.get("/v1/flags/99999", headers=auth(tokens["owner"]))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_transitions(api: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = api
    owner = auth(tokens["owner"])
    flag = _first(client, tokens["owner"], "broken_link")
    url = f"/v1/flags/{flag['id']}"
    done = client.patch(url, json={"status": "acknowledged", "note": "on it"}, headers=owner)
    assert done.status_code == 200 and done.json()["status"] == "acknowledged"
    still = client.patch(url, json={"status": "fixed"}, headers=owner)
    assert still.status_code == 422 and "still detected" in still.json()["error"]["message"]
    assert client.patch(url, json={"status": "dismissed"}, headers=owner).status_code == 200
    wrong = client.patch(url, json={"status": "acknowledged"}, headers=owner)
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "invalid_input"
    assert client.patch(url, json={}, headers=owner).status_code == 422
    listed = client.get("/v1/flags", params={"status": "dismissed"}, headers=owner).json()
    assert flag["id"] in [f["id"] for f in listed["flags"]]


def test_console_page_is_served(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    page = client.get("/flags-console")
    assert page.status_code == 200 and "Help center flags" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    script = client.get("/flags-console/console.js")
    assert script.status_code == 200 and "textContent" in script.text


@pytest.mark.parametrize(("reply", "verdict"), [("YES", True), ("No.", False), ("maybe", None)])
def test_llm_verifier_through_the_gateway(reply: str, verdict: bool | None) -> None:
    from copilot.flags_verifier import LLMClaimVerifier
    from copilot.llm import LLMGateway

    gateway = LLMGateway("openai/gpt-4o-mini", mock_response=reply, retries=0, timeout_s=10)
    verifier = LLMClaimVerifier(gateway)
    assert (
        verifier.confirm("The trial lasts 14 days.", "Trials are 30 days now.", "30 day") is verdict
    )
