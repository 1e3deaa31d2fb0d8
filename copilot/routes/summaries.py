"""POST /v1/summaries — problem, what was tried, current state, next step, sentiment/urgency."""

from __future__ import annotations

from fastapi import APIRouter

from copilot.deps import State, SummaryCaller
from copilot.routes.threads import summary_out, thread_messages
from copilot.schemas.common import ERROR_RESPONSES
from copilot.schemas.threads import SummaryOut, ThreadIn

router = APIRouter(prefix="/v1", tags=["summaries"], responses=ERROR_RESPONSES)


@router.post("/summaries", response_model=SummaryOut)
def summarize(state: State, caller: SummaryCaller, thread: ThreadIn) -> SummaryOut:
    return summary_out(state.engine.summarize(thread_messages(thread, state.settings)))
