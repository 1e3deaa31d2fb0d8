"""Structured LLM drafts: JSON sentences under a schema, kept only when the support checker
backs them, one retry naming the failure, and a live view of the streamed sentences."""

from __future__ import annotations

import json
from typing import Any

import pytest

from copilot.compose import ExtractiveComposer, LLMComposer
from copilot.compose.structured import (
    Sentence,
    StructuredOutputError,
    TextFieldStream,
    cite,
    draft_schema,
    echoes,
    parse_sentences,
    render,
    sentence_block,
)
from copilot.compose.types import Source
from copilot.fake_generator import ScriptedGenerator
from kb.embedders.hashing import HashingEmbedder
from tests.test_compose_llm import PASSWORD

STEP = "Click **Forgot password** on the sign-in page and enter your email address"
EXPIRY = "The reset link we send expires after 30 minutes"
INVENTED = "We will also give you a free month of the Pro plan"


def _json(*sentences: tuple[str, list[int]]) -> str:
    return json.dumps({"sentences": [{"text": t + ".", "sources": s} for t, s in sentences]})


def _compose(*outputs: str, style: str = "answer", **kw: Any) -> tuple[Any, ScriptedGenerator]:
    generator = ScriptedGenerator(outputs, model="fake/structured")
    composer = LLMComposer(generator, ExtractiveComposer(None), HashingEmbedder())
    draft = composer.compose("How do I reset my password?", [PASSWORD], lang="en",
                             style=style, customer_name="Ana", **kw)  # type: ignore[arg-type]  # fmt: skip
    return draft, generator


def test_supported_sentences_are_kept_with_their_citations() -> None:
    draft, generator = _compose(_json((STEP, [1]), (EXPIRY, [1])))
    assert draft.fallback_reason is None and draft.generator_used == "fake/structured"
    assert draft.text == f"{STEP} [1]. {EXPIRY} [1]."
    assert all(s.supported for s in draft.sentences) and tuple(draft.cited) == (1,)
    fmt = generator.calls[0]["response_format"]
    items = fmt["json_schema"]["schema"]["properties"]["sentences"]["items"]
    assert items["properties"]["sources"]["items"]["enum"] == [1]  # only real sources


def test_an_unsupported_sentence_is_dropped_not_shown() -> None:
    draft, _ = _compose(_json((STEP, [1]), (INVENTED, [1])))
    assert draft.fallback_reason is None
    assert "free month" not in draft.text and STEP in draft.text


def test_a_reply_gets_greeting_and_closing_from_phrases_not_from_the_model() -> None:
    draft, _ = _compose(_json((STEP, [1])), style="reply")
    assert draft.text.startswith("Hi Ana,") and "Best regards," in draft.text
    assert "Subject" not in draft.text and "[Customer" not in draft.text


def test_invalid_output_is_retried_once_naming_the_failure() -> None:
    draft, generator = _compose("Sure! Here is the answer.", _json((STEP, [1])))
    assert draft.fallback_reason is None and len(generator.calls) == 2
    assert "rejected" in generator.calls[1]["messages"][-1]["content"]
    draft, generator = _compose("nope", "still nope")
    assert draft.fallback_reason is not None and draft.fallback_reason.startswith("invalid_output")
    assert draft.generator_used == "extractive" and len(generator.calls) == 2


def test_nothing_supported_twice_falls_back_and_no_answer_says_so() -> None:
    draft, generator = _compose(_json((INVENTED, [1])))
    assert draft.fallback_reason == "no_supported_sentence" and len(generator.calls) == 2
    draft, _ = _compose(json.dumps({"sentences": []}))
    assert draft.fallback_reason == "llm_no_answer"


def test_uncited_supported_sentence_gets_its_source() -> None:
    draft, _ = _compose(_json((STEP, [])))
    assert draft.fallback_reason is None and draft.text == f"{STEP} [1]."


def test_streamed_json_shows_only_the_sentence_text() -> None:
    seen: list[str] = []
    draft, _ = _compose(_json((STEP, [1]), (EXPIRY, [1])), on_token=seen.append)
    assert "".join(seen) == f"{STEP}. {EXPIRY}."
    assert "{" not in "".join(seen) and draft.fallback_reason is None


