"""pybis ``Openbis`` adapted for a long-running, multi-user server process.

pybis sends every JSON-RPC call through ``_post_request_full_url`` with a bare
``requests.post``: no timeout, the request (session token included) printed to
stdout on errors, and network failures re-raised as generic exceptions. We
override that single method instead of wrapping every public one, so all of
pybis's higher-level calls inherit timeouts, TLS settings and typed errors.
"""

from __future__ import annotations

import json
import logging
import re
import ssl
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

import requests
import urllib3
from pybis import Openbis

from .errors import (
    AuthFailed,
    BridgeError,
    CertificateConfigError,
    Forbidden,
    InvalidInput,
    NotFound,
    SessionExpired,
    TLSVerificationFailed,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnreachable,
)

# Session tokens look like ``user-240101120000123x<32 hex>``; PATs start with ``$pat-``.
_TOKEN_RE = re.compile(r"(\$pat-[^\s'\"/?&=]+|[^\s'\"/?&=]+-\d{10,}x[0-9A-Fa-f]{16,})")
_INVALID_SESSION_MARKERS = ("InvalidSessionException", "user is not logged in")


def redact(text: str) -> str:
    """Hide anything that looks like an openBIS session token or PAT."""
    return _TOKEN_RE.sub("<redacted>", text)


class _RedactingFilter(logging.Filter):
    """urllib3 logs request lines at DEBUG, and the DSS servlets take ``sessionID`` in the query."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def install_log_redaction() -> None:
    """Idempotently keep session tokens out of the HTTP client's debug logs."""
    logger = logging.getLogger("urllib3.connectionpool")
    if not any(isinstance(f, _RedactingFilter) for f in logger.filters):
        logger.addFilter(_RedactingFilter())


install_log_redaction()


