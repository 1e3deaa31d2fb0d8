"""One exception hierarchy for the whole product.

Each error carries a stable `code` (used by the API's JSON errors) and an
`exit_code` (used by the CLI). Messages are one clear line for a human.
"""

from __future__ import annotations


class KBError(Exception):
    """Base of every error the product raises on purpose."""

    code = "kb_error"
    exit_code = 1
    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(KBError):
    """The caller gave us something we cannot use (bad argument, bad file)."""

    code = "invalid_input"
    exit_code = 2
    http_status = 422


class SourceError(InvalidInput):
    """A source file could not be loaded (binary, bad encoding, broken front matter...)."""

    code = "bad_source"


class NotFound(KBError):
    code = "not_found"
    exit_code = 3
    http_status = 404


class ModelMismatch(KBError):
    """The store was built with a different embedding model than the one asked for."""

    code = "model_mismatch"
    exit_code = 4
    http_status = 409


class StoreCorrupt(KBError):
    """The store on disk cannot be read or migrated."""

    code = "store_corrupt"
    exit_code = 5
    http_status = 500


class StoreUnavailable(KBError):
    """The store's database server cannot be reached (PostgreSQL down, wrong URL)."""

    code = "store_unavailable"
    exit_code = 9
    http_status = 503


class RemoteUnavailable(KBError):
    """A helpdesk's API could not be read (unreachable, refused the credentials, failed)."""

    code = "remote_unavailable"
    exit_code = 11
    http_status = 502


class DependencyMissing(KBError):
    """An optional dependency is needed for this feature; the message says what to install."""

    code = "dependency_missing"
    exit_code = 6
    http_status = 501


class Unauthorized(KBError):
    """No key, or a key that is unknown or revoked (one message for every case)."""

    code = "unauthorized"
    exit_code = 2
    http_status = 401


class Forbidden(KBError):
    """A valid key whose role or origin does not allow this call."""

    code = "forbidden"
    exit_code = 2
    http_status = 403


class RateLimited(KBError):
    code = "rate_limited"
    exit_code = 8
    http_status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PayloadTooLarge(InvalidInput):
    code = "payload_too_large"
    http_status = 413
