"""QA scorecards on a real store of examples/help-center (hashing embedder): each criterion
fails on the reply made to fail it and cites its evidence; the API bounds its input and its
callers; the CLI prints the same scorecard."""

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
from copilot.qa import Scorecard, ScorecardChecker, criterion
from copilot.qa.privacy import exposed, pii_values
from copilot.qa.questions import asked
from copilot.state import AppState
from ingest.pipeline import run
from kb.embedders import HashingEmbedder
from kb.storage.keys import KeyStore
from kb.store import KnowledgeBase
from tests.conftest import EXAMPLES

Store = tuple[KnowledgeBase, AppState]
ORIGIN = "https://shop.example.com"
REFUND_ARTICLE = "orb-0015"  # examples/help-center/en/refund-paid-booking.md
TWO_QUESTIONS = "How long does a refund take to reach my invitee? And how do I refund a booking?"
GOOD_REPLY = (
    "Hi Sam,\n\nRefunds usually take 5–10 business days to appear on the invitee's statement, "
    "depending on their bank. To refund, go to Bookings, open the booking and click Refund "
    "payment.\n\nBest regards,\nAnna"
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    data_dir = tmp_path_factory.mktemp("qa") / "store"
    kb = KnowledgeBase(data_dir, HashingEmbedder(256))
    assert run([EXAMPLES / "help-center"], kb, kb.embedder).failed == []
    settings = Settings.model_validate({"data_dir": data_dir, "embedder": "hashing-256"})
    yield kb, build_state(settings, kb)
    kb.database.close()


def _score(store: Store[KnowledgeBase, AppState], reply: str, question: str = TWO_QUESTIONS,
           **kw: str) -> Scorecard:  # fmt: skip
    kb, state = store
    return ScorecardChecker(kb, state.engine).score([("customer", question)], reply, **kw)


def test_reply_copied_from_the_article_passes_and_cites_it(store: Store) -> None:
    card = _score(store, GOOD_REPLY)
    assert card.passed and card.failing == ()
    grounded = criterion(card, "grounded")
    assert grounded.passed and grounded.score == 1.0
    assert len(card.sentences) == 2  # greeting and sign-off are not claims
    for sentence in card.sentences:
        assert sentence.supported and sentence.support is not None
        assert sentence.support.external_id == REFUND_ARTICLE
        assert sentence.support.url and "orb-0015" in sentence.support.url
    first = card.sentences[0].support
    assert first is not None and "5–10 business days" in first.sentence


def test_wrong_numbers_are_contradictions_citing_the_article(store: Store) -> None:
    reply = (
        "Refunds usually take 20 business days to appear on the invitee's statement. "
        "You can refund up to 90 days after the payment. Go to Bookings, open the booking "
        "and click Refund payment."
    )
    card = _score(store, reply)
    assert "contradicts" in card.failing and not card.passed
    by_value = {c.value: c for c in card.contradictions}
    assert set(by_value) == {"20 day", "90 day"}
    ninety = by_value["90 day"]
    assert ninety.article.external_id == REFUND_ARTICLE and ninety.article_value == "180 day"
    assert "180 days" in ninety.article.sentence
    assert "'20 day' where 'Refund a paid booking' says '5-10 day'" in (
        criterion(card, "contradicts").detail
    )
    # the same sentences are not supported either: their numbers are not the article's
    wrong = [s for s in card.sentences if "20 business" in s.text or "90 days" in s.text]
    assert wrong and not any(s.supported for s in wrong)


def test_german_reply_to_an_english_customer_fails_language(store: Store) -> None:
    reply = (
        "Rückerstattungen dauern normalerweise fünf bis zehn Werktage, bis sie auf dem "
        "Kontoauszug erscheinen. Gehen Sie zu Buchungen und klicken Sie auf Zahlung erstatten."
    )
    card = _score(store, reply)
    language = criterion(card, "language")
    assert not language.passed and card.customer_lang == "en" and card.reply_lang == "de"
    assert "language" in card.failing
    assert criterion(_score(store, GOOD_REPLY), "language").passed


def test_reply_ignoring_the_second_question_fails(store: Store) -> None:
    reply = "Refunds usually take 5–10 business days to appear on the invitee's statement."
    card = _score(store, reply)
    check = criterion(card, "answered_every_question")
    assert not check.passed and check.score == 0.5
    first, second = card.questions
    assert first.answered and first.sentence is not None and "5–10" in first.sentence
    assert not second.answered and "refund a booking" in second.question
    assert "refund a booking" in check.detail
    assert criterion(card, "grounded").passed  # what it does say is right


def test_questions_are_the_asking_sentences_split_into_parts() -> None:
    assert asked("I paid yesterday. Can I get a refund? How long does it take?") == (
        "Can I get a refund",
        "How long does it take",
    )
    assert asked("How do I set Contrast and Sharpness?") == ("How do I set Contrast", "Sharpness")
    assert asked("I need a refund for my booking.") == ("I need a refund for my booking",)


def test_leaked_card_number_fails_privacy_but_the_customers_own_email_does_not(
    store: Store,
) -> None:
    reply = GOOD_REPLY.replace("Best", "The refund goes to card 4111 1111 1111 1111.\n\nBest")
    card = _score(store, reply)
    assert card.failing == ("privacy",)
    assert [(p.kind, p.shown) for p in card.pii] == [("card", "…1111")]
    assert "4111 1111 1111 1111" not in json.dumps([p.shown for p in card.pii])
    own = "My email is sam.lee@mail.example. " + TWO_QUESTIONS
    echoed = GOOD_REPLY.replace("Best", "We will write to sam.lee@mail.example.\n\nBest")
    assert criterion(_score(store, echoed, own), "privacy").passed
    other = GOOD_REPLY.replace("Best", "Ask jo.doe@other.example for details.\n\nBest")
    assert not criterion(_score(store, other, own), "privacy").passed


def test_pii_values_are_read_back_from_the_redactor() -> None:
    text = "Card 4111-1111-1111-1111, mail Jo@Mail.example, call +44 20 7946 0958 today."
    assert pii_values(text) == [
        ("card", "4111-1111-1111-1111"),
        ("email", "Jo@Mail.example"),
        ("phone", "+44 20 7946 0958"),
    ]
    assert exposed(text, ["jo@mail.example and 4111111111111111"]) == [
        exposed(text, [])[2]  # only the phone is new
    ]
    assert pii_values("Refunds take 5-10 business days, booking #48213990.") == []


def test_too_many_sentences_is_a_clear_error(store: Store) -> None:
    kb, state = store
    checker = ScorecardChecker(kb, state.engine, max_sentences=3)
    with pytest.raises(Exception, match="sentences; a scorecard checks at most 3"):
        checker.score([("customer", TWO_QUESTIONS)], "One. Two. Three. Four.")


@pytest.fixture(scope="module")
def api(store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    kb, state = store
    keys = KeyStore(kb)
    tokens = {
        role: keys.create(role, origins=(ORIGIN,) if role == "widget" else ())
        for role in ("agent", "owner", "admin", "widget")
    }
    with TestClient(create_app(state.settings, state=state)) as client:
        yield client, tokens


def _post(client: TestClient, token: str, body: object) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "Origin": ORIGIN}
    return client.post("/v1/qa/scorecards", json=body, headers=headers)


BODY = {"messages": [{"author": "customer", "body": TWO_QUESTIONS}], "reply": GOOD_REPLY}


@pytest.mark.parametrize(("role", "status"), [("agent", 200), ("owner", 200), ("admin", 200),
                                              ("widget", 403)])  # fmt: skip
def test_api_roles(api: tuple[TestClient, dict[str, str]], role: str, status: int) -> None:
    client, tokens = api
    response = _post(client, tokens[role], BODY)
    assert response.status_code == status
    if status == 403:
        assert response.json()["error"]["code"] == "forbidden"


def test_api_scorecard_shape(api: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = api
    body = _post(client, tokens["agent"], BODY).json()
    assert body["passed"] is True and body["failing"] == []
    assert [c["name"] for c in body["criteria"]] == [
        "grounded", "contradicts", "language", "answered_every_question", "privacy",
    ]  # fmt: skip
    assert body["sentences"][0]["support"]["external_id"] == REFUND_ARTICLE
    assert REFUND_ARTICLE in body["articles"] and body["latency_ms"] >= 0


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"messages": [], "reply": "x"}, 422, "invalid_request"),
        ({"messages": [{"author": "customer", "body": "hi"}]}, 422, "invalid_request"),
        ({**BODY, "reply": ""}, 422, "invalid_request"),
        ({**BODY, "reply": "   "}, 422, "invalid_input"),
        (
            {"messages": [{"author": "agent", "body": "Hello"}], "reply": "Hi."},
            422,
            "invalid_input",
        ),
        ({**BODY, "messages": BODY["messages"] * 51}, 413, "payload_too_large"),
        ({**BODY, "reply": "Word. " * 21}, 413, "payload_too_large"),
        ({**BODY, "reply": "a" * 6001}, 413, "payload_too_large"),
    ],
)
def test_api_bad_input_is_a_clear_4xx(
    api: tuple[TestClient, dict[str, str]], body: object, status: int, code: str
) -> None:
    client, tokens = api
    response = _post(client, tokens["agent"], body)
    assert response.status_code == status, response.json()
    assert response.json()["error"]["code"] == code


