"""Registry of named openBIS connections and their live pybis sessions.

All methods that touch the network are blocking and meant to run in the
worker pool. Each connection has its own lock around its ``BridgeOpenbis``
(pybis keeps caches and the token on the instance and is not thread-safe);
the lock is per connection so a hung instance never blocks the others.

The profile file is shared with ``jupyter openbis`` (``profile_file`` reads,
locks and writes it): the registry picks up edits made there whenever the file
changed (a ``stat`` per lookup), and every change re-reads the file and writes
back *that* content with the one change applied, so edits from the CLI and from
the UI never overwrite each other.
Lock order: a connection's lock, then the registry lock, never the reverse
(the registry lock only ever *tries* a connection lock); the profile file's
``flock`` (shared with the CLI and other servers) is taken last, under the registry lock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..errors import (
    AuthFailed,
    BridgeError,
    Conflict,
    InvalidInput,
    NotFound,
    NotLoggedIn,
    SessionExpired,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnreachable,
)
from ..hub_token import HubTokenFile
from ..openbis_client import BridgeOpenbis, OpenbisApplicationError, redact, to_bridge_error
from ..profiles import (
    ORIGIN_USER,
    Profile,
    ProfileError,
    ProfileFileContent,
    profile_from_mapping,
    validate_profile,
)
from .given_sessions import adopt_hub_login
from .profile_file import WatchedProfileFile
from .states import (
    STATE_AUTH_FAILED,
    STATE_CONNECTED,
    STATE_EXPIRED,
    STATE_NOT_LOGGED_IN,
    STATE_UNREACHABLE,
)

T = TypeVar("T")
log = logging.getLogger(__name__)
# Who logged in where, logged out, got a session handed to a kernel, saved: never a secret.
audit = logging.getLogger(__name__.rsplit(".", 1)[0] + ".audit")


class Secret:
    """A string that does not show itself in reprs, logs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret(***)"

    __str__ = __repr__


@dataclass(eq=False)
class Connection:
    profile: Profile
    lock: threading.Lock = field(default_factory=threading.Lock)
    client: BridgeOpenbis | None = None
    username: str | None = None
    password: Secret | None = None  # held only to renew an expired session
    pending_token: Secret | None = None  # e.g. OPENBIS_TOKEN, adopted on first use
    token_file: HubTokenFile | None = None  # the hub's ~/.pybis token (see given_sessions)
    spent_token: str | None = None  # digest of the file's token tried last
    auth_method: str | None = None  # password | sessionToken | pat
    state: str = STATE_NOT_LOGGED_IN
    message: str | None = None
    # Sessions we opened with a password are ours to close; a token given to us
    # (JupyterHub, the ELN) belongs to the user's other sessions and stays open.
    owns_session: bool = False

    @property
    def name(self) -> str:
        return self.profile.name

    def describe(self) -> dict[str, Any]:
        profile = self.profile
        return {
            "name": profile.name,
            "url": profile.url,
            "origin": profile.origin,
            "editable": profile.origin == ORIGIN_USER,
            "username": self.username or profile.username,
            "verifyCertificates": profile.verify_certificates,
            "caBundle": profile.ca_bundle,
            "status": self.state,
            "message": self.message,
            "authMethod": self.auth_method,
            "hasPassword": self.password is not None,
            "hasToken": bool(self.pending_token or (self.client and self.client.token)),
        }


