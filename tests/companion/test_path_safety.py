"""Nothing is read from or written outside the Jupyter root, even through symlinks that
appear while a job runs. Races are ordered with the sandbox's latency fault: a transfer is
held until the test has swapped a folder or file for a link, never with sleeps."""

from __future__ import annotations

import json
import os
from pathlib import Path

from openbis_sandbox.testing import pybis_client

from .support import CONNECTION, OUTSIDE_SECRET, listing

BASE = f"connections/{CONNECTION}"
CSV = "20250123080000000-19"  # RAW_DATA, original/data.csv (372 bytes)
EXPERIMENT = "/LAB/PROJ1/EXP1"
NOTEBOOK = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def parts_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".part")]


async def test_env_file_linking_outside_the_root_is_refused(
    api, login, jp_root_dir, outside, sandbox
):
    folder = jp_root_dir / "x"
    folder.mkdir()
    (folder / "nb.ipynb").write_text(NOTEBOOK)
    os.symlink(outside / "secret.txt", folder / "requirements.txt")
    assert (await login()).code == 200
    before = pybis_client(sandbox).get_datasets(count=1).totalCount
    reply = await api(
        "POST",
        f"{BASE}/datasets",
        body={"notebookPath": "x/nb.ipynb", "experiment": EXPERIMENT, "properties": {"$NAME": "n"}},
    )
    assert reply.code == 403, reply.text
    assert reply.body["reason"] == "forbidden" and "includeEnvironment" in reply.body["fields"]
    assert OUTSIDE_SECRET not in reply.text
    assert pybis_client(sandbox).get_datasets(count=1).totalCount == before
    # Without the environment files the notebook itself may be saved.
    without = await api(
        "POST",
        f"{BASE}/datasets",
        body={
            "notebookPath": "x/nb.ipynb",
            "experiment": EXPERIMENT,
            "properties": {"$NAME": "n"},
            "includeEnvironment": False,
        },
    )
    assert without.code == 202, without.text


async def test_env_file_linking_inside_the_root_is_uploaded(
    api, login, wait_job, jp_root_dir, sandbox
):
    folder = jp_root_dir / "x"
    (folder / "env").mkdir(parents=True)
    (folder / "nb.ipynb").write_text(NOTEBOOK)
    (folder / "env" / "runtime.txt").write_text("python-3.11\n")
    os.symlink(folder / "env" / "runtime.txt", folder / "runtime.txt")
    assert (await login()).code == 200
    reply = await api(
        "POST",
        f"{BASE}/datasets",
        body={"notebookPath": "x/nb.ipynb", "experiment": EXPERIMENT, "properties": {"$NAME": "n"}},
    )
    assert reply.code == 202, reply.text
    assert reply.body["request"]["files"] == ["nb.ipynb", "runtime.txt"]
    done = await wait_job(reply.body["id"])
    assert done["state"] == "succeeded", done


async def test_file_swapped_for_a_link_during_a_save_is_not_read(
    api, login, wait_job, jp_root_dir, outside, sandbox, sandbox_admin
):
    folder = jp_root_dir / "x"
    folder.mkdir()
    (folder / "nb.ipynb").write_text(NOTEBOOK)
    (folder / "data.txt").write_text("harmless")
    assert (await login()).code == 200
    before = pybis_client(sandbox).get_datasets(count=1).totalCount
    # The notebook's slice is held; data.txt is read only after it.
    await sandbox_admin.set_faults("latency:ms=60000,on=upload,times=1")
    started = await api(
        "POST",
        f"{BASE}/datasets",
        body={
            "notebookPath": "x/nb.ipynb",
            "experiment": EXPERIMENT,
            "properties": {"$NAME": "swapped"},
            "files": ["x/data.txt"],
            "includeEnvironment": False,
        },
    )
    assert started.code == 202, started.text
    await sandbox_admin.wait_delayed(1)
    (folder / "data.txt").unlink()
    os.symlink(outside / "secret.txt", folder / "data.txt")
    await sandbox_admin.clear_faults()
    done = await wait_job(started.body["id"])
    assert done["state"] == "failed", done
    assert done["error"]["reason"] == "forbidden", done
    assert pybis_client(sandbox).get_datasets(count=1).totalCount == before


