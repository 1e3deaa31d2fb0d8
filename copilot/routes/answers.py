"""POST /v1/answers — a customer's question: public articles only; answer or hand off."""

from __future__ import annotations

import time
from typing import cast

from fastapi import APIRouter

from copilot.deps import AnswerCaller, State
from copilot.engine import Answered
from copilot.handoff import handoff_message
from copilot.messages import message
from copilot.routes.threads import sentences_out, sources_out
from copilot.schemas.answers import (
    AnswerIn,
    AnswerOut,
    ClarifyOut,
    EvidenceOut,
    HandoffOut,
    HandoffReason,
    TopicOut,
)
from copilot.schemas.common import ERROR_RESPONSES
from kb.errors import PayloadTooLarge
from kb.storage.interactions import LoggedAnswer

router = APIRouter(prefix="/v1", tags=["answers"], responses=ERROR_RESPONSES)

HANDOFF_ARTICLES = 2  # the closest articles a low-confidence hand-off still names


def _evidence(state: State, result: Answered) -> EvidenceOut | None:
    if result.evidence is None:
        return None
    model = state.engine.answerability_model
    return EvidenceOut(
        model_version=model.version,
        probability=result.confidence,
        threshold=state.engine.answer_threshold,
        features={k: round(v, 4) for k, v in result.evidence.features.items()},
        contributions=model.contributions(result.evidence),
        missing_terms=list(result.evidence.missing[:5]),
    )


@router.post("/answers", response_model=AnswerOut)
def answer(state: State, caller: AnswerCaller, body: AnswerIn) -> AnswerOut:
    started = time.perf_counter()
    settings = state.settings
    if len(body.question) > settings.max_question_chars:
        raise PayloadTooLarge(
            f"question has {len(body.question):,} characters; the limit is "
            f"{settings.max_question_chars:,}"
        )
    # Both sides of the conversation: the agent's (or the widget's own) earlier turns often
    # name what the customer's follow-up leaves out (eval/RESULTS.md, dstc11: 0.17 -> 0.36).
    history = [t.text for t in body.history]
    result = state.engine.answer(body.question, history=history, locale=body.locale)
    composed = result.composed
    answered = result.outcome == "answered" and composed is not None
    text = composed.draft.text if answered and composed else None
    cited = [s for s in result.sources if composed and s.n in composed.draft.cited]
    shown = cited if answered else []
    latency_ms = (time.perf_counter() - started) * 1000
    answer_id = state.interactions.log_answer(
        LoggedAnswer(
            question=body.question,
            lang=result.lang,
            # The answer log stores answered | handoff (kb/schema.py); a clarifying question
            # is logged as a hand-off with reason `clarify`, so no answer is ever claimed.
            outcome="answered" if answered else "handoff",
            reason="clarify" if result.outcome == "clarify" else result.reason,
            confidence=result.confidence,
            sources=[s.external_id for s in (shown or result.sources)],
            answer=text,
            latency_ms=latency_ms,
            generator=composed.draft.generator_used if composed else None,
            key_id=caller.key.id,
            client=caller.client,
        )
    )
    handoff = clarify = None
    if result.outcome == "clarify":
        clarify = ClarifyOut(
            message=message("clarify", result.lang),
            topics=[TopicOut(title=t.title, url=t.url) for t in result.topics],
        )
    elif not answered:
        reason = cast(HandoffReason, result.reason or "low_confidence")
        # relevant but not sure enough: the closest articles may still help while they wait
        close = [s for s in result.sources if s.kind == "article" and s.url]
        handoff = HandoffOut(
            reason=reason,
            message=handoff_message(reason, result.lang),
            url=settings.handoff_url,
            email=settings.handoff_email,
            articles=sources_out(close[:HANDOFF_ARTICLES], result.lang)
            if reason == "low_confidence"
            else [],
        )
    return AnswerOut(
        answer_id=answer_id,
        outcome=result.outcome,
        answer=text,
        lang=result.lang,
        confidence=result.confidence,
        sources=sources_out(shown, result.lang),
        sentences=sentences_out(composed.draft) if answered and composed else [],
        handoff=handoff,
        clarify=clarify,
        evidence=_evidence(state, result),
        generator_used=composed.draft.generator_used if composed else "none",
        latency_ms=round(latency_ms, 1),
    )
