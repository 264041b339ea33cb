"""A real JupyterHub for the openBIS setup: the pieces the hub tests and the load benchmark share.

JupyterHub from the package index with openBIS's own ``OpenbisAuthenticator`` (as shipped),
configurable-http-proxy from the npm registry (``scripts/setup.sh`` installs it into
``tests/hub/node_modules``), an ``openbis-sandbox`` with the lab's users, and
``LocalProcessSpawner``, which runs each user's single-user server as that OS user (the hub
runs as root, as on openBIS's hub image). The OS users are created here and removed after.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from openbis_sandbox.testing import RunningSandbox, start_sandbox

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CHP = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
HUB_PREFIX = "/lab-hub/"  # a base URL prefix in front of every route, as labs deploy it
START_TIMEOUT_S = 90.0


@dataclass(frozen=True)
class HubPorts:
    public: int  # the proxy, where browsers go
    proxy_api: int
    hub: int


@dataclass
class Hub:
    base: Path
    sandbox: RunningSandbox
    ports: HubPorts
    users: dict[str, str]  # OS + openBIS user name -> openBIS password
    process: subprocess.Popen | None = None
    log_path: Path = field(default_factory=Path)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports.public}{HUB_PREFIX.rstrip('/')}"

    def user_url(self, name: str, path: str = "") -> str:
        return f"{self.url}/user/{name}/{path}"

    def home(self, name: str) -> Path:
        return Path(pwd.getpwnam(name).pw_dir)

    def token_file(self, name: str) -> Path:
        return self.home(name) / ".pybis" / "127.0.0.1.token"

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def wait_until(condition, what: str, timeout: float = START_TIMEOUT_S, interval: float = 0.2):
    """Poll ``condition()`` until it returns something truthy; fail with ``what`` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)  # a poll interval, not a synchronisation: the condition decides


# --- OS users ------------------------------------------------------------------------------


def create_os_users(names: Iterable[str]) -> None:
    for name in names:
        remove_os_user(name)  # a leftover of an interrupted run
        subprocess.run(
            [
                "useradd",
                "--create-home",
                "--home-dir",
                f"/home/{name}",
                "--shell",
                "/bin/bash",
                name,
            ],
            check=True,
            capture_output=True,
        )
        os.chmod(f"/home/{name}", 0o700)  # what the authenticator's own adduser() does


def remove_os_user(name: str) -> None:
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    for pid in pids_of(uid):  # only the servers and kernels this run started as that user
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    wait_until(lambda: not pids_of(uid), f"the processes of {name} to end", timeout=10)
    subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)


def pids_of(uid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except FileNotFoundError:
                pass
    return pids


# --- letting the users run the repository's Python -----------------------------------------

_ACL = "system.posix_acl_access"
_UNDEFINED = 0xFFFFFFFF


@contextmanager
def traversable_for(uids: list[int], paths: Iterable[Path]) -> Iterator[None]:
    """Give exactly these uids search (x) on the folders above ``paths`` that others cannot enter.

    The repository's venv may point at an interpreter under ``/root`` (mode 0700). A POSIX ACL
    entry per test user (``setfacl -m u:UID:x``, written as the kernel's xattr) opens only
    traversal, only for them; it is removed and the mode restored afterwards.
    """
    folders: dict[Path, int] = {}
    for path in paths:
        for folder in [path, *path.parents] if path.is_dir() else path.parents:
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH and folder not in folders:
                folders[folder] = stat.S_IMODE(mode)
    for folder, mode in folders.items():
        os.setxattr(folder, _ACL, _acl_with_search(mode, uids))
    try:
        yield
    finally:
        for folder, mode in folders.items():
            os.removexattr(folder, _ACL)
            os.chmod(folder, mode)  # the mask had replaced the group bits


def _acl_with_search(mode: int, uids: list[int]) -> bytes:
    group = (mode >> 3) & 7
    entries = [(0x01, (mode >> 6) & 7, _UNDEFINED)]  # ACL_USER_OBJ
    entries += [(0x02, 1, uid) for uid in sorted(uids)]  # ACL_USER: --x
    entries += [(0x04, group, _UNDEFINED), (0x10, group | 1, _UNDEFINED)]  # GROUP_OBJ, MASK
    entries += [(0x20, mode & 7, _UNDEFINED)]  # ACL_OTHER
    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *entry) for entry in entries)


