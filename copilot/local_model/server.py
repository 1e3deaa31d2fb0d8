"""An OpenAI-compatible chat server over one local model, run by the supervisor as a child.

``python -m copilot.local_model.server --model-path FILE --port-file F`` binds a loopback
port, writes it to ``F`` and serves ``POST /v1/chat/completions`` (streaming or not,
``response_format`` JSON schemas turned into a llama.cpp grammar), ``GET /v1/models`` and
``GET /health``. Past the bounded queue it answers 503 with error code ``llm_busy``. A caller
that disconnects, or a deadline (header ``X-KBC-Timeout-S``, capped by ``--max-seconds``)
that passes, stops the generation between two tokens.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import queue
import socket
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from copilot.local_model.worker import Busy, ChatModel, GenerationWorker, Job

TIMEOUT_HEADER = "x-kbc-timeout-s"
_PARAMS = ("max_tokens", "temperature", "top_p", "stop", "seed", "repeat_penalty")


def _error(status: int, code: str, message: str) -> JSONResponse:
    body = {"error": {"message": message, "type": "server_error", "code": code}}
    return JSONResponse(body, status_code=status)


def _params(body: dict[str, Any], default_max_tokens: int) -> dict[str, Any]:
    params = {k: body[k] for k in _PARAMS if body.get(k) is not None}
    params.setdefault("max_tokens", default_max_tokens)
    fmt = body.get("response_format")
    if isinstance(fmt, dict):
        if fmt.get("type") == "json_schema":
            schema = (fmt.get("json_schema") or {}).get("schema")
            params["response_format"] = {"type": "json_object", "schema": schema}
        elif fmt.get("type") == "json_object":
            params["response_format"] = {"type": "json_object", **(
                {"schema": fmt["schema"]} if "schema" in fmt else {}
            )}  # fmt: skip
    return params


def _deadline(request: Request, max_seconds: float) -> float:
    try:
        asked = float(request.headers.get(TIMEOUT_HEADER, max_seconds))
    except ValueError:
        asked = max_seconds
    return time.monotonic() + max(0.05, min(asked, max_seconds))


def _chunk(cid: str, model: str, delta: dict[str, Any], reason: str | None) -> dict[str, Any]:
    return {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": reason}],
    }


def _finish(reason: str) -> str:
    # a cut-short generation is "length" to an OpenAI client; ours also says why in headers/logs
    return "stop" if reason == "stop" else "length"


def create_server_app(
    worker: GenerationWorker, model_name: str, *, max_seconds: float = 120.0, max_tokens: int = 512
) -> FastAPI:
    app = FastAPI(title="kbc local model server", docs_url=None, redoc_url=None)

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "model": model_name, "pid": os.getpid(), **worker.status()}

    @app.get("/v1/models")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": model_name, "object": "model"}]}

    @app.post("/v1/chat/completions", response_model=None)
    async def chat(request: Request) -> JSONResponse | StreamingResponse:
        try:
            body = await request.json()
            messages = list(body["messages"])
        except (ValueError, KeyError, TypeError):
            return _error(400, "invalid_request", "expected a JSON body with messages")
        job = Job(messages, _params(body, max_tokens), _deadline(request, max_seconds))
        try:
            worker.submit(job)
        except Busy as exc:
            return _error(503, "llm_busy", f"llm_busy: the local model is busy ({exc}); retry")
        cid = f"chatcmpl-{uuid.uuid4().hex[:16]}"
        if body.get("stream"):
            usage_wanted = bool((body.get("stream_options") or {}).get("include_usage"))
            return StreamingResponse(
                _sse(request, job, cid, model_name, usage_wanted), media_type="text/event-stream"
            )
        return await _complete(request, job, cid, model_name)

    return app


async def _events(job: Job, request: Request) -> AsyncIterator[tuple[str, Any]]:
    """The job's events without tying up a thread; a caller that hangs up cancels the job."""
    while True:
        try:
            kind, payload = job.events.get_nowait()
        except queue.Empty:
            if not job.cancel.is_set() and await request.is_disconnected():
                job.cancel.set()
            await asyncio.sleep(0.005)
            continue
        yield kind, payload
        if kind != "token":
            return


