"""``jupyter openbis test``: log in with a profile exactly as the server companion would.

The session goes through the server's own ``BridgeOpenbis`` (same TLS rules,
timeouts and error classification), so a profile that passes here works in
JupyterLab too. pybis is imported only here: it is slow to import.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..profiles import Profile
from .common import CliError, ExitCode, ask, ask_secret, require_terminal, warn

if TYPE_CHECKING:
    from ..openbis_client import BridgeOpenbis

TOKEN_ENV = "OPENBIS_TOKEN"


@dataclass(frozen=True)
class Credentials:
    """Either a username and password (a session we open and close) or a token we only borrow."""

    username: str | None = None
    password: str | None = None
    token: str | None = None

    def __repr__(self) -> str:  # never show the secret in a traceback
        return f"Credentials(username={self.username!r}, password=***, token=***)"


@dataclass(frozen=True)
class LoginReport:
    openbis_version: str
    api_version: str
    user: str
    session_kind: str  # "password", "personal access token" or "session token"


def gather_credentials(
    profile: Profile, *, username: str | None, token_from_stdin: bool
) -> Credentials:
    """A token from stdin or ``OPENBIS_TOKEN`` wins; else a password asked for in the terminal."""
    if token_from_stdin:
        token = sys.stdin.read().strip()
        if not token:
            raise CliError(ExitCode.USAGE, "--token-stdin given but stdin was empty")
        return Credentials(token=token)
    if os.environ.get(TOKEN_ENV, "").strip():
        return Credentials(token=os.environ[TOKEN_ENV].strip())
    require_terminal("credentials", f"pass a token with --token-stdin or {TOKEN_ENV}")
    user = username or profile.username or ask("openBIS user name")
    return Credentials(username=user, password=ask_secret(f"Password for {user} at {profile.url}"))


def check_login(
    profile: Profile, credentials: Credentials, *, timeout: float, out: TextIO
) -> LoginReport:
    """Log in, read the server version and the user's identity, and close only a session we opened."""
    client = _client_for(profile, timeout)
    with _login_errors(profile):
        _log_in(client, credentials)
        try:
            return _describe_session(client, credentials)
        finally:
            if credentials.token is None:
                _logout(client, out)


@contextmanager
def open_session(
    profile: Profile, credentials: Credentials, *, timeout: float, out: TextIO
) -> Iterator[BridgeOpenbis]:
    """A logged-in client for other commands (``rerun``); a session we opened is closed after.

    Only the login maps errors to exit codes: what the caller does with the client fails
    on its own terms.
    """
    client = _client_for(profile, timeout)
    with _login_errors(profile):
        _log_in(client, credentials)
    try:
        yield client
    finally:
        if credentials.token is None:
            _logout(client, out)


def _log_in(client: BridgeOpenbis, credentials: Credentials) -> None:
    if credentials.token is not None:
        client.login_with_token(credentials.token)
    else:
        client.login_with_password(credentials.username or "", credentials.password or "")


@contextmanager
def _login_errors(profile: Profile) -> Iterator[None]:
    """Login failures as ``CliError`` with the documented exit codes."""
    from ..errors import AuthFailed, BridgeError, SessionExpired

    try:
        yield
    except SessionExpired:
        raise CliError(
            ExitCode.AUTH_FAILED, "openBIS ended the session right after login"
        ) from None
    except AuthFailed as exc:
        raise CliError(ExitCode.AUTH_FAILED, exc.message) from None
    except BridgeError as exc:
        code = _exit_code_for(exc)
        hint = (
            "; give the profile the CA that signed it (add --replace --ca-bundle PATH)"
            if (code == ExitCode.CERTIFICATE)
            else ""
        )
        raise CliError(code, f"{profile.url}: {exc.message}{hint}") from None
    except ValueError as exc:  # pybis raises ValueError for answers it does not understand
        raise CliError(ExitCode.SERVER_ERROR, f"unexpected answer from openBIS: {exc}") from None


def _client_for(profile: Profile, timeout: float) -> BridgeOpenbis:
    from ..openbis_client import BridgeOpenbis

    if profile.ca_bundle and not Path(profile.ca_bundle).is_file():
        # requests would raise a bare OSError deep inside the first call.
        raise CliError(ExitCode.CERTIFICATE, f"CA bundle {profile.ca_bundle} does not exist")
    verify: bool | str = profile.ca_bundle or profile.verify_certificates
    return BridgeOpenbis(profile.url, verify=verify, timeout=timeout)


def _describe_session(client: BridgeOpenbis, credentials: Credentials) -> LoginReport:
    info = client.get_server_information()
    session: Any = client.as_call("getSessionInformation")
    session = session if isinstance(session, dict) else {}
    if credentials.token is None:
        kind = "password"
    elif session.get("personalAccessTokenSession") or credentials.token.startswith("$pat-"):
        kind = "personal access token"
    else:
        kind = "session token"
    return LoginReport(
        openbis_version=str(info.openbis_version or "unknown"),
        api_version=str(info.api_version or "unknown"),
        user=str(session.get("userName") or credentials.username or "unknown"),
        session_kind=kind,
    )


def _logout(client: BridgeOpenbis, out: TextIO) -> None:
    from ..errors import BridgeError

    try:
        client.logout_quietly()
    except (BridgeError, ValueError) as exc:
        warn(f"could not close the openBIS session: {exc}", out)


def _exit_code_for(exc: Exception) -> ExitCode:
    from ..errors import TLSVerificationFailed, UpstreamTimeout, UpstreamUnreachable

    if isinstance(exc, TLSVerificationFailed):  # a subclass of UpstreamUnreachable: test it first
        return ExitCode.CERTIFICATE
    if isinstance(exc, (UpstreamUnreachable, UpstreamTimeout)):
        return ExitCode.UNREACHABLE
    return ExitCode.SERVER_ERROR
