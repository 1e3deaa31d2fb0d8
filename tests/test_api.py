"""The copilot API through the real app: happy paths, error codes, roles, widget safety."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from copilot.state import AppState
from tests.api_fixtures import CANARY, WIDGET_ORIGIN, Keys, auth, build_store, client_for

THREAD = {
    "subject": "Export",
    "messages": [{"author": "customer", "body": "Hi, how do I export my bookings to CSV?"}],
}


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("api"))


@pytest.fixture
def api(store_dir: Path) -> Iterator[tuple[TestClient, Keys, AppState]]:
    client, keys, state = client_for(store_dir, answer_threshold=0.3)
    with client:
        yield client, keys, state


def test_reply_is_sourced_and_logged(api: tuple[TestClient, Keys, AppState]) -> None:
    client, keys, _ = api
    r = client.post("/v1/replies", json=THREAD, headers=auth(keys.agent))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["lang"] == "en" and body["generator_used"] == "extractive"
    assert body["sources"][0]["external_id"] == "kb-export"
    assert "[1]" in body["text"] and body["sentences"]
    assert 0 < body["confidence"] <= 1 and body["draft_id"] > 0
    cited = {n for s in body["sentences"] for n in s["citations"]}
    assert cited <= {s["n"] for s in body["sources"]}
    # Similar resolved tickets come along as internal evidence for the agent.
    assert any(s["kind"] == "ticket" for s in body["sources"])


def test_reply_follows_the_customers_language(api: tuple[TestClient, Keys, AppState]) -> None:
    client, keys, _ = api
    thread = {
        "messages": [
            {
                "author": "customer",
                "body": "Hola, ¿cómo puedo exportar mis reservas a un archivo CSV?",
            }
        ]
    }
    body = client.post("/v1/replies", json=thread, headers=auth(keys.agent)).json()
    assert body["lang"] == "es"
    assert body["sources"][0]["external_id"] == "kb-export-es"
    assert body["text"].startswith("Hola")


def test_long_thread_reply_carries_a_summary(api: tuple[TestClient, Keys, AppState]) -> None:
    client, keys, _ = api
    messages = [
        {"author": "customer", "body": "I forgot my password and cannot sign in."},
        {"author": "agent", "body": "Please click Forgot password on the sign-in page."},
        {"author": "customer", "body": "I tried that already, the link expired!"},
        {"author": "agent", "body": "I will send a new link."},
        {"author": "customer", "body": "How long is the reset link valid?"},
    ]
    body = client.post("/v1/replies", json={"messages": messages}, headers=auth(keys.agent)).json()
    assert body["summary"] is not None and body["summary"]["problem"]
    assert body["sources"][0]["external_id"] == "kb-password"


def test_summaries(api: tuple[TestClient, Keys, AppState]) -> None:
    client, keys, _ = api
    r = client.post("/v1/summaries", json=THREAD, headers=auth(keys.agent))
    assert r.status_code == 200
    assert set(r.json()) >= {
        "problem",
        "tried",
        "current_state",
        "next_step",
        "sentiment",
        "urgency",
        "text",
    }


def test_answer_and_handoffs(api: tuple[TestClient, Keys, AppState]) -> None:
    client, keys, state = api
    widget = auth(keys.widget, WIDGET_ORIGIN)
    ok = client.post(
        "/v1/answers", json={"question": "How can I export bookings to CSV?"}, headers=widget
    ).json()
    assert ok["outcome"] == "answered", ok
    assert ok["sources"] and all(s["kind"] == "article" for s in ok["sources"])
    human = client.post(
        "/v1/answers", json={"question": "I want to talk to a human please"}, headers=widget
    ).json()
    assert human["outcome"] == "handoff" and human["handoff"]["reason"] == "asked_for_human"
    nothing = client.post(
        "/v1/answers", json={"question": "Do you integrate with SAP Ariba?"}, headers=widget
    ).json()
    assert nothing["outcome"] == "handoff"
    assert nothing["handoff"]["reason"] in {"no_relevant_article", "low_confidence"}
    logged = state.interactions.recent_answers(3)
    assert [a["outcome"] for a in logged] == ["handoff", "handoff", "answered"]
    assert all(a["latency_ms"] > 0 and a["lang"] for a in logged)


def test_widget_never_sees_internal_content(api: tuple[TestClient, Keys, AppState]) -> None:
    """The planted secret sits in an internal article and a ticket and is the best match."""
    client, keys, _ = api
    agent_view = client.get("/v1/search", params={"q": CANARY}, headers=auth(keys.agent)).json()
    assert {"kb-refund-exceptions", "T-1"} <= {h["external_id"] for h in agent_view["hits"]}
    for question in (CANARY, f"refund exception {CANARY}", "refund annual plan 60 days approval"):
        r = client.post(
            "/v1/answers", json={"question": question}, headers=auth(keys.widget, WIDGET_ORIGIN)
        )
        assert r.status_code == 200
        assert CANARY not in r.text and "kb-refund-exceptions" not in r.text
        assert "T-1" not in r.text and "60 days" not in r.text


def test_prompt_injection_article_does_not_steer_the_reply(
    api: tuple[TestClient, Keys, AppState],
) -> None:
    client, keys, _ = api
    thread = {"messages": [{"author": "customer", "body": "Where can I download my invoices?"}]}
    body = client.post("/v1/replies", json=thread, headers=auth(keys.agent)).json()
    assert body["sources"][0]["external_id"] == "kb-invoices"
    assert "evil.example" not in body["text"]
    answer = client.post(
        "/v1/answers",
        json={"question": "How do I download an invoice?"},
        headers=auth(keys.widget, WIDGET_ORIGIN),
    ).json()
    assert "evil.example" not in (answer["answer"] or "")


ROLE_MATRIX = {
    # action: (method, path, json) -> roles allowed
    ("POST", "/v1/replies"): {"agent", "admin"},
    ("POST", "/v1/summaries"): {"agent", "admin"},
    ("POST", "/v1/answers"): {"agent", "owner", "admin", "widget"},
    ("GET", "/v1/search"): {"agent", "owner", "admin"},
    ("POST", "/v1/documents"): {"owner", "admin"},
    ("POST", "/v1/feedback"): {"agent", "admin", "widget"},
}
BODIES = {
    "/v1/replies": THREAD,
    "/v1/summaries": THREAD,
    "/v1/answers": {"question": "How do I reset my password?"},
    "/v1/documents": {
        "kind": "article",
        "article": {
            "external_id": "kb-role-test",
            "title": "Role test",
            "body": "Role matrix body.",
        },
    },
}


@pytest.mark.parametrize("role", ["agent", "owner", "admin", "widget"])
def test_role_matrix(api: tuple[TestClient, Keys, AppState], role: str) -> None:
    client, keys, state = api
    headers = auth(getattr(keys, role), WIDGET_ORIGIN if role == "widget" else None)
    # each caller rates an answer it was given (a widget may rate no one else's answers)
    first = client.post("/v1/answers", json=BODIES["/v1/answers"], headers=headers).json()[
        "answer_id"
    ]
    for (method, path), allowed in ROLE_MATRIX.items():
        if path == "/v1/feedback":
            r = client.post(path, json={"answer_id": first, "helpful": True}, headers=headers)
        elif method == "GET":
            r = client.get(path, params={"q": "password"}, headers=headers)
        else:
            r = client.post(path, json=BODIES[path], headers=headers)
        expected = 200 if role in allowed else 403
        assert r.status_code == expected, (role, path, r.text)
        if expected == 403:
            assert r.json()["error"]["code"] == "forbidden"
    state.kb.delete(["kb-role-test"])


def test_auth_errors(api: tuple[TestClient, Keys, AppState]) -> None:
    client, keys, state = api
    assert client.get("/v1/search", params={"q": "x"}).json()["error"]["code"] == "unauthorized"
    bad = client.get("/v1/search", params={"q": "x"}, headers=auth("kbc_dead_beef"))
    assert bad.status_code == 401
    from kb.storage.keys import KeyStore

    KeyStore(state.kb).revoke(keys.owner)
    revoked = client.get("/v1/search", params={"q": "x"}, headers=auth(keys.owner))
    assert revoked.status_code == 401


def test_cors_allows_only_listed_origins(api: tuple[TestClient, Keys, AppState]) -> None:
    client, keys, _ = api
    preflight = {
        "Origin": WIDGET_ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    ok = client.options("/v1/answers", headers=preflight)
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-origin"] == WIDGET_ORIGIN
    evil = client.options("/v1/answers", headers={**preflight, "Origin": "https://evil.test"})
    assert evil.status_code == 403 and "access-control-allow-origin" not in evil.headers
    question = {"question": "How do I reset my password?"}
    wrong = client.post(
        "/v1/answers", json=question, headers=auth(keys.widget, "https://evil.test")
    )
    assert wrong.status_code == 403 and "access-control-allow-origin" not in wrong.headers
    none = client.post("/v1/answers", json=question, headers=auth(keys.widget))
    assert none.status_code == 403
    good = client.post("/v1/answers", json=question, headers=auth(keys.widget, WIDGET_ORIGIN))
    assert good.headers["access-control-allow-origin"] == WIDGET_ORIGIN


def test_rate_limit_returns_retry_after(store_dir: Path) -> None:
    client, keys, _ = client_for(store_dir, rate_limit_widget_per_minute=3)
    with client:
        headers = auth(keys.widget, WIDGET_ORIGIN)
        codes = [
            client.post("/v1/answers", json={"question": "reset password"}, headers=headers)
            for _ in range(4)
        ]
    assert [r.status_code for r in codes] == [200, 200, 200, 429]
    assert codes[-1].json()["error"]["code"] == "rate_limited"
    assert 1 <= int(codes[-1].headers["retry-after"]) <= 60


def test_size_limits(store_dir: Path) -> None:
    client, keys, _ = client_for(store_dir, max_request_bytes=2048, max_thread_messages=3)
    with client:
        big = {"messages": [{"author": "customer", "body": "x" * 5000}]}
        r = client.post("/v1/replies", json=big, headers=auth(keys.agent))
        assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
        many = {"messages": [{"author": "customer", "body": "hello"}] * 4}
        r = client.post("/v1/replies", json=many, headers=auth(keys.agent))
        assert r.status_code == 413 and "limit is 3" in r.json()["error"]["message"]
        long_q = {"question": "why " * 600}
        r = client.post("/v1/answers", json=long_q, headers=auth(keys.agent))
        assert r.status_code == 413


def test_validation_errors_are_json(api: tuple[TestClient, Keys, AppState]) -> None:
    client, keys, _ = api
    r = client.post("/v1/replies", json={"messages": []}, headers=auth(keys.agent))
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
    r = client.post("/v1/replies", content=b"{not json", headers=auth(keys.agent))
    assert r.status_code == 422
    assert client.get("/nope").json()["error"]["code"] == "not_found"


def test_documents_upsert_search_delete(api: tuple[TestClient, Keys, AppState]) -> None:
    client, keys, _ = api
    owner = auth(keys.owner)
    doc = {
        "kind": "article",
        "article": {
            "external_id": "kb-zebra",
            "title": "Zebra mode",
            "body": "# Zebra mode\n\nTurn on zebra mode in Settings > Display > Zebra stripes.",
        },
    }
    first = client.post("/v1/documents", json=doc, headers=owner).json()
    assert first["status"] == "added" and first["chunks"] >= 1
    assert client.post("/v1/documents", json=doc, headers=owner).json()["status"] == "unchanged"
    hits = client.get("/v1/search", params={"q": "zebra stripes"}, headers=auth(keys.agent))
    assert hits.json()["hits"][0]["external_id"] == "kb-zebra"
    ticket = {
        "kind": "ticket",
        "ticket": {
            "id": "T-api",
            "subject": "Zebra",
            "status": "solved",
            "channel": "chat",
            "resolved_at": "2026-11-01T00:00:00Z",
            "tags": [],
            "messages": [
                {"author": "customer", "body": "Zebra mode? Call me at +1 415 555 0199"},
                {"author": "agent", "body": "Settings > Display > Zebra stripes."},
            ],
        },
    }
    assert client.post("/v1/documents", json=ticket, headers=owner).json()["status"] == "added"
    found = client.get(
        "/v1/search", params={"q": "zebra", "kind": "ticket"}, headers=auth(keys.agent)
    ).json()["hits"]
    assert found and "555" not in found[0]["snippet"]
    assert client.delete("/v1/documents/kb-zebra", headers=owner).status_code == 204
    assert client.delete("/v1/documents/T-api", headers=owner).status_code == 204
    gone = client.delete("/v1/documents/kb-zebra", headers=owner)
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
    bad = client.post(
        "/v1/documents", json={"kind": "ticket", "ticket": {"id": "T-x"}}, headers=owner
    )
    assert bad.status_code == 422


def test_feedback_on_answers_and_drafts(api: tuple[TestClient, Keys, AppState]) -> None:
    client, keys, state = api
    draft = client.post("/v1/replies", json=THREAD, headers=auth(keys.agent)).json()
    sent = draft["text"].replace("Hi", "Hello") + " Let me know if it works."
    r = client.post(
        "/v1/feedback",
        json={"draft_id": draft["draft_id"], "final_reply": sent},
        headers=auth(keys.agent),
    )
    assert r.status_code == 200 and 0 < r.json()["edit_distance"] < 0.5
    answer = client.post(
        "/v1/answers",
        json={"question": "How do I reset my password?"},
        headers=auth(keys.widget, WIDGET_ORIGIN),
    ).json()
    ok = client.post(
        "/v1/feedback",
        json={"answer_id": answer["answer_id"], "helpful": False},
        headers=auth(keys.widget, WIDGET_ORIGIN),
    )
    assert ok.status_code == 200
    (row,) = [f for f in state.kb.catalog.feedback_rows() if f.id == ok.json()["feedback_id"]]
    assert row.helpful == 0 and any("kb-password" in s for s in row.sources)
    widget_on_draft = client.post(
        "/v1/feedback",
        json={"draft_id": draft["draft_id"], "helpful": True},
        headers=auth(keys.widget, WIDGET_ORIGIN),
    )
    assert widget_on_draft.status_code == 403
    missing = client.post(
        "/v1/feedback", json={"answer_id": 999999, "helpful": True}, headers=auth(keys.agent)
    )
    assert missing.status_code == 404


def test_openapi_and_health(api: tuple[TestClient, Keys, AppState]) -> None:
    client, _, _ = api
    spec = client.get("/openapi.json").json()
    assert {
        "/v1/replies",
        "/v1/answers",
        "/v1/search",
        "/v1/summaries",
        "/v1/documents",
        "/v1/feedback",
    } <= set(spec["paths"])
    assert client.get("/healthz").json()["status"] == "ok"


def test_answer_follow_up_uses_the_agents_earlier_turn(
    api: tuple[TestClient, Keys, AppState],
) -> None:
    """The follow-up names nothing; the earlier (widget/agent) turn names the invoices."""
    client, keys, _ = api
    body = {
        "question": "And for how many years are they kept?",
        "history": [
            {"role": "customer", "text": "Where can I find them?"},
            {"role": "agent", "text": "Invoices are under Settings > Billing > Invoices."},
        ],
    }
    r = client.post("/v1/answers", json=body, headers=auth(keys.widget, WIDGET_ORIGIN)).json()
    assert r["outcome"] == "answered", r
    assert r["sources"][0]["external_id"] == "kb-invoices"
