"""Fixtures for the server companion: a Jupyter server wired to the shared openBIS sandbox."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from openbis_sandbox.testing import RunningSandbox, pybis_client

from .support import ADMIN_FAULTS, CONNECTION, OUTSIDE_SECRET


@pytest.fixture
def bridge_config(sandbox: RunningSandbox, tmp_path: Path) -> dict[str, Any]:
    """``c.OpenBISBridge`` for tests; tests may tweak it before the server starts."""
    return {
        "connections": [{"name": CONNECTION, "url": sandbox.url, "caBundle": str(sandbox.ca_cert)}],
        "connections_file": str(tmp_path / "config" / "openbis-bridge-connections.json"),
        "read_legacy_connections": False,
        "read_environment": False,
        "request_timeout": 10.0,
        "status_timeout": 5.0,
        "lock_timeout": 10.0,
    }


@pytest.fixture
def jp_server_config(jp_server_config, bridge_config):
    return {**jp_server_config, "OpenBISBridge": bridge_config}


@dataclass
class Reply:
    code: int
    body: Any
    text: str


@pytest.fixture
def api(jp_fetch) -> Callable[..., Awaitable[Reply]]:
    """``await api("GET", "connections/sandbox/spaces", params={...}, body={...})`` without raising on 4xx."""

    async def call(
        method: str,
        path: str,
        *,
        body: Any = None,
        raw: bytes | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        payload = (
            raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        )
        if payload is None and method in ("POST", "PATCH", "PUT"):
            payload = b""
        response = await jp_fetch(
            "openbis-bridge",
            *path.split("/"),
            method=method,
            body=payload,
            params=params or {},
            headers=headers or {},
            raise_error=False,
            allow_nonstandard_methods=True,
        )
        text = response.body.decode("utf-8", "replace")
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        return Reply(response.code, parsed, text)

    return call


@pytest.fixture
def login(api) -> Callable[[], Awaitable[Reply]]:
    async def do_login(password: str = "changeit") -> Reply:
        reply = await api(
            "POST",
            f"connections/{CONNECTION}/login",
            body={"username": "admin", "password": password},
        )
        return reply

    return do_login


@pytest.fixture
def wait_job(api) -> Callable[[str], Awaitable[dict[str, Any]]]:
    """Long-poll a job until it ends (the server answers as soon as it does)."""

    async def wait(job_id: str, rounds: int = 6) -> dict[str, Any]:
        for _ in range(rounds):
            reply = await api("GET", f"jobs/{job_id}", params={"wait": "20"})
            assert reply.code == 200, reply.text
            if reply.body["state"] in ("succeeded", "failed", "cancelled"):
                return reply.body
        raise AssertionError(f"job {job_id} did not finish: {reply.body}")

    return wait


class SandboxAdmin:
    """Fault injection and direct pybis access to the sandbox, off the event loop."""

    def __init__(self, sandbox: RunningSandbox) -> None:
        self.sandbox = sandbox
        self._token: str | None = None

    @property
    def token(self) -> str:
        if self._token is None:
            self._token = pybis_client(self.sandbox).token
        return self._token

    def _request(self, method: str, **kwargs: Any) -> dict[str, Any]:
        for _ in range(2):
            response = requests.request(
                method,
                self.sandbox.url + ADMIN_FAULTS,
                headers={"X-Openbis-Token": self.token},
                verify=str(self.sandbox.ca_cert),
                timeout=60,
                **kwargs,
            )
            if response.status_code != 403:
                break
            self._token = None  # "expire-sessions" also ended our admin session
        response.raise_for_status()
        return response.json()

    async def set_faults(self, *specs: str) -> dict[str, Any]:
        return await asyncio.to_thread(self._request, "POST", json={"faults": list(specs)})

    async def clear_faults(self) -> dict[str, Any]:
        return await asyncio.to_thread(self._request, "DELETE")

    async def wait_delayed(self, count: int) -> dict[str, Any]:
        return await asyncio.to_thread(
            self._request, "GET", params={"waitDelayed": str(count), "timeoutS": "30"}
        )

    async def wait_stalled(self, count: int) -> dict[str, Any]:
        """Until exactly ``count`` connections are held by a ``stall`` fault."""
        return await asyncio.to_thread(
            self._request, "GET", params={"waitStalled": str(count), "timeoutS": "30"}
        )


@pytest.fixture
def sandbox_admin(sandbox: RunningSandbox):
    admin = SandboxAdmin(sandbox)
    yield admin
    admin._request("DELETE")  # never leak faults into the next test


@pytest.fixture
def captured_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the Jupyter root holding ``secret.txt`` (``OUTSIDE_SECRET``): the
    target the symlink tests point links at."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(OUTSIDE_SECRET)
    return folder
