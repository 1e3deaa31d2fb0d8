"""The LLM gateway: every generation, local or remote, goes through ``litellm.completion``.

It owns retries and a hard deadline, and turns every provider failure into one
:class:`LLMError` naming the model and the reason, so callers can fall back cleanly.
``local/<name>`` is the embedded model: a supervised child process (copilot.local_model)
reached through litellm's OpenAI-compatible route like any self-hosted server.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from kb.errors import KBError

if TYPE_CHECKING:
    from copilot.local_model import ModelSupervisor, ServerOptions

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

LOCAL_PREFIX = "local/"
_T = TypeVar("_T")


class LLMError(KBError):
    """The language model could not produce an answer (down, timed out, refused)."""

    code = "llm_unavailable"
    exit_code = 7
    http_status = 503


class LLMBusy(LLMError):
    """The model's queue is full: try again shortly (never an unbounded pile-up)."""

    code = "llm_busy"


TokenSink = Callable[[str], None]
LOCAL_API_KEY = "sk-kbc-local"  # the child listens on loopback only; the client needs a key
TIMEOUT_HEADER = "X-KBC-Timeout-S"


@dataclass
class Completion:
    """One generated reply and what it cost."""

    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    first_token_seconds: float | None


_litellm_ready = False


def _litellm() -> Any:
    """Import litellm on first use, quietly: no network cost map, no banners, no debug logs."""
    global _litellm_ready
    import litellm

    if not _litellm_ready:
        litellm.suppress_debug_info = True
        litellm.set_verbose = False
        litellm.telemetry = False
        for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm"):
            logging.getLogger(name).setLevel(logging.ERROR)
        _litellm_ready = True
    return litellm


class _Deadline(Exception):
    """The call ran past ``timeout_s``."""


def _run_with_deadline(fn: Callable[[], _T], timeout_s: float) -> _T:
    """Run ``fn`` in a daemon thread; raise ``_Deadline`` if it is not done in time.

    A daemon thread so a hung provider never blocks interpreter exit; providers also get
    the timeout themselves (HTTP clients, the local model's stopping criterion).
    """
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=target, name="kbc-llm", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise _Deadline(f"no answer within {timeout_s:g}s")
    if "error" in box:
        raise box["error"]
    return box["value"]


def _is_permanent(exc: BaseException) -> bool:
    """Errors that a retry cannot fix (bad key, bad request, unknown model)."""
    litellm = _litellm()
    permanent = (
        litellm.AuthenticationError,
        litellm.BadRequestError,
        litellm.NotFoundError,
        litellm.PermissionDeniedError,
    )
    return isinstance(exc, permanent)


def _is_busy(exc: BaseException) -> bool:
    """The model server's 503 ``llm_busy`` (its queue is full)."""
    return isinstance(exc, _litellm().ServiceUnavailableError) and "llm_busy" in str(exc)


@dataclass(frozen=True)
class _Call:
    messages: list[dict[str, str]]
    max_tokens: int
    stream: bool
    response_format: dict[str, Any] | None
    on_token: TokenSink | None


def _is_timeout(exc: BaseException) -> bool:
    return isinstance(exc, _Deadline | TimeoutError | _litellm().Timeout)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:300]


