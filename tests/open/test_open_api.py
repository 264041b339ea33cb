"""Open a notebook saved in openBIS into ``openbis/<permId>/`` of the Jupyter root, with the
real pybis against the sandbox: the notebook with its environment files and, on request, its
parents where its provenance says; never replacing local edits, never through a link (races
are ordered with the sandbox's latency fault, never with sleeps)."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from openbis_sandbox.testing import pybis_client

from ..companion.support import CONNECTION

BASE = f"connections/{CONNECTION}"
EXPERIMENT = "/LAB/PROJ1/EXP1"
RAW = "20250123080000000-19"  # a RAW_DATA data set of the demo seed
VALUES = "x,y\n1,2.5\n2,3.5\n"
SHARED = "a,b\n3,4\n"


def _record(sandbox, perm: str, path: str, name: str) -> dict:
    return {
        "instance": sandbox.url,
        "connection": CONNECTION,
        "permId": perm,
        "type": "RAW_DATA",
        "path": path,
        "pathBase": "notebook",
        "files": [{"path": f"{path}/{name}", "size": 1, "crc32": 1}],
        "size": 1,
        "time": "2026-01-01T00:00:00.000Z",
    }


def _make_dataset(client, folder: Path, files: dict[str, str], kind: str, **extra) -> str:
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    dataset = client.new_dataset(
        type=kind,
        experiment=EXPERIMENT,
        files=[str(folder / name) for name in files],
        props={"$name": f"open test {kind.lower()}"},
        **extra,
    )
    dataset.save()
    return str(dataset.permId)


@pytest.fixture(scope="module")
def saved(sandbox, tmp_path_factory) -> dict[str, str]:
    """A notebook data set with two parents: one read from ``inputs/<p>`` beside the
    notebook, one from ``../shared/<p>`` (so the notebook goes one folder down)."""
    base = tmp_path_factory.mktemp("open-data")
    client = pybis_client(sandbox)
    near = _make_dataset(client, base / "near", {"values.csv": VALUES}, "RAW_DATA")
    far = _make_dataset(client, base / "far", {"shared.csv": SHARED}, "RAW_DATA")
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": "print(1)",
                "id": "c1",
            }
        ],
        "metadata": {
            "openbis": {
                "downloads": [
                    _record(sandbox, near, f"inputs/{near}", "values.csv"),
                    _record(sandbox, far, f"../shared/{far}", "shared.csv"),
                ],
                "uploads": [],
            }
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    files = {
        "analysis.ipynb": json.dumps(notebook),
        "requirements.txt": "pandas==2.2.3\n",
        "runtime.txt": "python-3.11\n",
    }
    perm = _make_dataset(client, base / "nb", files, "ANALYSIS_NOTEBOOK", parents=[near, far])
    return {"notebook": perm, "near": near, "far": far}


def listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


async def open_notebook(api, wait_job, perm: str, parents: bool = False) -> dict:
    started = await api("POST", f"{BASE}/notebooks/open", body={"permId": perm, "parents": parents})
    assert started.code == 202, started.text
    return await wait_job(started.body["id"])


async def test_the_plan_shows_the_notebook_and_its_parents_with_sizes(api, login, saved):
    assert (await login()).code == 200
    reply = await api("GET", f"{BASE}/notebooks/{saved['notebook']}")
    assert reply.code == 200, reply.text
    plan = reply.body
    assert plan["notebookFile"] == "analysis.ipynb" and plan["type"] == "ANALYSIS_NOTEBOOK"
    assert plan["folder"] == f"openbis/{saved['notebook']}" and plan["opened"] is None
    sizes = {p["permId"]: p["size"] for p in plan["parents"]}
    assert sizes == {saved["near"]: len(VALUES), saved["far"]: len(SHARED)}
    assert plan["parentsSize"] == len(VALUES) + len(SHARED)
    found = await api("GET", f"{BASE}/notebooks", params={"q": "open test"})
    assert found.code == 200, found.text
    perms = [item["permId"] for item in found.body["items"]]
    assert saved["notebook"] in perms and saved["near"] not in perms  # notebooks only


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"permId": "../etc"}, 400, "permId"),
        ({"permId": "20990101000000000-1"}, 404, None),
        ({"permId": RAW}, 400, "permId"),  # not a saved notebook
        ({"permId": RAW, "parents": "yes"}, 400, "parents"),
        ({"permId": RAW, "path": "x"}, 400, "path"),
    ],
)
async def test_bad_requests_are_refused_with_json(api, login, jp_root_dir, body, code, field):
    assert (await login()).code == 200
    reply = await api("POST", f"{BASE}/notebooks/open", body=body)
    assert reply.code == code, reply.text
    assert reply.body["message"]
    if field:
        assert field in reply.body["fields"], reply.body
    assert not (jp_root_dir / "openbis").exists()


async def test_a_wrong_type_or_bad_perm_id_in_the_plan_route(api, login):
    assert (await login()).code == 200
    reply = await api("GET", f"{BASE}/notebooks/{RAW}")
    assert reply.code == 400 and "ANALYSIS_NOTEBOOK" in reply.body["message"], reply.text
    assert (await api("GET", f"{BASE}/notebooks/x-1")).code == 400
    bad_query = await api("GET", f"{BASE}/notebooks", params={"q": "a\x01b"})
    assert bad_query.code == 400 and "q" in bad_query.body["fields"], bad_query.text
    bad_page = await api("GET", f"{BASE}/notebooks", params={"limit": "100000"})
    assert bad_page.code == 400 and "limit" in bad_page.body["fields"], bad_page.text


async def test_open_lays_out_the_notebook_and_save_offers_a_new_version(
    api, login, wait_job, jp_root_dir, saved, sandbox
):
    assert (await login()).code == 200
    job = await open_notebook(api, wait_job, saved["notebook"])
    assert job["state"] == "succeeded", job
    folder = f"openbis/{saved['notebook']}"
    result = job["result"]
    assert result["alreadyOpen"] is False
    # ../shared/ in the records: the notebook goes one folder down, so shared/ stays inside
    assert result["notebook"] == f"{folder}/notebook/analysis.ipynb"
    assert listing(jp_root_dir / folder) == [
        "notebook",
        "notebook/analysis.ipynb",
        "notebook/requirements.txt",
        "notebook/runtime.txt",
    ]  # no parents unless asked for
    assert (jp_root_dir / folder / "notebook/requirements.txt").read_text() == "pandas==2.2.3\n"
    notebook = json.loads((jp_root_dir / result["notebook"]).read_text())
    (upload,) = notebook["metadata"]["openbis"]["uploads"]
    assert upload["permId"] == saved["notebook"] and upload["instance"] == sandbox.url
    assert upload["owner"] == EXPERIMENT and upload["connection"] == CONNECTION
    assert sorted(upload["parents"]) == sorted([saved["near"], saved["far"]])
    assert upload["opened"] is True  # Save starts on "new version"
    assert len(notebook["metadata"]["openbis"]["downloads"]) == 2  # provenance kept
    plan = await api("GET", f"{BASE}/notebooks/{saved['notebook']}")
    assert plan.body["opened"] == result["notebook"]


async def test_opening_again_keeps_local_edits_and_adds_only_missing_parents(
    api, login, wait_job, jp_root_dir, saved
):
    assert (await login()).code == 200
    first = await open_notebook(api, wait_job, saved["notebook"])
    path = jp_root_dir / first["result"]["notebook"]
    path.write_text('{"edited": true}')
    requirements = path.with_name("requirements.txt")
    requirements.write_text("edited\n")
    again = await open_notebook(api, wait_job, saved["notebook"], parents=True)
    assert again["state"] == "succeeded", again
    assert again["result"]["alreadyOpen"] is True
    assert again["result"]["notebook"] == first["result"]["notebook"]
    assert path.read_text() == '{"edited": true}' and requirements.read_text() == "edited\n"
    # parents of an open notebook are fetched by Download, not by opening it again
    assert not (path.parent / "inputs").exists()


async def test_parents_go_where_the_notebook_read_them(api, login, wait_job, jp_root_dir, saved):
    assert (await login()).code == 200
    folder = jp_root_dir / "openbis" / saved["notebook"]
    if folder.exists():  # a fresh layout: earlier tests of this module opened it
        os.rename(folder, jp_root_dir / f"earlier-{saved['notebook']}")
    job = await open_notebook(api, wait_job, saved["notebook"], parents=True)
    assert job["state"] == "succeeded", job
    assert job["result"]["parents"] == [saved["near"], saved["far"]]
    near = folder / "notebook" / "inputs" / saved["near"] / "values.csv"
    far = folder / "shared" / saved["far"] / "shared.csv"
    assert near.read_text() == VALUES and far.read_text() == SHARED
    assert job["bytesDone"] == job["bytesTotal"] and job["filesDone"] == job["filesTotal"] == 5
    assert [p for p in jp_root_dir.rglob("*") if p.name.endswith(".part")] == []


@pytest.mark.parametrize("link_at", ["openbis", "perm"])
async def test_a_planted_link_is_refused_and_nothing_is_written_outside(
    api, login, jp_root_dir, tmp_path, saved, link_at
):
    assert (await login()).code == 200
    outside = tmp_path / "outside"
    outside.mkdir()
    if (jp_root_dir / "openbis").exists():
        os.rename(jp_root_dir / "openbis", jp_root_dir / f"moved-{link_at}")
    if link_at == "openbis":
        os.symlink(outside, jp_root_dir / "openbis")
    else:
        (jp_root_dir / "openbis").mkdir()
        os.symlink(outside, jp_root_dir / "openbis" / saved["notebook"])
    plan = await api("GET", f"{BASE}/notebooks/{saved['notebook']}")
    assert plan.code == 403 and plan.body["reason"] == "forbidden", plan.text
    reply = await api("POST", f"{BASE}/notebooks/open", body={"permId": saved["notebook"]})
    assert reply.code == 403, reply.text
    assert listing(outside) == []


async def test_a_folder_swapped_for_a_link_while_fetching_is_not_written_through(
    api, login, wait_job, jp_root_dir, tmp_path, saved, sandbox_admin
):
    assert (await login()).code == 200
    if (jp_root_dir / "openbis").exists():
        os.rename(jp_root_dir / "openbis", jp_root_dir / "moved-race")
    (jp_root_dir / "openbis").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    await sandbox_admin.set_faults("latency:ms=60000,on=file-transfer")
    started = await api("POST", f"{BASE}/notebooks/open", body={"permId": saved["notebook"]})
    assert started.code == 202, started.text
    await sandbox_admin.wait_delayed(1)  # the job checked the folder and is fetching
    os.symlink(outside, jp_root_dir / "openbis" / saved["notebook"])
    await sandbox_admin.clear_faults()
    done = await wait_job(started.body["id"])
    assert done["state"] == "failed" and done["error"]["reason"] == "forbidden", done
    assert listing(outside) == []


async def test_two_opens_at_once_lay_it_out_once(api, login, wait_job, jp_root_dir, saved):
    assert (await login()).code == 200
    if (jp_root_dir / "openbis").exists():
        os.rename(jp_root_dir / "openbis", jp_root_dir / "moved-twice")
    jobs = await asyncio.gather(
        *(open_notebook(api, wait_job, saved["notebook"], parents=True) for _ in range(2))
    )
    assert [j["state"] for j in jobs] == ["succeeded", "succeeded"], jobs
    assert sorted(j["result"]["alreadyOpen"] for j in jobs) == [False, True]
    folder = jp_root_dir / "openbis" / saved["notebook"]
    notebook = json.loads((folder / "notebook" / "analysis.ipynb").read_text())
    assert len(notebook["metadata"]["openbis"]["uploads"]) == 1
    assert [p for p in jp_root_dir.rglob("*") if ".part" in p.name] == []
