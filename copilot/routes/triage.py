"""POST /v1/triage — suggested tags, sentiment, urgency, language, similar resolved tickets and
articles for an incoming thread (agents and admins, as replies and summaries)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from copilot.auth import Caller
from copilot.deps import State, caller_for
from copilot.routes.threads import thread_messages
from copilot.schemas.common import ERROR_RESPONSES
from copilot.schemas.threads import ThreadBase
from copilot.schemas.triage import TriageOut
from copilot.triage import Triager

router = APIRouter(prefix="/v1", tags=["triage"], responses=ERROR_RESPONSES)
TriageCaller = Annotated[Caller, Depends(caller_for("triage"))]


@router.post("/triage", response_model=TriageOut)
def triage(state: State, _caller: TriageCaller, thread: ThreadBase) -> TriageOut:
    messages = thread_messages(thread, state.settings)
    triager = Triager(state.kb, state.engine.retriever, languages=state.engine.languages())
    return TriageOut.of(triager.triage(messages, subject=thread.subject, locale=thread.locale))
