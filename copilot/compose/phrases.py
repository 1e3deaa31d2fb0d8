"""The only words the extractive composer writes itself: greetings, connectors, closings.

One small table per language (en/es/de/fr/it/pt/nl); any other language gets English.
Every phrase here is recognised as courtesy by `support.is_courtesy` (a test checks it),
except `no_article`, the hand-off line used when there are no sources.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Phrases:
    greeting_named: str  # "{name}" is replaced
    greeting: str
    steps_intro: str
    closing: str
    sign_off: str
    no_article: str


PHRASES: dict[str, Phrases] = {
    "en": Phrases(
        "Hi {name},", "Hi there,", "Here's how to do it:",
        "Let me know if you have any other questions.", "Best regards,",
        "There's no help article that covers this yet. A member of our support team will look "
        "into it and follow up with you.",
    ),
    "es": Phrases(
        "Hola {name}:", "Hola:", "Estos son los pasos:",
        "Si tienes cualquier otra duda, no dudes en escribirnos.", "Un saludo,",
        "Todavía no tenemos un artículo que explique esto. Alguien de nuestro equipo de soporte "
        "lo revisará y te responderá.",
    ),
    "de": Phrases(
        "Hallo {name},", "Hallo,", "So geht's:",
        "Wenn du noch Fragen hast, melde dich gern.", "Viele Grüße",
        "Dazu gibt es noch keinen Hilfeartikel. Unser Support-Team sieht sich das an und "
        "meldet sich bei dir.",
    ),
    "fr": Phrases(
        "Bonjour {name},", "Bonjour,", "Voici comment faire :",
        "N'hésitez pas à nous écrire si vous avez d'autres questions.", "Cordialement,",
        "Aucun article ne traite encore de ce sujet. Un membre de notre équipe support va "
        "l'examiner et reviendra vers vous.",
    ),
    "it": Phrases(
        "Ciao {name},", "Ciao,", "Ecco come fare:",
        "Fammi sapere se hai altre domande.", "Cordiali saluti,",
        "Non c'è ancora un articolo su questo argomento. Un membro del nostro team di supporto "
        "lo esaminerà e ti ricontatterà.",
    ),
    "pt": Phrases(
        "Olá {name},", "Olá,", "Veja como fazer:",
        "Se tiver outras dúvidas, é só avisar.", "Atenciosamente,",
        "Ainda não há um artigo sobre isso. Alguém da nossa equipe de suporte vai analisar e "
        "retornar para você.",
    ),
    "nl": Phrases(
        "Hallo {name},", "Hallo,", "Zo doe je dat:",
        "Laat het me weten als je nog vragen hebt.", "Met vriendelijke groet,",
        "Er is nog geen artikel over dit onderwerp. Iemand van ons supportteam bekijkt het en "
        "neemt contact met je op.",
    ),
}  # fmt: skip


def phrases_for(lang: str) -> Phrases:
    """The table for `lang` ("es-ES" -> "es"), English when the language has none."""
    code = lang.replace("_", "-").split("-", 1)[0].lower()
    return PHRASES.get(code, PHRASES["en"])


def greeting(lang: str, name: str | None) -> str:
    p = phrases_for(lang)
    clean = " ".join((name or "").split())
    return p.greeting_named.format(name=clean) if clean else p.greeting
