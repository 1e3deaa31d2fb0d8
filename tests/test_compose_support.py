"""Sentence splitting and computed support: invented, paraphrased, wrong numbers, wrong citation."""

from __future__ import annotations

import pytest

from copilot.compose import (
    Source,
    check_support,
    is_courtesy,
    plain_text,
    split_segments,
    split_sentences,
    supported_share,
)
from copilot.compose.phrases import PHRASES
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
        "Open the app, tap *Account*, then *Security*, then *Reset password*.",
    ),
    relevance=0.8,
)
REFUNDS = Source(
    n=2,
    external_id="kb-refunds",
    title="Refunds and cancellations",
    url="https://help.test/kb-refunds",
    kind="article",
    lang="en",
    passages=(
        "You can cancel your subscription at any time from **Settings > Billing**.\n"
        "Monthly plans are not refunded; annual plans are refunded within 14 days of renewal.",
    ),
    relevance=0.6,
)
SOURCES = [PASSWORD, REFUNDS]
EMBEDDERS = [None, HashingEmbedder()]


def one(text: str, embedder: HashingEmbedder | None = None) -> tuple[bool, float, str | None]:
    [support] = check_support(text, SOURCES, embedder)
    return support.supported, support.score, support.evidence


# -- splitting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Update to version 4.12.1 first, e.g. from the App Store. Then restart.",
            ["Update to version 4.12.1 first, e.g. from the App Store.", "Then restart."],
        ),
        (
            "Dr. Smith paid 2.50 EUR, i.e. the full fee. See https://help.test/a.b?x=1. Done!",
            [
                "Dr. Smith paid 2.50 EUR, i.e. the full fee.",
                "See https://help.test/a.b?x=1.",
                "Done!",
            ],
        ),
        (
            "Haz clic en **¿Olvidaste tu contraseña?** en la página. ¡Listo! ¿Tienes dudas? "
            "Escríbenos.",
            [
                "Haz clic en **¿Olvidaste tu contraseña?** en la página.",
                "¡Listo!",
                "¿Tienes dudas?",
                "Escríbenos.",
            ],
        ),
        (
            "Klicke z. B. auf **Speichern**. Am 1. März ist es soweit.",
            ["Klicke z. B. auf **Speichern**.", "Am 1. März ist es soweit."],
        ),
        (
            "Go to **Settings > Billing** and pick a plan. It costs $9.99 a month [1]. Done.",
            [
                "Go to **Settings > Billing** and pick a plan.",
                "It costs $9.99 a month [1].",
                "Done.",
            ],
        ),
        ("Save the file. [1] Then close it.", ["Save the file. [1]", "Then close it."]),
        ("Hi Ana,\nthanks for writing.", ["Hi Ana,", "thanks for writing."]),
        (
            "Vous pouvez annuler à tout moment. Voici comment faire : ouvrez les paramètres.",
            ["Vous pouvez annuler à tout moment.", "Voici comment faire : ouvrez les paramètres."],
        ),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_markdown_steps_are_units_and_headings_are_not_sentences() -> None:
    text = (
        "## Steps\nTo reset it:\n\n1. Open the app.\n2. Tap *Account*, then\n   *Security*.\n"
        "   - a nested note\n3. Tap **Reset**. Wait a minute.\n\nThe link expires.\n\n"
        "```bash\ncurl https://x.test\n```\n\n| Plan | Price |\n|---|---|\n| Pro | $10 |"
    )
    segs = split_segments(text)
    kinds = [(s.kind, s.text) for s in segs]
    assert kinds[0] == ("heading", "Steps")
    assert ("step", "2. Tap *Account*, then *Security*.") in kinds
    assert ("step", "3. Tap **Reset**. Wait a minute.") in kinds  # one step, one unit
    assert [s.depth for s in segs if s.kind == "bullet"] == [1]
    assert {s.block for s in segs if s.kind in ("step", "bullet")} == {segs[2].block}
    assert ("code", "curl https://x.test") in kinds
    assert ("table", "Pro | $10") in kinds
    assert "## Steps" not in " ".join(split_sentences(text))


def test_plain_text_strips_markdown_and_citations() -> None:
    assert plain_text("1. Click **Save** in [the editor](https://x.test) [1].") == (
        "Click Save in the editor."
    )
    assert plain_text("Use `kbc ingest` and _then_ *wait*.") == "Use kbc ingest and then wait."


# -- support -----------------------------------------------------------------------------


