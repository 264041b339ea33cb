"""Application errors of the sandbox: the bottom layer, imported by everything else.

An ``OpenbisError`` raised anywhere (store, criteria, AS or DSS methods) reaches the
client as the HTTP-200, code-0 JSON-RPC error envelope of SPEC §1.4, which the
transport (``jsonrpc.py``) builds. Keeping the class here, apart from the transport,
lets the store raise it without depending on anything above it.
"""

from __future__ import annotations

from typing import Any

USER_FAILURE = "ch.systemsx.cisd.common.exceptions.UserFailureException"
INVALID_SESSION = "ch.systemsx.cisd.common.exceptions.InvalidSessionException"


class OpenbisError(Exception):
    """An application error, sent as the HTTP-200, code-0 error envelope of SPEC §1.4.

    ``message`` is what pybis shows the user (it raises ``ValueError(message)``), so it
    must be the exact openBIS text; ``exception_type`` is the Java class name reported in
    ``error.data.exceptionTypeName``.
    """

    def __init__(self, message: str, exception_type: str = USER_FAILURE) -> None:
        super().__init__(message)
        self.message = message
        self.exception_type = exception_type


class InvalidSessionError(OpenbisError):
    """The session token is unknown, expired or logged out."""

    def __init__(self, token: Any) -> None:
        super().__init__(
            f"Session token '{'null' if token is None else token}' is invalid: "
            "user is not logged in.",
            INVALID_SESSION,
        )
