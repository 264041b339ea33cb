"""Transfer correctness through both paths of a download job, against a real sandbox.

Fast download (openBIS's file-transfer protocol) carries jobs with many small files, one
GET per file the rest: every size edge (0 B, 1 B, one chunk minus, exactly and plus one
byte), 2,000 files, a 64 MiB file (1 GiB is measured in ``benchmarks/vs_baseline.py``),
damage caught, resume, and cancel of a stalled transfer with and without keeping what
was already verified.
"""

from __future__ import annotations

import asyncio
import os
import time
import zlib
from pathlib import Path

import pytest

from openbis_sandbox.seed.many_files import many_files_name
from openbis_sandbox.testing import RunningSandbox, pybis_client, start_sandbox

from .support import CONNECTION

BASE = f"connections/{CONNECTION}"
MANY, KIB = 2000, 10
MIB = 1024 * 1024
EDGES = {  # name -> size
    "empty.bin": 0,
    "one.bin": 1,
    "below.bin": MIB - 1,
    "exact.bin": MIB,
    "above.bin": MIB + 1,
    "big.bin": 64 * MIB,
    **{f"pad{i}.txt": 100 + i for i in range(6)},  # enough small files for fast download
}
SIZE_EDGES = ["empty.bin", "one.bin", "below.bin", "exact.bin", "above.bin", "big.bin"]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> RunningSandbox:
    """This module's own sandbox: the demo plus a data set of 2,000 files of 10 KiB."""
    running = start_sandbox(tmp_path_factory.mktemp("transfers"), seed=f"files:{MANY}x{KIB}")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def data(sandbox, tmp_path_factory) -> dict[str, str]:
    """permIds of the seeded many-file data set and of an uploaded one with every edge size."""
    home = tmp_path_factory.mktemp("uploader")
    os.environ.setdefault("HOME", str(home))
    source = tmp_path_factory.mktemp("edges") / "edges"
    source.mkdir()
    for name, size in EDGES.items():
        (source / name).write_bytes(os.urandom(size))
    o = pybis_client(sandbox)
    ds = o.new_dataset(type="RAW_DATA", experiment="/LAB/PROJ2/EXP3", files=[str(source)])
    ds.save()
    found = o.get_datasets(experiment="/LAB/PROJ2/EXP3", props=["$NAME"]).df
    many = found[found["$NAME"] == many_files_name(MANY, KIB)]["permId"].iloc[0]
    return {"edges": ds.permId, "many": many}


@pytest.fixture
def long_timeout(bridge_config):
    # Far beyond any test: a cancel that waited for the read timeout would never end in time.
    bridge_config["request_timeout"] = 600.0


def stored(sandbox: RunningSandbox, perm: str) -> Path:
    return sandbox.data_dir / "store" / perm / "original"


def same_tree(got: Path, expected: Path) -> bool:
    want = {p.relative_to(expected): p for p in expected.rglob("*") if p.is_file()}
    have = {p.relative_to(got): p for p in got.rglob("*") if p.is_file()}
    return want.keys() == have.keys() and all(
        zlib.crc32(have[k].read_bytes()) == zlib.crc32(want[k].read_bytes()) for k in want
    )


def parts_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".part")]


async def start(api, login, body) -> dict:
    assert (await login()).code == 200
    reply = await api("POST", f"{BASE}/downloads", body=body)
    assert reply.code == 202, reply.text
    return reply.body


async def counters(sandbox_admin) -> dict[str, int]:
    return (await asyncio.to_thread(sandbox_admin._request, "GET"))["counters"]


@pytest.fixture
def wait_job(api):
    """Until the job ends: short long-polls (a loaded machine may answer a 20 s poll after
    the client gave up), with an overall deadline far beyond a working transfer."""

    async def wait(job_id: str, deadline_s: float = 300.0) -> dict:
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            reply = await api("GET", f"jobs/{job_id}", params={"wait": "5"})
            assert reply.code == 200, reply.text
            if reply.body["state"] in ("succeeded", "failed", "cancelled"):
                return reply.body
        raise AssertionError(f"job {job_id} did not finish: {reply.body}")

    return wait


