"""Domain errors of the service layer.

Each error carries the HTTP status and the stable ``reason`` code that the
handlers put on the wire, so the mapping lives in one place and the service
layer still has no tornado import. Messages must never contain secrets.
"""

from __future__ import annotations

from typing import ClassVar


class BridgeError(Exception):
    """Base class: an expected failure with a user-facing message."""

    status: ClassVar[int] = 500
    reason: ClassVar[str] = "internal_error"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = dict(fields) if fields else None

    def to_json(self) -> dict[str, object]:
        body: dict[str, object] = {"message": self.message, "reason": self.reason}
        if self.fields:
            body["fields"] = self.fields
        return body


class InvalidInput(BridgeError):
    """The request is malformed or a value does not fit; ``fields`` says which."""

    status = 400
    reason = "invalid_input"


class PayloadTooLarge(InvalidInput):
    status = 413
    reason = "payload_too_large"


class NotLoggedIn(BridgeError):
    """No openBIS session for this connection: the UI should ask for credentials."""

    status = 401
    reason = "not_logged_in"


class SessionExpired(NotLoggedIn):
    """openBIS dropped the session and no password is held to renew it."""

    reason = "session_expired"


class AuthFailed(BridgeError):
    """openBIS rejected the username/password or token."""

    status = 401
    reason = "auth_failed"


class Forbidden(BridgeError):
    """The path or action is not allowed (hidden file, outside the root, ...)."""

    status = 403
    reason = "forbidden"


class NotFound(BridgeError):
    status = 404
    reason = "not_found"


class Conflict(BridgeError):
    """The request clashes with the current state (name taken, read-only profile, job finished)."""

    status = 409
    reason = "conflict"


class UpstreamError(BridgeError):
    """openBIS answered, but with something we cannot use (HTTP 5xx, garbage, server-side error)."""

    status = 502
    reason = "upstream_error"


class UpstreamUnreachable(UpstreamError):
    reason = "upstream_unreachable"


class TLSVerificationFailed(UpstreamUnreachable):
    reason = "tls_verification_failed"


class CertificateConfigError(TLSVerificationFailed):
    """The configured CA bundle cannot be used (missing, unreadable): a local setup problem.

    Same wire ``reason`` as a failed verification, since the fix is the same: configure ``caBundle``.
    """


class UpstreamTimeout(BridgeError):
    status = 504
    reason = "upstream_timeout"


class ChecksumMismatch(UpstreamError):
    """A downloaded file does not match the CRC32 openBIS reported for it."""

    reason = "checksum_mismatch"


class StorageError(BridgeError):
    """A local file could not be read or written (disk full, permissions)."""

    status = 500
    reason = "storage_error"


class Cancelled(BridgeError):
    status = 409
    reason = "cancelled"


class RerunError(BridgeError):
    """A notebook could not be re-run (fetch, environment, kernel); ``fields.phase`` says where."""

    status = 422
    reason = "rerun_failed"
