"""The hub's saved openBIS login (``~/.pybis/<host>.token``) and sessions handed over at start-up.

Unit tests of ``hub_token`` (every refusal), then the server: the start-up listing
(``live=false``, what the toolbar asks first) already says "connected" for OPENBIS_TOKEN and
for the hub's file, an expired file is reported as such, and a new hub login is picked up.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from jupyterlab_openbis_bridge.hub_token import HubTokenFile
from jupyterlab_openbis_bridge.server.settings import hub_login_url
from openbis_sandbox.testing import RunningSandbox, pybis_client

URL = "https://openbis.example.org:8443/openbis"
TOKEN = "alice-260101120000000x0123456789abcdef0123"
NOBODY = 65534


def write_token(home: Path, host: str = "openbis.example.org", text: str = TOKEN) -> Path:
    folder = home / ".pybis"
    folder.mkdir(exist_ok=True)
    path = folder / f"{host}.token"
    path.write_text(text)
    path.chmod(0o600)  # what pybis's _save_token_to_disk does
    return path


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def hub_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="jupyterlab_openbis_bridge")
    return caplog


def read(home: Path, url: str = URL) -> str | None:
    return HubTokenFile(url, home=home).read()


def test_the_file_pybis_wrote_for_this_host_is_read(home, hub_log):
    home.mkdir()
    write_token(home, text=TOKEN + "\n")
    assert read(home) == TOKEN
    assert "found" in hub_log.text and TOKEN not in hub_log.text


def test_no_file_means_no_token(home):
    home.mkdir()
    assert read(home) is None
    (home / ".pybis").mkdir()
    assert read(home) is None


def test_a_symlink_is_refused(home, hub_log):
    home.mkdir()
    target = write_token(home, host="elsewhere")
    (home / ".pybis" / "openbis.example.org.token").symlink_to(target)
    assert read(home) is None
    assert "symbolic link" in hub_log.text and TOKEN not in hub_log.text


def test_a_symlinked_folder_is_refused(home, tmp_path, hub_log):
    home.mkdir()
    real = tmp_path / "real"
    real.mkdir()
    write_token(real)
    (home / ".pybis").symlink_to(real / ".pybis")
    assert read(home) is None
    assert "folder is a symbolic link" in hub_log.text


def test_another_owner_is_refused(home, hub_log):
    home.mkdir()
    path = write_token(home)
    os.chown(path, NOBODY, NOBODY)  # CI and the hub run as root
    assert read(home) is None
    assert f"the file belongs to uid {NOBODY}" in hub_log.text


def test_a_folder_of_another_owner_is_refused(home, hub_log):
    home.mkdir()
    path = write_token(home)
    os.chown(path.parent, NOBODY, NOBODY)
    assert read(home) is None
    assert f"the folder belongs to uid {NOBODY}" in hub_log.text


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644])
def test_group_or_other_access_is_refused(home, hub_log, mode):
    home.mkdir()
    write_token(home).chmod(mode)
    assert read(home) is None
    assert f"mode {mode:04o}" in hub_log.text


def test_only_the_file_of_exactly_that_host_is_read(home):
    home.mkdir()
    write_token(home, host="other.example.org")
    write_token(home, host="openbis.example.org.evil")
    assert read(home) is None
    assert read(home, "https://other.example.org") == TOKEN


def test_not_a_regular_file_or_not_a_token_is_refused(home, hub_log):
    home.mkdir()
    path = write_token(home)
    path.unlink()
    os.mkfifo(path, 0o600)  # would block a plain open()
    assert read(home) is None
    assert "not a regular file" in hub_log.text
    path.unlink()
    write_token(home, text="")
    assert read(home) is None
    write_token(home, text="x" * 5000)
    assert read(home) is None
    assert "malformed" in hub_log.text and "larger than" in hub_log.text


def test_a_refusal_is_logged_once(home, hub_log):
    home.mkdir()
    write_token(home).chmod(0o644)
    reader = HubTokenFile(URL, home=home)
    for _ in range(3):
        assert reader.read() is None
    assert hub_log.text.count("ignored") == 1


# --- the server ------------------------------------------------------------------------------


@pytest.fixture
def hub_env(sandbox: RunningSandbox, bridge_config, monkeypatch):
    """OPENBIS_URL without a token, as openBIS's JupyterHub authenticator spawns servers."""
    monkeypatch.setenv("OPENBIS_URL", sandbox.url)
    monkeypatch.delenv("OPENBIS_TOKEN", raising=False)
    bridge_config.update(read_environment=True, connections=[], ca_bundle=str(sandbox.ca_cert))


@pytest.fixture
def server_home(hub_env, api) -> Path:
    """The HOME the Jupyter server started with (pytest-jupyter gives it its own)."""
    return Path(os.environ["HOME"])


