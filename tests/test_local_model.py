"""The local model runs out of process: crashes, hangs, timeouts and load never reach the API.

Each test runs against the scripted model (a real child process and HTTP server, no weights);
the ``real`` variants run the same checks on the embedded 0.5B model when it is installed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from copilot.llm import LLMBusy, LLMError, LLMGateway
from copilot.local_model import ModelSupervisor, ServerOptions
from tests.local_model_support import real_model_missing

LONG_REPLY = " ".join(f"word{i}" for i in range(400))
MESSAGES = [{"role": "user", "content": "How do I export my bookings?"}]
REAL = "qwen2.5-0.5b-instruct"


def _gateway(
    fake: str | None = LONG_REPLY, delay: float = 0.02, **kw: Any
) -> tuple[LLMGateway, ModelSupervisor]:
    options = ServerOptions(fake=fake, fake_delay_s=delay, max_queue=kw.pop("max_queue", 4))
    name = "fake" if fake is not None else REAL
    gateway = LLMGateway(f"local/{name}", local_options=options, retries=0, **kw)
    gateway.warm_up()
    assert gateway.local is not None and gateway.local.ready, gateway.status()
    return gateway, gateway.local


@pytest.fixture(params=["fake", pytest.param("real", marks=pytest.mark.slow)])
def model(request: pytest.FixtureRequest) -> Iterator[str | None]:
    if request.param == "real":
        reason = real_model_missing()
        if reason:
            pytest.skip(reason)
        yield None
    else:
        yield LONG_REPLY


def _health(supervisor: ModelSupervisor) -> dict[str, Any]:
    """The child's /health; on two busy cores a read may need a second try."""
    base = supervisor.api_base.removesuffix("/v1")
    for attempt in range(3):
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=30) as r:
                return dict(json.loads(r.read()))
        except OSError:
            if attempt == 2:
                raise
            time.sleep(1)
    raise AssertionError("unreachable")


def _until(check: Any, limit_s: float = 60.0) -> bool:
    """Poll ``check`` until it is true; a generous bound, not a timing assertion."""
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_completes_streams_and_constrains_through_the_openai_route() -> None:
    gateway, _ = _gateway("Open Settings > Export [1].", delay=0)
    try:
        done = gateway.complete(MESSAGES)
        assert done.text == "Open Settings > Export [1]." and done.completion_tokens > 0
        tokens: list[str] = []
        streamed = gateway.complete(MESSAGES, on_token=tokens.append)
        assert "".join(tokens) == streamed.text == done.text and len(tokens) > 1
        schema = {"type": "object", "properties": {"sentences": {"type": "array"}}}
        fmt = {"type": "json_schema", "json_schema": {"name": "draft", "schema": schema}}
        constrained = gateway.complete(MESSAGES, response_format=fmt)
        assert json.loads(constrained.text)["sentences"][0]["sources"] == [1]
    finally:
        gateway.close()


def test_kill_mid_request_falls_back_and_the_supervisor_restarts(model: str | None) -> None:
    gateway, supervisor = _gateway(model, max_tokens=300, timeout_s=900)
    try:
        first_pid = supervisor.pid
        assert first_pid is not None
        errors: list[BaseException] = []

        def call() -> None:
            try:
                gateway.complete(MESSAGES, stream=True)
            except BaseException as exc:
                errors.append(exc)

        worker = threading.Thread(target=call)
        worker.start()
        assert _until(lambda: _health(supervisor)["busy"]), "the generation never started"
        os.kill(first_pid, signal.SIGKILL)
        worker.join(120)
        assert errors and isinstance(errors[0], LLMError)
        assert not supervisor.ready
        with pytest.raises(LLMError, match="unavailable"):  # while it restarts: fail fast
            gateway.complete(MESSAGES)
        assert supervisor.wait_ready(120), supervisor.status()
        status = supervisor.status()
        assert status["restarts"] == 1 and status["pid"] not in (None, first_pid)
        assert "exited with code" in (status["last_error"] or "")
        assert gateway.complete(MESSAGES, max_tokens=8).completion_tokens > 0
    finally:
        gateway.close()
    assert supervisor.pid is None  # close() leaves no child behind


def test_a_timeout_really_stops_the_generation(model: str | None) -> None:
    gateway, supervisor = _gateway(model, delay=0.05, max_tokens=400, timeout_s=0.8)
    try:
        with pytest.raises(LLMError, match="timed out"):
            gateway.complete(MESSAGES)
        assert _until(lambda: not _health(supervisor)["busy"], 30), "generation ran on"
        health = _health(supervisor)
        assert health["served"] == 0 and health["cancelled"] + health["timed_out"] == 1
        assert supervisor.status()["restarts"] == 0  # stopped by itself, not killed
    finally:
        gateway.close()


