"""The openBIS session a job's transfer threads share; renewed once for all when it expires."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from ...errors import BridgeError, Cancelled, SessionExpired
from ..jobs import Job
from .wire import wire_error


@dataclass(frozen=True)
class SessionInfo:
    token: str
    dss_url: str
    verify: bool | str


class SharedSession:
    def __init__(self, lookup: Callable[[bool], SessionInfo]) -> None:
        self._lookup = lookup
        self._lock = threading.Lock()
        self._current: SessionInfo | None = None

    def get(self) -> SessionInfo:
        with self._lock:
            if self._current is None:
                self._current = self._lookup(False)
            return self._current

    def renew(self, expired: SessionInfo) -> SessionInfo:
        with self._lock:
            if self._current is expired:  # the first thread to notice renews for all
                self._current = self._lookup(True)
            assert self._current is not None
            return self._current


T = TypeVar("T")
MAX_RENEWALS = 3
"""Sessions one transfer may go through: every login of the connection closes the session
before it, so a long job can see several while the user logs in again."""


def with_renewal(sessions: SharedSession, action: Callable[[SessionInfo], T]) -> T:
    """``action(session)``, again on a renewed session each time it expired (at most
    ``MAX_RENEWALS`` times; then the expiry is the job's error)."""
    session = sessions.get()
    for _ in range(MAX_RENEWALS):
        try:
            return action(session)
        except SessionExpired:
            session = sessions.renew(session)
    return action(session)


class Stopped(Exception):
    """Another part of the same job failed: give up this one quietly."""


@contextmanager
def transfer_errors(job: Job, stop: threading.Event, *, lost: str, stalled: str) -> Iterator[None]:
    """Turn what a cut or failed connection raises into the job's error: ``Cancelled`` when
    the job was cancelled (cancelling cuts the sockets), ``Stopped`` when another part of
    the job failed first, else the transport error."""
    try:
        yield
    except (BridgeError, Stopped):
        if job.cancel_requested.is_set():
            raise Cancelled("the job was cancelled") from None
        raise
    except Exception as exc:
        if job.cancel_requested.is_set():
            raise Cancelled("the job was cancelled") from None
        if stop.is_set():
            raise Stopped() from None
        mapped = wire_error(exc, lost=lost, stalled=stalled)
        if mapped is None:
            raise
        raise mapped from None
