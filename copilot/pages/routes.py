"""GET /widget.js, /demo and /console (+ the console's script and styles), from package files.

The widget script is public and cacheable (ETag + max-age) and may be embedded by any site;
the API decides which origins a widget key works from. The pages hold no data: the demo
embeds the configured public widget key, and the console signs in with an agent key kept in
sessionStorage.
"""

from __future__ import annotations

import hashlib
import html
from functools import cache
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

router = APIRouter(tags=["pages"], include_in_schema=False)

_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
_WIDGET_MAX_AGE_S = 300


@cache
def asset(name: str) -> str:
    """A file from copilot/pages/static, read once."""
    return resources.files("copilot.pages").joinpath("static", name).read_text("utf-8")


@cache
def _etag(name: str) -> str:
    return '"' + hashlib.sha256(asset(name).encode()).hexdigest()[:20] + '"'


@router.get("/widget.js")
def widget(request: Request) -> Response:
    """The embeddable widget: cacheable by browsers and CDNs, loadable cross-origin."""
    etag = _etag("widget.js")
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={_WIDGET_MAX_AGE_S}",
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(asset("widget.js"), media_type="text/javascript", headers=headers)


@router.get("/demo", response_class=HTMLResponse)
def demo(request: Request) -> HTMLResponse:
    """A mock product page ("Orbitly") with the widget embedded using the demo widget key."""
    settings = request.app.state.kbc.settings
    key = getattr(settings, "demo_widget_key", None)
    origin = str(request.base_url).rstrip("/")
    if key:
        embed = f'<script src="/widget.js" data-key="{html.escape(key)}" async></script>'
    else:
        embed = (
            '<aside class="setup" role="note"><strong>The help widget needs a public key.</strong> '
            "Create one and restart the server with it:"
            f"<pre>kbc keys create --role widget --origin {html.escape(origin)}\n"
            "KBC_DEMO_WIDGET_KEY=&lt;the key&gt; kbc serve</pre></aside>"
        )
    page = asset("demo.html").replace("<!--WIDGET-->", embed)
    return HTMLResponse(page, headers=_PAGE_HEADERS)


@router.get("/demo/demo.css")
def demo_styles() -> Response:
    return Response(asset("demo.css"), media_type="text/css", headers=_PAGE_HEADERS)


@router.get("/console", response_class=HTMLResponse)
def console() -> HTMLResponse:
    return HTMLResponse(asset("console.html"), headers=_PAGE_HEADERS)


@router.get("/console/console.js")
def console_script() -> Response:
    return Response(asset("console.js"), media_type="text/javascript", headers=_PAGE_HEADERS)


@router.get("/console/console.css")
def console_styles() -> Response:
    return Response(asset("console.css"), media_type="text/css", headers=_PAGE_HEADERS)
