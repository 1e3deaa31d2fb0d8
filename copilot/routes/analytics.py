"""GET /v1/analytics — deflection, hand-offs, latency, cited articles, feedback and content gaps
for a window of days; owners and admins only (it reads what customers asked)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from copilot.auth import Caller
from copilot.deps import State, caller_for
from copilot.schemas.analytics import AnalyticsOut
from copilot.schemas.common import ERROR_RESPONSES
from kb.storage.analytics import Analytics, Window, parse_moment

AnalyticsCaller = Annotated[Caller, Depends(caller_for("analytics"))]
Moment = Annotated[
    str | None,
    Query(max_length=40, description="UTC date YYYY-MM-DD or ISO datetime"),
]

router = APIRouter(prefix="/v1", tags=["analytics"], responses=ERROR_RESPONSES)


@router.get("/analytics", response_model=AnalyticsOut)
def analytics(
    state: State,
    caller: AnalyticsCaller,
    since: Moment = None,
    until: Moment = None,
    lang: Annotated[str | None, Query(min_length=1, max_length=35)] = None,
) -> AnalyticsOut:
    """The window [since, until), default the last 30 days with today; at most 366 days."""
    window = Window.of(
        None if since is None else parse_moment(since, "since"),
        None if until is None else parse_moment(until, "until"),
    )
    return AnalyticsOut.from_report(Analytics(state.kb).report(window, lang))