_CERTIFICATE_MARKERS = (
    "certificate verify failed",
    "certificate_verify_failed",
    "doesn't match",
    "hostname mismatch",
    "self-signed certificate",
    "self signed certificate",
    "unable to get local issuer",
    "certificate has expired",
)


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it wraps (requests and urllib3 nest errors in ``args`` and ``reason``)."""
    seen: list[BaseException] = []
    pending: list[object] = [exc]
    while pending and len(seen) < 20:
        item = pending.pop()
        if not isinstance(item, BaseException) or any(item is s for s in seen):
            continue
        seen.append(item)
        pending.extend(
            [*item.args, getattr(item, "reason", None), item.__cause__, item.__context__]
        )
    return seen


def _is_read_timeout(exc: BaseException) -> bool:
    # A stall while the body streams comes as ConnectionError(ReadTimeoutError), not as Timeout.
    # (Not urllib3's TimeoutError: its NewConnectionError, a refused connection, is one.)
    if isinstance(exc, requests.Timeout):
        return True
    return any(
        isinstance(e, (urllib3.exceptions.ReadTimeoutError, TimeoutError)) for e in _causes(exc)
    )


def _is_certificate_problem(exc: BaseException) -> bool:
    if any(isinstance(e, ssl.SSLCertVerificationError) for e in _causes(exc)):
        return True
    text = str(exc).lower()
    return any(marker in text for marker in _CERTIFICATE_MARKERS)


def transport_error(
    exc: BaseException,
    verify: bool | str,
    *,
    lost: str = "openBIS is unreachable",
    stalled: str = "openBIS did not answer in time",
) -> BridgeError | None:
    """The bridge error for a failed HTTP exchange with openBIS, or None if ``exc`` is none.

    A stall past the read timeout is a timeout (504) wherever it happens; a TLS failure is a
    certificate problem only when the certificate was the problem: a connection closed in
    the handshake (openBIS gone behind a proxy, a port forward without its target) is
    "unreachable".
    """
    if isinstance(exc, requests.exceptions.SSLError):
        if _is_certificate_problem(exc):
            return TLSVerificationFailed(
                "the openBIS certificate could not be verified "
                "(configure caBundle for a private CA)"
            )
        if _is_read_timeout(exc):
            return UpstreamTimeout(stalled)
        return UpstreamUnreachable(f"{lost} (the connection closed during the TLS handshake)")
    if isinstance(exc, requests.RequestException) and _is_read_timeout(exc):
        return UpstreamTimeout(stalled)
    if isinstance(exc, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        return UpstreamUnreachable(lost)
    if isinstance(exc, requests.RequestException):
        return UpstreamUnreachable(lost)
    if isinstance(exc, OSError):  # requests raises a bare OSError for a missing CA bundle
        return ca_bundle_error(verify, exc)
    return None


def is_session_rejection(text: str) -> bool:
    """Whether an error page or message says the session token is no longer valid."""
    return any(marker in text for marker in _INVALID_SESSION_MARKERS)


def ca_bundle_error(verify: bool | str, exc: OSError) -> CertificateConfigError:
    """The error for an ``OSError`` raised before any byte was sent: the TLS setup is broken."""
    # One message whatever the cause: it must not tell whether a path exists or is readable.
    if isinstance(verify, str):
        return CertificateConfigError(
            f"the CA bundle {verify} cannot be used: caBundle must name a readable PEM file "
            "of certificates"
        )
    return CertificateConfigError("the system CA bundle cannot be used; check caBundle")


class OpenbisApplicationError(ValueError):
    """openBIS answered with a JSON-RPC error. A ``ValueError`` because pybis code expects one."""

    def __init__(self, message: str, exception_type: str | None) -> None:
        super().__init__(redact(message))
        self.message = redact(message)
        self.exception_type = exception_type


_NOT_FOUND_MARKERS = ("has not been found", "no such", "does not exist", "not found")
_FORBIDDEN_MARKERS = (
    "authorization failure",
    "not authorized",
    "does not have enough rights",
    "access denied",
)


def to_bridge_error(exc: OpenbisApplicationError) -> BridgeError:
    """Classify an openBIS application error by its (redacted) message."""
    lowered = exc.message.lower()
    if any(marker in lowered for marker in _NOT_FOUND_MARKERS):
        return NotFound(f"openBIS: {exc.message}")
    if any(marker in lowered for marker in _FORBIDDEN_MARKERS):
        return Forbidden(f"openBIS refused: {exc.message}")
    return UpstreamError(f"openBIS: {exc.message}")


class BridgeOpenbis(Openbis):
    """One openBIS session; callers must hold the connection lock (pybis is not thread-safe)."""

    def __init__(self, url: str, *, verify: bool | str, timeout: float) -> None:
        self.http = requests.Session()
        # requests accepts a CA bundle path for ``verify``. It is passed on every request:
        # a Session-level ``verify`` loses against REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE.
        self.verify = verify
        self.request_timeout = timeout
        super().__init__(url, verify_certificates=verify, token=None)

    # --- pybis hooks -------------------------------------------------------------------------

    def _get_saved_token(self) -> None:
        """Never adopt a token from ``~/.pybis``: the server must not act on a stray file."""
        return None

    def _post_request_full_url(
        self,
        full_url: str,
        request: dict[str, Any],
        decode: Callable[[str], Any] | None = None,
    ) -> Any:
        """pybis's JSON-RPC call, with this bridge's error mapping; ``decode`` replaces
        ``json.loads`` for answers too big to decode in one go (``downloads.listing``)."""
        request.setdefault("id", "2")
        request.setdefault("jsonrpc", "2.0")
        if request.get("method") != "login" and request["params"][0] is None:
            raise SessionExpired("not logged in to openBIS")
        response = self.http_post(full_url, data=json.dumps(request))
        try:
            body = decode(response.content.decode("utf-8")) if decode else response.json()
        except ValueError:
            raise UpstreamError("openBIS sent a response that is not JSON") from None
        if not isinstance(body, dict):
            raise UpstreamError("openBIS sent an unexpected response")
        if "error" in body:
            error = body["error"] if isinstance(body["error"], dict) else {}
            message = str(error.get("message") or "openBIS reported an error")
            data = error.get("data") if isinstance(error.get("data"), dict) else {}
            exception_type = data.get("exceptionTypeName") if data else None
            if any(
                marker in message or marker == exception_type for marker in _INVALID_SESSION_MARKERS
            ) or (exception_type and exception_type.endswith("InvalidSessionException")):
                raise SessionExpired("the openBIS session has expired")
            raise OpenbisApplicationError(message, exception_type)
        if "result" not in body:
            raise UpstreamError("openBIS sent neither a result nor an error")
        return body["result"]

    # --- transport ---------------------------------------------------------------------------

    def http_post(self, url: str, **kwargs: Any) -> requests.Response:
        return self._send("POST", url, **kwargs)

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.request_timeout)
        kwargs.setdefault("verify", self.verify)
        try:
            response = self.http.request(method, url, **kwargs)
        except OSError as exc:  # requests' errors are OSErrors too
            raise (transport_error(exc, kwargs["verify"]) or exc) from None
        if not response.ok:
            raise UpstreamError(f"openBIS answered HTTP {response.status_code}")
        return response

    # --- session helpers ---------------------------------------------------------------------

    def login_with_password(self, username: str, password: str) -> None:
        if not username or not password:
            # pybis would fall back to getpass() and block this worker thread forever.
            raise InvalidInput(
                "username and password are required", fields={"password": "required"}
            )
        try:
            self.login(username, password, save_token=False)
        except OpenbisApplicationError as exc:
            raise AuthFailed("openBIS rejected the username or password") from exc
        except ValueError as exc:  # pybis: "login to openBIS failed" / session not valid
            raise AuthFailed("openBIS rejected the username or password") from exc

    def login_with_token(self, token: str) -> None:
        try:
            self.set_token(token, save_token=False)
        except SessionExpired:
            raise AuthFailed("openBIS rejected the token (expired or invalid)") from None
        except ValueError as exc:
            raise AuthFailed("openBIS rejected the token (expired or invalid)") from exc

    def forget_session(self) -> None:
        """Drop the token locally (pybis's ``logout`` leaves it set, see its token setter)."""
        self.__dict__.pop("token", None)
        self.__dict__.pop("datastores", None)
        self.server_information = None

    def logout_quietly(self) -> None:
        if self.token:
            try:
                self.logout()
            finally:
                self.forget_session()

    # --- low-level V3 helpers ----------------------------------------------------------------

    def as_call(self, method: str, *params: Any) -> Any:
        return self._post_request(self.as_v3, {"method": method, "params": [self.token, *params]})

    def dss_url(self) -> str:
        return str(self._get_dss_url())

    def dss_call(
        self, method: str, *params: Any, decode: Callable[[str], Any] | None = None
    ) -> Any:
        return self._post_request_full_url(
            urljoin(self.dss_url(), self.dss_v3),
            {"method": method, "params": [self.token, *params]},
            decode,
        )

    def api_version(self) -> tuple[int, int]:
        raw = str(self.get_server_information().api_version or "0.0")
        major, _, minor = raw.partition(".")
        try:
            return int(major), int(minor or 0)
        except ValueError:
            raise UpstreamError(f"openBIS reports an unknown API version {raw!r}") from None
