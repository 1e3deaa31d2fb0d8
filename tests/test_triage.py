"""Triage on a real store of examples/help-center and its resolved tickets (hashing
embedder): tags come with the tickets that carry them, urgency and language follow the
customer, the API serves agents only and bounds its input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from copilot.app import build_state, create_app
from copilot.cli import main
from copilot.config import Settings
from copilot.state import AppState
from copilot.triage import TAG_SHARE, Triager
from ingest.pipeline import run
from kb.embedders import HashingEmbedder
from kb.errors import InvalidInput
from kb.retrieval import Retriever
from kb.storage.keys import KeyStore
from kb.store import KnowledgeBase
from tests.conftest import EXAMPLES

Store = tuple[KnowledgeBase, AppState]
REFUND = "Please refund our last invoice, we cancelled the day after the annual renewal."


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    data_dir = tmp_path_factory.mktemp("triage") / "store"
    embedder = HashingEmbedder(256)
    kb = KnowledgeBase(data_dir, embedder)
    assert run([EXAMPLES / "help-center"], kb, embedder).failed == []
    tickets = EXAMPLES / "tickets" / "resolved.jsonl"
    assert run([tickets], kb, embedder, kind="ticket").failed == []
    settings = Settings.model_validate({"data_dir": data_dir, "embedder": "hashing-256"})
    yield kb, build_state(settings, kb)
    kb.database.close()


def triager(store: Store) -> Triager:
    kb, _ = store
    return Triager(kb, Retriever(kb))


def test_tags_come_from_the_nearest_tickets_and_name_them(store: Store) -> None:
    kb, _ = store
    found = triager(store).triage([("customer", REFUND)], subject="Refund request")
    tags = {t.tag: t for t in found.tags}
    assert "billing" in tags and "refund" in tags
    nearest = found.similar_tickets[0].external_id
    stored = kb.get_document(nearest)
    assert stored is not None and set(stored.tags) <= set(tags)  # the nearest's tags, all
    for suggestion in found.tags:
        assert suggestion.share >= TAG_SHARE or suggestion.tickets[0] == nearest
        for ticket_id in suggestion.tickets:  # every named ticket carries the tag
            carrier = kb.get_document(ticket_id)
            assert carrier is not None and suggestion.tag in carrier.tags
    assert [t.share for t in found.tags] == sorted((t.share for t in found.tags), reverse=True)
    assert all(a.external_id.startswith("orb-") for a in found.articles)


def test_a_ticket_left_out_is_not_its_own_neighbour(store: Store) -> None:
    first = triager(store).triage([("customer", REFUND)])
    nearest = first.similar_tickets[0].external_id
    again = triager(store).triage([("customer", REFUND)], exclude={nearest})
    assert nearest not in {t.external_id for t in again.similar_tickets}
    assert all(nearest not in t.tickets for t in again.tags)


def test_urgency_sentiment_and_language_follow_the_customer(store: Store) -> None:
    urgent = triager(store).triage(
        [
            (
                "customer",
                "URGENT!!! All our payments are failing and customers cannot book. Fix this now!",
            )
        ]
    )
    assert (urgent.urgency, urgent.sentiment) == ("high", "negative")
    spanish = triager(store).triage(
        [("customer", "Hola, ¿cómo puedo exportar todas mis reservas a Excel? Gracias")]
    )
    assert spanish.lang == "es" and spanish.urgency == "normal"


def test_no_customer_message_and_no_tickets(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no customer message"):
        triager(store).triage([("agent", "Hello, how can I help?")])
    embedder = HashingEmbedder(256)
    empty = KnowledgeBase(tmp_path / "articles-only", embedder)
    run([EXAMPLES / "help-center"], empty, embedder)
    found = Triager(empty, Retriever(empty)).triage([("customer", REFUND)])
    assert found.tags == () and found.similar_tickets == () and found.articles
    empty.database.close()


@pytest.fixture(scope="module")
def api(store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    kb, state = store
    keys = KeyStore(kb)
    tokens = {role: keys.create(role) for role in ("agent", "owner", "admin")}
    tokens["widget"] = keys.create("widget", origins=("https://shop.example.com",))
    with TestClient(create_app(state.settings, state=state)) as client:
        yield client, tokens


def _post(client: TestClient, token: str, body: object) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "Origin": "https://shop.example.com"}
    return client.post("/v1/triage", json=body, headers=headers)


BODY = {"subject": "Refund request", "messages": [{"author": "customer", "body": REFUND}]}


@pytest.mark.parametrize(
    ("role", "status"), [("agent", 200), ("admin", 200), ("owner", 403), ("widget", 403)]
)
def test_api_roles(api: tuple[TestClient, dict[str, str]], role: str, status: int) -> None:
    client, tokens = api
    assert _post(client, tokens[role], BODY).status_code == status


def test_api_shape_and_bad_input(api: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = api
    body = _post(client, tokens["agent"], BODY).json()
    assert set(body) == {"lang", "sentiment", "urgency", "tags", "similar_tickets", "articles"}
    assert body["tags"] and {"tag", "share", "tickets"} == set(body["tags"][0])
    agent_only = {"messages": [{"author": "agent", "body": "Hi there"}]}
    bad = _post(client, tokens["agent"], agent_only)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"
    long = {"messages": [{"author": "customer", "body": "x" * 200_000}]}
    assert _post(client, tokens["agent"], long).status_code == 413
    assert _post(client, tokens["agent"], {"messages": []}).status_code == 422


def test_kbc_triage_command(store: Store, tmp_path: Path) -> None:
    kb, _ = store
    thread = tmp_path / "thread.json"
    thread.write_text(json.dumps(BODY), encoding="utf-8")
    base = ["--data-dir", str(kb.data_dir), "--embedder", "hashing-256"]
    done = CliRunner().invoke(main, [*base, "triage", str(thread), "--json"])
    assert done.exit_code == 0, done.output
    assert any(t["tag"] == "billing" for t in json.loads(done.output)["tags"])
    thread.write_text(json.dumps({"messages": "not a list"}), encoding="utf-8")
    bad = CliRunner().invoke(main, [*base, "triage", str(thread)])
    assert bad.exit_code == 2 and "messages" in bad.output