def hub_login(sandbox: RunningSandbox, home: Path) -> str:
    """What the authenticator does: log in with pybis, save the token for the user."""
    token = pybis_client(sandbox).token
    write_token(home, host="127.0.0.1", text=token)
    return token


@pytest.fixture
def token_env(sandbox: RunningSandbox, bridge_config, monkeypatch):
    """OPENBIS_URL + OPENBIS_TOKEN, as other hub setups spawn servers."""
    monkeypatch.setenv("OPENBIS_URL", sandbox.url)
    monkeypatch.setenv("OPENBIS_TOKEN", pybis_client(sandbox).token)
    bridge_config.update(read_environment=True, connections=[], ca_bundle=str(sandbox.ca_cert))


async def test_startup_listing_is_connected_with_openbis_token(token_env, api):
    listing = await api("GET", "connections", params={"live": "false"})
    [conn] = listing.body["connections"]
    assert conn["origin"] == "env" and conn["status"] == "connected", conn


async def test_startup_listing_adopts_the_hub_login(sandbox, server_home, api, hub_log):
    token = hub_login(sandbox, server_home)
    listing = await api("GET", "connections", params={"live": "false"})
    [conn] = listing.body["connections"]
    assert conn["name"] == "127.0.0.1" and conn["status"] == "connected", conn
    assert conn["authMethod"] == "sessionToken" and token not in listing.text
    assert "adopted the session of the JupyterHub login" in hub_log.text
    assert token not in hub_log.text
    spaces = await api("GET", "connections/127.0.0.1/spaces")
    assert spaces.code == 200, spaces.text


async def test_an_expired_hub_login_asks_for_a_new_one(sandbox, server_home, api, hub_log):
    token = hub_login(sandbox, server_home)
    pybis_client(sandbox, token=token).logout()  # the session ends in openBIS
    listing = await api("GET", "connections", params={"live": "false"})
    [conn] = listing.body["connections"]
    assert conn["status"] == "session_expired" and "JupyterHub" in conn["message"], conn
    assert "not active at" in hub_log.text and token not in hub_log.text
    # A new hub login rewrites the file; the running server picks it up.
    hub_login(sandbox, server_home)
    listing = await api("GET", "connections")
    [conn] = listing.body["connections"]
    assert conn["status"] == "connected", conn


async def test_a_session_that_dies_later_is_renewed_from_a_new_hub_login(sandbox, server_home, api):
    token = hub_login(sandbox, server_home)
    assert (await api("GET", "connections/127.0.0.1/spaces")).code == 200
    pybis_client(sandbox, token=token).logout()
    [conn] = (await api("GET", "connections")).body["connections"]
    assert conn["status"] == "session_expired", conn
    hub_login(sandbox, server_home)
    assert (await api("GET", "connections/127.0.0.1/spaces")).code == 200


async def test_a_refused_hub_file_leaves_a_password_login(sandbox, server_home, api, hub_log):
    hub_login(sandbox, server_home)
    (server_home / ".pybis" / "127.0.0.1.token").chmod(0o644)
    [conn] = (await api("GET", "connections", params={"live": "false"})).body["connections"]
    assert conn["status"] == "not_logged_in", conn
    assert "mode 0644" in hub_log.text
    reply = await api(
        "POST",
        "connections/127.0.0.1/login",
        body={"username": sandbox.admin_user, "password": sandbox.admin_password},
    )
    assert reply.code == 200 and reply.body["status"] == "connected", reply.text


# --- the hub's login for ended sessions (opt-in) ----------------------------------------------


def test_the_hub_login_is_its_logout_page_under_jupyterhub_only():
    hub = {
        "JUPYTERHUB_BASE_URL": "/lab-hub/",
        "JUPYTERHUB_API_URL": "http://127.0.0.1:8081/hub/api",
    }
    assert hub_login_url(hub) == "/lab-hub/hub/logout"
    assert hub_login_url({"JUPYTERHUB_BASE_URL": "/"}) is None  # not spawned by a hub
    assert hub_login_url({}) is None


@pytest.fixture(params=[True, False], ids=["enabled", "disabled"])
def hub_login_option(request, bridge_config, monkeypatch) -> bool:
    """A server spawned by a hub, with ``hub_login_on_expiry`` on or off."""
    monkeypatch.setenv("JUPYTERHUB_BASE_URL", "/")
    monkeypatch.setenv("JUPYTERHUB_API_URL", "http://127.0.0.1:8081/hub/api")
    bridge_config["hub_login_on_expiry"] = request.param
    return request.param


async def test_status_offers_the_hub_login_only_when_enabled(hub_login_option, api):
    status = await api("GET", "status")
    expected = "/hub/logout" if hub_login_option else None
    assert status.code == 200 and status.body["hubLoginUrl"] == expected
