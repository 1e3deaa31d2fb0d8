"""One gap named several ways: an agent's reply that names the place ties the questions."""

from __future__ import annotations

from kb.flags.gap_words import capitalised_names
from kb.flags.gaps import GapConfig, find_gaps
from kb.store import KnowledgeBase
from tests.test_flags_answer_check import FixedCheck
from tests.test_flags_signals import NOW, add, article, store, ticket  # noqa: F401
from tests.test_flags_usage import _ask

ISLANDS = article(
    "islas",
    "Envíos a Baleares",
    "Enviamos a Mallorca, Menorca e Ibiza en 3-5 días laborables con un recargo de 4 €.",
    lang="es",
)


def _canaries(kb: KnowledgeBase, reply: str) -> None:
    add(kb, ISLANDS)
    _ask(kb, "¿Hacéis envíos a Canarias?", days_ago=2)
    _ask(kb, "¿Cuánto tarda un envío a Las Palmas de Gran Canaria?", days_ago=5)
    add(
        kb,
        ticket(
            "T-9",
            "Envío a Tenerife",
            "¿Puedo enviar un paquete a Santa Cruz de Tenerife?",
            reply,
            "2026-11-10T10:00:00Z",
        ),
    )


def _gaps(kb: KnowledgeBase) -> list[list[str]]:
    # cohesion off: this tests which words group the questions, not the embedder
    cfg = GapConfig(cover_threshold=1.01, cluster_threshold=0.0)
    result = find_gaps(kb, now=NOW, cfg=cfg, checker=FixedCheck(answered=False))
    return [f.evidence["words_no_article_uses"] for f in result.findings]


def test_a_reply_naming_the_place_joins_the_questions(store: KnowledgeBase) -> None:  # noqa: F811
    _canaries(store, "Hola:\n\nDe momento no hacemos envíos a Canarias. Un saludo, Pablo")
    assert _gaps(store) == [["canari"]]


def test_ordinary_reply_words_and_signatures_link_nothing(store: KnowledgeBase) -> None:  # noqa: F811
    _canaries(store, "Hola:\n\nde momento no hacemos esos envíos, lo sentimos. Un saludo, Pablo")
    assert all(words == [] for words in _gaps(store))  # grouped, if at all, by cosine only


def test_names_are_capitalised_inside_a_sentence() -> None:
    assert capitalised_names("Since Monday we ship to Canarias. Thanks, Pablo") == {
        "monda",
        "canari",
        "pablo",
    }
    assert capitalised_names("Sessions are free.") == set()


def test_one_gap_asked_in_three_languages_is_one_cluster(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """With the multilingual embedder a store of several languages gets, one question asked
    in English, German and French shares no word but is one gap (at the cosine a
    monolingual model's wordings need, 0.6, the German one stayed apart)."""
    from kb.embedders.factory import get_embedder

    kb = KnowledgeBase(tmp_path / "use", get_embedder("use-multilingual"))
    try:
        add(kb, article("reset", "Reset your password", "Tap Forgot password on sign-in."))
        for n, question in enumerate(
            [
                "Can I take the bike with me when I travel to another country?",
                "Darf ich das Rad in den Ferien mit nach Dänemark nehmen?",
                "Est-ce que je peux partir en voyage à l'étranger avec le vélo ?",
                "is it allowed to ride it abroad during my vacation",
            ]
        ):
            _ask(kb, question, days_ago=n + 1)
        result = find_gaps(kb, now=NOW, checker=FixedCheck(answered=False))
        assert [f.evidence["cluster_size"] for f in result.findings] == [4]
    finally:
        kb.database.close()


def test_a_gap_without_a_how_to_question_is_titled_by_its_most_typical_one() -> None:
    from kb.flags.gaps import suggest_title

    questions = [
        "Selling the house. We're selling our house, what happens to the contract?",
        "can the buyer of my home take over the agreement",
    ]
    assert suggest_title(questions, ["contract"]) == "Selling the house."
    assert suggest_title(["How do I add a waitlist to an event?"], []).startswith("How to")


def test_a_question_in_another_language_joins_a_formed_group_just_under_the_cut() -> None:
    """A cross-lingual model scores one topic asked in two languages lower than two wordings
    in one: an item left alone joins a group of other languages at 0.05 under the cluster
    cosine, never a group that already has its language, and never further off."""
    import numpy as np

    from kb.flags.clusters import centroid_clusters

    first = np.array([1.0, 0, 0, 0, 0, 0])
    second = np.array([0.6, 0.8, 0, 0, 0, 0])  # cosine 0.6 with the first: one group
    centroid = (first + second) / np.linalg.norm(first + second)

    def at(cosine: float, axis: int) -> np.ndarray:
        out = np.zeros(6)
        out[axis] = 1.0
        return cosine * centroid + np.sqrt(1 - cosine**2) * out

    vecs = np.stack([first, second, at(0.52, 2), at(0.52, 3), at(0.40, 4)])
    langs: list[str | None] = ["en", "de", "fr", "en", "it"]
    assert centroid_clusters(vecs, 0.55) == [[0, 1], [2], [3], [4]]
    assert centroid_clusters(vecs, 0.55, attach=(0.50, langs)) == [[0, 1, 2], [3], [4]]
