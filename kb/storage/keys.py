"""API keys: created once (shown once), stored as SHA-256 hashes, with a role and origins.

A key looks like `kbc_<prefix>_<secret>`; the prefix finds the row, the hash proves it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from kb.errors import InvalidInput, NotFound, Unauthorized
from kb.store import KnowledgeBase

Role = Literal["agent", "owner", "admin", "widget"]
ROLES: tuple[Role, ...] = ("agent", "owner", "admin", "widget")


@dataclass(frozen=True)
class ApiKey:
    id: int
    prefix: str
    role: Role
    name: str
    origins: tuple[str, ...]
    created_at: str
    revoked_at: str | None
    last_used_at: str | None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def normalize_origin(origin: str) -> str:
    """`https://Shop.example.com/` -> `https://shop.example.com` (scheme://host[:port])."""
    origin = origin.strip().rstrip("/")
    scheme, sep, host = origin.partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not host or "/" in host:
        raise InvalidInput(f"origin {origin!r} must look like https://shop.example.com")
    return f"{scheme.lower()}://{host.lower()}"


class KeyStore:
    """Create, verify, list and revoke keys in the store's SQLite database."""

    TOUCH_INTERVAL_S = 60.0  # last_used_at is minute-accurate: one write per key per minute

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._touched: dict[int, float] = {}
        self._touch_lock = threading.Lock()

    def create(self, role: str, *, name: str = "", origins: tuple[str, ...] = ()) -> str:
        """Return the new key's full text — the only time it is ever visible."""
        if role not in ROLES:
            raise InvalidInput(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
        if origins and role != "widget":
            raise InvalidInput("allowed origins apply to widget keys only")
        clean = tuple(normalize_origin(o) for o in origins)
        prefix = secrets.token_hex(4)
        secret = secrets.token_urlsafe(24)
        db = self.kb.database
        with self.kb.transaction():
            db.execute(
                "INSERT INTO api_keys (prefix, key_hash, role, name, origins, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (prefix, _hash(secret), role, name, json.dumps(list(clean)), _now()),
            )
        return f"kbc_{prefix}_{secret}"

    def verify(self, key: str) -> ApiKey:
        """The active key behind `key`, or Unauthorized (same message for every failure)."""
        parts = key.split("_", 2)
        if len(parts) != 3 or parts[0] != "kbc":
            raise Unauthorized("invalid API key")
        row = self._row("prefix = ?", parts[1])
        if row is None or not hmac.compare_digest(row[1], _hash(parts[2])) or row[7]:
            raise Unauthorized("invalid API key")
        return self._key(row)

    def touch(self, key_id: int) -> None:
        """Record that the key was used now — at most once per TOUCH_INTERVAL_S per key, so a
        busy key does not turn every read request into a write transaction."""
        now = time.monotonic()
        with self._touch_lock:
            last = self._touched.get(key_id)
            if last is not None and now - last < self.TOUCH_INTERVAL_S:
                return
            self._touched[key_id] = now
        db = self.kb.database
        with self.kb.transaction():
            db.execute("UPDATE api_keys SET last_used_at = ? WHERE id = ?", (_now(), key_id))

    def list(self) -> list[ApiKey]:
        rows = self.kb.database.execute(
            "SELECT id, key_hash, prefix, role, name, origins, created_at, revoked_at, "
            "last_used_at FROM api_keys ORDER BY id"
        ).fetchall()
        return [self._key(r) for r in rows]

    def revoke(self, prefix: str) -> None:
        prefix = prefix.removeprefix("kbc_").split("_", 1)[0]
        db = self.kb.database
        with self.kb.transaction():
            cur = db.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE prefix = ? AND revoked_at IS NULL",
                (_now(), prefix),
            )
        if cur.rowcount == 0:
            raise NotFound(f"no active key with prefix {prefix!r}")

    def _row(self, where: str, *params: object) -> tuple | None:
        return self.kb.database.execute(
            "SELECT id, key_hash, prefix, role, name, origins, created_at, revoked_at, "
            f"last_used_at FROM api_keys WHERE {where}",
            params,
        ).fetchone()

    @staticmethod
    def _key(row: tuple) -> ApiKey:
        return ApiKey(
            id=row[0],
            prefix=row[2],
            role=row[3],
            name=row[4],
            origins=tuple(json.loads(row[5])),
            created_at=row[6],
            revoked_at=row[7],
            last_used_at=row[8],
        )
