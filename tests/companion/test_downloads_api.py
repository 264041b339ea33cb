"""Download jobs: layout, verification, retry, cancel, concurrency and injected faults."""

from __future__ import annotations

import asyncio
import json
import logging
import zlib
from pathlib import Path

import pytest

from openbis_sandbox.testing import pybis_client

from .support import CONNECTION

BASE = f"connections/{CONNECTION}"
CSV = "20250123080000000-19"  # RAW_DATA, original/data.csv (372 bytes)
NESTED = "20250206080000000-21"  # ANALYZED_DATA, original/results/{plots/fit.csv,summary.txt}
IMAGE = "20250124080000000-20"  # RAW_DATA, original/image.png


@pytest.fixture
def notebook(jp_root_dir: Path) -> str:
    folder = jp_root_dir / "work"
    folder.mkdir()
    (folder / "analysis.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    return "work/analysis.ipynb"


async def start(api, login, body) -> dict:
    assert (await login()).code == 200
    reply = await api("POST", f"{BASE}/downloads", body=body)
    assert reply.code == 202, reply.text
    return reply.body


def parts_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".part")]


def expected_crc(sandbox, perm: str, path: str) -> int:
    client = pybis_client(sandbox)
    files = client.get_dataset(perm).get_files()
    row = files[files["pathInDataSet"] == path].iloc[0]
    return int(row["crc32Checksum"], 16)


async def test_default_layout_beside_the_notebook(
    api, login, wait_job, notebook, jp_root_dir, sandbox
):
    job = await start(api, login, {"permIds": [CSV, NESTED], "notebookPath": notebook})
    done = await wait_job(job["id"])
    assert done["state"] == "succeeded", done
    assert done["filesDone"] == done["filesTotal"] == 3 and done["bytesDone"] == done["bytesTotal"]
    target = jp_root_dir / "work" / "data"
    data = (target / CSV / "data.csv").read_bytes()
    assert zlib.crc32(data) == expected_crc(sandbox, CSV, "original/data.csv")
    assert (target / NESTED / "results" / "plots" / "fit.csv").is_file()
    assert not (target / CSV / "original").exists()
    listing = {d["permId"]: d for d in done["result"]["dataSets"]}
    assert listing[CSV]["path"] == f"work/data/{CSV}" and listing[CSV]["files"] == [
        f"work/data/{CSV}/data.csv"
    ]
    assert parts_under(jp_root_dir) == []


async def test_keep_original_subset_and_flatten(api, login, wait_job, jp_root_dir):
    kept = await start(
        api, login, {"permIds": [CSV], "destination": "raw", "keepOriginalFolder": True}
    )
    assert (await wait_job(kept["id"]))["state"] == "succeeded"
    assert (jp_root_dir / "raw" / CSV / "original" / "data.csv").is_file()

    subset = await start(
        api,
        login,
        {
            "permIds": [NESTED],
            "destination": "flat",
            "flatten": True,
            "files": ["original/results/plots"],
        },
    )
    done = await wait_job(subset["id"])
    assert done["state"] == "succeeded" and done["filesTotal"] == 1
    assert (jp_root_dir / "flat" / "results" / "plots" / "fit.csv").is_file()
    assert not (jp_root_dir / "flat" / "results" / "summary.txt").exists()


async def test_retry_skips_verified_files_and_refuses_to_clobber(api, login, wait_job, jp_root_dir):
    first = await wait_job(
        (await start(api, login, {"permIds": [NESTED], "destination": "d"}))["id"]
    )
    assert first["state"] == "succeeded" and first["filesSkipped"] == 0
    again = await wait_job(
        (await start(api, login, {"permIds": [NESTED], "destination": "d"}))["id"]
    )
    assert again["state"] == "succeeded" and again["filesSkipped"] == again["filesTotal"] == 2

    summary = jp_root_dir / "d" / NESTED / "results" / "summary.txt"
    summary.write_text("my own notes")
    clash = await wait_job(
        (await start(api, login, {"permIds": [NESTED], "destination": "d"}))["id"]
    )
    assert clash["state"] == "failed" and clash["error"]["reason"] == "conflict"
    assert summary.read_text() == "my own notes"
    forced = await wait_job(
        (await start(api, login, {"permIds": [NESTED], "destination": "d", "overwrite": True}))[
            "id"
        ]
    )
    assert forced["state"] == "succeeded" and summary.read_text() != "my own notes"


async def test_several_jobs_run_at_once(api, login, wait_job, jp_root_dir):
    jobs = [
        await start(api, login, {"permIds": [perm], "destination": f"many/{index}"})
        for index, perm in enumerate((CSV, NESTED, IMAGE))
    ]
    results = await asyncio.gather(*(wait_job(job["id"]) for job in jobs))
    assert [r["state"] for r in results] == ["succeeded"] * 3
    listed = await api("GET", "jobs")
    assert {j["id"] for j in jobs} <= {j["id"] for j in listed.body["jobs"]}


async def test_lookups_end_the_job_before_writing(api, login, wait_job, notebook, jp_root_dir):
    # 202 at once (looking up is the job's first step); the job then fails as a 4xx would.
    for body, reason in (
        ({"permIds": ["20990101000000000-1"], "destination": "x"}, "not_found"),
        ({"permIds": [CSV], "files": ["original/nope"], "destination": "x"}, "not_found"),
        ({"permIds": [CSV], "destination": notebook}, "conflict"),  # a file, not a folder
    ):
        done = await wait_job((await start(api, login, body))["id"])
        assert done["state"] == "failed" and done["error"]["reason"] == reason, done
    assert not (jp_root_dir / "x").exists()
    assert sorted(p.name for p in (jp_root_dir / "work").iterdir()) == ["analysis.ipynb"]


