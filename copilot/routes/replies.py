"""POST /v1/replies — a ticket thread in, a sourced draft reply for the agent out.

With ``stream: true`` the answer is server-sent events: ``token`` events while an LLM writes
(so the agent sees the draft being written), then one ``reply`` event carrying the checked
draft (the same ReplyOut; it may differ from the streamed text when a sentence failed its
check or the draft fell back), or one ``error`` event.
"""

from __future__ import annotations

import asyncio
import json
import queue
import threading
from collections.abc import AsyncIterator, Callable

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from copilot.deps import ReplyCaller, State
from copilot.engine import Composed
from copilot.routes.threads import sentences_out, sources_out, summary_out, thread_messages
from copilot.schemas.common import ERROR_RESPONSES
from copilot.schemas.threads import ReplyOut, ThreadIn
from copilot.state import AppState
from kb.errors import KBError

router = APIRouter(prefix="/v1", tags=["replies"], responses=ERROR_RESPONSES)

_STREAM_DOC = {
    200: {
        "description": "ReplyOut, or with `stream: true` a text/event-stream of `token` events "
        "and one final `reply` (ReplyOut) or `error` event",
        "content": {
            "text/event-stream": {
                # one schema per event (what schemathesis and SSE clients check)
                "schema": {
                    "type": "object",
                    "properties": {
                        "event": {"enum": ["token", "reply", "error"]},
                        "data": {"type": "string"},
                    },
                    "required": ["data"],
                }
            }
        },
    }
}


@router.post("/replies", response_model=ReplyOut, responses=_STREAM_DOC)  # type: ignore[arg-type]
def draft_reply(
    state: State, caller: ReplyCaller, thread: ThreadIn, request: Request
) -> ReplyOut | StreamingResponse:
    messages = thread_messages(thread, state.settings)
    if thread.stream:
        return StreamingResponse(
            _events(request, lambda sink: _draft(state, caller.key.id, thread, messages, sink)),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    return _draft(state, caller.key.id, thread, messages, None)


def _draft(
    state: AppState,
    key_id: int,
    thread: ThreadIn,
    messages: list[tuple[str, str]],
    on_token: Callable[[str], None] | None,
) -> ReplyOut:
    engine = state.engine
    composed: Composed = engine.reply(
        messages,
        subject=thread.subject,
        locale=thread.locale,
        customer_name=thread.customer_name,
        on_token=on_token,
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
        key_id=key_id,
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


def _sse(event: str, data: object) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


async def _events(
    request: Request, work: Callable[[Callable[[str], None]], ReplyOut]
) -> AsyncIterator[bytes]:
    """Run the draft in a worker thread and relay its tokens as they come."""
    events: queue.Queue[tuple[str, object]] = queue.Queue()

    def run() -> None:
        try:
            reply = work(lambda text: events.put(("token", {"text": text})))
            events.put(("reply", reply.model_dump(mode="json")))
        except KBError as exc:
            events.put(("error", {"code": exc.code, "message": exc.message}))
        except Exception as exc:  # the stream always ends with an event the client can read
            events.put(("error", {"code": "internal_error", "message": type(exc).__name__}))

    threading.Thread(target=run, name="kbc-reply-stream", daemon=True).start()
    while True:
        try:
            kind, data = events.get_nowait()
        except queue.Empty:
            if await request.is_disconnected():
                return  # the draft finishes and is logged; nobody is listening any more
            await asyncio.sleep(0.01)
            continue
        yield _sse(kind, data)
        if kind != "token":
            return
