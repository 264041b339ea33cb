"""A real ``jupyter server`` subprocess with the bridge, and kernels it starts.

The server runs with its own HOME, config, data and runtime dirs and a known
token, pointed at the folder's openBIS sandbox. Kernels are started through
``/api/sessions`` (so they are the server's kernels, with ``JPY_PARENT_PID`` and a
notebook session) and driven over ZMQ from the connection file the server wrote.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pytest
import requests
from jupyter_client import BlockingKernelClient

from openbis_sandbox.testing import RunningSandbox

from .support import CONNECTION

START_TIMEOUT_S = 180.0  # an upper bound only: readiness ends the wait
CELL_TIMEOUT_S = 120.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate, timeout: float, what: str) -> Any:
    """Poll a condition with a bounded deadline (used only for process start-up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class JupyterServer:
    process: subprocess.Popen
    url: str
    token: str
    root: Path
    runtime: Path
    home: Path
    log: Path
    sandbox: RunningSandbox
    kernels: list[str] = field(default_factory=list)

    def api(
        self, method: str, path: str, *, token: str | None = None, **kwargs: Any
    ) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if token is None:
            token = self.token
        if token:
            headers.setdefault("Authorization", f"token {token}")
        return requests.request(method, self.url + path, headers=headers, timeout=60, **kwargs)

    def login(self, password: str = "changeit") -> None:
        reply = self.api(
            "POST",
            f"openbis-bridge/connections/{CONNECTION}/login",
            json={"username": "admin", "password": password},
        )
        assert reply.status_code == 200, reply.text

    def logout(self) -> None:
        reply = self.api("POST", f"openbis-bridge/connections/{CONNECTION}/logout")
        assert reply.status_code == 200, reply.text

    def server_log(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def jupyter_server(
    sandbox: RunningSandbox, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[JupyterServer]:
    base = tmp_path_factory.mktemp("jupyter")
    dirs = {name: base / name for name in ("home", "config", "data", "runtime", "root")}
    for folder in dirs.values():
        folder.mkdir()
    os.chmod(dirs["runtime"], 0o700)  # as Jupyter makes it; the bridge refuses a shared one
    token = secrets.token_hex(24)
    port = _free_port()
    config = {
        "ServerApp": {
            "jpserver_extensions": {"jupyterlab_openbis_bridge": True},
            "token": token,
            "port": port,
            "port_retries": 0,
            "ip": "127.0.0.1",
            "open_browser": False,
            "allow_root": True,  # CI containers run as root
            "root_dir": str(dirs["root"]),
        },
        "OpenBISBridge": {
            "connections": [
                {"name": CONNECTION, "url": sandbox.url, "caBundle": str(sandbox.ca_cert)}
            ],
            "connections_file": str(dirs["config"] / "openbis-bridge-connections.json"),
            "read_legacy_connections": False,
            "read_environment": False,
            "request_timeout": 15.0,
        },
    }
    (dirs["config"] / "jupyter_server_config.json").write_text(json.dumps(config))
    env = {
        **os.environ,
        "HOME": str(dirs["home"]),
        "JUPYTER_CONFIG_DIR": str(dirs["config"]),
        "JUPYTER_DATA_DIR": str(dirs["data"]),
        "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
        "JUPYTER_PLATFORM_DIRS": "0",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("OPENBIS_URL", "OPENBIS_TOKEN", "JPY_PARENT_PID", "JUPYTERHUB_API_TOKEN"):
        env.pop(name, None)
    log = base / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", "--debug"],
            env=env,
            cwd=dirs["root"],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    server = JupyterServer(
        process,
        f"http://127.0.0.1:{port}/",
        token,
        dirs["root"],
        dirs["runtime"],
        dirs["home"],
        log,
        sandbox,
    )

    def ready() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"jupyter server exited:\n{server.server_log()}")
        if not (dirs["runtime"] / f"jpserver-{process.pid}.json").exists():
            return False
        try:
            return server.api("GET", "openbis-bridge/status").status_code == 200
        except requests.ConnectionError:
            return False

    try:
        wait_until(ready, START_TIMEOUT_S, "the Jupyter server")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Kernel:
    server: JupyterServer
    kernel_id: str
    session_id: str
    notebook: str  # contents path
    client: BlockingKernelClient
    cells: list[Any] = field(default_factory=list)

    @property
    def connection_file(self) -> Path:
        return self.server.runtime / f"kernel-{self.kernel_id}.json"

    def run(self, code: str, timeout: float = CELL_TIMEOUT_S) -> str:
        """Execute ``code`` as a new cell; return its text output, raise on an error."""
        outputs: list[Any] = []

        def hook(msg: dict[str, Any]) -> None:
            kind = msg["header"]["msg_type"]
            if kind in ("stream", "display_data", "execute_result", "error"):
                outputs.append(nbformat.v4.output_from_msg(msg))

        reply = self.client.execute_interactive(
            code, timeout=timeout, output_hook=hook, allow_stdin=False
        )
        cell = nbformat.v4.new_code_cell(code, outputs=outputs)
        self.cells.append(cell)
        text = "".join(_output_text(o) for o in outputs)
        if reply["content"]["status"] != "ok":
            raise AssertionError(f"cell failed:\n{code}\n---\n{text}")
        return text

    def save_notebook(self) -> Path:
        """Write the executed cells into the notebook file, keeping its metadata."""
        path = self.server.root.joinpath(*self.notebook.split("/"))
        notebook = nbformat.read(path, as_version=4)
        notebook.cells = list(self.cells)
        nbformat.write(notebook, path)
        return path


def _output_text(output: Any) -> str:
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return "\n".join(output.traceback)
    data = output.get("data", {})
    return str(data.get("text/plain", "")) + str(data.get("text/html", ""))


def start_kernel(server: JupyterServer, notebook: str) -> Kernel:
    """A kernel the server starts for ``notebook`` (an empty notebook is written first).

    Without the client's heartbeat: on a loaded machine a kernel that is still importing
    misses its 1-second beat and would be taken for dead; readiness is the kernel_info
    reply, awaited up to the deadline.
    """
    path = server.root.joinpath(*notebook.split("/"))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(), path)
    reply = server.api(
        "POST",
        "api/sessions",
        json={
            "path": notebook,
            "name": path.name,
            "type": "notebook",
            "kernel": {"name": "python3"},
        },
    )
    assert reply.status_code == 201, reply.text
    session = reply.json()
    kernel_id = session["kernel"]["id"]
    client = BlockingKernelClient(connection_file=str(server.runtime / f"kernel-{kernel_id}.json"))
    client.load_connection_file()
    client.start_channels(hb=False)
    client.wait_for_ready(timeout=START_TIMEOUT_S)
    return Kernel(server, kernel_id, session["id"], notebook, client)


@pytest.fixture
def kernel_factory(jupyter_server: JupyterServer) -> Iterator:
    started: list[Kernel] = []

    def factory(notebook: str) -> Kernel:
        kernel = start_kernel(jupyter_server, notebook)
        started.append(kernel)
        return kernel

    yield factory
    for kernel in started:
        kernel.client.stop_channels()
        jupyter_server.api("DELETE", f"api/sessions/{kernel.session_id}")


@pytest.fixture
def kernel(kernel_factory, request: pytest.FixtureRequest) -> Kernel:
    """A kernel for ``work/<test name>.ipynb``, with the server logged in."""
    kernel_factory_server: JupyterServer = request.getfixturevalue("jupyter_server")
    kernel_factory_server.login()
    return kernel_factory(f"work/{request.node.name.replace('[', '_').rstrip(']')}.ipynb")
