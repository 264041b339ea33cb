"""JupyterLab server configuration for the Galata tests.

Starts an openbis-sandbox (a local openBIS) for the session and points the
bridge at it. The sandbox's URL and CA certificate are written to
``sandbox-<port>.json`` beside this file so the Playwright tests can check
results through pybis and set faults on the sandbox; one file per port, so a
JupyterLab and a Notebook 7 run can share the folder.
"""

import atexit
import json
import os
import sys
import tempfile
from pathlib import Path

from jupyterlab.galata import configure_jupyter_server

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "python_pkg"))

from openbis_sandbox.testing import start_sandbox  # noqa: E402

configure_jupyter_server(c)  # noqa: F821 (c is injected by the config loader)

# GALATA_PORT lets two test runs share a machine (playwright.config.js reads it too).
c.ServerApp.port = int(os.environ.get("GALATA_PORT", "8888"))  # noqa: F821

# CI runs as root in a container.
c.ServerApp.allow_root = True  # noqa: F821

_work = Path(tempfile.mkdtemp(prefix="openbis-bridge-ui-"))
sandbox = start_sandbox(_work / "sandbox", seed="demo", sftp=True)  # sftp: mount.spec.ts
atexit.register(sandbox.stop)

c.OpenBISBridge.ca_bundle = str(sandbox.ca_cert)  # noqa: F821
c.OpenBISBridge.connections = [  # noqa: F821
    {"name": "sandbox", "url": sandbox.url, "username": "admin", "caBundle": str(sandbox.ca_cert)}
]
# Profiles the tests add go to a throw-away file, never to the user's config.
c.OpenBISBridge.connections_file = str(_work / "connections.json")  # noqa: F821
c.OpenBISBridge.read_legacy_connections = False  # noqa: F821
c.OpenBISBridge.read_environment = False  # noqa: F821

(HERE / f"sandbox-{c.ServerApp.port}.json").write_text(  # noqa: F821
    json.dumps(
        {
            "url": sandbox.url,
            "caCert": str(sandbox.ca_cert),
            "user": sandbox.admin_user,
            "password": sandbox.admin_password,
            "python": sys.executable,
            "rootDir": str(c.ServerApp.root_dir),  # noqa: F821
            "sftpPort": sandbox.sftp_port,
        }
    )
)