async def poll_job(api, job_id: str, condition, deadline_s: float = 120.0) -> dict:
    """The job's state once ``condition(state)`` holds (polled; fails past the deadline)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        state = (await api("GET", f"jobs/{job_id}")).body
        if condition(state):
            return state
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} never reached the condition: {state}")


async def test_every_size_through_fast_download(
    api, login, wait_job, jp_root_dir, sandbox, data, sandbox_admin
):
    await sandbox_admin.clear_faults()  # also resets the request counters
    done = await wait_job(
        (await start(api, login, {"permIds": [data["edges"]], "destination": "f"}))["id"]
    )
    assert done["state"] == "succeeded", done["error"]
    assert done["filesDone"] == len(EDGES) and done["bytesDone"] == sum(EDGES.values())
    assert same_tree(jp_root_dir / "f" / data["edges"], stored(sandbox, data["edges"]))
    seen = await counters(sandbox_admin)
    assert seen["requests.file-get"] == 2  # above.bin and big.bin: more than one chunk
    assert seen["requests.file-transfer"] >= 3  # start, queue, download calls, finish


async def test_every_size_through_plain_gets(
    api, login, wait_job, jp_root_dir, sandbox, data, sandbox_admin
):
    await sandbox_admin.clear_faults()
    body = {
        "permIds": [data["edges"]],
        "destination": "p",
        "files": [f"original/edges/{name}" for name in SIZE_EDGES],
    }
    done = await wait_job((await start(api, login, body))["id"])
    assert done["state"] == "succeeded", done["error"]
    folder = jp_root_dir / "p" / data["edges"] / "edges"
    for name in SIZE_EDGES:
        want = (stored(sandbox, data["edges"]) / "edges" / name).read_bytes()
        assert (folder / name).read_bytes() == want, name
    seen = await counters(sandbox_admin)
    assert seen.get("requests.file-transfer", 0) == 0 and seen["requests.file-get"] == 6


async def test_two_thousand_files_in_a_few_requests(
    api, login, wait_job, jp_root_dir, sandbox, data, sandbox_admin
):
    await sandbox_admin.clear_faults()
    done = await wait_job(
        (await start(api, login, {"permIds": [data["many"]], "destination": "m"}))["id"]
    )
    assert done["state"] == "succeeded", done["error"]
    assert done["filesDone"] == MANY and done["bytesDone"] == MANY * KIB * 1024
    assert same_tree(jp_root_dir / "m" / data["many"], stored(sandbox, data["many"]))
    assert parts_under(jp_root_dir) == []
    seen = await counters(sandbox_admin)
    assert seen.get("requests.file-get", 0) == 0
    assert seen["requests.file-transfer"] < 100  # batched: not one request per file


async def test_damage_is_caught_and_a_retry_resumes(
    api, login, wait_job, jp_root_dir, sandbox, data, sandbox_admin
):
    # Bit rot on the data store: the frame's own CRC covers the bad byte; only the
    # comparison with the checksum recorded at registration reveals it.
    await sandbox_admin.set_faults("corrupt:offset=10,path=f00005.bin,stage=disk")
    body = {"permIds": [data["many"]], "destination": "r"}
    failed = await wait_job((await start(api, login, body))["id"])
    assert failed["state"] == "failed" and failed["error"]["reason"] == "checksum_mismatch"
    bad = jp_root_dir / "r" / data["many"] / "many" / "part000" / "f00005.bin"
    assert not bad.exists() and parts_under(jp_root_dir) == []
    kept = [p for p in (jp_root_dir / "r").rglob("*") if p.is_file()]
    assert MANY // 2 <= len(kept) < MANY  # a failed job keeps what it verified
    retry = await wait_job((await start(api, login, body))["id"])
    assert retry["state"] == "succeeded", retry["error"]
    assert retry["filesSkipped"] == len(kept)  # and the retry reuses exactly that
    assert same_tree(jp_root_dir / "r" / data["many"], stored(sandbox, data["many"]))


async def test_damage_in_transit_and_a_dropped_stream_are_fetched_again(
    api, login, wait_job, jp_root_dir, sandbox, data, sandbox_admin
):
    await sandbox_admin.set_faults(
        "corrupt:offset=10,path=f00007.bin,stage=wire", "drop:after=5000,on=download"
    )
    done = await wait_job(
        (await start(api, login, {"permIds": [data["many"]], "destination": "w"}))["id"]
    )
    assert done["state"] == "succeeded", done["error"]
    fired = await counters(sandbox_admin)
    assert fired["fired.corrupt"] == 1 and fired["fired.drop"] == 1
    assert same_tree(jp_root_dir / "w" / data["many"], stored(sandbox, data["many"]))


@pytest.mark.parametrize("keep_partial", [False, True], ids=["clean-up", "keep-partial"])
async def test_cancel_cuts_a_stalled_fast_download(
    long_timeout, keep_partial, api, login, wait_job, jp_root_dir, data, sandbox_admin
):
    await sandbox_admin.set_faults("stall:after=100000,on=download,ms=600000")
    body = {"permIds": [data["many"]], "destination": "c", "keepPartial": keep_partial}
    job = await start(api, login, body)
    await sandbox_admin.wait_stalled(1)
    # The other streams finish everything but the stalled answer's chunks.
    running = await poll_job(api, job["id"], lambda s: s["filesDone"] >= MANY // 2)
    assert running["state"] == "running"
    assert (await api("DELETE", f"jobs/{job['id']}")).code == 202
    done = await wait_job(job["id"])  # the stall and the read timeout are minutes away
    assert done["state"] == "cancelled", done
    await sandbox_admin.wait_stalled(0)  # the cut socket released the sandbox's handler
    target = jp_root_dir / "c"
    assert parts_under(jp_root_dir) == []
    if not keep_partial:
        assert not target.exists()  # every file and folder the job made is gone
        return
    kept = [p for p in target.rglob("*") if p.is_file()]
    assert MANY // 2 <= len(kept) < MANY
    await sandbox_admin.clear_faults()
    retry = await wait_job((await start(api, login, body))["id"])
    assert retry["state"] == "succeeded" and retry["filesSkipped"] == len(kept)


async def test_cancel_cuts_a_stalled_file_get(
    long_timeout, api, login, wait_job, jp_root_dir, data, sandbox_admin
):
    await sandbox_admin.set_faults("stall:after=1000,on=get,ms=600000")
    body = {"permIds": [data["edges"]], "destination": "g", "files": ["original/edges/big.bin"]}
    job = await start(api, login, body)
    await sandbox_admin.wait_stalled(1)
    assert (await api("DELETE", f"jobs/{job['id']}")).code == 202
    done = await wait_job(job["id"])
    assert done["state"] == "cancelled", done
    await sandbox_admin.wait_stalled(0)
    assert not (jp_root_dir / "g").exists() and parts_under(jp_root_dir) == []
