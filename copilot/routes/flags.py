"""GET /v1/flags, GET/PATCH /v1/flags/{id} — content flags for owners and admins, plus the
flags console page (mounted here so one router brings both)."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from copilot.auth import Caller
from copilot.deps import State, caller_for
from copilot.flags_console.routes import router as console_router
from copilot.schemas.common import ERROR_RESPONSES, MAX_ROW_ID, NOT_FOUND
from copilot.schemas.flags import (
    ArticleText,
    FlagDetailOut,
    FlagListOut,
    FlagOut,
    FlagPatch,
    FlagReason,
    FlagStatus,
)
from kb.errors import InvalidInput
from kb.flags import FlagStore, ScanConfig
from kb.flags.model import Flag
from kb.flags.scan import refresh_changed, still_detected
from kb.store import KnowledgeBase

FlagCaller = Annotated[Caller, Depends(caller_for("flags"))]
FlagId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]  # a 64-bit rowid: larger is a 422, not a 500

router = APIRouter()
api = APIRouter(prefix="/v1", tags=["flags"], responses=ERROR_RESPONSES)


def _config(state: State) -> ScanConfig:
    return ScanConfig.for_store(state.settings.data_dir)


def _out(flag: Flag) -> FlagOut:
    return FlagOut.model_validate(flag.as_dict())


def _article(kb: KnowledgeBase, external_id: object) -> ArticleText | None:
    doc = kb.get_document(str(external_id)) if external_id else None
    if doc is None or doc.kind != "article":
        return None
    return ArticleText(
        external_id=doc.external_id,
        title=doc.title,
        url=doc.url,
        lang=doc.lang,
        updated_at=doc.updated_at,
        body=doc.body,
    )


@api.get("/flags", response_model=FlagListOut)
def list_flags(
    state: State,
    caller: FlagCaller,
    reason: FlagReason | None = None,
    status: FlagStatus | None = None,
    document: Annotated[str | None, Query(max_length=300)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> FlagListOut:
    """Flags by impact. Articles edited since their flags were computed are re-checked first."""
    summary = refresh_changed(state.kb, _config(state))
    store = FlagStore(state.kb)
    everything = store.list(reason=reason, status=status, document=document)
    return FlagListOut(
        flags=[_out(f) for f in everything[offset : offset + limit]],
        total=len(everything),
        counts=store.counts(),
        rechecked=[] if summary is None else summary.details.get("ids", []),
    )


@api.get("/flags/{flag_id}", response_model=FlagDetailOut, responses=NOT_FOUND)
def get_flag(state: State, caller: FlagCaller, flag_id: FlagId) -> FlagDetailOut:
    flag = FlagStore(state.kb).get(flag_id)
    other = flag.evidence.get("duplicate_of") or flag.evidence.get("source_id")
    return FlagDetailOut(
        **_out(flag).model_dump(),
        article=_article(state.kb, flag.document_id),
        related=_article(state.kb, other),
    )


@api.patch("/flags/{flag_id}", response_model=FlagOut, responses=NOT_FOUND)
def patch_flag(state: State, caller: FlagCaller, flag_id: FlagId, body: FlagPatch) -> FlagOut:
    """Acknowledge, fix, dismiss or re-open. Marking fixed re-checks the article first and
    is refused (422) while the problem is still detected."""
    if body.status is None and body.note is None:
        raise InvalidInput("send a status, a note, or both")
    check = partial(still_detected, state.kb, cfg=_config(state))
    flag = FlagStore(state.kb).transition(
        flag_id, body.status, body.note, still_detected=lambda f: check(f)
    )
    return _out(flag)


router.include_router(api)
router.include_router(console_router)
