"""The optional LLM verifier: a constrained yes/no that always parses or abstains."""

from __future__ import annotations

from typing import Any

from copilot.answer_verifier import VERDICT_FORMAT, LLMAnswerVerifier
from copilot.fake_generator import ScriptedGenerator
from copilot.llm import LLMBusy
from tests.test_compose_llm import PASSWORD


def _judge(reply: str | Exception) -> ScriptedGenerator:
    return ScriptedGenerator(reply, model="fake/judge")


def test_yes_and_no_under_the_schema() -> None:
    judge = _judge('{"answers": true}')
    verdict = LLMAnswerVerifier(judge, timeout_s=3).verify("Reset my password?", [PASSWORD])
    assert verdict.answers is True and verdict.error is None
    call = judge.calls[0]
    assert call["response_format"] == VERDICT_FORMAT and call["timeout_s"] == 3
    assert "<source" in call["messages"][1]["content"]
    assert LLMAnswerVerifier(_judge('{"answers": false}')).verify("q", [PASSWORD]).answers is False


def test_a_failing_or_garbled_model_abstains() -> None:
    busy = LLMAnswerVerifier(_judge(LLMBusy("queue full"))).verify("q", [PASSWORD])
    assert busy.answers is None and busy.error == "llm_busy"
    garbled = LLMAnswerVerifier(_judge("maybe?")).verify("q", [PASSWORD])
    assert garbled.answers is None and (garbled.error or "").startswith("unparsed")
    assert LLMAnswerVerifier(_judge('{"answers": true}')).verify("q", []).answers is False


def test_the_verifier_decides_through_the_api(tmp_path: Any) -> None:
    from tests.api_fixtures import auth, build_store, client_for

    client, keys, state = client_for(build_store(tmp_path))
    ask = {"question": "How do I export my bookings to CSV?"}
    with client:
        plain = client.post("/v1/answers", json=ask, headers=auth(keys.agent)).json()
        assert plain["outcome"] == "answered", plain  # the decision alone answers this one
        judge = _judge('{"answers": false}')
        state.engine.verifier = LLMAnswerVerifier(judge)
        vetoed = client.post("/v1/answers", json=ask, headers=auth(keys.agent)).json()
        assert vetoed["outcome"] == "handoff" and vetoed["handoff"]["reason"] == "verifier_no"
        assert "Export" in judge.calls[0]["messages"][1]["content"]
        state.engine.verifier = LLMAnswerVerifier(_judge(LLMBusy("queue full")))
        kept = client.post("/v1/answers", json=ask, headers=auth(keys.agent)).json()
        assert kept["outcome"] == "answered"  # no verdict: the decision stands
