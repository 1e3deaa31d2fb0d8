"""Reading a source file safely: size, binary and encoding checks with clear reasons."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb.errors import SourceError

MAX_FILE_BYTES = 20 * 1024 * 1024  # a help article or an export file larger than this is refused


@dataclass(frozen=True)
class Failure:
    """A source (or one record in it) that could not be ingested, and why."""

    source: str
    reason: str


def read_text(path: Path, max_bytes: int | None = None) -> str:
    """Return the file's text, or raise SourceError saying exactly what is wrong with it.

    `max_bytes` defaults to MAX_FILE_BYTES, read at call time (configurable per process).
    """
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}") from exc
    if size == 0:
        raise SourceError("file is empty")
    if size > limit:
        raise SourceError(f"file is {size:,} bytes; the limit is {limit:,} bytes")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise SourceError("file looks binary (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"file is not valid UTF-8 (byte {exc.start})") from exc
    if not text.strip():
        raise SourceError("file has no text")
    return text
