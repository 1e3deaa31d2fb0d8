"""POST /v1/feedback — helpful/not helpful on an answer; the agent's final reply to a draft."""

from __future__ import annotations

from fastapi import APIRouter

from copilot.deps import FeedbackCaller, State
from copilot.edits import edit_distance
from copilot.schemas.common import ERROR_RESPONSES
from copilot.schemas.resources import FeedbackIn, FeedbackOut
from kb.errors import Forbidden, InvalidInput

router = APIRouter(prefix="/v1", tags=["feedback"], responses=ERROR_RESPONSES)


@router.post("/feedback", response_model=FeedbackOut)
def feedback(state: State, caller: FeedbackCaller, body: FeedbackIn) -> FeedbackOut:
    if (body.answer_id is None) == (body.draft_id is None):
        raise InvalidInput("send exactly one of answer_id or draft_id")
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
    feedback_id = state.interactions.add_feedback(
        answer_id=body.answer_id,
        draft_id=body.draft_id,
        helpful=body.helpful,
        final_reply=body.final_reply,
        edit_distance=distance,
        comment=body.comment,
        key_id=caller.key.id,
    )
    return FeedbackOut(feedback_id=feedback_id, edit_distance=distance)
