"""One gap named in several languages: words no article uses, read as their translations."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from kb.flags.gap_words import word_concepts
from kb.flags.gaps import GapConfig, find_gaps
from kb.store import KnowledgeBase
from tests.test_flags_answer_check import FixedCheck
from tests.test_flags_signals import NOW, add, article
from tests.test_flags_usage import _ask

# fixed word vectors: a, b and c are pairwise close; d is close to c only (a chain link)
_VECS = {
    "a": [1.0, 0.0, 0.0],
    "b": [0.95, 0.31, 0.0],
    "c": [0.9, 0.2, 0.39],
    "d": [0.55, 0.0, 0.83],
    "z": [0.0, 1.0, 0.0],
}


def _embed(texts: Sequence[str]) -> np.ndarray:
    return np.asarray([_VECS[t] for t in texts], dtype=np.float32)


def test_words_close_to_every_word_of_a_concept_join_it() -> None:
    concept = word_concepts(_embed, {t: t for t in _VECS}, threshold=0.8)
    assert concept["a"] == concept["b"] == concept["c"] == "a"
    assert concept["d"] == "d"  # close to c (0.82) but not to a (0.55): no chaining
    assert concept["z"] == "z"


def _renting(kb: KnowledgeBase) -> None:
    add(
        kb,
        article("t-1", "Install the thermostat", "Switch off the boiler and mount the plate."),
        article("t-1-es", "Instalar el termostato", "Apaga la caldera y monta.", lang="es"),
        article("t-1-nl", "Thermostaat installeren", "Zet de ketel uit.", lang="nl"),
    )
    for n, question in enumerate(
        [
            "I rent my flat, may I put in your thermostat?",
            "Vivo de alquiler, ¿puedo poner vuestro termostato?",
            "we are renting the house, can we fit the thermostat ourselves?",
        ]
    ):
        _ask(kb, question, days_ago=n + 1)


# the cosine pass set too strict to group anything on its own
_STRICT = GapConfig(cover_threshold=1.01, cluster_threshold=0.9)


def test_one_gap_in_two_languages_shares_no_word_but_one_concept(use_kb: KnowledgeBase) -> None:
    """Renting asked twice in English and once in Spanish: the word no article uses is
    "rent" twice and "alquiler" once, two short of a group each, so only reading them as
    one concept groups the three."""
    _renting(use_kb)
    result = find_gaps(use_kb, now=NOW, cfg=_STRICT, checker=FixedCheck(answered=False))
    assert [f.evidence["cluster_size"] for f in result.findings] == [3]
    assert result.findings[0].evidence["words_no_article_uses"]


def test_asked_in_two_languages_with_a_word_no_article_uses_stays_a_gap(
    use_kb: KnowledgeBase,
) -> None:
    """The installation article is close in topic and the check says it answers; none of
    the articles names renting, so the group stays a gap and says why."""
    _renting(use_kb)
    result = find_gaps(use_kb, now=NOW, cfg=_STRICT, checker=FixedCheck(answered=True))
    (gap,) = result.findings
    assert gap.evidence["why_not_answered"].startswith("no article uses")
    assert result.answered == []


@pytest.fixture
def use_kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    from kb.embedders.factory import get_embedder

    kb = KnowledgeBase(tmp_path / "use", get_embedder("use-multilingual"))
    yield kb
    kb.database.close()
