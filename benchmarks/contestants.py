"""The two contestants of ``vs_baseline.py``: Jupyter servers started from this venv, one with
this extension ("ours") and one with the released jupyter-openbis-server 0.5.0 ("anchor"), both
on the same sandbox and the same pybis."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from openbis_sandbox.testing import RunningSandbox

BASELINE = "jupyter-openbis-server==0.5.0"
BASELINE_MODULE = "jupyter-openbis-server.server"
OURS_MODULE = "jupyterlab_openbis_bridge"
CONN = "s"
STARTUP_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class JupyterServer:
    label: str
    root: Path
    process: subprocess.Popen
    port: int
    token: str
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return requests.get(self.url(path), headers=self.headers, timeout=3600, **kwargs)

    def post(self, path: str, body: dict[str, Any]) -> requests.Response:
        return requests.post(self.url(path), headers=self.headers, json=body, timeout=3600)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_jupyter(
    label: str,
    work: Path,
    extensions: dict[str, bool],
    config: dict[str, Any],
    *,
    env: dict[str, str] | None = None,
    files: dict[str, str] | None = None,
    port: int = 0,
) -> JupyterServer:
    """A ``jupyter_server`` child with only the given extensions switched on or off."""
    config_dir = work / f"{label}-config"
    root = work / f"{label}-root"
    config_dir.mkdir()
    root.mkdir()
    for name, text in (files or {}).items():
        (config_dir / name).write_text(text)
    port, token = port or free_port(), secrets.token_hex(16)
    settings = {
        "ServerApp": {
            "jpserver_extensions": extensions,
            "root_dir": str(root),
            "port": port,
            "ip": "127.0.0.1",
            "open_browser": False,
            "port_retries": 0,
            "allow_root": True,  # containers often run as root
        },
        "IdentityProvider": {"token": token},
        **config,
    }
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(settings))
    log = work / f"{label}-server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server"],
            env={**os.environ, **(env or {}), "JUPYTER_CONFIG_DIR": str(config_dir)},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    server = JupyterServer(label, root, process, port, token, log)
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:  # readiness poll of a child process
        if process.poll() is not None:
            raise RuntimeError(f"{label} server exited:\n{log.read_text()[-3000:]}")
        try:
            if server.get("/api/status").ok:
                return server
        except requests.ConnectionError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{label} server did not start:\n{log.read_text()[-3000:]}")


def fetch_baseline(work: Path, wheel: str | None) -> Path:
    """Unpack the baseline wheel; returns the folder to put on PYTHONPATH."""
    if wheel is None:
        wheels = work / "wheels"
        done = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", BASELINE, "-d", wheels],
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"pip download {BASELINE} failed: {done.stderr.strip()}")
        wheel = str(next(wheels.glob("*.whl")))
    target = work / "baseline-pkg"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def start_ours(work: Path, sandbox: RunningSandbox, port: int) -> JupyterServer:
    bridge = {
        "connections": [{"name": CONN, "url": sandbox.url, "caBundle": str(sandbox.ca_cert)}],
        "connections_file": str(work / "ours-profiles.json"),
        "read_legacy_connections": False,
        "read_environment": False,
    }
    server = start_jupyter(
        "ours",
        work,
        {OURS_MODULE: True, BASELINE_MODULE: False},
        {"OpenBISBridge": bridge},
        port=port,
    )
    login = server.post(
        f"/openbis-bridge/connections/{CONN}/login",
        {"username": sandbox.admin_user, "password": sandbox.admin_password},
    )
    login.raise_for_status()
    return server


def start_baseline(work: Path, sandbox: RunningSandbox, package: Path, port: int) -> JupyterServer:
    # The baseline reads openbis-connections.yaml from the config dir and logs in at start.
    # It cannot take a CA bundle, so certificate verification is off (its own default).
    connections = (
        "connections:\n"
        f"  - name: {CONN}\n    url: {sandbox.url}\n    verify_certificates: false\n"
        f"    username: {sandbox.admin_user}\n    password: {sandbox.admin_password}\n"
    )
    path = os.pathsep.join(filter(None, [str(package), os.environ.get("PYTHONPATH")]))
    server = start_jupyter(
        "baseline",
        work,
        {BASELINE_MODULE: True, OURS_MODULE: False},
        {},
        env={"PYTHONPATH": path, "PYTHONUNBUFFERED": "1"},
        files={"openbis-connections.yaml": connections},
        port=port,
    )
    if "Successfully connected" not in server.log.read_text():
        text = server.log.read_text()[-3000:]
        server.stop()
        raise RuntimeError(f"the baseline did not log in to the sandbox:\n{text}")
    return server
