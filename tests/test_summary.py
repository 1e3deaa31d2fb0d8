"""Thread summaries: heuristic (en/es) and through a generator's JSON, with fallback."""

from __future__ import annotations

import json

import pytest

from copilot.compose import ThreadSummary, summarize_thread
from copilot.compose.summary import first_json_object
from copilot.fake_generator import ScriptedGenerator

CALM_EN = [
    ("customer", "Hi,\n\nI can't export my bookings to CSV. The export button is greyed out. "
                 "I already logged out and back in.\n\nThanks,\nMia"),
    ("agent", "Hi Mia,\n\nCould you try clearing your browser cache and reloading the page?"
              "\n\nBest,\nSam"),
    ("customer", "I cleared the cache but it still doesn't work. Is there another way to get "
                 "the data?"),
]  # fmt: skip
ANGRY_EN = [
    ("customer", "You charged me twice this month and nobody answers. This is UNACCEPTABLE!!! "
                 "I need a refund TODAY or I will cancel."),
    ("agent", "I'm sorry about this. I will check the duplicate charge with billing and get back "
              "to you within the hour."),
]  # fmt: skip
CALM_ES = [
    ("customer", "Hola,\n\nNo puedo iniciar sesión en la app desde el móvil. Ya probé a "
                 "reinstalar la aplicación.\n\nSaludos,\nLucía"),
    ("agent", "Hola Lucía: ¿podrías decirme qué versión de la app tienes?"),
    ("customer", "Tengo la versión 4.12.1. ¿Hay que actualizar?"),
]  # fmt: skip


def test_heuristic_english_thread() -> None:
    s = summarize_thread(CALM_EN)
    assert isinstance(s, ThreadSummary) and s.generator_used == "heuristic"
    assert "can't export my bookings" in s.problem
    assert "Hi" not in s.problem and "Mia" not in s.problem
    assert any("logged out" in t for t in s.tried)
    assert (
        "agent's suggestion, did not help: Could you try clearing your browser cache" in s.tried[1]
    )
    assert any("cleared the cache" in t for t in s.tried)
    assert s.next_step == (
        "Reply to the customer's latest question: Is there another way to get the data?"
    )
    assert s.current_state.startswith("The customer says the suggested fix did not work:")
    assert s.sentiment == "neutral" and s.urgency == "normal"
    assert 2 <= s.text.count(". ") + 1 <= 6 and s.text.startswith("Problem: ")


def test_heuristic_angry_urgent_thread() -> None:
    s = summarize_thread(ANGRY_EN)
    assert "charged me twice" in s.problem
    assert s.sentiment == "negative" and s.urgency == "high"
    assert s.next_step.startswith("Follow up as promised: I will check the duplicate charge")


def test_heuristic_spanish_thread() -> None:
    s = summarize_thread(CALM_ES)
    assert "No puedo iniciar sesión" in s.problem
    assert any("Ya probé a reinstalar" in t for t in s.tried)
    assert s.next_step.endswith("¿Hay que actualizar?")
    assert s.sentiment == "neutral" and s.urgency == "normal"


def test_heuristic_calm_and_resolved_threads() -> None:
    relaxed = summarize_thread([("customer", "No rush, but could you tell me how to add a team "
                                             "member?")])  # fmt: skip
    assert relaxed.urgency == "low"
    happy = summarize_thread([*CALM_EN, ("agent", "Please use the API export instead."),
                              ("customer", "That worked, thank you so much!")])  # fmt: skip
    assert happy.sentiment == "positive"
    assert summarize_thread([]).problem == ""


GOOD_JSON = {
    "problem": "Export button greyed out",
    "tried": ["logged out and in", "cleared cache"],
    "current_state": "Customer asks for another way",
    "next_step": "Suggest the API export",
    "sentiment": "Neutral",
    "urgency": "medium",
    "text": "The customer cannot export bookings. Clearing the cache did not help.",
}


def test_generator_json_is_used_even_inside_prose() -> None:
    generator = ScriptedGenerator("Sure! Here it is:\n```json\n" + json.dumps(GOOD_JSON) + "\n```")
    s = summarize_thread(CALM_EN, generator)
    assert s.generator_used == "fake/model"
    assert s.problem == "Export button greyed out"
    assert s.tried == ("logged out and in", "cleared cache")
    assert s.sentiment == "neutral" and s.urgency == "normal"  # enums normalised
    prompt = generator.calls[0]["messages"][1]["content"]
    assert '<message author="customer">' in prompt and "</thread>" in prompt


def test_malformed_or_invalid_json_falls_back_to_heuristics() -> None:
    bad_enum = dict(GOOD_JSON, sentiment="furious")
    for reply in ("not json at all", '{"problem": "x", "tried": [', json.dumps(bad_enum),
                  json.dumps(dict(GOOD_JSON, problem="")), RuntimeError("model down")):  # fmt: skip
        s = summarize_thread(CALM_EN, ScriptedGenerator(reply))
        assert s.generator_used == "heuristic", reply
        assert "can't export my bookings" in s.problem


def test_first_json_object_skips_braces_in_strings_and_bad_candidates() -> None:
    assert first_json_object('x {bad} y {"a": "}{", "b": {"c": 1}} z') == {"a": "}{", "b": {"c": 1}}
    assert first_json_object("[1, 2]") is None


@pytest.mark.parametrize(
    ("text", "urgency"),
    [
        ("My calendar stopped syncing. This is urgent!", "high"),
        ("Es urgente, no funciona el calendario.", "high"),
        ("My calendar stopped syncing. Not urgent.", "low"),
        ("My calendar stopped syncing since Monday.", "normal"),
    ],
)
def test_urgency_said_outright(text: str, urgency: str) -> None:
    assert summarize_thread([("customer", text)]).urgency == urgency
