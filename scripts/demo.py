"""Start the demo: openbis-sandbox with its demo lab, then JupyterLab connected to it.

The sandbox keeps its data in ``demo-data/sandbox`` across runs. JupyterLab gets
the sandbox as a ready connection the way JupyterHub provides one
(``OPENBIS_URL`` + ``OPENBIS_TOKEN`` in its environment, so no secret is written
to disk), trusts the sandbox's self-signed certificate through the CA bundle
setting.
"""

from __future__ import annotations

import argparse
import json
import os
import ssl
import subprocess
import sys
import urllib.request
from pathlib import Path

from openbis_sandbox.testing import RunningSandbox, start_sandbox

REPO = Path(__file__).resolve().parent.parent
AS_PATH = "/openbis/openbis/rmi-application-server-v3.json"


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
        "o = openbis()\n"
        'o.get_datasets().df[["permId", "type", "experiment"]]',
    ),
]


def write_welcome_notebook(folder: Path) -> None:
    """A first notebook for an empty demo folder; never overwrites the user's files."""
    target = folder / "welcome.ipynb"
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO / "demo-data")
    parser.add_argument("--sandbox-port", type=int, default=8443)
    parser.add_argument("--lab-port", type=int, default=8888)
    args = parser.parse_args()

    data_dir = args.data_dir.resolve()
    notebooks = data_dir / "notebooks"
    notebooks.mkdir(parents=True, exist_ok=True)
    write_welcome_notebook(notebooks)
    # A day-long session so the demo connection stays logged in.
    with start_sandbox(
        data_dir / "sandbox", port=args.sandbox_port, session_timeout_s=86400
    ) as sandbox:
        print(
            f"openBIS sandbox: {sandbox.url}  (user {sandbox.admin_user}, "
            f"password {sandbox.admin_password})",
            flush=True,
        )
        config = data_dir / "jupyter_demo_config.py"
        write_server_config(config, sandbox)
        env = dict(os.environ, OPENBIS_URL=sandbox.url, OPENBIS_TOKEN=login(sandbox))
        lab = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyterlab",
                f"--config={config}",
                f"--ServerApp.root_dir={notebooks}",
                f"--ServerApp.port={args.lab_port}",
                *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
            ],
            env=env,
        )
        try:
            return lab.wait()
        except KeyboardInterrupt:
            lab.terminate()
            return lab.wait()


if __name__ == "__main__":
    sys.exit(main())