async def test_malformed_requests_are_refused_before_a_job_starts(api, login):
    assert (await login()).code == 200
    reply = await api(
        "POST", f"{BASE}/downloads", body={"permIds": ["not-a-permid"], "destination": "x"}
    )
    assert reply.code == 400 and reply.body["reason"] == "invalid_input"
    reply = await api(
        "POST", f"{BASE}/downloads", body={"permIds": [CSV], "destination": "x", "keepPartial": 1}
    )
    assert reply.code == 400 and "keepPartial" in reply.body["message"]
    assert (await api("GET", "jobs")).body["jobs"] == []


async def test_cancel_leaves_nothing_behind(api, login, wait_job, jp_root_dir, sandbox_admin):
    await sandbox_admin.set_faults("latency:ms=60000,on=file-get")
    job = await start(api, login, {"permIds": [CSV], "destination": "c"})
    await sandbox_admin.wait_delayed(1)  # the job is inside its GET
    cancel = await api("DELETE", f"jobs/{job['id']}")
    assert cancel.code == 202
    await sandbox_admin.clear_faults()  # releases the held GET; the job sees the cancel
    done = await wait_job(job["id"])
    assert done["state"] == "cancelled" and done["error"]["reason"] == "cancelled"
    assert not (jp_root_dir / "c" / CSV / "data.csv").exists() and parts_under(jp_root_dir) == []
    again = await api("DELETE", f"jobs/{job['id']}")
    assert again.code == 409


async def test_jupyter_stays_responsive_during_a_slow_download(
    api, login, wait_job, jp_fetch, sandbox_admin
):
    await sandbox_admin.set_faults("latency:ms=60000,on=file-get")
    job = await start(api, login, {"permIds": [CSV], "destination": "slow"})
    await sandbox_admin.wait_delayed(1)
    status = await jp_fetch("api", "status")  # answered while the download is stuck in openBIS
    assert status.code == 200
    running = await api("GET", f"jobs/{job['id']}")
    assert running.body["state"] == "running"
    await sandbox_admin.clear_faults()
    assert (await wait_job(job["id"]))["state"] == "succeeded"


async def test_dropped_connection_fails_cleanly_and_retry_completes(
    api, login, wait_job, jp_root_dir, sandbox_admin
):
    await sandbox_admin.set_faults("drop:after=100,on=get")
    job = await start(api, login, {"permIds": [CSV], "destination": "drop"})
    done = await wait_job(job["id"])
    assert done["state"] == "failed" and done["error"]["reason"] in (
        "upstream_unreachable",
        "upstream_error",
    )
    final = jp_root_dir / "drop" / CSV / "data.csv"
    assert not final.exists() and parts_under(jp_root_dir) == []
    retry = await wait_job(
        (await start(api, login, {"permIds": [CSV], "destination": "drop"}))["id"]
    )
    assert retry["state"] == "succeeded" and final.stat().st_size == 372


async def test_corrupted_byte_is_a_checksum_error(api, login, wait_job, jp_root_dir, sandbox_admin):
    await sandbox_admin.set_faults("corrupt:offset=10,path=data.csv")
    done = await wait_job((await start(api, login, {"permIds": [CSV], "destination": "bad"}))["id"])
    assert done["state"] == "failed" and done["error"]["reason"] == "checksum_mismatch"
    assert not (jp_root_dir / "bad" / CSV / "data.csv").exists() and parts_under(jp_root_dir) == []


async def test_session_expiring_mid_download_is_renewed(
    api, login, wait_job, jp_root_dir, sandbox_admin
):
    await sandbox_admin.set_faults("latency:ms=60000,on=file-get")
    job = await start(api, login, {"permIds": [CSV], "destination": "exp"})
    await sandbox_admin.wait_delayed(1)
    await sandbox_admin.set_faults(
        "expire-sessions"
    )  # also releases the held GET, which now finds no session
    done = await wait_job(job["id"])
    assert done["state"] == "succeeded", done
    assert (jp_root_dir / "exp" / CSV / "data.csv").stat().st_size == 372


async def test_session_token_stays_out_of_debug_logs(
    api, login, wait_job, jp_serverapp, captured_logs, capsys, monkeypatch
):
    assert (
        await login()
    ).code == 200  # starts the server, whose logging setup disables existing loggers
    http_logger = logging.getLogger("urllib3.connectionpool")
    monkeypatch.setattr(http_logger, "disabled", False)
    monkeypatch.setattr(http_logger, "level", logging.DEBUG)
    job = await start(api, login, {"permIds": [CSV], "destination": "logs"})
    assert (await wait_job(job["id"]))["state"] == "succeeded"
    [bridge] = [
        app for app in jp_serverapp.extension_manager.extension_apps["jupyterlab_openbis_bridge"]
    ]
    token = bridge.service.registry.get(CONNECTION).client.token
    out, err = capsys.readouterr()
    # The openBIS calls of the job were logged (the file transfers use their own sockets,
    # which log nothing); the token is in none of it.
    assert "connectionpool" in captured_logs.text
    assert token not in captured_logs.text + out + err
