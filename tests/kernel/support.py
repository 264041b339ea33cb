"""Helpers for the kernel tests (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import requests

from jupyterlab_openbis_bridge import kernel_proof
from jupyterlab_openbis_bridge.kernel.client import BridgeClient, KernelIdentity, ServerInfo

ADMIN_FAULTS = "/sandbox/admin/faults"
CONNECTION = "sandbox"
CSV = "20250123080000000-19"  # RAW_DATA, original/data.csv
NESTED = "20250206080000000-21"  # ANALYZED_DATA, results/{plots/fit.csv,summary.txt}


def identity_from_connection_file(path: Path) -> KernelIdentity:
    info = json.loads(path.read_text())
    kernel_id = kernel_proof.kernel_id_from_connection_file(str(path))
    assert kernel_id is not None
    return KernelIdentity(kernel_id, info["key"].encode())


def client_for(server: Any, kernel: Any) -> BridgeClient:
    """What the kernel itself can do: its server's token and its own signing key."""
    return BridgeClient(
        ServerInfo(server.url, server.token, server.root, server.process.pid),
        identity_from_connection_file(kernel.connection_file),
    )


def signed_body(
    identity: KernelIdentity, purpose: str = "session", *, timestamp: int | None = None, **extra
) -> dict[str, Any]:
    stamp = int(time.time()) if timestamp is None else timestamp
    nonce = kernel_proof.new_nonce()
    return {
        "kernelId": identity.kernel_id,
        "timestamp": stamp,
        "nonce": nonce,
        "proof": kernel_proof.sign(identity.key, purpose, identity.kernel_id, stamp, nonce),
        **extra,
    }


def set_faults(sandbox: Any, *specs: str) -> None:
    """Sandbox fault injection as the admin (a separate openBIS session)."""
    from openbis_sandbox.testing import pybis_client

    token = pybis_client(sandbox).token
    reply = requests.post(
        sandbox.url + ADMIN_FAULTS,
        json={"faults": list(specs)},
        headers={"X-Openbis-Token": token},
        verify=str(sandbox.ca_cert),
        timeout=60,
    )
    reply.raise_for_status()