def test_a_full_queue_answers_llm_busy(model: str | None) -> None:
    gateway, supervisor = _gateway(model, max_queue=1, max_tokens=40, timeout_s=900)
    results: list[str] = []
    lock = threading.Lock()

    def call() -> None:
        try:
            gateway.complete(MESSAGES)
            outcome = "ok"
        except LLMBusy as exc:
            assert exc.code == "llm_busy" and exc.http_status == 503
            outcome = "busy"
        except Exception as exc:  # pragma: no cover - shown in the assertion below
            outcome = f"error: {type(exc).__name__}: {exc}"
        with lock:
            results.append(outcome)

    try:
        threads = [threading.Thread(target=call) for _ in range(5)]
        for t in threads:
            t.start()
            time.sleep(0.05)
        for t in threads:
            t.join(180)
        assert sorted(results).count("busy") >= 1, results
        assert "ok" in results and all(r in ("ok", "busy") for r in results), results
        assert _health(supervisor)["rejected_busy"] >= 1
    finally:
        gateway.close()


def test_a_hung_generation_is_killed_and_restarted() -> None:
    """A token that takes far past the deadline (a native hang) gets the child restarted."""
    options = ServerOptions(fake="stuck forever", fake_delay_s=30, max_seconds=0.5)
    supervisor = ModelSupervisor("fake", None, options, overdue_grace_s=1.0)
    gateway = LLMGateway("local/fake", local_options=options, retries=0, timeout_s=0.5)
    gateway._local = supervisor  # the supervisor under test, with a short grace
    try:
        assert supervisor.start()
        with pytest.raises(LLMError):
            gateway.complete(MESSAGES)
        assert _until(lambda: supervisor.status()["restarts"] >= 1, 60), supervisor.status()
        assert "past its deadline" in (supervisor.status()["last_error"] or "")
        assert supervisor.wait_ready(60)
    finally:
        supervisor.stop()


def test_missing_llama_or_weights_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from copilot import local_model

    monkeypatch.setattr(local_model.importlib.util, "find_spec", lambda _name: None)
    gateway = LLMGateway(f"local/{REAL}")
    with pytest.raises(LLMError, match="llama-cpp-python"):
        gateway.complete(MESSAGES)
    with pytest.raises(LLMError, match="unknown local model"):
        LLMGateway("local/no-such-model").complete(MESSAGES)


@pytest.mark.slow
def test_the_real_model_under_the_draft_schema_always_parses() -> None:
    reason = real_model_missing()
    if reason:
        pytest.skip(reason)
    from copilot.compose.structured import (
        build_structured_messages,
        draft_schema,
        parse_sentences,
    )
    from copilot.compose.types import Source

    sources = [
        Source(n=1, external_id="kb-export", title="Export bookings", url=None, kind="article",
               lang="en", relevance=0.8, passages=("Go to Bookings > Export and choose a date "
               "range. Exports of more than 10,000 bookings are emailed as a ZIP file.",)),
        Source(n=2, external_id="kb-password", title="Reset your password", url=None,
               kind="article", lang="en", relevance=0.5, passages=("Click Forgot password on "
               "the sign-in page. The reset link expires after 30 minutes.",)),
    ]  # fmt: skip
    gateway, _ = _gateway(None, max_tokens=200, timeout_s=900)
    try:
        for question in ("How do I export my bookings?", "Do you integrate with Salesforce?"):
            messages = build_structured_messages(question, sources, lang="en", max_sources=4)
            done = gateway.complete(messages, response_format=draft_schema([1, 2]))
            parsed = parse_sentences(done.text, {1, 2})  # raises if it does not parse
            assert all(s.sources and set(s.sources) <= {1, 2} for s in parsed)
    finally:
        gateway.close()


def test_the_installed_llama_build_has_no_amx_code() -> None:
    """The portable build (tools/llama_wheel.sh): no AMX tile instructions anywhere in ggml,
    which crash on sandboxed AMX CPUs; a native build would carry them."""
    import shutil
    import subprocess
    from pathlib import Path

    found = importlib.util.find_spec("llama_cpp")
    if found is None or found.origin is None:
        pytest.skip("llama-cpp-python not installed (make setup)")
    if shutil.which("objdump") is None:
        pytest.skip("objdump (binutils) not installed")
    libs = sorted((Path(found.origin).parent / "lib").glob("libggml*.so"))
    assert libs, "no ggml libraries in the llama_cpp package"
    for lib in libs:
        code = subprocess.run(
            ["objdump", "-d", "--no-show-raw-insn", str(lib)],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        amx = [m for m in ("ldtilecfg", "tileloadd", "tdpbssd", "tdpbf16ps") if m in code]
        assert not amx, f"{lib.name} contains AMX instructions {amx}: rebuild with make setup"