def test_parse_and_render_helpers() -> None:
    with pytest.raises(StructuredOutputError):
        parse_sentences("no json here", {1})
    parsed = parse_sentences('{"sentences": [{"text": " Go  to X ", "sources": [1, 9, 1]}]}', {1})
    assert parsed == [Sentence("Go to X", (1,))]
    assert cite(Sentence("Open it.", (1, 2))) == "Open it [1] [2]."
    assert render([Sentence("Open it", (1,))], style="answer", lang="es",
                  customer_name=None) == "Open it [1]."  # fmt: skip
    assert draft_schema([1, 2])["type"] == "json_schema"
    live: list[str] = []
    stream = TextFieldStream(live.append)
    pieces = ['{"sente', 'nces": [{"text": "A \\"b\\"', '", "sources": [1]}, {"text"', ': "C"}]}']
    for piece in pieces:
        stream.feed(piece)
    assert "".join(live) == 'A "b" C'


def test_a_draft_cut_off_by_the_output_budget_keeps_its_finished_sentences() -> None:
    cut = (
        '{"sentences": [{"text": "Open Settings > Export.", "sources": [1]}, '
        '{"text": "Links expire after 7 days.", "sources": [2]}, {"text": "Then cl'
    )
    assert parse_sentences(cut, {1, 2}) == [
        Sentence("Open Settings > Export.", (1,)),
        Sentence("Links expire after 7 days.", (2,)),
    ]
    with pytest.raises(StructuredOutputError):
        parse_sentences('{"sentences": [{"text": "Then cl', {1})
    with pytest.raises(StructuredOutputError):
        parse_sentences('{"answer": "x", "more": [1, 2', {1})


def test_the_prompt_lists_each_source_sentence_on_its_own_line() -> None:
    _, generator = _compose(_json((STEP, [1])))
    user = generator.calls[0]["messages"][1]["content"]
    assert f"- {STEP}." in user and "- We send a reset link that expires after 30 minutes." in user
    steps = Source(2, "kb-x", "Export", None, "article", "en",
                   ("1. Open **Settings**.\n2. Click **Export**.\n\n" + "Long sentence. " * 200,),
                   0.5)  # fmt: skip
    block = sentence_block(steps, budget=120)
    assert block.splitlines()[1:3] == ["- Open **Settings**.", "- Click **Export**."]
    assert len(block) < 400  # the character budget holds


def test_a_retry_quotes_the_source_sentence_closest_to_each_rejected_one() -> None:
    draft, generator = _compose(_json(("The reset link stays valid for one hour", [1])),
                                _json((EXPIRY, [1])))  # fmt: skip
    assert draft.fallback_reason is None and EXPIRY in draft.text
    retry = generator.calls[1]["messages"]
    assert len(retry) == 2 and "stays valid for one hour" not in retry[-1]["content"]
    assert 'source 1: "We send a reset link that expires after 30 minutes."' in retry[-1]["content"]


def test_a_sentence_repeating_the_question_is_not_kept() -> None:
    echo = json.dumps({"sentences": [{"text": "How do I reset my password?", "sources": [1]}]})
    draft, generator = _compose(echo, echo)
    assert draft.fallback_reason == "no_supported_sentence" and len(generator.calls) == 2
    retry = generator.calls[1]["messages"][-1]["content"]
    assert "repeated the question" in retry and '- source 1: "' in retry  # a line to restate
    assert echoes("Reset my password", "How do I reset my password?")
    assert not echoes("Click Forgot password on the sign-in page", "How do I reset my password?")


def test_a_sentence_citing_the_wrong_source_gets_the_one_that_backs_it() -> None:
    passage = "Turn on two-factor authentication under Settings > Security."
    other = Source(2, "kb-2fa", "Two-factor authentication", None, "article", "en", (passage,), 0.4)
    generator = ScriptedGenerator([_json((STEP, [2]))], model="fake/structured")
    composer = LLMComposer(generator, ExtractiveComposer(None), HashingEmbedder())
    draft = composer.compose("How do I reset my password?", [PASSWORD, other], lang="en",
                             style="answer")  # fmt: skip
    assert draft.fallback_reason is None and draft.text == f"{STEP} [1]."


