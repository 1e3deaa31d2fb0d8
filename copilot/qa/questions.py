"""Did the reply answer every question of the customer's last message?

The questions are its sentences ending in "?" (the whole message when none does: "I need a
refund for my booking" asks too), each split into the things it asks by the drafting path's
own splitter (`question_parts`: "X and Y", "What is X? How do I Y?"). A word every part shares
is the message's topic, not what one part asks: it is left out of each part (unless nothing
would be left), so one sentence on the topic cannot answer them all. Each part is matched to
the reply by the support check itself (`check_support` with the reply as the only source): the
score is the recall of the part's content words in the best reply window, lifted by embedding
cosine, exactly as a draft sentence is scored against its sources.
"""

from __future__ import annotations

from collections.abc import Sequence

from copilot.compose.structured import question_parts
from copilot.compose.support import EmbedLimits, check_support
from copilot.compose.types import Source
from copilot.qa.types import QuestionCheck
from kb.embedders.base import Embedder
from kb.text.sentences import split_sentences
from kb.text.words import content_set

# A part is answered when some reply window scores this much against it. Chosen on emanual
# (eval/qa_scorecard_eval.py: the Youden-best cut between gold answers and answers to other
# tickets was 0.50), reported on dstc11.
_LIMITS = EmbedLimits(chars=400)  # each reply window's first ~100 tokens (scorecard.py)
ANSWERED = 0.5
MAX_QUESTIONS = 6  # parts checked per message (a message asking more is read up to here)
_QUESTION_END = ("?", "？", "¿")


def asked(message: str) -> tuple[str, ...]:
    """The things `message` asks, in order, at most MAX_QUESTIONS."""
    sentences = [s.strip() for s in split_sentences(message) if content_set(s)]
    questions = [s for s in sentences if s.rstrip().endswith(_QUESTION_END)]
    parts: list[str] = []
    for question in questions or [" ".join(sentences)]:
        for part in question_parts(question):
            part = part.strip(" ,.;:?？")
            if content_set(part) and part not in parts:
                parts.append(part)
    return tuple(parts[:MAX_QUESTIONS])


def answered(
    message: str, reply: str, embedder: Embedder | None = None
) -> tuple[QuestionCheck, ...]:
    """Each question of `message` with the reply sentence closest to it and whether it counts."""
    source = _as_source(reply)
    parts = asked(message)
    topic = frozenset.intersection(*(content_set(p) for p in parts)) if len(parts) > 1 else None
    out: list[QuestionCheck] = []
    for part in parts:
        own = _without(part, topic) if topic else part
        checks = check_support(own, [source], embedder, _LIMITS)
        support = [s for s in checks if s.evidence or s.score < 1]
        if not support:  # a courtesy line ("Thanks!") asks nothing
            continue
        best = max(support, key=lambda s: s.score)
        ok = best.score >= ANSWERED and best.evidence is not None
        out.append(QuestionCheck(part, ok, best.score, best.evidence))
    return tuple(out)


def _without(part: str, topic: frozenset[str]) -> str:
    """`part` without the words of `topic` (all of it when that would leave no content word)."""
    own = " ".join(w for w in part.split() if not content_set(w) & topic)
    return own if content_set(own) else part


def _as_source(reply: str) -> Source:
    """The reply as the one source the questions are checked against (its first line is
    read as the title by the support check, so the title is left empty)."""
    return Source(0, "reply", "", None, "article", None, (reply,), 1.0)


def share_answered(checks: Sequence[QuestionCheck]) -> float:
    return round(sum(c.answered for c in checks) / len(checks), 4) if checks else 1.0
