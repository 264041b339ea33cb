"""Issue #11 hardening: bulkheads per connection, safe re-login, honest error reasons, audit log."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from jupyterlab_openbis_bridge.errors import UpstreamTimeout
from jupyterlab_openbis_bridge.openbis_client import transport_error
from jupyterlab_openbis_bridge.server.executor import BlockingRunner

from .conftest import SandboxAdmin
from .support import CONNECTION

ADMIN = {"username": "admin", "password": "changeit"}


def bridge_of(jp_serverapp: Any) -> Any:
    return next(iter(jp_serverapp.extension_manager.extension_apps["jupyterlab_openbis_bridge"]))


# --- D3: one slow openBIS never starves the other connections --------------------------------


@pytest.fixture
def slow_sandbox(sandbox_factory, sandbox, bridge_config):
    """A second openBIS, ``slow``, beside the healthy shared one."""
    running = sandbox_factory(seed="empty")
    bridge_config["connections"] = [
        *bridge_config["connections"],
        {"name": "slow", "url": running.url, "caBundle": str(running.ca_cert)},
    ]
    # Long enough that nothing here ends by a timeout: the order of events is the test.
    bridge_config["request_timeout"] = 120.0
    bridge_config["lock_timeout"] = 120.0
    return running


async def test_a_hung_openbis_never_takes_the_threads_of_another(
    slow_sandbox, api, login, jp_serverapp, monkeypatch
):
    slow_admin = SandboxAdmin(slow_sandbox)
    assert (await login()).code == 200
    assert (await api("POST", "connections/slow/login", body=ADMIN)).code == 200
    service = bridge_of(jp_serverapp).service
    held_calls = 8  # twice the shared pool's threads
    all_submitted = asyncio.Event()
    submitted = 0
    original_call = service.call

    async def counting_call(name: str, fn: Any) -> Any:
        nonlocal submitted
        if name == "slow":
            submitted += 1
            if submitted == held_calls:
                all_submitted.set()  # seen by the test only after this call reached the runner
        return await original_call(name, fn)

    monkeypatch.setattr(service, "call", counting_call)
    await slow_admin.set_faults("latency:ms=600000,on=searchSpaces")
    slow_calls = [
        asyncio.ensure_future(api("GET", "connections/slow/spaces")) for _ in range(held_calls)
    ]
    try:
        await slow_admin.wait_delayed(1)
        await all_submitted.wait()
        healthy = await api("GET", f"connections/{CONNECTION}/spaces")
        assert healthy.code == 200, healthy.text
        assert not any(call.done() for call in slow_calls)  # the hung ones still hang
    finally:
        await slow_admin.clear_faults()
    assert [reply.code for reply in await asyncio.gather(*slow_calls)] == [200] * held_calls


# --- D4: a failed login keeps the working session ---------------------------------------------


async def test_a_failed_login_keeps_the_working_session(api, login, jp_serverapp, sandbox_admin):
    assert (await login()).code == 200
    registry = bridge_of(jp_serverapp).service.registry
    token = registry.get(CONNECTION).client.token
    typo = await login("not-the-password")
    assert typo.code == 401 and typo.body["reason"] == "auth_failed"
    await sandbox_admin.set_faults("error:method=login,nth=1,status=500")
    broken = await login()
    assert broken.code == 502, broken.text
    await sandbox_admin.clear_faults()
    described = await api("GET", f"connections/{CONNECTION}")
    assert described.body["status"] == "connected" and described.body["hasPassword"]
    assert (await api("GET", f"connections/{CONNECTION}/spaces")).code == 200
    assert registry.get(CONNECTION).client.token == token  # the very same openBIS session


async def test_a_new_login_closes_the_old_session_only_after_it_worked(api, login, jp_serverapp):
    assert (await login()).code == 200
    registry = bridge_of(jp_serverapp).service.registry
    old = registry.get(CONNECTION).client
    old_token = old.token
    assert (await login()).code == 200
    assert registry.get(CONNECTION).client.token not in (None, old_token)
    assert not old.token  # logged out in openBIS and forgotten


# --- D10: the extension's log lines reach the Jupyter log, with no secrets -------------------


@pytest.fixture
def notebook(jp_root_dir: Path) -> str:
    (jp_root_dir / "audit.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    return "audit.ipynb"


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name}: {record.getMessage()}")


@pytest.fixture
def jupyter_log(jp_serverapp) -> Iterator[Collect]:
    """What reaches the Jupyter server's own log handlers (not just Python's root logger)."""
    handler = Collect()
    jp_serverapp.log.addHandler(handler)
    yield handler
    jp_serverapp.log.removeHandler(handler)


async def test_audit_lines_reach_the_jupyter_log_without_secrets(
    api, login, wait_job, notebook, jp_serverapp, jupyter_log, sandbox
):
    assert (await login("not-the-password")).code == 401
    assert (await login()).code == 200
    token = bridge_of(jp_serverapp).service.registry.get(CONNECTION).client.token
    started = await api(
        "POST",
        f"connections/{CONNECTION}/datasets",
        body={
            "notebookPath": notebook,
            "experiment": "/LAB/PROJ1/EXP1",
            "properties": {"$NAME": "audited"},
        },
    )
    assert started.code == 202, started.text
    saved = await wait_job(started.body["id"])
    assert saved["state"] == "succeeded", saved
    assert (await api("POST", f"connections/{CONNECTION}/logout")).code == 200
    created = await api(
        "POST",
        "connections",
        body={"name": "unverified", "url": sandbox.url, "verifyCertificates": False},
    )
    assert created.code == 201, created.text
    log = "\n".join(jupyter_log.lines)
    assert "openBIS login to 'sandbox' as admin failed" in log
    assert "openBIS login to 'sandbox'" in log and "as admin (password)" in log
    assert f"saved {saved['result']['permId']}" in log
    assert "openBIS logout from 'sandbox'" in log
    assert "'unverified': TLS certificate verification is OFF" in log
    assert "changeit" not in log and "not-the-password" not in log and token not in log


# --- D8: reasons that say what happened --------------------------------------------------------


@pytest.fixture
def closing_port() -> Iterator[int]:
    """A port that accepts connections and closes them at once, like a proxy with no openBIS."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    server.shutdown(socket.SHUT_RDWR)
    server.close()
    thread.join()


