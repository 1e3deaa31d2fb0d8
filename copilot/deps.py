"""FastAPI dependencies as `Annotated` aliases: the app state and the authorized caller."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from copilot.auth import Caller, authorize, client_ip
from copilot.state import AppState


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.kbc
    return state


State = Annotated[AppState, Depends(get_state)]


def request_ip(request: Request, state: AppState) -> str:
    """The client's IP: X-Forwarded-For counts only from Settings.trusted_proxies."""
    peer = request.client.host if request.client else "unknown"
    return client_ip(peer, request.headers.get("x-forwarded-for"), state.settings.trusted_proxies)


def caller_for(action: str) -> Callable[[Request, AppState], Caller]:
    """A dependency that authorizes the request for `action` (401/403/429 otherwise)."""

    def dependency(request: Request, state: State) -> Caller:
        return authorize(
            state.keys,
            state.limiter,
            state.settings,
            action=action,
            authorization=request.headers.get("authorization"),
            ip=request_ip(request, state),
            origin=request.headers.get("origin"),
        )

    return dependency


SearchCaller = Annotated[Caller, Depends(caller_for("search"))]
ReplyCaller = Annotated[Caller, Depends(caller_for("replies"))]
SummaryCaller = Annotated[Caller, Depends(caller_for("summaries"))]
AnswerCaller = Annotated[Caller, Depends(caller_for("answers"))]
FeedbackCaller = Annotated[Caller, Depends(caller_for("feedback"))]
DocumentCaller = Annotated[Caller, Depends(caller_for("documents"))]
