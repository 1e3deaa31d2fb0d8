"""A small JSON-over-HTTPS client for helpdesk APIs, bounded by design.

Every request has a timeout and a response-size cap; 429, 502, 503 and 504 are retried a few times,
waiting what `Retry-After` says up to a cap; any other failure is a RemoteUnavailable that
names the URL and the status, never the credentials. Links a helpdesk returns (the next
page) are followed only on the host the client was made for, so a token is never sent
anywhere else (redirects included). Plain `http://` is refused except on loopback (tests, a
local proxy).
"""

from __future__ import annotations

import ipaddress
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kb.errors import InvalidInput, RemoteUnavailable

TIMEOUT_S = 30.0
MAX_RESPONSE_BYTES = 32 * 1024 * 1024
MAX_RETRIES = 4
MAX_RETRY_WAIT_S = 60.0
RETRIED = (429, 502, 503, 504)


def base_url(url: str) -> str:
    """`url` as a base for API paths: scheme and host kept, no trailing slash; https only,
    except on loopback."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidInput(f"not an http(s) URL: {url!r}")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise InvalidInput(
            f"use https:// for {parts.hostname} (credentials travel with every call)"
        )
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class JsonClient:
    """GETs (or POSTs a search to) one API host's JSON, with fixed headers (authentication
    included)."""

    base: str
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout_s: float = TIMEOUT_S
    max_bytes: int = MAX_RESPONSE_BYTES
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0

    def __post_init__(self) -> None:
        self.base = base_url(self.base)
        self._origin = urllib.parse.urlsplit(self.base)[:2]
        self._opener = urllib.request.build_opener(_SameOriginRedirects(self._origin))

    def get(self, path_or_url: str, params: Mapping[str, str | int] | None = None) -> Any:
        """The decoded JSON at `path_or_url` (a path under the base, or a URL on its host)."""
        return self._call(self._url(path_or_url, params), None)

    def post(self, path: str, payload: Mapping[str, Any]) -> Any:
        """The decoded JSON answer to `payload` POSTed to `path` (the search APIs that take
        their query as a body; each try sends the same body)."""
        return self._call(self._url(path, None), json.dumps(payload).encode())

    def _call(self, url: str, data: bytes | None) -> Any:
        for attempt in range(MAX_RETRIES + 1):
            self.requests += 1
            status, body, retry_after = self._fetch(url, data)
            if status == 200:
                try:
                    return json.loads(body)
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    raise RemoteUnavailable(f"{_shown(url)} did not return JSON: {exc}") from exc
            if status in RETRIED and attempt < MAX_RETRIES:
                self.sleep(
                    min(retry_after if retry_after is not None else 2.0**attempt, MAX_RETRY_WAIT_S)
                )
                continue
            raise RemoteUnavailable(_failure(url, status, body))
        raise AssertionError("unreachable")  # pragma: no cover

    def _url(self, path_or_url: str, params: Mapping[str, str | int] | None) -> str:
        if "://" in path_or_url:
            if urllib.parse.urlsplit(path_or_url)[:2] != self._origin:
                raise RemoteUnavailable(
                    f"the API linked to another host ({_shown(path_or_url)}); not followed"
                )
            url = path_or_url
        else:
            url = f"{self.base}/{path_or_url.lstrip('/')}"
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        return url

    def _fetch(self, url: str, data: bytes | None) -> tuple[int, bytes, float | None]:
        headers = {"Accept": "application/json", **self.headers}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=headers)
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                return 200, self._read(response, url), None
        except urllib.error.HTTPError as exc:
            body = exc.read(2048) if exc.fp else b""
            return exc.code, body, _retry_after(exc.headers.get("Retry-After"))
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RemoteUnavailable(f"cannot reach {_shown(url)}: {reason}") from exc

    def _read(self, response: Any, url: str) -> bytes:
        body = response.read(self.max_bytes + 1)
        if len(body) > self.max_bytes:
            raise RemoteUnavailable(
                f"{_shown(url)} returned more than {self.max_bytes // (1024 * 1024)} MiB; not read"
            )
        return bytes(body)


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only on the client's own scheme and host: urllib would otherwise
    carry the Authorization header to wherever a 3xx points."""

    def __init__(self, origin: tuple[str, str]) -> None:
        self.origin = origin

    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        if urllib.parse.urlsplit(newurl)[:2] != self.origin:
            return None  # urllib then raises the 3xx as an HTTPError
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: fall back to the exponential wait


def _shown(url: str) -> str:
    """The URL without its query (cursors can be long; nothing secret is in a path)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _failure(url: str, status: int, body: bytes) -> str:
    hint = {
        401: "the credentials were refused",
        403: "the credentials may not read this",
        404: "not found: check the URL",
    }.get(status, "")
    said = body[:200].decode("utf-8", "replace").strip().replace("\n", " ")
    detail = "; ".join(p for p in (hint, said) if p)
    return f"{_shown(url)} answered HTTP {status}" + (f" ({detail})" if detail else "")
