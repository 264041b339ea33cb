"""Shared state handed to every request handler of the sandbox.

One ``SandboxContext`` exists per running server. AS methods, DSS methods and the
fault-injection layer all receive it, so it is the single place to reach the store,
the data directory and the profile switches. ``require_session`` is the session check
every AS and DSS method starts with.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InvalidSessionError
from .store.db import Store


@dataclass
class SandboxContext:
    """Everything a request handler needs to know about the running sandbox.

    Attributes:
        data_dir: the directory the sandbox persists in (SQLite file, certificates,
            data set payloads under ``store/<permId>/original/...``, session workspaces).
        store: the metadata store (see ``store.db.Store``).
        base_url: the origin clients reach the server at, e.g. ``https://127.0.0.1:8443``,
            with no path and no trailing slash. It is also ``DataStore.downloadUrl``
            (pybis concatenates ``downloadUrl + "/datastore_server/..."``).
        api_version: ``"3.6"`` or ``"3.7"``; reported by ``getServerInformation`` and
            selecting the DTO profile (SPEC §2.10) and pybis's transfer code paths.
        datastore_code: the code of the single data store server.
        faults: the fault/latency injection layer (``faults.Faults``), created by
            ``app.make_app``.
        session_timeout_s: idle time after which a session token stops being valid.
    """

    data_dir: Path
    store: Store
    base_url: str
    api_version: str = "3.7"
    datastore_code: str = "DSS1"
    faults: Any = None
    session_timeout_s: int = 1800

    @property
    def api_version_tuple(self) -> tuple[int, int]:
        major, minor = self.api_version.split(".")
        return int(major), int(minor)

    @property
    def is_v37(self) -> bool:
        """True when the 3.7 DTO profile applies (SPEC §2.10)."""
        return self.api_version_tuple >= (3, 7)


def is_text(value: Any) -> bool:
    """A string the store can look up (JSON may carry lone surrogates, which SQLite refuses)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def require_session(ctx: SandboxContext, token: Any) -> str:
    """Return the user id owning ``token`` or raise ``InvalidSessionError``.

    Session tokens and personal access tokens (``$pat-…``) are both accepted.
    """
    user = ctx.store.session_user(token) if is_text(token) else None
    if user is None:
        raise InvalidSessionError(token)
    return user
