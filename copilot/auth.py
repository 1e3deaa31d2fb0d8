"""Who is calling: Bearer API key -> role; what each role may call; widget origins; limits.

Rate limits, all per minute and in memory: each key; for public widget keys, each visitor
(key + client IP) and each client IP, plus a ceiling for the key; and refused requests
(401/403) per client IP, checked before the key is even looked at. The client IP is the
socket's peer unless that peer is a configured proxy (Settings.trusted_proxies).
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from functools import lru_cache

from copilot.config import Settings
from copilot.ratelimit import RateLimiter
from kb.errors import Forbidden, Unauthorized
from kb.models import SearchFilters
from kb.storage.keys import ApiKey, KeyStore

# Which roles may call which action. Customer-facing actions see public articles only.
PERMISSIONS: dict[str, frozenset[str]] = {
    "search": frozenset({"agent", "owner", "admin"}),
    "replies": frozenset({"agent", "admin"}),
    "summaries": frozenset({"agent", "admin"}),
    "triage": frozenset({"agent", "admin"}),
    "answers": frozenset({"widget", "agent", "owner", "admin"}),
    "feedback": frozenset({"widget", "agent", "admin"}),
    "documents": frozenset({"owner", "admin"}),
    "flags": frozenset({"owner", "admin"}),
    "qa": frozenset({"agent", "owner", "admin"}),
    "analytics": frozenset({"owner", "admin"}),
}
INTERNAL_ROLES = frozenset({"agent", "owner", "admin"})
MAX_FORWARDED_HOPS = 20  # X-Forwarded-For entries read from the right; the rest is ignored

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Caller:
    key: ApiKey
    ip: str
    origin: str | None

    @property
    def role(self) -> str:
        return self.key.role

    @property
    def client(self) -> str:
        """Who votes: a widget key's visitor (key + IP, hashed: no address is stored), or the
        internal key itself. One vote per answer per client."""
        who = f"{self.key.id}|{self.ip}" if self.role == "widget" else f"{self.key.id}"
        return hashlib.sha256(who.encode()).hexdigest()[:32]

    def search_filters(self) -> SearchFilters:
        """Agents, owners and admins may see internal articles and tickets; widgets never."""
        if self.role in INTERNAL_ROLES:
            return SearchFilters.everything()
        return SearchFilters.public()


@lru_cache(maxsize=16)
def trusted_networks(spec: str) -> tuple[Network, ...]:
    """`10.0.0.1, 10.1.0.0/16` -> networks; a malformed entry is an error at start, not a
    silently open door."""
    return tuple(
        ipaddress.ip_network(p.strip(), strict=False) for p in spec.split(",") if p.strip()
    )


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_ip(peer: str, forwarded_for: str | None, trusted_proxies: str) -> str:
    """The client's address: the socket peer, or — only when the peer is a trusted proxy —
    the right-most X-Forwarded-For entry that is not itself a trusted proxy."""
    networks = trusted_networks(trusted_proxies)
    if not networks or not forwarded_for or not _is_trusted(peer, networks):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",")][-MAX_FORWARDED_HOPS:]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # garbage from the outside: fall back to what we know
    return peer


def bearer_token(header: str | None) -> str:
    if not header:
        raise Unauthorized("missing API key: send `Authorization: Bearer <key>`")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("malformed Authorization header: use `Bearer <key>`")
    return token.strip()


def authorize(
    keys: KeyStore,
    limiter: RateLimiter,
    settings: Settings,
    *,
    action: str,
    authorization: str | None,
    ip: str,
    origin: str | None,
) -> Caller:
    """Verify the key, the role for `action`, a widget's origin, then count the request.

    An IP with too many refusals in the last minute gets 429 before its key is checked.
    """
    failures = f"failed-auth:{ip}"
    limiter.check(failures, settings.rate_limit_failed_auth_per_minute)
    try:
        key = _permitted(keys, action, authorization, origin)
    except (Unauthorized, Forbidden):
        limiter.record(failures)
        raise
    if key.role == "widget":
        # a public key: one visitor (or one address) must never use up the whole site's quota
        limiter.hit(f"visitor:{key.id}:{ip}", settings.rate_limit_visitor_per_minute)
        limiter.hit(f"ip:{ip}", settings.rate_limit_ip_per_minute)
        limiter.hit(f"key:{key.id}", settings.rate_limit_widget_per_minute)
    else:
        limiter.hit(f"key:{key.id}", settings.rate_limit_key_per_minute)
    keys.touch(key.id)
    return Caller(key=key, ip=ip, origin=origin)


def _permitted(
    keys: KeyStore, action: str, authorization: str | None, origin: str | None
) -> ApiKey:
    key = keys.verify(bearer_token(authorization))
    if key.role not in PERMISSIONS[action]:
        raise Forbidden(f"a {key.role} key cannot call {action}")
    if key.role == "widget" and (origin is None or origin.rstrip("/").lower() not in key.origins):
        raise Forbidden("this widget key can only be used from its allowed origins")
    return key
