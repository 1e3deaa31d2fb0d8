"""Language detection: right answers on real paragraphs, deterministic, a default when unsure."""

from __future__ import annotations

import subprocess
import sys

import pytest

from copilot.language import customer_language
from copilot.messages import message, other_language_note
from kb.text.language import detect_language, normalise_code, prose
from kb.text.language_cues import cue_language

PARAGRAPHS = {
    "en": (
        "I cannot log in to my account since yesterday. I reset my password twice but the "
        "page keeps saying that the link has expired. Could you please help me?"
    ),
    "es": (
        "No puedo iniciar sesión en mi cuenta desde ayer. He restablecido la contraseña dos "
        "veces, pero la página sigue diciendo que el enlace ha caducado. ¿Pueden ayudarme?"
    ),
    "de": (
        "Ich kann mich seit gestern nicht mehr in mein Konto einloggen. Ich habe mein Passwort "
        "zweimal zurückgesetzt, aber die Seite sagt immer, dass der Link abgelaufen ist."
    ),
    "fr": (
        "Je ne peux plus me connecter à mon compte depuis hier. J'ai réinitialisé mon mot de "
        "passe deux fois, mais la page indique toujours que le lien a expiré."
    ),
}


@pytest.mark.parametrize(("lang", "text"), sorted(PARAGRAPHS.items()))
def test_detects_paragraph_language(lang: str, text: str) -> None:
    assert detect_language(text) == lang


def test_deterministic_over_repeated_calls() -> None:
    mixed = "Hola team, the export falla cuando hay muchos datos, please help gracias"
    answers = {detect_language(mixed) for _ in range(25)}
    assert len(answers) == 1


def test_deterministic_across_processes() -> None:
    text = "Hola team, the export falla cuando hay muchos datos, please help gracias"
    code = f"from kb.text.language import detect_language; print(detect_language({text!r}))"
    runs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    }
    assert runs == {detect_language(text)}


@pytest.mark.parametrize("text", ["", "   ", "ok thanks", "12345 678 90", "[EMAIL] [PHONE]"])
def test_short_text_gives_default(text: str) -> None:
    assert detect_language(text) is None
    assert detect_language(text, default="en") == "en"


def test_code_urls_and_markup_are_ignored() -> None:
    text = (
        "```python\nfor item in items:\n    print(item)\n```\n"
        "Puede descargar el informe desde https://example.com/reports/export?format=csv "
        "y abrirlo con su hoja de cálculo favorita."
    )
    assert detect_language(text) == "es"
    assert "print" not in prose(text)
    assert "https" not in prose(text)


def test_long_text_is_cheap_and_uses_the_start() -> None:
    text = PARAGRAPHS["de"] * 400 + PARAGRAPHS["en"] * 400
    assert detect_language(text) == "de"


def test_normalise_code() -> None:
    assert normalise_code("zh-cn") == "zh"
    assert normalise_code("zh-TW") == "zh"
    assert normalise_code("pt_BR") == "pt"
    assert normalise_code("EN") == "en"


def test_chinese_is_normalised() -> None:
    text = "我无法登录我的帐户，从昨天开始就不行了，请帮帮我，谢谢你们的支持和帮助"
    assert detect_language(text) == "zh"


def test_candidates_resolve_close_languages() -> None:
    """A short Spanish question that langdetect reads as Portuguese, in an en/es/de help center."""
    question = "¿Cómo exporto mis reservas?"
    assert detect_language(question, default="en", candidates={"en", "es", "de"}) == "es"
    # No candidate is among the detected languages: the default, not a wrong guess.
    text = "How do I export all of my bookings to a spreadsheet?"
    assert detect_language(text, default="xx", candidates={"ja"}) == "xx"


def test_short_texts_are_told_apart_by_their_cues_among_the_candidates() -> None:
    assert cue_language("¿cómo cancelo reserva?") == "es"
    assert cue_language("wie kündige ich?") == "de"
    assert cue_language("how do I cancel") == "en"
    assert cue_language("como cancelo", {"en", "de", "es"}) == "es"
    assert cue_language("como cancelo", {"es", "pt"}) is None, "a tie: the locale decides"
    assert cue_language("Passwort vergessen") is None
    assert customer_language(["¿cómo cancelo reserva?"], "de-DE", {"en", "de", "es"}) == "es"
    assert customer_language(["Passwort vergessen"], "de-DE", {"en", "de"}) == "de"
    assert customer_language(["ok"], None, {"en", "es"}) == "en"


def test_an_article_in_another_language_is_named_in_the_reply_language() -> None:
    assert other_language_note("en", "de") == "(Artikel auf Englisch)"
    assert other_language_note("en", "es") == "(artículo en inglés)"
    assert other_language_note("de", "fr") == "(article en allemand)"
    assert other_language_note("ja", "en") == "(article in Japanese)"
    assert other_language_note("sv", "de") == "(Artikel auf SV)"
    assert other_language_note("de", "de") is None and other_language_note(None, "de") is None
    assert other_language_note("en", "sv") == "(article in English)"
    assert message("low_confidence", "it").startswith("Non sono") and message("clarify", "sv")


def test_a_short_text_in_a_script_of_one_language_is_that_language() -> None:
    everything = {"en", "ja", "zh", "ko", "th"}
    assert cue_language("パスワードを忘れました", everything) == "ja"
    assert cue_language("密码忘了怎么办", everything) == "zh"
    assert cue_language("密码", {"en", "ja"}) == "ja", "Han alone, no Chinese articles"
    assert cue_language("비밀번호 변경", everything) == "ko"
    assert cue_language("ลืมรหัสผ่าน", everything) == "th"
    assert cue_language("パスワード", {"en", "de"}) is None
    assert customer_language(["パスワードを忘れました"], None, {"en", "ja"}) == "ja"


def test_a_script_no_help_center_language_writes_decides_the_customer_language() -> None:
    english_spanish = {"en", "es"}
    assert customer_language(["返金はいつ届きますか"], None, english_spanish) == "ja"
    assert customer_language(["退款多久到账"], None, english_spanish) == "zh"
    assert customer_language(["Как отменить подписку?"], None, english_spanish) == "ru"
    assert customer_language(["كيف ألغي الاشتراك؟"], None, english_spanish) == "ar"
    # a short Russian question to a help center that has Russian: Russian, not the fallback
    assert customer_language(["Как отменить подписку?"], "de-DE", {"en", "ru"}) == "ru"
    # Latin-script text still stays among the help center's languages
    assert customer_language(["How do I cancel?"], None, english_spanish) == "en"