def test_a_copied_list_or_heading_marker_does_not_turn_the_draft_into_one_list_item() -> None:
    # "1. Click ... [1]. We send ... [1]." would be one list item, checked as one unit
    for marker in ("1.", "2)", "-", "*", "+", "•", "#", "###", ">", "- 1."):
        draft, _ = _compose(_json((f"{marker} {STEP}", [1]), (EXPIRY, [1])))
        assert draft.fallback_reason is None
        assert draft.text == f"{STEP} [1]. {EXPIRY} [1].", marker
        assert len(draft.sentences) == 2 and all(s.supported for s in draft.sentences)
    # bold at the start of a sentence is no marker, nor is a number
    assert parse_sentences(_json(("**Settings** > Export", [1])), {1})[0].text.startswith("**")
    assert parse_sentences(_json(("30 minutes is the limit", [1])), {1})[0].text.startswith("30")


def test_a_retry_never_quotes_a_source_line_that_only_repeats_the_question() -> None:
    faq = Source(1, "kb-faq", "Password help", None, "article", "en",
                 ("How do I reset my password?\n\n" + PASSWORD.passages[0],), 0.8)  # fmt: skip
    echo = _json(("How do I reset my password?", [1]))
    generator = ScriptedGenerator([echo, echo], model="fake/structured")
    composer = LLMComposer(generator, ExtractiveComposer(None), HashingEmbedder())
    composer.compose("How do I reset my password?", [faq], lang="en", style="answer")
    note = generator.calls[1]["messages"][-1]["content"]
    assert "repeated the question" in note and f'source 1: "{STEP}."' in note
    assert 'source 1: "How do I reset my password?"' not in note


def test_a_retry_for_a_question_asking_two_things_quotes_a_line_for_each() -> None:
    # one quoted line answers half of "X and Y": the retry quotes the closest line per part
    contrast = "Adjust the Contrast to change the difference between light and dark areas"
    sharpness = "Set Sharpness to make the edges of objects look clearer"
    other = "Brightness changes how bright the whole picture is"
    picture = Source(1, "kb-picture", "Picture settings", None, "article", "en",
                     (f"{other}. {contrast}. {sharpness}.",), 0.8)  # fmt: skip
    question = "How to configure Contrast and Sharpness?"
    generator = ScriptedGenerator([_json((question.rstrip("?"), [1])),
                                   _json((contrast, [1]), (sharpness, [1]))],
                                  model="fake/structured")  # fmt: skip
    composer = LLMComposer(generator, ExtractiveComposer(None), HashingEmbedder())
    draft = composer.compose(question, [picture], lang="en", style="answer")
    note = generator.calls[1]["messages"][-1]["content"]
    assert "repeated the question" in note and "asks 2 things" in note
    assert f'source 1: "{contrast}."' in note and f'source 1: "{sharpness}."' in note
    assert draft.fallback_reason is None and draft.text == f"{contrast} [1]. {sharpness} [1]."


def test_a_retry_after_an_off_topic_answer_quotes_the_lines_closest_to_the_question() -> None:
    # the worked example copied shares no word with the question: its closest source line
    # is off the question too, so the retry quotes the line closest to the question instead
    billing = "Open Settings to change the email address of the account"
    account = Source(1, "kb-account", "Account", None, "article", "en",
                     (f"{billing}. {PASSWORD.passages[0]}",), 0.8)  # fmt: skip
    copied = _json(("Open Settings > Billing and click Cancel plan", [1]))
    generator = ScriptedGenerator([copied, _json((STEP, [1]))], model="fake/structured")
    composer = LLMComposer(generator, ExtractiveComposer(None), HashingEmbedder())
    draft = composer.compose("How do I reset my password?", [account], lang="en", style="answer")
    note = generator.calls[1]["messages"][-1]["content"]
    assert f'source 1: "{STEP}."' in note and f'source 1: "{billing}' not in note
    assert draft.fallback_reason is None and draft.text == f"{STEP} [1]."
