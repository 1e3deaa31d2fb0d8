"""When a customer must reach a human: they asked for one, or the topic is sensitive."""

from __future__ import annotations

import re

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

MESSAGES = {
    "asked_for_human": {
        "en": "Of course — I'm passing you to a member of our support team.",
        "es": "Por supuesto: te paso con una persona de nuestro equipo de soporte.",
        "de": "Gern — ich leite dich an unser Support-Team weiter.",
        "fr": "Bien sûr — je vous mets en relation avec notre équipe support.",
    },
    "sensitive": {
        "en": "This needs a person to look at it. A member of our support team will help you.",
        "es": "Esto necesita que lo revise una persona. Alguien de nuestro equipo te ayudará.",
        "de": "Das sollte sich ein Mensch ansehen. Unser Support-Team hilft dir weiter.",
        "fr": "Une personne doit examiner cela. Notre équipe support va vous aider.",
    },
    "no_relevant_article": {
        "en": "I couldn't find an article that answers this. Our support team can help.",
        "es": (
            "No encontré un artículo que responda a esto. Nuestro equipo de soporte puede ayudarte."
        ),
        "de": "Ich habe keinen Artikel dazu gefunden. Unser Support-Team hilft dir gern.",
        "fr": (
            "Je n'ai pas trouvé d'article qui réponde à cela. Notre équipe support peut vous aider."
        ),
    },
    "low_confidence": {
        "en": "I'm not sure enough to answer this correctly. Our support team can help.",
        "es": (
            "No estoy lo bastante seguro para responder bien. "
            "Nuestro equipo de soporte puede ayudarte."
        ),
        "de": (
            "Ich bin mir nicht sicher genug für eine richtige Antwort. "
            "Unser Support-Team hilft dir."
        ),
        "fr": "Je ne suis pas assez sûr pour bien répondre. Notre équipe support peut vous aider.",
    },
}


def handoff_reason(question: str) -> str | None:
    """`asked_for_human` or `sensitive` when the question itself calls for a person."""
    if _ASKED_FOR_HUMAN.search(question):
        return "asked_for_human"
    if _SENSITIVE.search(question):
        return "sensitive"
    return None


def handoff_message(reason: str, lang: str) -> str:
    """The customer-facing line; a reason without its own (e.g. verifier_no) reads as unsure."""
    table = MESSAGES.get(reason, MESSAGES["low_confidence"])
    return table.get(lang, table["en"])