class LLMGateway:
    """One configured model; ``complete`` returns a :class:`Completion` or raises LLMError."""

    def __init__(
        self,
        model: str,
        *,
        timeout_s: float = 60,
        retries: int = 1,
        max_tokens: int = 400,
        temperature: float = 0.0,
        api_base: str | None = None,
        mock_response: str | None = None,
        retry_backoff_s: float = 0.5,
        local_options: ServerOptions | None = None,
    ) -> None:
        self.model = model
        self.timeout_s = timeout_s
        self.retries = max(0, retries)
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.api_base = api_base
        self.mock_response = mock_response
        self.retry_backoff_s = retry_backoff_s
        self.local_options = local_options
        self._local: ModelSupervisor | None = None
        self._local_lock = threading.Lock()

    @property
    def is_local(self) -> bool:
        return self.model.startswith(LOCAL_PREFIX)

    @property
    def local(self) -> ModelSupervisor | None:
        """The supervisor of the embedded model's child process, once started."""
        return self._local

    def warm_up(self, *, wait: bool = True) -> None:
        """Start the local model's server now, outside any request deadline.

        Raises ``DependencyMissing`` when llama-cpp-python or the weights are not installed.
        """
        _litellm()
        if not self.is_local or self.mock_response is not None:
            return
        with self._local_lock:
            if self._local is None:
                from copilot.local_model import supervise

                self._local = supervise(self.model[len(LOCAL_PREFIX) :], self.local_options)
        self._local.start(wait=wait)

    def status(self) -> dict[str, Any]:
        """What /healthz reports about generation."""
        if self._local is not None:
            return self._local.status()
        state = "not_started" if self.is_local and self.mock_response is None else "remote"
        return {"model": self.model, "state": state}

    def close(self) -> None:
        """Stop the local model's child process (no-op for remote models)."""
        local, self._local = self._local, None
        if local is not None:
            local.stop()

    def _ensure_local_ready(self) -> None:
        """Start the child on first use (waiting for it once); afterwards never wait for a
        restart: while it is down, callers fail fast and fall back."""
        try:
            self.warm_up(wait=False)
        except KBError as exc:
            raise LLMError(f"LLM {self.model} unavailable: {exc.message}") from exc
        local = self._local
        if local is None or local.ready:
            return
        if not local.ever_ready:
            local.wait_ready(self.timeout_s)
        if not local.ready:
            raise LLMError(f"LLM {self.model} unavailable: model server {local.status()['state']}")

    def complete(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int | None = None,
        stream: bool = False,
        response_format: dict[str, Any] | None = None,
        on_token: TokenSink | None = None,
        timeout_s: float | None = None,
    ) -> Completion:
        """Generate a reply; retries transient failures, never retries past a timeout.

        ``response_format`` (an OpenAI JSON schema) constrains the output where the provider
        supports it; ``on_token`` receives streamed text as it arrives. A local model that is
        not installed or is down raises LLMError at once, so callers have one error to fall
        back on; ``warm_up`` raises DependencyMissing instead.
        """
        if self.is_local and self.mock_response is None:
            self._ensure_local_ready()
        else:
            _litellm()
        timeout = timeout_s or self.timeout_s
        stream = stream or on_token is not None
        call = _Call(messages, max_tokens or self.max_tokens, stream, response_format, on_token)
        attempts = self.retries + 1
        last: BaseException | None = None
        for attempt in range(1, attempts + 1):
            try:
                return _run_with_deadline(lambda: self._call(call, timeout), timeout)
            except Exception as exc:
                last = exc
                if _is_timeout(exc):
                    raise LLMError(
                        f"LLM {self.model} timed out after {timeout:g}s: {_reason(exc)}"
                    ) from exc
                if _is_busy(exc):
                    raise LLMBusy(f"LLM {self.model} is busy: {_reason(exc)}") from exc
                if _is_permanent(exc) or attempt == attempts:
                    break
                if self._local is not None and not self._local.ready:
                    break  # the child is restarting: fall back now, do not wait for it
                time.sleep(self.retry_backoff_s * attempt)
        assert last is not None
        raise LLMError(
            f"LLM {self.model} unavailable after {attempt} attempt(s): {_reason(last)}"
        ) from last

    def _kwargs(self, call: _Call, timeout: float) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "model": self.model,
            "max_tokens": call.max_tokens,
            "temperature": self.temperature,
            "timeout": timeout,
            "num_retries": 0,
            "drop_params": True,
        }
        if self.api_base:
            kwargs["api_base"] = self.api_base
        if self.is_local:  # the child speaks the OpenAI protocol
            kwargs["model"] = "openai/" + self.model[len(LOCAL_PREFIX) :]
        if self.mock_response is not None:
            kwargs["mock_response"] = self.mock_response
        elif self._local is not None:
            kwargs["api_base"] = self._local.api_base
            kwargs["api_key"] = LOCAL_API_KEY
            kwargs["extra_headers"] = {TIMEOUT_HEADER: f"{timeout:g}"}
        if call.response_format is not None:
            kwargs["response_format"] = call.response_format
        if call.stream:
            kwargs["stream"] = True
            kwargs["stream_options"] = {"include_usage": True}
        return kwargs

    def _call(self, call: _Call, timeout: float) -> Completion:
        litellm = _litellm()
        started = time.perf_counter()
        response = litellm.completion(messages=call.messages, **self._kwargs(call, timeout))
        if call.stream:
            return self._collect_stream(response, call, started)
        usage = getattr(response, "usage", None)
        return Completion(
            text=response.choices[0].message.content or "",
            model=self.model,
            prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            seconds=time.perf_counter() - started,
            first_token_seconds=None,
        )

    def _collect_stream(self, stream: Any, call: _Call, started: float) -> Completion:
        """Drain a litellm stream, noting when the first non-empty text arrived."""
        pieces: list[str] = []
        first: float | None = None
        usage: Any = None
        for chunk in stream:
            usage = getattr(chunk, "usage", None) or usage
            delta = chunk.choices[0].delta.content if chunk.choices else None
            if delta:
                if first is None:
                    first = time.perf_counter() - started
                pieces.append(delta)
                if call.on_token is not None:
                    call.on_token(delta)
        text = "".join(pieces)
        prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
        if usage is None:
            prompt_tokens, completion_tokens = self._count_tokens(call.messages, text)
        return Completion(
            text=text,
            model=self.model,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            seconds=time.perf_counter() - started,
            first_token_seconds=first,
        )

    def _count_tokens(self, messages: list[dict[str, str]], text: str) -> tuple[int, int]:
        """Estimate usage with litellm's tokenizer when a stream reports none."""
        litellm = _litellm()
        try:
            prompt = litellm.token_counter(model=self.model, messages=messages)
            completion = litellm.token_counter(model=self.model, text=text) if text else 0
        except Exception:
            return 0, 0
        return int(prompt), int(completion)
