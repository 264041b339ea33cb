"""Start a sandbox as a subprocess for tests, benchmarks and UI-test setups.

    with start_sandbox(tmp_path / "obis") as sandbox:
        o = pybis_client(sandbox)
        o.get_datasets()

Readiness is detected by reading the ready line the server prints (no polling, no sleeps).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cli import READY_MARKER

STARTUP_TIMEOUT_S = 60.0


class SandboxStartError(RuntimeError):
    pass


@dataclass
class RunningSandbox:
    """A sandbox subprocess. Use as a context manager, or call ``stop()``."""

    data_dir: Path
    args: list[str]
    url: str = ""
    port: int = 0
    ca_cert: Path = Path()
    admin_user: str = "admin"
    admin_password: str = "changeit"
    api_version: str = ""
    sftp_port: int | None = None  # the read-only SFTP view, when started with sftp=True
    process: subprocess.Popen | None = None
    output: list[str] = field(default_factory=list)

    def start(self) -> RunningSandbox:
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        self.output = []
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "openbis_sandbox", *self.args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        ready = self._wait_for_ready_line()
        self.url = ready["url"]
        self.port = ready["port"]
        self.ca_cert = Path(ready["ca_cert"])
        self.admin_user = ready["user"]
        self.admin_password = ready["password"]
        self.api_version = ready["api_version"]
        self.sftp_port = ready.get("sftp_port")
        # keep draining the pipe so a chatty server never blocks on a full buffer
        threading.Thread(target=self._drain, daemon=True).start()
        return self

    def _wait_for_ready_line(self) -> dict[str, Any]:
        assert self.process is not None and self.process.stdout is not None
        timer = threading.Timer(STARTUP_TIMEOUT_S, self.process.kill)
        timer.start()
        try:
            for line in self.process.stdout:
                self.output.append(line)
                if line.startswith(READY_MARKER):
                    return json.loads(line[len(READY_MARKER) :])
        finally:
            timer.cancel()
        self.process.wait()
        raise SandboxStartError(
            f"sandbox exited with {self.process.returncode} before it was ready:\n"
            + "".join(self.output[-50:])
        )

    def _drain(self) -> None:
        process = self.process
        if process is None or process.stdout is None:
            return
        for line in process.stdout:
            self.output.append(line)

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM the server and wait for it to exit (it shuts down cleanly)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def restart(self) -> RunningSandbox:
        """Stop and start again on the same data dir and the same port."""
        port, sftp_port = self.port, self.sftp_port
        self.stop()
        self.args = _with_port(self.args, port)
        if sftp_port is not None:
            self.args = _with_port(self.args, sftp_port, option="--sftp-port")
        return self.start()

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _with_port(args: list[str], port: int, option: str = "--port") -> list[str]:
    out = list(args)
    index = out.index(option)
    out[index + 1] = str(port)
    return out


def start_sandbox(
    data_dir: Path | str,
    *,
    seed: str = "demo",
    api_version: str = "3.7",
    users: Iterable[tuple[str, str]] = (),
    session_timeout_s: int | None = None,
    extra_args: Sequence[str] = (),
    host: str = "127.0.0.1",
    port: int = 0,
    sftp: bool = False,
) -> RunningSandbox:
    """Start ``python -m openbis_sandbox`` on a free port and return once it serves.

    ``sftp=True`` also starts the DSS's read-only SFTP view on a free port (``.sftp_port``).
    """
    data_dir = Path(data_dir)
    args = [
        "--data-dir",
        str(data_dir),
        "--host",
        host,
        "--port",
        str(port),
        "--seed",
        seed,
        "--api-version",
        api_version,
    ]
    for name, password in users:
        args += ["--user", f"{name}:{password}"]
    if session_timeout_s is not None:
        args += ["--session-timeout-s", str(session_timeout_s)]
    if sftp:
        args += ["--sftp-port", "0"]
    args += list(extra_args)
    return RunningSandbox(data_dir=data_dir, args=args).start()


def pybis_client(sandbox: RunningSandbox, token: str | None = None, *, login: bool = True):
    """A fresh ``pybis.Openbis`` verifying the sandbox's certificate.

    With ``token`` it attaches to that session; otherwise it logs in as the admin when
    ``login`` is true.
    """
    from pybis import Openbis

    if token is not None:
        return Openbis(sandbox.url, verify_certificates=str(sandbox.ca_cert), token=token)
    client = Openbis(sandbox.url, verify_certificates=str(sandbox.ca_cert))
    if login:
        client.login(sandbox.admin_user, sandbox.admin_password)
    return client


def call_as(sandbox: RunningSandbox, method: str, *params: Any, raw_body: bytes | None = None):
    """POST one JSON-RPC request to the AS exactly as pybis does (no Content-Type header).

    Returns the ``requests.Response``; use ``.json()`` for the envelope.
    """
    import requests

    body = (
        raw_body
        if raw_body is not None
        else json.dumps({"method": method, "params": list(params), "id": "2", "jsonrpc": "2.0"})
    )
    return requests.post(
        f"{sandbox.url}/openbis/openbis/rmi-application-server-v3.json",
        data=body,
        verify=str(sandbox.ca_cert),
        timeout=30,
    )
