"""POST /v1/feedback — helpful/not helpful on an answer; the agent's final reply to a draft.

One vote per answer (or draft) per client: a repeat replaces the earlier vote. A widget
visitor may rate only an answer it was given (same key, same visitor), so a public key
cannot manufacture `unhelpful` flags on other people's answers.
"""

from __future__ import annotations

from fastapi import APIRouter

from copilot.deps import FeedbackCaller, State
from copilot.edits import edit_distance
from copilot.schemas.common import ERROR_RESPONSES, NOT_FOUND
from copilot.schemas.resources import FeedbackIn, FeedbackOut
from kb.errors import Forbidden, InvalidInput, PayloadTooLarge

router = APIRouter(prefix="/v1", tags=["feedback"], responses=ERROR_RESPONSES)


@router.post("/feedback", response_model=FeedbackOut, responses=NOT_FOUND)
def feedback(state: State, caller: FeedbackCaller, body: FeedbackIn) -> FeedbackOut:
    if (body.answer_id is None) == (body.draft_id is None):
        raise InvalidInput("send exactly one of answer_id or draft_id")
    limit = state.settings.max_reply_chars
    if body.final_reply is not None and len(body.final_reply) > limit:
        raise PayloadTooLarge(
            f"final_reply has {len(body.final_reply):,} characters; the limit is {limit:,}"
        )
    distance = None
    if body.draft_id is not None:
        if caller.role == "widget":
            raise Forbidden("a widget key can only rate answers")
        if body.final_reply is None and body.helpful is None:
            raise InvalidInput("draft feedback needs final_reply or helpful")
        draft, _ = state.interactions.draft_text(body.draft_id)
        if body.final_reply is not None:
            distance = edit_distance(draft, body.final_reply)
    elif body.helpful is None:
        raise InvalidInput("answer feedback needs helpful: true or false")
    elif body.final_reply is not None:
        raise InvalidInput("final_reply applies to drafts, not answers")
    elif caller.role == "widget":
        key_id, client, _ = state.interactions.answer_owner(body.answer_id)  # type: ignore[arg-type]
        if key_id != caller.key.id or client != caller.client:
            raise Forbidden("a widget can only rate the answers it was given")
    feedback_id = state.interactions.add_feedback(
        answer_id=body.answer_id,
        draft_id=body.draft_id,
        helpful=body.helpful,
        final_reply=body.final_reply,
        edit_distance=distance,
        comment=body.comment,
        key_id=caller.key.id,
        client=caller.client,
    )
    return FeedbackOut(feedback_id=feedback_id, edit_distance=distance)
