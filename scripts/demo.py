"""Start the demo: openbis-sandbox with its demo lab, then JupyterLab connected to it.

The sandbox keeps its data in ``demo-data/sandbox`` across runs. JupyterLab gets
the sandbox as a ready connection the way JupyterHub provides one
(``OPENBIS_URL`` + ``OPENBIS_TOKEN`` in its environment, so no secret is written
to disk), trusts the sandbox's self-signed certificate through the CA bundle
setting, and opens ``welcome.ipynb``.

SIGTERM, SIGINT (Ctrl-C) and SIGHUP stop JupyterLab and the sandbox, then the demo.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import urllib.request
from pathlib import Path
from types import FrameType

from openbis_sandbox.testing import RunningSandbox, SandboxStartError, start_sandbox

REPO = Path(__file__).resolve().parent.parent
AS_PATH = "/openbis/openbis/rmi-application-server-v3.json"
WELCOME = "welcome.ipynb"
STOP_TIMEOUT_S = 20.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def login(sandbox: RunningSandbox) -> str:
    """A session token for the demo user, over the real AS JSON-RPC API."""
    request = json.dumps(
        {
            "method": "login",
            "params": [sandbox.admin_user, sandbox.admin_password],
            "id": "1",
            "jsonrpc": "2.0",
        }
    ).encode()
    context = ssl.create_default_context(cafile=str(sandbox.ca_cert))
    with urllib.request.urlopen(sandbox.url + AS_PATH, data=request, context=context) as answer:
        token = json.load(answer)["result"]
    if not token:
        raise SystemExit("could not log in to the sandbox")
    return token


def write_server_config(path: Path, sandbox: RunningSandbox) -> None:
    path.write_text(
        "# Written by the demo; holds no secrets.\n"
        f"c.OpenBISBridge.ca_bundle = {str(sandbox.ca_cert)!r}\n"
    )


WELCOME_CELLS = [
    (
        "markdown",
        "# Welcome to jupyterlab-openbis-bridge\n\n"
        "This JupyterLab is connected to a local openBIS sandbox with a small demo lab.\n\n"
        "1. **Connect** in the toolbar shows the connection and its state.\n"
        "2. **Download data** finds datasets (try searching for `absorbance`) and downloads them "
        "into `data/` beside this notebook.\n"
        "3. **Save to openBIS** saves this notebook, with its environment and the datasets it used "
        "as parents, as an `ANALYSIS_NOTEBOOK` dataset.\n\n"
        "Kernel code uses the same login:",
    ),
    (
        "code",
        "from jupyterlab_openbis_bridge import openbis\n\n"
        'openbis.get_datasets().df[["permId", "type", "experiment"]]',
    ),
]


def write_welcome_notebook(folder: Path) -> None:
    """A first notebook for an empty demo folder; never overwrites the user's files."""
    target = folder / WELCOME
    if target.exists():
        return
    cells = [
        {
            "cell_type": kind,
            "id": f"welcome-{index}",
            "metadata": {},
            "source": text,
            **({"outputs": [], "execution_count": None} if kind == "code" else {}),
        }
        for index, (kind, text) in enumerate(WELCOME_CELLS)
    ]
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    target.write_text(json.dumps(notebook, indent=1))


class Stop(Exception):
    """A stop signal arrived: stop the children, then exit."""


class StopSignals:
    """Turns SIGTERM/SIGINT/SIGHUP into ``Stop``, but only where raising is safe.

    While a child is being started (``armed`` false) a signal is only remembered: raising
    then could leave a started child without anyone to stop it. ``arm()`` raises a
    remembered one.
    """

    def __init__(self) -> None:
        self.armed = False
        self.received: int | None = None
        for number in STOP_SIGNALS:
            signal.signal(number, self._handle)

    def _handle(self, number: int, frame: FrameType | None) -> None:
        self.received = number
        if self.armed:
            self.armed = False
            raise Stop(number)

    def arm(self) -> None:
        self.armed = True
        if self.received is not None:
            self.armed = False
            raise Stop(self.received)

    def disarm(self) -> None:
        self.armed = False


def port_in_use(port: int) -> bool:
    """Whether something listens on ``port`` (127.0.0.1), as a server binding it would see."""
    if port == 0:
        return False
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as tornado binds
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def check_ports(args: argparse.Namespace) -> str | None:
    """One line naming the variable and option to change, for the first port in use."""
    for port, variable, option in (
        (args.sandbox_port, "SANDBOX_PORT", "--sandbox-port"),
        (args.lab_port, "LAB_PORT", "--lab-port"),
    ):
        if port_in_use(port):
            return (
                f"demo: port {port} is in use; choose another with "
                f"`make demo {variable}=<port>` (or {option} <port>)"
            )
    return None


def lab_command(args: argparse.Namespace, config: Path, notebooks: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--config={config}",
        f"--ServerApp.root_dir={notebooks}",
        f"--ServerApp.port={args.lab_port}",
        "--ServerApp.port_retries=0",  # never another port than the one asked for
        f"--LabApp.default_url=/lab/tree/{WELCOME}",
        *(["--ServerApp.open_browser=False"] if args.no_browser else []),
        *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
    ]


def stop_child(process: subprocess.Popen) -> None:
    """SIGTERM (a clean shutdown), then SIGKILL if it does not end in time."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_lab(
    args: argparse.Namespace, sandbox: RunningSandbox, notebooks: Path, signals: StopSignals
) -> int:
    print(
        f"openBIS sandbox: {sandbox.url}  (user {sandbox.admin_user}, "
        f"password {sandbox.admin_password})",
        flush=True,
    )
    config = args.data_dir.resolve() / "jupyter_demo_config.py"
    write_server_config(config, sandbox)
    env = dict(os.environ, OPENBIS_URL=sandbox.url, OPENBIS_TOKEN=login(sandbox))
    signals.disarm()
    # No stdin: on Ctrl-C JupyterLab stops at once instead of asking for confirmation.
    lab = subprocess.Popen(lab_command(args, config, notebooks), env=env, stdin=subprocess.DEVNULL)
    try:
        signals.arm()
        return lab.wait()
    finally:
        signals.disarm()
        stop_child(lab)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO / "demo-data")
    parser.add_argument("--sandbox-port", type=int, default=8443)
    parser.add_argument("--lab-port", type=int, default=8888)
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    args = parser.parse_args()

    problem = check_ports(args)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    notebooks = args.data_dir.resolve() / "notebooks"
    notebooks.mkdir(parents=True, exist_ok=True)
    write_welcome_notebook(notebooks)
    signals = StopSignals()
    try:
        # A day-long session so the demo connection stays logged in.
        sandbox = start_sandbox(
            args.data_dir.resolve() / "sandbox", port=args.sandbox_port, session_timeout_s=86400
        )
    except SandboxStartError:
        if signals.received is not None:  # Ctrl-C reached the sandbox while it started
            return 0
        raise
    try:
        signals.arm()
        return run_lab(args, sandbox, notebooks, signals)
    except Stop:
        return 0
    finally:
        signals.disarm()
        sandbox.stop()


if __name__ == "__main__":
    sys.exit(main())
