"""A job's shared session (``downloads.session``): a transfer goes on across re-logins.

Every login of a connection closes the session before it, so while a long download runs the
user may log in again more than once; each time the job's next request finds its session
expired, renews it once for all its threads, and carries on.
"""

from __future__ import annotations

import pytest

from jupyterlab_openbis_bridge.errors import SessionExpired
from jupyterlab_openbis_bridge.server.downloads.session import (
    MAX_RENEWALS,
    SessionInfo,
    SharedSession,
    with_renewal,
)


class Logins:
    """The connection's side: each renewal finds a session from a newer login."""

    def __init__(self) -> None:
        self.count = 0

    def lookup(self, renew: bool) -> SessionInfo:
        self.count += 1
        return SessionInfo(f"token-{self.count}", "https://dss", True)


def refused_until(accepted: str):
    seen: list[str] = []

    def action(session: SessionInfo) -> str:
        seen.append(session.token)
        if session.token != accepted:
            raise SessionExpired("the openBIS download session expired")
        return session.token

    return action, seen


def test_two_logins_during_a_transfer_are_two_renewals():
    logins = Logins()
    action, seen = refused_until("token-3")
    assert with_renewal(SharedSession(logins.lookup), action) == "token-3"
    assert seen == ["token-1", "token-2", "token-3"]


def test_threads_share_one_renewal():
    logins = Logins()
    sessions = SharedSession(logins.lookup)
    first = sessions.get()
    renewed = sessions.renew(first)
    assert sessions.renew(first) is renewed  # a second thread with the same expired session
    assert logins.count == 2


def test_a_session_that_stays_refused_ends_the_transfer():
    logins = Logins()
    action, seen = refused_until("never")
    with pytest.raises(SessionExpired):
        with_renewal(SharedSession(logins.lookup), action)
    assert len(seen) == MAX_RENEWALS + 1