class ConnectionRegistry:
    def __init__(
        self,
        *,
        request_timeout: float,
        lock_timeout: float,
        profile_path: Path | None,
    ) -> None:
        self._request_timeout = request_timeout
        self._lock_timeout = lock_timeout
        self._file = WatchedProfileFile(profile_path)
        self._connections: dict[str, Connection] = {}
        self._registry_lock = threading.RLock()

    # --- registry --------------------------------------------------------------------------

    def add(
        self,
        profile: Profile,
        *,
        password: str | None = None,
        token: str | HubTokenFile | None = None,
    ) -> bool:
        """Register a profile from a config source; False (and a log line) if the name is taken."""
        with self._registry_lock:
            if profile.name in self._connections:
                log.warning("openBIS connection %r defined twice; keeping the first", profile.name)
                return False
            conn = Connection(profile=profile, username=profile.username)
            if password:
                conn.password = Secret(password)
            if isinstance(token, HubTokenFile):
                conn.token_file = token  # read when first needed
            elif token:
                conn.pending_token = Secret(token)
                conn.auth_method = _token_kind(token)
            self._connections[profile.name] = conn
            return True

    def adopt_file(self, content: ProfileFileContent) -> None:
        """Note which state of the profile file the start-up profiles came from."""
        with self._registry_lock:
            self._file.adopt(content)

    def get(self, name: str) -> Connection:
        with self._registry_lock:
            self._sync_file(force=False)
            conn = self._connections.get(name)
        if conn is None:
            raise NotFound(f"no openBIS connection named {name!r}")
        return conn

    def all(self) -> list[Connection]:
        with self._registry_lock:
            self._sync_file(force=False)
            return list(self._connections.values())

    def create(self, body: Mapping[str, Any]) -> Connection:
        profile = _profile_or_invalid(body)
        with self._registry_lock, self._file.lock():
            on_disk = self._editable_file()
            if profile.name in self._connections or profile.name in _names(on_disk):
                raise Conflict(f"a connection named {profile.name!r} already exists")
            self._file.write([*on_disk, profile])
            conn = Connection(profile=profile, username=profile.username)
            self._connections[profile.name] = conn
        log.info("openBIS connection %r created", profile.name)
        _warn_if_unverified(profile)
        return conn

    def update(self, name: str, changes: Mapping[str, Any]) -> Connection:
        conn = self._editable(name)
        if "name" in changes and changes["name"] != name:
            raise InvalidInput(
                "a connection cannot be renamed", fields={"name": "cannot be changed"}
            )
        with self._lock_of(conn):
            with self._registry_lock, self._file.lock():
                on_disk = self._editable_file()
                self._still_registered(conn)
                # Merge onto the profile as re-read now, so a CLI edit of other fields survives.
                current = conn.profile
                merged = {**current.to_file_entry(), "caBundle": current.ca_bundle, **changes}
                profile = _profile_or_invalid({**merged, "name": name})
                self._file.write([profile if p.name == name else p for p in on_disk])
            self._apply_profile(conn, profile)
        _warn_if_unverified(profile)
        return conn

    def delete(self, name: str) -> None:
        conn = self._editable(name)
        with self._lock_of(conn):
            with self._registry_lock, self._file.lock():
                on_disk = self._editable_file()
                self._still_registered(conn)
                self._file.write([p for p in on_disk if p.name != name])
                self._connections.pop(name, None)
            self._drop_session(conn)
        log.info("openBIS connection %r deleted", name)

    # --- the shared profile file (caller holds the registry lock) ---------------------------

    def _editable(self, name: str) -> Connection:
        conn = self.get(name)
        if conn.profile.origin != ORIGIN_USER:
            raise Conflict(
                f"connection {name!r} comes from {conn.profile.origin} configuration and is read-only"
            )
        return conn

    def _still_registered(self, conn: Connection) -> None:
        if self._connections.get(conn.name) is not conn:
            raise NotFound(f"connection {conn.name!r} was removed from the profile file")

    def _editable_file(self) -> tuple[Profile, ...]:
        """Re-read the file before a change; refuse to rewrite one that holds unreadable entries."""
        content = self._sync_file(force=True)
        if content is None:
            return tuple(
                c.profile for c in self._connections.values() if c.profile.origin == ORIGIN_USER
            )
        if content.damaged:
            raise Conflict(
                f"the profile file {content.path} has entries that cannot be read "
                f"({'; '.join(content.warnings)}); fix it before changing connections"
            )
        return content.profiles

    def _sync_file(self, *, force: bool) -> ProfileFileContent | None:
        """Merge the profile file into the registry if it changed since we last saw it."""
        content, fresh = self._file.read(force=force)
        if fresh and content is not None:
            self._merge(content)
        return content

    def _merge(self, content: ProfileFileContent) -> None:
        in_file = {profile.name: profile for profile in content.profiles}
        for name, conn in list(self._connections.items()):
            if conn.profile.origin == ORIGIN_USER and name not in in_file:
                del self._connections[name]
                _forget_without_waiting(conn)
                log.info("openBIS connection %r removed from the profile file", name)
        for name, profile in in_file.items():
            conn = self._connections.get(name)
            if conn is None:
                self._connections[name] = Connection(profile=profile, username=profile.username)
                log.info("openBIS connection %r added to the profile file", name)
            elif conn.profile.origin == ORIGIN_USER and conn.profile != profile:
                if _endpoint_or_user_changed(conn.profile, profile):
                    _forget_without_waiting(conn)
                    conn.username = profile.username
                conn.profile = profile
            # else: hidden by a read-only source of the same name; it stays in the file.

    # --- sessions --------------------------------------------------------------------------

    def login(
        self,
        name: str,
        *,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
    ) -> Connection:
        """Log in with new credentials; the old session stays until they have worked.

        The credentials are tried on a fresh client, outside the connection lock, so a
        typo or an unreachable openBIS leaves a working session (and its held password)
        alone. Only after success is the new client swapped in and the old session closed.
        """
        conn = self.get(name)
        user = None if token else (username or conn.profile.username)
        if not token:
            if not user:
                raise InvalidInput("a username is required", fields={"username": "required"})
            if not password:
                raise InvalidInput("a password is required", fields={"password": "required"})
        profile = conn.profile
        fresh = self._new_client(profile)
        try:
            if token:
                fresh.login_with_token(token)
            else:
                fresh.login_with_password(str(user), str(password))
        except BridgeError as exc:
            if conn.lock.acquire(timeout=0):  # a busy connection just keeps its state
                try:
                    if conn.client is None or not conn.client.token:
                        self._note_failure(conn, exc)  # no session to keep: show why
                finally:
                    conn.lock.release()
            audit.info("openBIS login to %r as %s failed: %s", name, user or "(token)", exc.reason)
            raise
        with self._lock_of(conn):
            if conn.profile is not profile and _endpoint_or_user_changed(conn.profile, profile):
                _logout_quietly(fresh)
                raise Conflict(f"connection {name!r} changed during the login; log in again")
            old, old_owned = conn.client, conn.owns_session
            conn.client = fresh
            if token:
                conn.auth_method, conn.owns_session = _token_kind(token), False
                conn.password = None
            else:
                conn.username, conn.password = user, Secret(str(password))
                conn.auth_method, conn.owns_session = "password", True
            conn.pending_token = None
            conn.state, conn.message = STATE_CONNECTED, None
        if old is not None and old is not fresh and old_owned:
            _logout_quietly(old)
        audit.info(
            "openBIS login to %r (%s) as %s (%s)",
            name,
            profile.url,
            conn.username or "(token)",
            conn.auth_method,
        )
        return conn

    def logout(self, name: str) -> Connection:
        conn = self.get(name)
        with self._lock_of(conn):
            self._drop_session(conn)
        audit.info("openBIS logout from %r", name)
        return conn

    def check(self, name: str) -> Connection:
        """Live status: asks openBIS whether the session is still active."""
        conn = self.get(name)
        with self._lock_of(conn):
            try:
                client = self._ensure_session(conn)
                if not client.is_session_active():
                    self._renew_or_expire(conn)
                conn.state, conn.message = STATE_CONNECTED, None
            except NotLoggedIn:
                pass  # the state was set where the session was found missing or dead
            except BridgeError as exc:
                self._note_failure(conn, exc)
        return conn

    def call(self, name: str, fn: Callable[[BridgeOpenbis], T]) -> T:
        """Run ``fn`` with the connection's logged-in client, renewing an expired session once."""
        conn = self.get(name)
        with self._lock_of(conn):
            client = self._ensure_session(conn)
            try:
                try:
                    result = fn(client)
                except SessionExpired:
                    client = self._renew_or_expire(conn)
                    result = fn(client)
            except (UpstreamUnreachable, UpstreamTimeout) as exc:
                self._note_failure(conn, exc)
                raise
            except OpenbisApplicationError as exc:
                raise to_bridge_error(exc) from None
            except ValueError as exc:  # pybis's own checks ("No datastore found!", ...)
                raise UpstreamError(f"openBIS: {redact(str(exc))}") from None
            conn.state, conn.message = STATE_CONNECTED, None
            return result

    def shutdown(self) -> None:
        for conn in self.all():
            if conn.lock.acquire(timeout=1):
                try:
                    if conn.owns_session and conn.client is not None:
                        try:
                            conn.client.logout_quietly()
                        except BridgeError:
                            pass
                finally:
                    conn.lock.release()

    # --- internals (caller holds the connection lock) ---------------------------------------

    @contextmanager
    def _lock_of(self, conn: Connection) -> Iterator[None]:
        if not conn.lock.acquire(timeout=self._lock_timeout):
            raise UpstreamTimeout(f"connection {conn.name!r} is busy with another openBIS call")
        try:
            yield
        finally:
            conn.lock.release()

    def _client(self, conn: Connection) -> BridgeOpenbis:
        if conn.client is None:
            conn.client = self._new_client(conn.profile)
        return conn.client

    def _new_client(self, profile: Profile) -> BridgeOpenbis:
        verify: bool | str = profile.ca_bundle or profile.verify_certificates
        return BridgeOpenbis(profile.url, verify=verify, timeout=self._request_timeout)

    def _ensure_session(self, conn: Connection) -> BridgeOpenbis:
        client = self._client(conn)
        if client.token:
            return client
        if conn.pending_token is not None:
            token = conn.pending_token.reveal()
            try:
                client.login_with_token(token)
            except AuthFailed as exc:
                conn.pending_token = None
                self._note_failure(conn, exc)
                raise SessionExpired(
                    "the configured openBIS token is no longer valid; log in again"
                ) from None
            conn.pending_token = None
            conn.state = STATE_CONNECTED
            return client
        if conn.password is None and adopt_hub_login(conn, client):
            return client
        if conn.password is not None and conn.username:
            return self._renew_or_expire(conn)
        raise NotLoggedIn(f"not logged in to openBIS connection {conn.name!r}")

    def _renew_or_expire(self, conn: Connection) -> BridgeOpenbis:
        client = self._client(conn)
        client.forget_session()
        if conn.password is None and adopt_hub_login(conn, client):
            return client  # a new hub login left a new token
        if conn.password is None or not conn.username:
            conn.state, conn.message = (
                STATE_EXPIRED,
                "the openBIS session has expired; log in again",
            )
            raise SessionExpired(f"the openBIS session of {conn.name!r} has expired; log in again")
        try:
            client.login_with_password(conn.username, conn.password.reveal())
        except AuthFailed as exc:
            conn.password = None
            self._note_failure(conn, exc)
            raise SessionExpired(
                f"the openBIS session of {conn.name!r} has expired; log in again"
            ) from None
        log.info("openBIS connection %r: session renewed", conn.name)
        return client

    def _apply_profile(self, conn: Connection, profile: Profile) -> None:
        if _endpoint_or_user_changed(conn.profile, profile):
            self._drop_session(conn)
            conn.username = profile.username
        conn.profile = profile

    def _drop_session(self, conn: Connection) -> None:
        if conn.client is not None:
            if conn.owns_session and conn.client.token:
                try:
                    conn.client.logout_quietly()
                except BridgeError:
                    conn.client.forget_session()
            conn.client = None  # a fresh client also drops pybis's per-instance caches
        conn.password = None
        conn.pending_token = None
        conn.auth_method = None
        conn.owns_session = False
        conn.state, conn.message = STATE_NOT_LOGGED_IN, None

    @staticmethod
    def _note_failure(conn: Connection, exc: BridgeError) -> None:
        if isinstance(exc, AuthFailed):
            conn.state = STATE_AUTH_FAILED
        elif isinstance(exc, (UpstreamUnreachable, UpstreamTimeout)):
            conn.state = STATE_UNREACHABLE
        conn.message = exc.message


