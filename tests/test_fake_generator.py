"""The shipped fake generator (copilot.fake_generator) and the engine's typed seams with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.compose import ExtractiveComposer
from copilot.config import Settings
from copilot.engine import Copilot
from copilot.fake_generator import ScriptedGenerator
from copilot.llm import LLMError
from kb.embedders.hashing import HashingEmbedder
from kb.retrieval import Retriever
from kb.store import KnowledgeBase

HI = [{"role": "user", "content": "hi"}]


def test_replies_follow_the_script_and_errors_are_raised() -> None:
    fake = ScriptedGenerator(["first", LLMError("down"), "last"])
    assert fake.complete(HI).text == "first"
    with pytest.raises(LLMError):
        fake.complete(HI)
    assert [fake.complete(HI).text for _ in range(2)] == ["last", "last"]  # the last repeats
    assert [c["messages"] for c in fake.calls] == [HI] * 4


def test_text_streams_in_pieces_and_options_are_recorded() -> None:
    pieces: list[str] = []
    fake = ScriptedGenerator("Hello there, world", piece_chars=5)
    done = fake.complete(HI, stream=True, timeout_s=2.0, on_token=pieces.append)
    assert pieces == ["Hello", " ther", "e, wo", "rld"] and done.text == "".join(pieces)
    assert fake.calls[0]["stream"] is True and fake.calls[0]["timeout_s"] == 2.0
    assert done.model == "fake/model" and done.completion_tokens == 17


def test_the_engine_reports_on_and_stops_its_generator(tmp_path: Path) -> None:
    kb = KnowledgeBase(tmp_path / "store", HashingEmbedder(64))
    fake = ScriptedGenerator('{"problem": "x"}', model="fake/served")
    engine = Copilot(kb, Retriever(kb), ExtractiveComposer(None), Settings(), generator=fake)
    assert engine.generator_name == "fake/served"
    assert engine.generator_status() == {"model": "fake/served", "state": "ready"}
    engine.summarize([("customer", "I cannot export my bookings to CSV.")])
    assert len(fake.calls) == 1  # the summary asked the generator
    engine.close()
    assert fake.closed and engine.generator_status()["state"] == "closed"
    plain = Copilot(kb, Retriever(kb), ExtractiveComposer(None), Settings())
    assert plain.generator_name == "extractive" and plain.generator_status()["state"] == "ready"
