"""Every error leaves the API as `{"error": {"code", "message"}}` with a stable code."""

from __future__ import annotations

import logging
import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from kb.errors import KBError, RateLimited

log = logging.getLogger("kbc")

# Stable codes for the errors Starlette raises itself (unknown path, wrong method, a body
# that is not JSON/UTF-8 or nests too deep); documented in README "Errors and limits".
_HTTP_CODES = {
    400: "invalid_json",
    404: "not_found",
    405: "method_not_allowed",
    401: "unauthorized",
    403: "forbidden",
    413: "payload_too_large",
}


def _allowed_methods(request: Request, fallback: str) -> str:
    """Every method the API serves on this path, from the OpenAPI paths (Starlette's 405
    names only the first matching route's methods: GET /v1/flags/{id} hid PATCH)."""
    table = getattr(request.app.state, "allowed_methods", None)
    if table is None:
        table = []
        for path, ops in request.app.openapi().get("paths", {}).items():
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path))
            # a path parameter declared `{x:path}` may hold slashes
            pattern = pattern.replace("/v1/documents/[^/]+", "/v1/documents/.+")
            table.append((re.compile(f"^{pattern}$"), sorted(m.upper() for m in ops)))
        request.app.state.allowed_methods = table
    for pattern, methods in table:
        if pattern.match(request.url.path):
            return ", ".join(methods)
    return fallback


def error_response(status: int, code: str, message: str, **headers: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(KBError)
    async def kb_error(_: Request, exc: KBError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else {}
        return error_response(exc.http_status, exc.code, exc.message, **headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors()[:5]:
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            parts.append(f"{where or 'body'}: {err.get('msg', 'invalid')}")
        return error_response(422, "invalid_request", "; ".join(parts) or "invalid request")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = _allowed_methods(request, headers.get("Allow", ""))
        return error_response(exc.status_code, code, str(exc.detail), **headers)

    @app.exception_handler(Exception)
    async def crash(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return error_response(500, "internal_error", "internal error; see the server log")
