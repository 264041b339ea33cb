"""Fixtures for the re-run tests: a real Jupyter server with the bridge (the kernel tests'
harness) saves a notebook to this folder's own sandbox, and ``jupyter openbis rerun`` runs
as a subprocess against it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.kernel.conftest import jupyter_server  # noqa: F401

CLI = str(Path(sys.executable).with_name("jupyter-openbis"))
RUN_TIMEOUT_S = 600.0  # an upper bound only; a run ends when the command does


@dataclass
class Result:
    code: int
    out: str
    err: str


def wait_for_job(server: Any, job_id: str) -> dict[str, Any]:
    """Long-poll a bridge job until it ends (the server answers as soon as it does)."""
    deadline = time.monotonic() + 600  # an upper bound only
    while time.monotonic() < deadline:
        reply = server.api("GET", f"openbis-bridge/jobs/{job_id}", params={"wait": "20"})
        assert reply.status_code == 200, reply.text
        if reply.json()["state"] in ("succeeded", "failed", "cancelled"):
            return reply.json()
    raise AssertionError(f"job {job_id} did not end")


@pytest.fixture(scope="module")
def cli_env(jupyter_server, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:  # noqa: F811
    """A config dir with a profile for the sandbox, and a token for non-interactive login."""
    from openbis_sandbox.testing import pybis_client

    sandbox = jupyter_server.sandbox
    config = tmp_path_factory.mktemp("rerun-config")
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config),
        "OPENBIS_TOKEN": pybis_client(sandbox).token,
        # Offline and deterministic: only what is installed already can be installed.
        "PIP_NO_INDEX": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("OPENBIS_URL", None)
    added = subprocess.run(
        [CLI, "add", "sandbox", sandbox.url, "--ca-bundle", str(sandbox.ca_cert)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    return env


@pytest.fixture
def run_cli(cli_env: dict[str, str]) -> Callable[..., Result]:
    def run(*argv: str) -> Result:
        done = subprocess.run(
            [CLI, *argv],
            env=cli_env,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_S,
            check=False,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return run
