"""POST /v1/qa/scorecards — a thread and the reply an agent sent in, a QA scorecard out:
grounded, contradicts, language, answered every question, privacy, each with its evidence."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Depends

from copilot.auth import Caller
from copilot.deps import State, caller_for
from copilot.qa import Scorecard, ScorecardChecker, load_cut
from copilot.routes.threads import thread_messages
from copilot.schemas.common import ERROR_RESPONSES
from copilot.schemas.qa import ScorecardIn, ScorecardOut
from kb.errors import PayloadTooLarge

router = APIRouter(prefix="/v1/qa", tags=["qa"], responses=ERROR_RESPONSES)
QACaller = Annotated[Caller, Depends(caller_for("qa"))]


@router.post("/scorecards", response_model=ScorecardOut)
def score_reply(state: State, _caller: QACaller, body: ScorecardIn) -> ScorecardOut:
    messages = thread_messages(body, state.settings)  # the thread limits replies have
    if len(body.reply) > state.settings.max_message_chars:
        raise PayloadTooLarge(
            f"the reply has {len(body.reply):,} characters; the limit is "
            f"{state.settings.max_message_chars:,}"
        )
    checker = ScorecardChecker(state.kb, state.engine, grounded_cut=load_cut(state.kb))
    card = checker.score(messages, body.reply, subject=body.subject, locale=body.locale)
    return scorecard_out(card)


def scorecard_out(card: Scorecard) -> ScorecardOut:
    """The scorecard as the API (and `kbc qa score --json`) shows it."""
    fields = dataclasses.asdict(card)
    seconds = fields.pop("seconds")
    return ScorecardOut.model_validate({**fields, "latency_ms": round(seconds * 1000, 1)})
