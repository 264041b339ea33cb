"""Sessions handed to the server instead of typed in: OPENBIS_TOKEN and the hub's ``~/.pybis``.

Both are adopted off the event loop, on the first status listing (so the toolbar says
"connected" at start-up without a dialog) or the first call, whichever comes first. The
hub's token file is re-read whenever the session is found dead: a new hub login writes a
new token there, and the running server picks it up. A token from the file that openBIS
refused (or that the user logged out of) is remembered by digest and never tried again.
Callers hold the connection's lock.
"""

from __future__ import annotations

import logging
from typing import Protocol

from ..errors import AuthFailed
from ..hub_token import HubTokenFile, token_digest
from ..openbis_client import BridgeOpenbis
from ..profiles import Profile
from .states import STATE_CONNECTED, STATE_EXPIRED


class Connection(Protocol):
    """The fields of ``connections.Connection`` this module reads and sets."""

    name: str
    profile: Profile
    client: BridgeOpenbis | None
    pending_token: object | None
    token_file: HubTokenFile | None
    spent_token: str | None
    password: object | None
    auth_method: str | None
    owns_session: bool
    state: str
    message: str | None


audit = logging.getLogger(__name__.rsplit(".", 2)[0] + ".audit")

HUB_EXPIRED_MESSAGE = (
    "the openBIS session of your JupyterHub login has expired; "
    "log in again (here with your password, or at the hub)"
)


def awaits_adoption(conn: Connection) -> bool:
    """A handed-over session not tried yet: worth a login before the first status answer."""
    if conn.client is not None and conn.client.token:
        return False
    if conn.pending_token is not None:
        return True
    return conn.token_file is not None and conn.spent_token is None


def adopt_hub_login(conn: Connection, client: BridgeOpenbis) -> bool:
    """Log ``client`` in with the hub's saved token if there is a new one and it is live."""
    if conn.token_file is None:
        return False
    token = conn.token_file.read()
    if token is None or token_digest(token) == conn.spent_token:
        return False
    try:
        client.login_with_token(token)  # pybis's set_token asks isSessionActive at this URL
    except AuthFailed:
        conn.spent_token = token_digest(token)
        conn.token_file.refuse(f"the session is not active at {conn.profile.url}")
        conn.state, conn.message = STATE_EXPIRED, HUB_EXPIRED_MESSAGE
        return False
    conn.spent_token = token_digest(token)
    conn.auth_method = "pat" if token.startswith("$pat-") else "sessionToken"
    conn.owns_session, conn.password = False, None  # the hub's session: never ours to close
    conn.state, conn.message = STATE_CONNECTED, None
    audit.info(
        "openBIS connection %r (%s): adopted the session of the JupyterHub login (%s)",
        conn.name,
        conn.profile.url,
        conn.token_file.path,
    )
    return True
