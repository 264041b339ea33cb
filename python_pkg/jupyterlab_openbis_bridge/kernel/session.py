"""``openbis``: a ready ``pybis.Openbis`` on the session JupyterLab logged in with.

``openbis`` is an object: ``openbis.get_datasets()`` logs in through the UI's session on
first use and reuses it. Calling it, ``openbis()`` or ``openbis("lab")``, asks the server
for the session now and returns the ``pybis.Openbis`` itself.

No password in the notebook and no token in its outputs: the token comes from
the server companion and is hidden from reprs. When openBIS says the session
ended, the client asks the server again (which renews it with the password it
holds) and repeats the call once.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

from ..errors import SessionExpired
from ..openbis_client import BridgeOpenbis
from .client import BridgeAPIError, BridgeUnavailable, get_client

KERNEL_REQUEST_TIMEOUT_S = 300.0  # user queries may be big; the server uses a shorter bound

Renew = Callable[[str], dict[str, Any]]


class KernelOpenbis(BridgeOpenbis):
    """A pybis ``Openbis`` whose session is owned by JupyterLab's openBIS connection."""

    def __init__(self, session: dict[str, Any], renew: Renew | None) -> None:
        verify: bool | str = session.get("caBundle") or bool(session.get("verifyCertificates"))
        super().__init__(session["url"], verify=verify, timeout=KERNEL_REQUEST_TIMEOUT_S)
        self.connection_name: str = session["connection"]
        self._renew = renew
        self._token_lock = threading.Lock()
        self.adopt(session)

    def adopt(self, session: dict[str, Any]) -> None:
        # The server checked the session just now: skip pybis's extra validation call.
        self.__dict__["token"] = session["token"]

    def _post_request_full_url(
        self,
        full_url: str,
        request: dict[str, Any],
        decode: Callable[[str], Any] | None = None,
    ) -> Any:
        try:
            return super()._post_request_full_url(full_url, request, decode)
        except SessionExpired:
            params = request.get("params") or [None]
            stale = params[0]
            if self._renew is None or stale is None or stale != self.token:
                raise
            with self._token_lock:
                if self.token == stale:  # another thread may have renewed already
                    self.adopt(self._renew(self.connection_name))
                params[0] = self.token
            return super()._post_request_full_url(full_url, request, decode)

    def logout(self) -> None:
        """Forget the session here only: it belongs to JupyterLab (log out from its panel)."""
        self.forget_session()

    def __repr__(self) -> str:
        return f"<openBIS {self.url} via JupyterLab connection {self.connection_name!r}>"

    def _repr_html_(self) -> str:
        # pybis's own table shows the session token; ours never does.
        from html import escape

        return (
            f"<div>openBIS <code>{escape(self.url)}</code> via JupyterLab connection "
            f"<code>{escape(self.connection_name)}</code> (session managed by JupyterLab)</div>"
        )


_instances: dict[str, KernelOpenbis] = {}
_instances_lock = threading.Lock()


def _renew(connection: str) -> dict[str, Any]:
    try:
        return get_client().session(connection)
    except BridgeAPIError as exc:
        if exc.status == 401:
            raise SessionExpired(
                f"{exc.message} (log in again from the openBIS panel in JupyterLab)"
            ) from None
        raise


def connect(connection: str | None = None) -> KernelOpenbis:
    """The openBIS session of JupyterLab's connection ``connection`` (default: the logged-in one).

    Asks the server every time (it checks the session and renews it if needed); returns the
    one shared ``KernelOpenbis`` of that connection.
    """
    try:
        session = get_client().session(connection)
    except BridgeUnavailable:
        fallback = _environment_session(connection)
        if fallback is None:
            raise
        session, renew = fallback, None
    else:
        renew = _renew
    with _instances_lock:
        current = _instances.get(session["connection"])
        if current is not None and current.url == session["url"]:
            current.adopt(session)
            return current
        client = KernelOpenbis(session, renew)
        _instances[session["connection"]] = client
        return client


class SharedOpenbis:
    """``openbis``: the ready ``pybis.Openbis`` of the logged-in connection, made on first use.

    >>> from jupyterlab_openbis_bridge import openbis
    >>> openbis.get_datasets(type="RAW_DATA")      # logs in through JupyterLab's session
    >>> o = openbis()                              # the pybis.Openbis itself (asks the server now)
    >>> lab = openbis("lab")                       # another connection's, when several are logged in
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: KernelOpenbis | None = None

    def __call__(self, connection: str | None = None) -> KernelOpenbis:
        """The ``pybis.Openbis`` of ``connection`` (default: the only logged-in one)."""
        client = connect(connection)
        if connection is None:
            with self._lock:
                self._current = client
        return client

    def _target(self) -> KernelOpenbis:
        with self._lock:
            current = self._current
        # After ``logout()`` (which forgets the token here only) ask the server again.
        if current is not None and current.__dict__.get("token"):
            return current
        return self()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # IPython and pickle probe private names: never log in for them
            raise AttributeError(name)
        return getattr(self._target(), name)

    def __dir__(self) -> list[str]:  # completion without a round trip to the server
        return sorted(set(dir(KernelOpenbis)) | set(super().__dir__()))

    def __repr__(self) -> str:
        with self._lock:
            current = self._current
        if current is None:
            return "<openBIS via JupyterLab (connects on first use)>"
        return repr(current)


openbis = SharedOpenbis()


def _environment_session(connection: str | None) -> dict[str, Any] | None:
    """JupyterHub without a reachable bridge: the token the Hub gave us (not renewable)."""
    url, token = os.environ.get("OPENBIS_URL"), os.environ.get("OPENBIS_TOKEN")
    if not url or not token or connection is not None:
        return None
    if not url.startswith(("https://", "http://")):
        url = f"https://{url}"
    return {
        "connection": "environment",
        "url": url,
        "token": token,
        "verifyCertificates": True,
        "caBundle": os.environ.get("OPENBIS_CA_BUNDLE") or None,
    }
