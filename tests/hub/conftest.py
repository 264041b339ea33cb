"""One real JupyterHub, sandbox and pair of OS users for the whole module (they take seconds)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from .browser import Browser
from .hubenv import Hub, HubPorts, running_hub

ALICE, BOB = "obhub-alice", "obhub-bob"
USERS = {ALICE: "alice-pw-71", BOB: "bob-pw-52"}


@pytest.fixture(scope="module")
def hub() -> Iterator[Hub]:
    with running_hub(USERS, HubPorts(public=18110, proxy_api=18111, hub=18112)) as running:
        yield running


def _log_in_and_spawn(hub: Hub, name: str) -> Browser:
    browser = Browser(hub, name)
    if name == ALICE:  # with her openBIS password
        reply = browser.login()
    else:  # with an openBIS session token in the form's "session" field, as the ELN does
        from openbis_sandbox.testing import pybis_client

        client = pybis_client(hub.sandbox, login=False)
        client.login(name, USERS[name], save_token=False)
        reply = browser.login(session=client.token)
    assert reply.status_code == 200, reply.text[:500]
    browser.spawn()
    assert browser.open_lab().status_code == 200
    return browser


@pytest.fixture(scope="module")
def browsers(hub: Hub) -> dict[str, Browser]:
    """Both users logged in at the hub and their servers running (spawned side by side)."""
    with ThreadPoolExecutor(len(USERS)) as pool:
        started = {name: pool.submit(_log_in_and_spawn, hub, name) for name in USERS}
        return {name: future.result() for name, future in started.items()}


@pytest.fixture(scope="module")
def alice(browsers: dict[str, Browser]) -> Browser:
    """Alice logged in at the hub with her openBIS password; her server runs."""
    return browsers[ALICE]


@pytest.fixture(scope="module")
def bob(browsers: dict[str, Browser]) -> Browser:
    """Bob logged in with an openBIS session token (the ELN's way); his server runs."""
    return browsers[BOB]