@pytest.mark.parametrize("embedder", EMBEDDERS)
def test_invented_sentence_is_unsupported(embedder: HashingEmbedder | None) -> None:
    supported, _, _ = one("You will get a 50% discount forever [2].", embedder)
    assert not supported
    supported, _, _ = one("Our premium support team answers every call personally [1].", embedder)
    assert not supported


@pytest.mark.parametrize("embedder", EMBEDDERS)
def test_faithful_paraphrase_is_supported(embedder: HashingEmbedder | None) -> None:
    text = (
        "Click **Forgot password** on the sign-in page and we will email you a reset link "
        "that is valid for 30 minutes [1]."
    )
    supported, score, evidence = one(text, embedder)
    assert supported and score >= 0.6
    assert evidence is not None and "Forgot password" in evidence
    supported, _, _ = one("Annual plans get a refund within 14 days of renewal [2].", embedder)
    assert supported


@pytest.mark.parametrize("embedder", EMBEDDERS)
def test_number_label_or_negation_mismatch_is_unsupported(embedder: HashingEmbedder | None) -> None:
    assert not one("The reset link expires after 2 hours [1].", embedder)[0]
    assert not one("The reset link expires after 30 days [1].", embedder)[0]
    assert not one("Annual plans are refunded within 30 days of renewal [2].", embedder)[0]
    assert not one("You can cancel any time in **Settings > Account** [2].", embedder)[0]
    assert not one("Monthly plans are refunded [2].", embedder)[0]
    assert one("Monthly plans are not refunded [2].", embedder)[0]
    assert one("You can cancel any time in **Settings > Billing** [2].", embedder)[0]


@pytest.mark.parametrize("embedder", EMBEDDERS)
def test_wrong_citation_is_unsupported_even_if_another_source_backs_it(
    embedder: HashingEmbedder | None,
) -> None:
    assert one("Annual plans are refunded within 14 days of renewal [2].", embedder)[0]
    assert not one("Annual plans are refunded within 14 days of renewal [1].", embedder)[0]
    assert not one("Annual plans are refunded within 14 days of renewal [9].", embedder)[0]


def test_uncited_sentence_needs_a_strong_match_and_reports_no_citation() -> None:
    [strong] = check_support("Cancel your subscription at any time from Settings > Billing.",
                             SOURCES, None)  # fmt: skip
    assert strong.supported and strong.citations == ()
    [weak] = check_support("Your subscription renews itself.", SOURCES, None)
    assert not weak.supported


def test_courtesy_lines_are_supported_and_left_out_of_the_share() -> None:
    text = (
        "Hi Ana,\n\nThanks for reaching out. The reset link expires after 30 minutes [1]. "
        "You will get a 50% discount forever [1].\n\nHope this helps!\n\nBest regards,\nTom"
    )
    supports = check_support(text, SOURCES, None)
    courtesy = [s for s in supports if s.evidence is None and s.supported]
    assert [s.text for s in courtesy] == [
        "Hi Ana,", "Thanks for reaching out.", "Hope this helps!", "Best regards,", "Tom",
    ]  # fmt: skip
    assert all(s.score == 1.0 and s.citations == () for s in courtesy)
    assert supported_share(supports) == 0.5
    assert supported_share(check_support("Hi Ana,", SOURCES, None)) == 0.0


def test_list_items_inherit_the_citation_of_their_list() -> None:
    text = "Here's how:\n\n1. Open the app.\n2. Tap *Account*, then *Security* [1]."
    supports = check_support(text, SOURCES, None)
    assert [s.citations for s in supports] == [(), (1,), (1,)]
    assert all(s.supported for s in supports)


def test_no_sources_means_nothing_is_supported() -> None:
    [s] = check_support("The reset link expires after 30 minutes [1].", [], None)
    assert not s.supported and s.evidence is None


def test_every_composer_phrase_counts_as_courtesy() -> None:
    for phrases in PHRASES.values():
        for line in (phrases.greeting_named.format(name="Ana María"), phrases.greeting,
                     phrases.steps_intro, phrases.closing, phrases.sign_off):  # fmt: skip
            assert is_courtesy(line), line
        assert not is_courtesy(phrases.no_article.split(". ")[0])


def test_claims_that_look_polite_are_still_checked() -> None:
    assert not is_courtesy("Feel free to switch plans at any time [2].")
    assert not is_courtesy("Thanks to the new editor, you can export PDFs.")
    assert not is_courtesy("Best practice is to restart the app.")
    assert is_courtesy("Thanks for reaching out.") and is_courtesy("Saludos cordiales,")
