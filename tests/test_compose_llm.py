"""The LLM composer's free-text mode (``structured=False``) with a deterministic fake generator:
used when good, extractive otherwise. The structured (JSON) mode: test_compose_structured.py."""

from __future__ import annotations

from copilot.compose import Draft, ExtractiveComposer, LLMComposer, Source, TextGenerator
from copilot.fake_generator import ScriptedGenerator
from copilot.llm import LLMError
from kb.embedders.hashing import HashingEmbedder

PASSWORD = Source(
    n=1,
    external_id="kb-password",
    title="Reset your password",
    url="https://help.test/kb-password",
    kind="article",
    lang="en",
    passages=(
        "Click **Forgot password** on the sign-in page and enter your email address.\n"
        "We send a reset link that expires after 30 minutes.",
    ),
    relevance=0.8,
)
PASSWORD_ES = Source(
    n=2,
    external_id="kb-password-es",
    title="Restablecer tu contraseña",
    url="https://help.test/es/kb-password",
    kind="article",
    lang="es",
    passages=(
        "Haz clic en **¿Olvidaste tu contraseña?** en la página de inicio de sesión e introduce "
        "tu correo electrónico. Te enviamos un enlace que caduca a los 30 minutos.",
    ),
    relevance=0.7,
)
GOOD = (
    "Click **Forgot password** on the sign-in page and enter your email address [1]. "
    "The reset link we send expires after 30 minutes [1]."
)


def compose(
    reply: str | Exception, lang: str = "en", **kw: object
) -> tuple[Draft, ScriptedGenerator]:
    generator = ScriptedGenerator(reply)
    typed: TextGenerator = generator
    composer = LLMComposer(typed, ExtractiveComposer(None), HashingEmbedder(),
                           known_urls={"https://help.test/faq"}, structured=False)  # fmt: skip
    sources = [PASSWORD_ES if lang == "es" else PASSWORD]
    question = "¿Cómo restablezco mi contraseña?" if lang == "es" else "How do I reset my password?"
    draft = composer.compose(question, sources, lang=lang,
                             style="answer", **kw)  # type: ignore[arg-type]  # fmt: skip
    return draft, generator


def test_good_cited_answer_is_used() -> None:
    draft, generator = compose(GOOD, stream=True)
    assert draft.text == GOOD
    assert draft.generator_used == "fake/model" and draft.fallback_reason is None
    assert draft.cited == (1,) and draft.supported_share == 1.0
    assert draft.completion_tokens == 17 and draft.first_token_seconds == 0.05
    assert generator.calls[0]["stream"] is True
    user = generator.calls[0]["messages"][1]["content"]
    assert '<source n="1" title="Reset your password"' in user and "<customer_message>" in user


def test_generator_error_falls_back_with_reason() -> None:
    draft, _ = compose(LLMError("LLM fake/model timed out after 60s"))
    assert draft.generator_used == "extractive"
    assert draft.fallback_reason == "llm_error: LLM fake/model timed out after 60s"
    assert draft.cited == (1,) and "Forgot password" in draft.text
    crashed, _ = compose(RuntimeError("boom"))
    assert crashed.fallback_reason == "llm_error: RuntimeError: boom"


def test_empty_or_unsupported_uncited_output_falls_back() -> None:
    assert compose("   ")[0].fallback_reason == "empty_output"
    uncited, _ = compose("Our team will call you back tomorrow with a new login.")
    assert uncited.fallback_reason == "no_valid_citation"
    assert uncited.generator_used == "extractive" and uncited.completion_tokens == 17


def test_uncited_sentences_a_source_supports_get_its_citation() -> None:
    """Small models answer from the sources but forget markers: add them from the evidence."""
    draft, _ = compose(
        "Hello! Click Forgot password on the sign-in page.\n\n"
        "The reset link expires after 30 minutes. We will also send you a free gift card."
    )
    assert draft.generator_used == "fake/model" and draft.fallback_reason is None
    assert draft.text == (
        "Hello! Click Forgot password on the sign-in page [1].\n\n"
        "The reset link expires after 30 minutes [1]. We will also send you a free gift card."
    )
    assert draft.cited == (1,)
    marks = {s.text: s.supported for s in draft.sentences}
    assert marks["We will also send you a free gift card."] is False
    assert marks["The reset link expires after 30 minutes [1]."] is True
    # a wrong number is not supported, so it gets no citation
    wrong, _ = compose("The reset link expires after 45 minutes.")
    assert wrong.fallback_reason == "no_valid_citation"


def test_invented_citation_is_removed() -> None:
    draft, _ = compose(GOOD.replace("[1]. The", "[1][7]. The") + " Also see [7].")
    assert "[7]" not in draft.text and draft.cited == (1,)
    assert draft.generator_used == "fake/model"
    only_invented, _ = compose("Our team will refund you twice [7].")
    assert only_invented.fallback_reason == "no_valid_citation"
    # an invented marker on a supported sentence is replaced by the source that supports it
    relabelled, _ = compose("Click **Forgot password** on the sign-in page [7].")
    assert relabelled.text == "Click **Forgot password** on the sign-in page [1]."


def test_unknown_url_is_stripped_and_known_kept() -> None:
    draft, _ = compose(
        GOOD + " Details: [reset guide](https://help.test/kb-password), "
        "[FAQ](https://help.test/faq) and [offer](http://evil.example/win) or http://evil.example."
    )
    assert "evil.example" not in draft.text
    assert "[reset guide](https://help.test/kb-password)" in draft.text
    assert "[FAQ](https://help.test/faq)" in draft.text and "offer" in draft.text


def test_unsupported_sentences_are_marked() -> None:
    draft, _ = compose(GOOD + " You will also get a 50% discount forever [1].")
    assert draft.generator_used == "fake/model"
    assert [s.supported for s in draft.sentences] == [True, True, False]
    assert draft.supported_share == round(2 / 3, 4)


def test_wrong_language_falls_back() -> None:
    draft, _ = compose(GOOD.replace("[1]", "[2]"), lang="es")
    assert draft.fallback_reason is not None
    assert draft.fallback_reason.startswith("wrong_language: en")
    assert draft.generator_used == "extractive" and draft.lang == "es"
    assert "Olvidaste" in draft.text


def test_right_language_with_english_ui_labels_is_kept() -> None:
    reply = (
        "Haz clic en **¿Olvidaste tu contraseña?** en la página de inicio de sesión e introduce "
        "tu correo electrónico [2]. Te enviamos un enlace que caduca a los 30 minutos [2]."
    )
    draft, _ = compose(reply, lang="es")
    assert draft.fallback_reason is None and draft.generator_used == "fake/model"


def test_injected_language_detector_and_reasoning_blocks() -> None:
    composer = LLMComposer(ScriptedGenerator("<think>hmm</think>\nAnswer: " + GOOD),
                           ExtractiveComposer(None), None, structured=False,
                           detect_language=lambda text, default: "fr")  # fmt: skip
    draft = composer.compose("reset password?", [PASSWORD], lang="fr", style="answer")
    assert draft.text == GOOD and draft.generator_used == "fake/model"


def test_no_sources_uses_the_extractive_hand_off() -> None:
    generator = ScriptedGenerator(GOOD)
    composer = LLMComposer(generator, ExtractiveComposer(None), None, structured=False)
    draft = composer.compose("Can I pay in crypto?", [], lang="en", style="answer")
    assert draft.fallback_reason == "no_sources" and draft.cited == ()
    assert generator.calls == []