def _endpoint_or_user_changed(old: Profile, new: Profile) -> bool:
    return (old.url, old.verify_certificates, old.ca_bundle, old.username) != (
        new.url,
        new.verify_certificates,
        new.ca_bundle,
        new.username,
    )


def _forget_without_waiting(conn: Connection) -> None:
    """Drop a session for an edit made elsewhere; held under the registry lock, so no network.

    The held password/token must go: it must never be sent to a changed URL. An owned
    openBIS session is left to expire there rather than waited for.
    """
    conn.client = None
    conn.password = None
    conn.pending_token = None
    conn.auth_method = None
    conn.owns_session = False
    conn.state, conn.message = STATE_NOT_LOGGED_IN, None


def _logout_quietly(client: BridgeOpenbis) -> None:
    try:
        client.logout_quietly()
    except BridgeError:
        client.forget_session()


def _warn_if_unverified(profile: Profile) -> None:
    if not profile.verify_certificates:
        log.warning(
            "openBIS connection %r: TLS certificate verification is OFF (set through the API)",
            profile.name,
        )


def _names(profiles: tuple[Profile, ...]) -> set[str]:
    return {profile.name for profile in profiles}


def _token_kind(token: str) -> str:
    return "pat" if token.startswith("$pat-") else "sessionToken"


def _profile_or_invalid(body: Mapping[str, Any]) -> Profile:
    allowed = {"name", "url", "username", "verifyCertificates", "caBundle"}
    unknown = set(body) - allowed
    if unknown:
        raise InvalidInput(
            "unknown connection fields",
            fields={key: "unknown field" for key in sorted(map(str, unknown))},
        )
    try:
        return validate_profile(profile_from_mapping(body))
    except ProfileError as exc:
        raise InvalidInput(str(exc), fields={exc.field: exc.message}) from None
