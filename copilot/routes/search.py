"""GET /v1/search — hybrid search for agents and the consoles (role decides visibility)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from copilot.deps import SearchCaller, State
from copilot.schemas.common import ERROR_RESPONSES
from copilot.schemas.resources import SearchHitOut, SearchOut
from kb.models import SearchFilters

router = APIRouter(prefix="/v1", tags=["search"], responses=ERROR_RESPONSES)


@router.get("/search", response_model=SearchOut)
def search(
    state: State,
    caller: SearchCaller,
    q: Annotated[str, Query(min_length=1, max_length=2000)],
    k: Annotated[int, Query(ge=1, le=50)] = 10,
    mode: Literal["hybrid", "dense", "keyword"] = "hybrid",
    kind: Literal["article", "ticket"] | None = None,
    lang: str | None = None,
    product: str | None = None,
) -> SearchOut:
    base = caller.search_filters()
    filters = SearchFilters(
        visibility=base.visibility,
        kinds=base.kinds if kind is None else (base.kinds or frozenset({kind})) & {kind},
        lang=lang,
        product=product,
    )
    hits = state.retriever.search(q, k=k, filters=filters, mode=mode)
    return SearchOut(
        query=q,
        mode=mode,
        hits=[
            SearchHitOut(
                external_id=h.external_id,
                title=h.title,
                url=h.url,
                kind=h.kind,
                visibility=h.visibility,
                lang=h.lang,
                product=h.product,
                score=h.score,
                heading_path=list(h.heading_path),
                snippet=h.snippet,
            )
            for h in hits
        ],
    )
