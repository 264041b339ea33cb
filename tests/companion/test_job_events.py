"""Transfer progress pushed through jupyter_server's event bus, and jobs kept for Retry."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_openbis_bridge.server.jobs import JOB_EVENT_SCHEMA_ID

from .support import CONNECTION

BASE = f"connections/{CONNECTION}"
CSV = "20250123080000000-19"  # RAW_DATA, original/data.csv (372 bytes)
NESTED = "20250206080000000-21"  # ANALYZED_DATA, two files
TERMINAL = {"succeeded", "failed", "cancelled"}


@pytest.fixture
def notebook(jp_root_dir: Path) -> str:
    (jp_root_dir / "work").mkdir()
    (jp_root_dir / "work" / "analysis.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    return "work/analysis.ipynb"


async def job_events(socket: Any, job_id: str) -> list[dict[str, Any]]:
    """The events of ``job_id`` from an ``api/events/subscribe`` socket, until it ends."""
    seen: list[dict[str, Any]] = []
    while not seen or seen[-1]["state"] not in TERMINAL:
        message = await asyncio.wait_for(socket.read_message(), 30)
        assert message is not None, "the event socket closed"
        event = json.loads(message)
        if event.get("schema_id") == JOB_EVENT_SCHEMA_ID and event["id"] == job_id:
            seen.append(event)
    return seen


async def test_download_progress_is_pushed_until_the_job_ends(api, login, jp_ws_fetch, notebook):
    socket = await jp_ws_fetch("api", "events", "subscribe")
    try:
        assert (await login()).code == 200
        body = {"permIds": [CSV, NESTED], "notebookPath": notebook}
        started = await api("POST", f"{BASE}/downloads", body=body)
        assert started.code == 202, started.text
        events = await job_events(socket, started.body["id"])
    finally:
        socket.close()
    last = events[-1]
    assert last["state"] == "succeeded"
    assert last["filesDone"] == last["filesTotal"] == 3
    assert last["bytesDone"] == last["bytesTotal"] > 0
    assert last["finished"] is not None and last["error"] is None
    done = [e["bytesDone"] for e in events]
    assert done == sorted(done)  # progress never goes back
    assert {e["kind"] for e in events} == {"download"}
    assert {e["connection"] for e in events} == {CONNECTION}
    # Progress only: the request and the result are read from the job itself.
    assert not {"request", "result"} & set().union(*events)


async def test_a_failed_job_ends_with_its_error_event(api, login, jp_ws_fetch, jp_root_dir):
    (jp_root_dir / "taken").write_text("a file where the folder should go")
    socket = await jp_ws_fetch("api", "events", "subscribe")
    try:
        assert (await login()).code == 200
        body = {"permIds": [CSV], "destination": "taken"}
        started = await api("POST", f"{BASE}/downloads", body=body)
        if started.code != 202:  # refused before starting: nothing to push
            pytest.fail(f"expected a job that fails while running: {started.text}")
        events = await job_events(socket, started.body["id"])
    finally:
        socket.close()
    assert events[-1]["state"] == "failed"
    assert events[-1]["error"]["reason"]


async def test_jobs_keep_their_request_body_so_retry_works_after_a_reload(
    api, login, wait_job, notebook
):
    assert (await login()).code == 200
    body = {
        "notebookPath": notebook,
        "experiment": "/LAB/PROJ1/EXP1",
        "properties": {"$NAME": "kept for retry"},
        "includeEnvironment": False,
    }
    first = await api("POST", f"{BASE}/datasets", body=body)
    assert first.code == 202, first.text
    assert (await wait_job(first.body["id"]))["state"] == "succeeded"

    # A reloaded page has only the job list: its body starts the same save again.
    listed = {j["id"]: j for j in (await api("GET", "jobs")).body["jobs"]}
    kept = listed[first.body["id"]]["request"]["body"]
    assert kept == body
    again = await api("POST", f"{BASE}/datasets", body=kept)
    assert again.code == 202, again.text
    done = await wait_job(again.body["id"])
    assert done["state"] == "succeeded", done
    assert done["result"]["permId"] != (await wait_job(first.body["id"]))["result"]["permId"]

    download = await api(
        "POST",
        f"{BASE}/downloads",
        body={"permIds": [CSV], "destination": "again", "overwrite": True},
    )
    assert download.code == 202, download.text
    assert download.body["request"]["body"] == {
        "permIds": [CSV],
        "destination": "again",
        "overwrite": True,
    }
