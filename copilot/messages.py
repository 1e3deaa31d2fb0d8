"""What the copilot says to a customer in its own words, per reply language, in one table:
hand-off lines, the clarifying question, and the note naming an article in another language
("(Artikel auf Englisch)"). A language without a line of its own reads English.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "asked_for_human": {
        "en": "Of course — I'm passing you to a member of our support team.",
        "es": "Por supuesto: te paso con una persona de nuestro equipo de soporte.",
        "de": "Gern — ich leite dich an unser Support-Team weiter.",
        "fr": "Bien sûr — je vous mets en relation avec notre équipe support.",
        "pt": "Claro — vou passar você para alguém da nossa equipe de suporte.",
        "it": "Certo — ti metto in contatto con una persona del nostro team di supporto.",
    },
    "sensitive": {
        "en": "This needs a person to look at it. A member of our support team will help you.",
        "es": "Esto necesita que lo revise una persona. Alguien de nuestro equipo te ayudará.",
        "de": "Das sollte sich ein Mensch ansehen. Unser Support-Team hilft dir weiter.",
        "fr": "Une personne doit examiner cela. Notre équipe support va vous aider.",
        "pt": "Isso precisa ser visto por uma pessoa. Nossa equipe de suporte vai ajudar você.",
        "it": "Serve che lo guardi una persona. Il nostro team di supporto ti aiuterà.",
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
        "pt": "Não encontrei um artigo que responda a isso. Nossa equipe de suporte pode ajudar.",
        "it": "Non ho trovato un articolo che risponda. Il nostro team di supporto può aiutarti.",
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
        "pt": (
            "Não tenho certeza suficiente para responder bem. Nossa equipe de suporte pode ajudar."
        ),
        "it": (
            "Non sono abbastanza sicuro per rispondere bene. "
            "Il nostro team di supporto può aiutarti."
        ),
    },
    "clarify": {
        "en": "I found a few articles that could fit. Which one do you mean?",
        "es": "He encontrado varios artículos que podrían encajar. ¿Cuál de ellos buscas?",
        "de": "Ich habe mehrere passende Artikel gefunden. Welchen meinst du?",
        "fr": "J'ai trouvé plusieurs articles possibles. Lequel correspond à votre question ?",
        "pt": "Encontrei alguns artigos que podem servir. Qual deles você procura?",
        "it": "Ho trovato alcuni articoli che potrebbero andare bene. Quale cerchi?",
    },
    "article_in": {
        "en": "(article in {language})",
        "es": "(artículo en {language})",
        "de": "(Artikel auf {language})",
        "fr": "(article en {language})",
        "pt": "(artigo em {language})",
        "it": "(articolo in {language})",
    },
}

# LANGUAGE_NAMES[reply language][article language]
LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "en": {"en": "English", "es": "Spanish", "de": "German", "fr": "French", "pt": "Portuguese",
           "it": "Italian", "nl": "Dutch", "ja": "Japanese", "zh": "Chinese", "ko": "Korean"},
    "es": {"en": "inglés", "es": "español", "de": "alemán", "fr": "francés", "pt": "portugués",
           "it": "italiano", "nl": "neerlandés", "ja": "japonés", "zh": "chino", "ko": "coreano"},
    "de": {"en": "Englisch", "es": "Spanisch", "de": "Deutsch", "fr": "Französisch",
           "pt": "Portugiesisch", "it": "Italienisch", "nl": "Niederländisch", "ja": "Japanisch",
           "zh": "Chinesisch", "ko": "Koreanisch"},
    "fr": {"en": "anglais", "es": "espagnol", "de": "allemand", "fr": "français",
           "pt": "portugais", "it": "italien", "nl": "néerlandais", "ja": "japonais",
           "zh": "chinois", "ko": "coréen"},
    "pt": {"en": "inglês", "es": "espanhol", "de": "alemão", "fr": "francês", "pt": "português",
           "it": "italiano", "nl": "holandês", "ja": "japonês", "zh": "chinês", "ko": "coreano"},
    "it": {"en": "inglese", "es": "spagnolo", "de": "tedesco", "fr": "francese",
           "pt": "portoghese", "it": "italiano", "nl": "olandese", "ja": "giapponese",
           "zh": "cinese", "ko": "coreano"},
}  # fmt: skip


def message(key: str, lang: str) -> str:
    """The line `key` in `lang`, or in English when `lang` has none."""
    table = MESSAGES[key]
    return table.get(lang, table["en"])


def other_language_note(article_lang: str | None, reply_lang: str) -> str | None:
    """The note naming an article's language when it is not the reply's: an English article
    in a German reply is "(Artikel auf Englisch)"; None for the same or an unknown language."""
    if not article_lang or article_lang == reply_lang:
        return None
    names = LANGUAGE_NAMES.get(reply_lang, LANGUAGE_NAMES["en"])
    language = names.get(article_lang, article_lang.upper())
    return message("article_in", reply_lang if reply_lang in names else "en").format(
        language=language
    )
