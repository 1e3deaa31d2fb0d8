"""POST /v1/replies — a ticket thread in, a sourced draft reply for the agent out."""

from __future__ import annotations

from fastapi import APIRouter

from copilot.deps import ReplyCaller, State
from copilot.routes.threads import sentences_out, sources_out, summary_out, thread_messages
from copilot.schemas.common import ERROR_RESPONSES
from copilot.schemas.threads import ReplyOut, ThreadIn

router = APIRouter(prefix="/v1", tags=["replies"], responses=ERROR_RESPONSES)


@router.post("/replies", response_model=ReplyOut)
def draft_reply(state: State, caller: ReplyCaller, thread: ThreadIn) -> ReplyOut:
    messages = thread_messages(thread, state.settings)
    engine = state.engine
    composed = engine.reply(
        messages,
        subject=thread.subject,
        locale=thread.locale,
        customer_name=thread.customer_name,
    )
    draft = composed.draft
    summary = None
    if len(messages) >= state.settings.summary_min_messages:
        summary = summary_out(engine.summarize(messages))
    draft_id = state.interactions.log_draft(
        draft.text,
        lang=composed.lang,
        sources=[s.external_id for s in composed.sources if s.n in draft.cited],
        confidence=composed.confidence,
        generator=draft.generator_used,
        key_id=caller.key.id,
    )
    return ReplyOut(
        draft_id=draft_id,
        text=draft.text,
        lang=composed.lang,
        confidence=composed.confidence,
        sources=sources_out(composed.sources + composed.evidence),
        sentences=sentences_out(draft),
        supported_share=round(draft.supported_share, 4),
        generator_used=draft.generator_used,
        fallback_reason=draft.fallback_reason,
        summary=summary,
        latency_ms=round(composed.seconds * 1000, 1),
        llm_tokens=draft.completion_tokens,
        llm_first_token_ms=None
        if draft.first_token_seconds is None
        else round(draft.first_token_seconds * 1000, 1),
    )
