"""``make demo`` without the install step: ports from the command line, a clear line for a port
in use, ``welcome.ipynb`` opened on start, and a stop signal that stops both children."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psutil  # a dependency of ipykernel
import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "scripts" / "demo.sh"
START_TIMEOUT_S = 120.0  # the sandbox seeds its demo lab, then JupyterLab starts
STOP_TIMEOUT_S = 60.0

pytestmark = pytest.mark.skipif(
    not (ROOT / ".venv" / "bin" / "python").exists(), reason="the demo runs from .venv"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def accepts(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until(predicate: Callable[[], object], timeout: float, what: str) -> None:
    """Poll a condition with a bounded deadline (process start-up and shutdown only)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


class Demo:
    def __init__(self, tmp_path: Path, lab_port: int, sandbox_port: int) -> None:
        self.lab_port, self.sandbox_port = lab_port, sandbox_port
        self.token = secrets.token_hex(16)
        self.data_dir = tmp_path / "demo-data"
        jupyter = {name: tmp_path / name for name in ("config", "runtime", "data")}
        for folder in jupyter.values():
            folder.mkdir(mode=0o700)
        env = {
            **os.environ,
            "JUPYTER_TOKEN": self.token,
            "JUPYTER_CONFIG_DIR": str(jupyter["config"]),
            "JUPYTER_RUNTIME_DIR": str(jupyter["runtime"]),
            "JUPYTER_DATA_DIR": str(jupyter["data"]),
            "JUPYTER_PLATFORM_DIRS": "0",
            "PYTHONUNBUFFERED": "1",
        }
        self.output: list[str] = []
        self.children: list[psutil.Process] = []
        self.process = subprocess.Popen(
            [
                "bash",
                str(DEMO),
                "--no-setup",
                "--no-browser",
                f"--data-dir={self.data_dir}",
                f"--lab-port={lab_port}",
                f"--sandbox-port={sandbox_port}",
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)

    def log(self) -> str:
        return "".join(self.output[-60:])

    def lab(self, path: str, **kwargs) -> requests.Response:
        return requests.get(
            f"http://127.0.0.1:{self.lab_port}{path}",
            headers={"Authorization": f"token {self.token}"},
            timeout=10,
            **kwargs,
        )

    def lab_ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the demo exited with {self.process.returncode}:\n{self.log()}")
        try:
            return self.lab("/api/status").status_code == 200
        except requests.ConnectionError:
            return False

    def finish(self, timeout: float) -> int:
        code = self.process.wait(timeout)
        self._reader.join(timeout)
        return code

    def find_children(self) -> list[psutil.Process]:
        self.children = psutil.Process(self.process.pid).children(recursive=True)
        return self.children

    def kill(self) -> None:
        """Whatever happened in the test, leave no process behind."""
        if self.process.poll() is None:
            self.find_children()
            self.process.kill()
            self.process.wait()
        for child in self.children:
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass


@pytest.fixture
def start_demo(tmp_path: Path) -> Iterator[Callable[..., Demo]]:
    started: list[Demo] = []

    def start(lab_port: int | None = None, sandbox_port: int | None = None) -> Demo:
        demo = Demo(tmp_path, lab_port or free_port(), sandbox_port or free_port())
        started.append(demo)
        return demo

    yield start
    for demo in started:
        demo.kill()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_stops_jupyterlab_and_the_sandbox(start_demo, stop):
    demo = start_demo()
    wait_until(demo.lab_ready, START_TIMEOUT_S, "JupyterLab of the demo")
    assert accepts(demo.sandbox_port)
    assert f"openBIS sandbox: https://127.0.0.1:{demo.sandbox_port}" in demo.log()

    # JupyterLab opens the welcome notebook: it is the server's default URL.
    assert (demo.data_dir / "notebooks" / "welcome.ipynb").is_file()
    home = demo.lab("/", allow_redirects=False)
    assert home.status_code in (301, 302), home.status_code
    assert urlsplit(home.headers["Location"]).path == "/lab/tree/welcome.ipynb"

    children = demo.find_children()
    commands = [" ".join(child.cmdline()) for child in children]
    assert any("-m jupyterlab" in c for c in commands), commands
    assert any("-m openbis_sandbox" in c for c in commands), commands

    demo.process.send_signal(stop)
    assert demo.finish(STOP_TIMEOUT_S) == 0, demo.log()
    alive = [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert alive == [], [" ".join(c.cmdline()) for c in alive]
    assert not accepts(demo.lab_port) and not accepts(demo.sandbox_port)


@pytest.mark.parametrize(
    ("busy", "variable", "option"),
    [("lab", "LAB_PORT", "--lab-port"), ("sandbox", "SANDBOX_PORT", "--sandbox-port")],
)
def test_a_port_in_use_is_one_clear_line(start_demo, busy, variable, option):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        demo = start_demo(**{f"{busy}_port": port})
        code = demo.finish(STOP_TIMEOUT_S)
    lines = demo.log().splitlines()
    assert code == 2
    assert len(lines) == 1, lines
    assert f"port {port} is in use" in lines[0]
    assert f"make demo {variable}=" in lines[0] and option in lines[0]
    assert not (demo.data_dir / "sandbox").exists()  # nothing was started