# --- the hub -------------------------------------------------------------------------------


def hub_config(hub: Hub) -> str:
    venv_bin = Path(sys.prefix) / "bin"
    ca = hub.base / "openbis-ca.pem"
    return f"""
# Written by tests/hub/hubenv.py; the same settings as docs/jupyterhub.md.
c.JupyterHub.bind_url = "http://127.0.0.1:{hub.ports.public}{HUB_PREFIX}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub.ports.hub}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{hub.ports.proxy_api}"
c.ConfigurableHTTPProxy.command = [{str(CHP)!r}]
c.JupyterHub.db_url = "sqlite:///{hub.base}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{hub.base}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "{hub.base}/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.template_paths = [{str(HERE / "templates")!r}]

c.JupyterHub.authenticator_class = "jupyter_openbis_authenticator.auth.OpenbisAuthenticator"
c.OpenbisAuthenticator.server_url = {hub.sandbox.url!r}
c.Authenticator.enable_auth_state = True
c.Authenticator.allow_all = True

c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [{str(venv_bin / "jupyterhub-singleuser")!r}]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
c.Spawner.args = [
    "--OpenBISBridge.ca_bundle={ca}",
    "--OpenBISBridge.read_legacy_connections=False",
]
c.Spawner.environment = {{"PATH": "{venv_bin}:/usr/local/bin:/usr/bin:/bin"}}
"""


def start_hub(hub: Hub) -> None:
    shutil.copy(hub.sandbox.ca_cert, hub.base / "openbis-ca.pem")
    os.chmod(hub.base / "openbis-ca.pem", 0o644)
    config = hub.base / "jupyterhub_config.py"
    config.write_text(hub_config(hub))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JUPYTER", "OPENBIS_", "JPY_"))
    }
    env.update(
        JUPYTERHUB_CRYPT_KEY=secrets.token_hex(32),  # enable_auth_state needs it
        REQUESTS_CA_BUNDLE=str(hub.base / "openbis-ca.pem"),  # pybis in the authenticator
        HOME="/root",
    )
    hub.log_path = hub.base / "jupyterhub.log"
    with hub.log_path.open("wb") as log:
        hub.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)],
            cwd=hub.base,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    wait_until(lambda: _hub_answers(hub), "JupyterHub to answer")


def _hub_answers(hub: Hub) -> bool:
    if hub.process is not None and hub.process.poll() is not None:
        raise AssertionError(f"JupyterHub exited:\n{hub.log_text()[-4000:]}")
    try:
        return requests.get(f"{hub.url}/hub/api/", timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def stop_hub(hub: Hub) -> None:
    process, hub.process = hub.process, None
    if process is None or process.poll() is not None:
        return
    process.terminate()  # cleanup_servers stops every single-user server first
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_hub(users: dict[str, str], ports: HubPorts) -> Iterator[Hub]:
    """Sandbox with ``users``, their OS accounts, and a hub in front; all gone afterwards."""
    if not CHP.exists():
        raise AssertionError(f"{CHP} is missing: run scripts/setup.sh (npm install in tests/hub)")
    base = Path(tempfile.mkdtemp(prefix="openbis-hub-"))
    os.chmod(base, 0o755)  # the users read the CA certificate from here
    sandbox = start_sandbox(base / "sandbox", seed="demo", users=users.items())
    hub = Hub(base=base, sandbox=sandbox, ports=ports, users=dict(users))
    try:
        create_os_users(users)
        uids = [pwd.getpwnam(name).pw_uid for name in users]
        interpreter = Path(os.path.realpath(sys.executable))
        with traversable_for(uids, [interpreter, Path(sys.prefix), REPO, base]):
            start_hub(hub)
            try:
                yield hub
            finally:
                stop_hub(hub)
                for name in users:
                    remove_os_user(name)
    finally:
        for name in users:
            remove_os_user(name)
        sandbox.stop()
        shutil.rmtree(base, ignore_errors=True)
