"""Who is calling: Bearer API key -> role; what each role may call; widget origins; limits."""

from __future__ import annotations

from dataclasses import dataclass

from copilot.config import Settings
from copilot.ratelimit import RateLimiter
from kb.errors import Forbidden, Unauthorized
from kb.keys import ApiKey, KeyStore
from kb.models import SearchFilters

# Which roles may call which action. Customer-facing actions see public articles only.
PERMISSIONS: dict[str, frozenset[str]] = {
    "search": frozenset({"agent", "owner", "admin"}),
    "replies": frozenset({"agent", "admin"}),
    "summaries": frozenset({"agent", "admin"}),
    "answers": frozenset({"widget", "agent", "owner", "admin"}),
    "feedback": frozenset({"widget", "agent", "admin"}),
    "documents": frozenset({"owner", "admin"}),
    "flags": frozenset({"owner", "admin"}),
}
INTERNAL_ROLES = frozenset({"agent", "owner", "admin"})


@dataclass(frozen=True)
class Caller:
    key: ApiKey
    ip: str
    origin: str | None

    @property
    def role(self) -> str:
        return self.key.role

    def search_filters(self) -> SearchFilters:
        """Agents, owners and admins may see internal articles and tickets; widgets never."""
        if self.role in INTERNAL_ROLES:
            return SearchFilters.everything()
        return SearchFilters.public()


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
    """Verify the key, the role for `action`, a widget's origin, then count the request."""
    key = keys.verify(bearer_token(authorization))
    if key.role not in PERMISSIONS[action]:
        raise Forbidden(f"a {key.role} key cannot call {action}")
    if key.role == "widget":
        if origin is None or origin.rstrip("/").lower() not in key.origins:
            raise Forbidden("this widget key can only be used from its allowed origins")
        limiter.hit(f"key:{key.id}", settings.rate_limit_widget_per_minute)
        limiter.hit(f"ip:{ip}", settings.rate_limit_ip_per_minute)
    else:
        limiter.hit(f"key:{key.id}", settings.rate_limit_key_per_minute)
    return Caller(key=key, ip=ip, origin=origin)
