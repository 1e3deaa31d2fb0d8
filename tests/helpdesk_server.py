"""A real HTTP server on loopback that answers like a helpdesk API, for the connector tests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Reply = tuple[int, Any, dict[str, str]]


class FakeHelpdesk:
    """Routes path (or path?param=value) -> replies; a route with several replies gives them in turn
    (the last one repeats). Records every request's path and headers, and the JSON body of
    each POST (routed by path like a GET)."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.seen: list[tuple[str, dict[str, str]]] = []
        self.posted: list[Any] = []
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def route(self, path: str, *replies: Reply | Any) -> None:
        self.routes[path] = [r if isinstance(r, tuple) else (200, r, {}) for r in replies]

    def _reply(self, target: str) -> Reply:
        """The route `path?name=value` for a parameter of the request, else `path`."""
        parts = urlsplit(target)
        keys = [f"{parts.path}?{k}={v[0]}" for k, v in parse_qs(parts.query).items()]
        replies = next((self.routes[k] for k in keys if k in self.routes), None)
        replies = replies or self.routes.get(parts.path)
        if not replies:
            return 404, {"error": "RecordNotFound"}, {}
        return replies.pop(0) if len(replies) > 1 else replies[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        helpdesk = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                helpdesk.posted.append(json.loads(self.rfile.read(length) or b"null"))
                self.do_GET()

            def do_GET(self) -> None:
                helpdesk.seen.append((self.path, dict(self.headers)))
                status, body, headers = helpdesk._reply(self.path)
                raw = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
