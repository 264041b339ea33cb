"""openBIS down at start or during a call, injected RPC errors, and cancelling an upload."""

from __future__ import annotations

import asyncio
import json

import pytest

from openbis_sandbox.testing import pybis_client

from .support import CONNECTION


@pytest.fixture
def private_sandbox(sandbox_factory, bridge_config):
    """A sandbox of our own that the test may stop and restart; the bridge points at it."""
    running = sandbox_factory(seed="demo")
    bridge_config["connections"] = [
        {"name": "mine", "url": running.url, "caBundle": str(running.ca_cert)}
    ]
    return running


async def test_openbis_down_at_start_then_back(private_sandbox, api):
    private_sandbox.stop()
    listing = await api("GET", "connections")
    assert listing.code == 200 and listing.body["connections"][0]["status"] == "not_logged_in"
    down = await api(
        "POST", "connections/mine/login", body={"username": "admin", "password": "changeit"}
    )
    assert down.code == 502 and down.body["reason"] == "upstream_unreachable"
    private_sandbox.restart()  # same port, same data
    up = await api(
        "POST", "connections/mine/login", body={"username": "admin", "password": "changeit"}
    )
    assert up.code == 200 and up.body["status"] == "connected"


async def test_openbis_down_during_a_session(private_sandbox, api):
    assert (
        await api(
            "POST", "connections/mine/login", body={"username": "admin", "password": "changeit"}
        )
    ).code == 200
    private_sandbox.stop()
    failed = await api("GET", "connections/mine/spaces")
    assert failed.code == 502 and failed.body["reason"] == "upstream_unreachable"
    listing = await api("GET", "connections")
    assert listing.body["connections"][0]["status"] == "unreachable"
    assert (await api("GET", "status")).code == 200
    private_sandbox.restart()  # sessions do not survive: the held password logs in again
    again = await api("GET", "connections/mine/spaces")
    assert again.code == 200, again.text


async def test_injected_rpc_error_and_http_500(api, login, sandbox_admin):
    assert (await login()).code == 200
    await sandbox_admin.set_faults("error:method=searchSpaces,nth=1,message=database is locked")
    reply = await api("GET", f"connections/{CONNECTION}/spaces")
    assert (
        reply.code == 502
        and reply.body["reason"] == "upstream_error"
        and "database is locked" in reply.body["message"]
    )
    await sandbox_admin.set_faults("error:method=searchSpaces,nth=1,status=500")
    reply = await api("GET", f"connections/{CONNECTION}/spaces")
    assert reply.code == 502 and reply.body["message"] == "openBIS answered HTTP 500"
    assert (await api("GET", f"connections/{CONNECTION}/spaces")).code == 200


async def test_slow_openbis_call_keeps_jupyter_responsive(api, login, sandbox_admin, jp_fetch):
    assert (await login()).code == 200
    await sandbox_admin.set_faults("latency:ms=60000,on=searchSpaces")
    # The held call occupies one worker; Jupyter itself keeps answering.
    pending = asyncio.ensure_future(api("GET", f"connections/{CONNECTION}/spaces"))
    await sandbox_admin.wait_delayed(1)
    assert (await jp_fetch("api", "status")).code == 200
    assert not pending.done()
    await sandbox_admin.clear_faults()
    assert (await pending).code == 200


@pytest.fixture
def short_timeout(bridge_config):
    bridge_config["request_timeout"] = 0.5


async def test_hung_openbis_is_a_504_not_a_hang(short_timeout, api, login, sandbox_admin):
    assert (await login()).code == 200
    await sandbox_admin.set_faults("latency:ms=60000,on=searchSpaces")
    reply = await api("GET", f"connections/{CONNECTION}/spaces")
    assert reply.code == 504 and reply.body["reason"] == "upstream_timeout"
    await sandbox_admin.clear_faults()
    assert (await api("GET", f"connections/{CONNECTION}/spaces")).code == 200


async def test_cancelled_upload_registers_nothing(
    api, login, wait_job, jp_root_dir, sandbox, sandbox_admin
):
    (jp_root_dir / "n.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    before = pybis_client(sandbox).get_datasets(count=1).totalCount
    assert (await login()).code == 200
    await sandbox_admin.set_faults("latency:ms=60000,on=upload")
    started = await api(
        "POST",
        f"connections/{CONNECTION}/datasets",
        body={
            "notebookPath": "n.ipynb",
            "experiment": "/LAB/PROJ1/EXP1",
            "properties": {"$NAME": "never"},
        },
    )
    assert started.code == 202, started.text
    await sandbox_admin.wait_delayed(1)
    assert (await api("DELETE", f"jobs/{started.body['id']}")).code == 202
    await sandbox_admin.clear_faults()
    done = await wait_job(started.body["id"])
    assert done["state"] == "cancelled"
    assert pybis_client(sandbox).get_datasets(count=1).totalCount == before
