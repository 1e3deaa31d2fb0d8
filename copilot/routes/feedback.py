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
from copilot.schemas.resources import AnswerFeedbackIn, FeedbackIn, FeedbackOut
from kb.errors import Forbidden, InvalidInput, PayloadTooLarge

router = APIRouter(prefix="/v1", tags=["feedback"], responses=ERROR_RESPONSES)


@router.post("/feedback", response_model=FeedbackOut, responses=NOT_FOUND)
def feedback(state: State, caller: FeedbackCaller, body: FeedbackIn) -> FeedbackOut:
    if isinstance(body, AnswerFeedbackIn):
        if caller.role == "widget":
            key_id, client, _ = state.interactions.answer_owner(body.answer_id)
            if key_id != caller.key.id or client != caller.client:
                raise Forbidden("a widget can only rate the answers it was given")
        feedback_id = state.interactions.add_feedback(
            answer_id=body.answer_id,
            helpful=body.helpful,
            comment=body.comment,
            key_id=caller.key.id,
            client=caller.client,
        )
        return FeedbackOut(feedback_id=feedback_id)
    if caller.role == "widget":
        raise Forbidden("a widget key can only rate answers")
    if body.final_reply is None and body.helpful is None:
        raise InvalidInput("draft feedback needs final_reply or helpful")
    limit = state.settings.max_reply_chars
    if body.final_reply is not None and len(body.final_reply) > limit:
        raise PayloadTooLarge(
            f"final_reply has {len(body.final_reply):,} characters; the limit is {limit:,}"
        )
    draft, _ = state.interactions.draft_text(body.draft_id)
    distance = None if body.final_reply is None else edit_distance(draft, body.final_reply)
    feedback_id = state.interactions.add_feedback(
        draft_id=body.draft_id,
        helpful=body.helpful,
        final_reply=body.final_reply,
        edit_distance=distance,
        comment=body.comment,
        key_id=caller.key.id,
        client=caller.client,
    )
    return FeedbackOut(feedback_id=feedback_id, edit_distance=distance)
