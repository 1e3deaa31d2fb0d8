"""When a customer must reach a human: they asked for one, or the topic is sensitive."""

from __future__ import annotations

import re

from copilot.messages import has_message, message

_ASKED_FOR_HUMAN = re.compile(
    r"\b(human|real person|live (agent|person|chat)|talk to (an? )?(agent|someone|person)"
    r"|speak (to|with) (an? )?(agent|someone|person|representative)|representative"
    r"|persona real|hablar con (un|una) (agente|persona)|agente humano"
    r"|mensch|mitarbeiter(in)? sprechen|echte[nr]? person|parler à (un|une) (agent|humain))\b",
    re.IGNORECASE,
)
_SENSITIVE = re.compile(
    r"\b(lawyer|attorney|legal action|sue|lawsuit|court|chargeback|fraud|scam|stolen|hacked"
    r"|compromised|identity theft|harass\w*|threat\w*|suicid\w*|self-harm|police"
    r"|abogado|demanda|fraude|estafa|robad[oa]|hackead[oa]|denuncia"
    r"|anwalt|klage|betrug|gehackt|gestohlen|polizei|avocat|plainte|piraté)\b",
    re.IGNORECASE,
)


def handoff_reason(question: str) -> str | None:
    """`asked_for_human` or `sensitive` when the question itself calls for a person."""
    if _ASKED_FOR_HUMAN.search(question):
        return "asked_for_human"
    if _SENSITIVE.search(question):
        return "sensitive"
    return None


def handoff_message(reason: str, lang: str) -> str:
    """The customer-facing line; a reason without its own (e.g. verifier_no) reads as unsure."""
    return message(reason if has_message(reason) else "low_confidence", lang)
