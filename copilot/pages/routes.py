"""GET /widget.js, /widget/strings/{lang}.json, /demo and /console (+ the console's script
and styles), from package files.

The widget script and its strings are public and cacheable (ETag + max-age) and may be loaded
by any site; the API decides which origins a widget key works from. The script carries the
English strings (its fallback); another language's come from copilot/translations/widget.json
through /widget/strings, so the bundle does not grow with the number of languages.
The pages hold no data: the demo embeds the configured public widget key, and the console
signs in with an agent key kept in sessionStorage.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from functools import cache
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from copilot.messages import widget_strings
from kb.errors import NotFound

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
_PUBLIC_HEADERS = {
    "Cache-Control": f"public, max-age={_WIDGET_MAX_AGE_S}",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "cross-origin",
}
# widget.js holds this empty object where the served script carries the English strings
_ENGLISH_SLOT = "{/*EN*/}"
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}")


@cache
def asset(name: str) -> str:
    """A file from copilot/pages/static, read once."""
    return resources.files("copilot.pages").joinpath("static", name).read_text("utf-8")


@cache  # keyed by the few bodies served: the script and one table per language
def _etag(body: str) -> str:
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:20] + '"'


@cache
def widget_script() -> str:
    """widget.js with the English strings in place of its empty fallback table."""
    script = asset("widget.js")
    if script.count(_ENGLISH_SLOT) != 1:
        raise RuntimeError(f"widget.js must hold {_ENGLISH_SLOT} exactly once")
    english = json.dumps(widget_strings("en").strings, ensure_ascii=False, separators=(",", ":"))
    return script.replace(_ENGLISH_SLOT, english)


@cache  # by a language the table has (widget_strings resolves any other to English)
def _strings_body(lang: str) -> str:
    strings = widget_strings(lang)
    body = {"lang": strings.lang, "dir": strings.dir, "strings": strings.strings}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _public(request: Request, body: str, media_type: str, **extra: str) -> Response:
    """A public, cacheable body; 304 when the client's ETag still matches."""
    etag = _etag(body)
    headers = {"ETag": etag, **_PUBLIC_HEADERS, **extra}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


@router.get("/widget.js")
def widget(request: Request) -> Response:
    """The embeddable widget: cacheable by browsers and CDNs, loadable cross-origin."""
    return _public(request, widget_script(), "text/javascript")


@router.get("/widget/strings/{lang}.json")
def widget_language(lang: str, request: Request) -> Response:
    """The widget's UI in `lang` (`ja`, `pt-BR`): `{"lang", "dir", "strings"}`; English, with
    `"lang": "en"`, for a language we have no table for; 404 for what is not a language tag.
    Readable from any origin (no credentials): it is the same text for everyone."""
    if not _LANGUAGE_TAG.fullmatch(lang):
        raise NotFound(f"not a language tag: {lang[:40]!r}")
    primary = re.split(r"[-_]", lang, maxsplit=1)[0].lower()
    return _public(
        request,
        _strings_body(widget_strings(primary).lang),
        "application/json",
        **{"Access-Control-Allow-Origin": "*"},
    )


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