@pytest.fixture
def proxied(closing_port, bridge_config):
    bridge_config["connections"] = [
        *bridge_config["connections"],
        {"name": "proxied", "url": f"https://127.0.0.1:{closing_port}"},
    ]


async def test_openbis_gone_behind_a_proxy_is_unreachable_not_a_certificate_problem(proxied, api):
    reply = await api("POST", "connections/proxied/login", body=ADMIN)
    assert reply.code == 502 and reply.body["reason"] == "upstream_unreachable", reply.text
    assert "certificate" not in reply.body["message"]


async def test_a_save_across_a_session_expiry_says_so(
    api, login, wait_job, notebook, sandbox_admin
):
    assert (await login()).code == 200
    await sandbox_admin.set_faults("latency:ms=60000,on=upload")
    started = await api(
        "POST",
        f"connections/{CONNECTION}/datasets",
        body={
            "notebookPath": notebook,
            "experiment": "/LAB/PROJ1/EXP1",
            "properties": {"$NAME": "across an expiry"},
        },
    )
    assert started.code == 202, started.text
    await sandbox_admin.wait_delayed(1)
    await sandbox_admin.set_faults("expire-sessions")  # and lets the held slice go on
    done = await wait_job(started.body["id"])
    assert done["state"] == "failed" and done["error"]["reason"] == "session_expired", done
    assert "expired" in done["error"]["message"]
    # The held password renews the session for the next call.
    assert (await api("GET", f"connections/{CONNECTION}/spaces")).code == 200


@pytest.fixture
def stalling_url() -> Iterator[str]:
    """An HTTP server that sends the headers and a little of the body, then says nothing."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    release = threading.Event()

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nfirst bytes")
            release.wait()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/file"
    release.set()
    thread.join()
    server.close()


def test_a_stall_while_the_body_streams_is_a_timeout(stalling_url):
    # requests reports this one as a ConnectionError wrapping urllib3's ReadTimeoutError.
    with requests.get(stalling_url, stream=True, timeout=0.2) as response:
        with pytest.raises(requests.RequestException) as caught:
            for _ in response.iter_content(4):
                pass
    error = transport_error(caught.value, True, stalled="stopped sending")
    assert isinstance(error, UpstreamTimeout) and error.reason == "upstream_timeout"
    assert error.message == "stopped sending"


def test_a_dropped_connection_is_unreachable_and_a_bad_certificate_a_tls_failure(
    closing_port, sandbox
):
    with pytest.raises(requests.RequestException) as dropped:
        requests.get(f"https://127.0.0.1:{closing_port}/", timeout=10)
    assert transport_error(dropped.value, True).reason == "upstream_unreachable"
    with pytest.raises(requests.RequestException) as untrusted:
        requests.get(sandbox.url, timeout=10, verify=True)  # a self-signed certificate
    assert transport_error(untrusted.value, True).reason == "tls_verification_failed"


async def test_a_lane_refuses_calls_past_its_bound_and_leaves_the_others_alone():
    runner = BlockingRunner(1, 1, lane_workers=1, lane_queue=2)
    started, release = threading.Event(), threading.Event()

    def hang() -> str:
        started.set()
        release.wait()
        return "answered"

    held = [asyncio.ensure_future(runner.run(hang, lane="hung")) for _ in range(2)]
    try:
        await asyncio.to_thread(started.wait)  # both were submitted before this resumed
        assert runner.lane_calls("hung") == 2
        with pytest.raises(UpstreamTimeout, match="calls waiting"):
            await runner.run(hang, lane="hung")
        assert await runner.run(lambda: "healthy", lane="other") == "healthy"
    finally:
        release.set()
    assert await asyncio.gather(*held) == ["answered", "answered"]
    assert runner.lane_calls("hung") == 0  # an idle lane is dropped with its threads
    runner.shutdown()