def test_cli_scores_a_thread_file(store: Store, tmp_path: Path) -> None:
    kb, _ = store
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(BODY), encoding="utf-8")
    bad.write_text(json.dumps({**BODY, "reply": GOOD_REPLY + " Card 4111 1111 1111 1111."}))
    base = ["--data-dir", str(kb.data_dir), "qa", "score"]
    runner = CliRunner()
    passed = runner.invoke(main, [*base, str(good), "--json"])
    assert passed.exit_code == 0, passed.output
    assert json.loads(passed.output)["passed"] is True
    failed = runner.invoke(main, [*base, str(bad)])
    assert failed.exit_code == 1 and failed.output.startswith("FAIL: privacy")
    assert "# card …1111" in failed.output
    broken = tmp_path / "broken.json"
    broken.write_text('{"messages": []}')
    result = runner.invoke(main, [*base, str(broken)])
    assert result.exit_code == 2 and "messages" in result.output


def test_eval_auc_youden_and_others_are_hand_checkable() -> None:
    from eval.qa_scorecard_eval import auc, others, youden

    assert auc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert auc([0.5], [0.5]) == 0.5
    assert auc([0.9, 0.1], [0.5]) == 0.5
    assert youden([0.9, 0.8, 0.3], [0.1, 0.4]) == (0.8, 0.6667)  # TPR 2/3, FPR 0
    pairs = others(50, seed=3)
    assert all(j != i and 0 <= j < 50 for i, j in enumerate(pairs)) and pairs == others(50, 3)
