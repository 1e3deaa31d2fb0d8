"""GET /flags-console (+ its JS and CSS), served from package files.

The page itself holds no data: it signs in with an owner/admin key (kept in
sessionStorage) and calls /v1/flags like any other client.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from kb.flags.model import ALL_REASONS

router = APIRouter(tags=["pages"], include_in_schema=False)

_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


@cache
def _asset(name: str) -> str:
    return resources.files("copilot.flags_console").joinpath("static", name).read_text("utf-8")


@cache
def _page() -> str:
    """The console page with one reason filter option per flag reason (kb.flags.model)."""
    options = "\n".join(
        f'            <option value="{r}">{r.replace("_", " ")}</option>' for r in ALL_REASONS
    )
    return _asset("console.html").replace("            <!-- reasons -->", options)


@router.get("/flags-console", response_class=HTMLResponse)
def console() -> HTMLResponse:
    return HTMLResponse(_page(), headers=_HEADERS)


@router.get("/flags-console/console.js")
def script() -> Response:
    return Response(_asset("console.js"), media_type="text/javascript", headers=_HEADERS)


@router.get("/flags-console/console.css")
def styles() -> Response:
    return Response(_asset("console.css"), media_type="text/css", headers=_HEADERS)