async def _complete(request: Request, job: Job, cid: str, model: str) -> JSONResponse:
    """Collect a whole reply."""
    pieces: list[str] = []
    reason, usage = "stop", {}
    try:
        async for kind, payload in _events(job, request):
            if kind == "token":
                pieces.append(payload)
            elif kind == "error":
                return _error(500, "generation_failed", payload)
            else:
                reason, usage = payload
    finally:
        job.cancel.set()  # a no-op once the job is done
    message = {"role": "assistant", "content": "".join(pieces)}
    return JSONResponse(
        {
            "id": cid,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": _finish(reason)}],
            "usage": usage,
        },
        headers={"x-kbc-finish": reason},
    )


async def _sse(
    request: Request, job: Job, cid: str, model: str, usage_wanted: bool
) -> AsyncIterator[bytes]:
    """OpenAI-style server-sent events; cancelling the stream (a disconnect) stops the job."""
    try:
        yield _data(_chunk(cid, model, {"role": "assistant", "content": ""}, None))
        async for kind, payload in _events(job, request):
            if kind == "token":
                yield _data(_chunk(cid, model, {"content": payload}, None))
            elif kind == "error":
                yield _data({"error": {"message": payload, "code": "generation_failed"}})
            else:
                reason, usage = payload
                yield _data(_chunk(cid, model, {}, _finish(reason)))
                if usage_wanted:
                    yield _data({**_chunk(cid, model, {}, None), "choices": [], "usage": usage})
        yield b"data: [DONE]\n\n"
    finally:
        job.cancel.set()


def _data(obj: dict[str, Any]) -> bytes:
    return f"data: {json.dumps(obj)}\n\n".encode()


# --- process entry point -------------------------------------------------------------------


def _load_model(args: argparse.Namespace) -> ChatModel:
    if args.fake is not None:
        from copilot.local_model.fake import ScriptedChatModel

        return ScriptedChatModel(args.fake or "Go to Settings [1].", delay_s=args.fake_delay)
    import llama_cpp

    llama = llama_cpp.Llama(
        model_path=args.model_path, n_ctx=args.n_ctx, n_threads=args.threads, verbose=False
    )
    return cast(ChatModel, llama)  # called with keywords only, as the Protocol says


def _exit_with_parent(parent: int) -> None:
    """Never outlive the API process (even one killed by SIGKILL): poll for re-parenting."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="kbc-parent-watch", daemon=True).start()


def _bind() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-path", help="GGUF file (verified by the supervisor)")
    parser.add_argument("--model-name", default="local")
    parser.add_argument("--fake", nargs="?", const="", default=None, help="scripted model")
    parser.add_argument("--fake-delay", type=float, default=0.0)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--threads", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    parser.add_argument("--n-ctx", type=int, default=4096)
    parser.add_argument("--max-queue", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=120.0)
    parser.add_argument("--max-tokens", type=int, default=512)
    parser.add_argument("--parent-pid", type=int, default=None, help="exit when it exits")
    args = parser.parse_args(argv)
    if args.fake is None and not args.model_path:
        parser.error("--model-path is required (or --fake)")

    import uvicorn

    if args.parent_pid:
        _exit_with_parent(args.parent_pid)
    worker = GenerationWorker(_load_model(args), max_queue=args.max_queue)
    app = create_server_app(
        worker, args.model_name, max_seconds=args.max_seconds, max_tokens=args.max_tokens
    )
    sock = _bind()
    port_file = Path(args.port_file)
    tmp = port_file.with_suffix(".tmp")
    tmp.write_text(str(sock.getsockname()[1]))
    os.replace(tmp, port_file)  # the supervisor reads a whole port number or nothing
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
    sys.exit(0)


if __name__ == "__main__":
    main()
