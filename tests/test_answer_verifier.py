"""The optional LLM verifier: a constrained yes/no that always parses or abstains."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from copilot.answer_verifier import VERDICT_FORMAT, LLMAnswerVerifier
from copilot.llm import LLMBusy
from tests.test_compose_llm import PASSWORD, FakeCompletion


@dataclass
class Judge:
    reply: str | Exception
    model: str = "fake/judge"
    calls: list[dict[str, Any]] = field(default_factory=list)

    def complete(self, messages: list[dict[str, str]], **kw: Any) -> FakeCompletion:
        self.calls.append({"messages": messages, **kw})
        if isinstance(self.reply, Exception):
            raise self.reply
        return FakeCompletion(self.reply)


def test_yes_and_no_under_the_schema() -> None:
    judge = Judge('{"answers": true}')
    verdict = LLMAnswerVerifier(judge, timeout_s=3).verify("Reset my password?", [PASSWORD])
    assert verdict.answers is True and verdict.error is None
    call = judge.calls[0]
    assert call["response_format"] == VERDICT_FORMAT and call["timeout_s"] == 3
    assert "<source" in call["messages"][1]["content"]
    assert LLMAnswerVerifier(Judge('{"answers": false}')).verify("q", [PASSWORD]).answers is False


def test_a_failing_or_garbled_model_abstains() -> None:
    busy = LLMAnswerVerifier(Judge(LLMBusy("queue full"))).verify("q", [PASSWORD])
    assert busy.answers is None and busy.error == "llm_busy"
    garbled = LLMAnswerVerifier(Judge("maybe?")).verify("q", [PASSWORD])
    assert garbled.answers is None and (garbled.error or "").startswith("unparsed")
    assert LLMAnswerVerifier(Judge('{"answers": true}')).verify("q", []).answers is False
