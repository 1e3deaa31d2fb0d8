"""`clarify`: a short question two articles fit about equally gets "which one?" with the
candidate topics, through the real API (real store, real MiniLM); a specific one does not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kb.answerability import candidate_topics
from kb.models import ChunkHit, Hit
from tests.api_fixtures import auth, client_for
from tests.conftest import EXAMPLES

ARTICLES = {
    "cancel-subscription.md": """---
id: c-subscription
title: Cancel your subscription
url: https://help.test/c-subscription
---
To cancel your subscription, open **Settings > Billing** and click **Cancel plan**.
Your plan stays active until the end of the billing period.
""",
    "cancel-booking.md": """---
id: c-booking
title: Cancel or reschedule a booking
url: https://help.test/c-booking
---
To cancel a booking, open it from **Bookings**, click **Cancel booking** and add a reason.
Invitees get an email; paid bookings follow your refund rules.
""",
    "password.md": """---
id: c-password
title: Reset your password
url: https://help.test/c-password
---
Click **Forgot password** on the sign-in page. The reset link expires after 30 minutes.
""",
}


def build_clarify_store(root: Path) -> Path:
    """A MiniLM store of ARTICLES under ``root``; returns its data dir."""
    from ingest.pipeline import run
    from kb.maintenance import open_store

    src = root / "hc"
    src.mkdir()
    for name, text in ARTICLES.items():
        (src / name).write_text(text, encoding="utf-8")
    with open_store(root / "store", "minilm") as kb:
        assert kb.embedder is not None
        assert run([src], kb, kb.embedder).failed == []
    return root / "store"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    test_client, keys, _ = client_for(build_clarify_store(tmp_path_factory.mktemp("clarify")))
    with test_client:
        yield test_client, keys.agent


def _hit(ext: str, title: str, text: str, cosine: float) -> Hit:
    chunk = ChunkHit(chunk_id=1, ordinal=0, heading_path=(), text=text, score=cosine)
    return Hit(ext, title, None, "article", "public", "en", cosine, text, (), (chunk,),
               dense_rank=1, keyword_rank=1, dense_score=cosine)  # fmt: skip


def test_candidate_topics_rule() -> None:
    sub = _hit("a", "Cancel your subscription", "Cancel your plan in Billing.", 0.55)
    booking = _hit("b", "Cancel a booking", "Cancel the booking from Bookings.", 0.52)
    far = _hit("c", "Cancel a booking", "Cancel the booking from Bookings.", 0.30)
    assert [t.external_id for t in candidate_topics("How do I cancel?", [sub, booking])] == [
        "a",
        "b",
    ]
    assert candidate_topics("How do I cancel?", [sub, far]) == []  # one clearly fits better
    assert candidate_topics("How do I cancel?", [sub, booking], history=["my plan"]) == []
    long_q = "How do I cancel the yearly plan I bought for my team last month?"
    assert candidate_topics(long_q, [sub, booking]) == []  # says what it wants


@pytest.mark.slow
def test_ambiguous_question_gets_a_clarifying_question(client: tuple[TestClient, str]) -> None:
    test_client, key = client
    r = test_client.post("/v1/answers", json={"question": "How do I cancel?"}, headers=auth(key))
    body = r.json()
    assert r.status_code == 200 and body["outcome"] == "clarify", body
    assert body["answer"] is None and body["handoff"] is None
    titles = {t["title"] for t in body["clarify"]["topics"]}
    assert titles == {"Cancel your subscription", "Cancel or reschedule a booking"}
    assert body["clarify"]["message"].endswith("?")
    # choosing a topic asks again with the first question as history: answered, no loop
    follow = test_client.post(
        "/v1/answers",
        json={
            "question": "Cancel your subscription",
            "history": [
                {"role": "customer", "text": "How do I cancel?"},
                {"role": "agent", "text": body["clarify"]["message"]},
            ],
        },
        headers=auth(key),
    ).json()
    assert follow["outcome"] != "clarify"


@pytest.mark.slow
def test_specific_question_is_not_clarified(client: tuple[TestClient, str]) -> None:
    test_client, key = client
    for question in ("How do I cancel my subscription?", "How do I reset my password?"):
        body = test_client.post(
            "/v1/answers", json={"question": question}, headers=auth(key)
        ).json()
        assert body["outcome"] != "clarify", (question, body)
        assert body["evidence"]["features"]["coverage_best"] > 0


def test_labelled_ambiguous_examples_exist() -> None:
    lines = (EXAMPLES / "labelled" / "ambiguous.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 5 and all('"expected": "clarify"' in line for line in lines)