async def test_folder_swapped_for_a_link_during_a_download_is_not_written_through(
    api, login, wait_job, jp_root_dir, outside, sandbox_admin
):
    assert (await login()).code == 200
    await sandbox_admin.set_faults("latency:ms=60000,on=file-get")
    started = await api("POST", f"{BASE}/downloads", body={"permIds": [CSV], "destination": "d"})
    assert started.code == 202, started.text
    # The GET is held: the job has made its folder and waits for the first byte.
    await sandbox_admin.wait_delayed(1)
    target = jp_root_dir / "d" / CSV
    assert target.is_dir()
    os.rename(target, jp_root_dir / "moved")
    os.symlink(outside, target)
    before = listing(outside)
    await sandbox_admin.clear_faults()
    done = await wait_job(started.body["id"])
    assert listing(outside) == before  # nothing written through the link
    assert done["state"] == "failed", done
    assert done["error"]["reason"] in ("conflict", "forbidden"), done
    assert parts_under(jp_root_dir) == []
    assert not (jp_root_dir / "moved" / "data.csv").exists()


async def test_overwrite_replaces_a_link_at_the_final_name(api, login, wait_job, jp_root_dir):
    victim = jp_root_dir / "victim.ipynb"
    victim.write_text("precious")
    folder = jp_root_dir / "d" / CSV
    folder.mkdir(parents=True)
    os.symlink(victim, folder / "data.csv")
    assert (await login()).code == 200
    refused = await api("POST", f"{BASE}/downloads", body={"permIds": [CSV], "destination": "d"})
    assert refused.code == 202, refused.text  # looked up in the job, which refuses to clobber
    refused_job = await wait_job(refused.body["id"])
    assert refused_job["state"] == "failed" and refused_job["error"]["reason"] == "conflict"
    assert victim.read_text() == "precious"
    started = await api(
        "POST",
        f"{BASE}/downloads",
        body={"permIds": [CSV], "destination": "d", "overwrite": True},
    )
    assert started.code == 202, started.text
    done = await wait_job(started.body["id"])
    assert done["state"] == "succeeded", done
    assert victim.read_text() == "precious"
    assert not (folder / "data.csv").is_symlink()
    assert (folder / "data.csv").stat().st_size == 372


async def test_a_link_at_the_final_name_is_never_taken_for_the_file(
    api, login, wait_job, jp_root_dir
):
    """A link to a file with the right content is not "already present": it is replaced."""
    assert (await login()).code == 200
    first = await api("POST", f"{BASE}/downloads", body={"permIds": [CSV], "destination": "a"})
    assert (await wait_job(first.body["id"]))["state"] == "succeeded"
    folder = jp_root_dir / "b" / CSV
    folder.mkdir(parents=True)
    os.symlink(jp_root_dir / "a" / CSV / "data.csv", folder / "data.csv")
    started = await api(
        "POST", f"{BASE}/downloads", body={"permIds": [CSV], "destination": "b", "overwrite": True}
    )
    done = await wait_job(started.body["id"])
    assert done["state"] == "succeeded" and done["filesSkipped"] == 0, done
    assert not (folder / "data.csv").is_symlink()


async def test_env_files_are_not_written_through_a_link(api, jp_root_dir, outside):
    folder = jp_root_dir / "x"
    folder.mkdir()
    (folder / "nb.ipynb").write_text(NOTEBOOK)
    other = jp_root_dir / "other.txt"
    other.write_text("keep me")
    os.symlink(other, folder / "requirements.txt")  # inside the root, still not written through
    os.symlink(outside / "secret.txt", folder / "runtime.txt")
    for name, body in [("requirements", "numpy"), ("runtime", "python-3.11")]:
        reply = await api("POST", "env-files", body={"notebookPath": "x/nb.ipynb", name: body})
        assert reply.code == 403, reply.text
        assert reply.body["reason"] == "forbidden"
    assert other.read_text() == "keep me"
    assert (outside / "secret.txt").read_text() == OUTSIDE_SECRET
