"""What a QA scorecard says about one sent reply: per criterion a verdict, and the evidence a
support lead can check by hand (the article sentence, the customer's question, the value)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CriterionName = Literal["grounded", "contradicts", "language", "answered_every_question", "privacy"]
CRITERIA: tuple[CriterionName, ...] = (
    "grounded",
    "contradicts",
    "language",
    "answered_every_question",
    "privacy",
)


@dataclass(frozen=True)
class ArticleRef:
    """An article of the knowledge base and the sentence of it that the verdict rests on."""

    external_id: str
    title: str
    url: str | None
    sentence: str


@dataclass(frozen=True)
class SentenceCheck:
    """One factual sentence of the reply: supported by an article sentence, or not."""

    text: str
    supported: bool
    score: float
    support: ArticleRef | None  # the best-matching article sentence (shown when unsupported too)


@dataclass(frozen=True)
class Contradiction:
    """A value of the reply that differs from the article sentence about the same thing."""

    kind: str  # duration | price | percent | quantity | version
    sentence: str
    value: str
    article: ArticleRef
    article_value: str


@dataclass(frozen=True)
class QuestionCheck:
    """One thing the customer's last message asks, and the reply sentence closest to it."""

    question: str
    answered: bool
    score: float
    sentence: str | None


@dataclass(frozen=True)
class PiiFinding:
    """Personal data in the reply that neither the customer nor the knowledge base wrote.
    `shown` is masked (last characters only): the scorecard must not spread the leak."""

    kind: str  # email | phone | card | iban
    shown: str


@dataclass(frozen=True)
class Criterion:
    name: CriterionName
    passed: bool
    score: float  # 0..1; 1 is best
    detail: str  # one line a lead can read


@dataclass(frozen=True)
class Scorecard:
    """The whole first pass: `passed` when no criterion fails; `failing` names those that do."""

    passed: bool
    failing: tuple[CriterionName, ...]
    criteria: tuple[Criterion, ...]
    sentences: tuple[SentenceCheck, ...]
    contradictions: tuple[Contradiction, ...]
    questions: tuple[QuestionCheck, ...]
    pii: tuple[PiiFinding, ...]
    customer_lang: str
    reply_lang: str | None  # None: too short to tell
    articles: tuple[str, ...]  # external ids of the articles the reply was checked against
    seconds: float
