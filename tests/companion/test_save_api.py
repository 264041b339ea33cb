"""Saving a notebook to openBIS, and the environment files written beside it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openbis_sandbox.testing import pybis_client

from .support import CONNECTION

BASE = f"connections/{CONNECTION}"
PARENT = "20250123080000000-19"


@pytest.fixture
def notebook(jp_root_dir: Path) -> str:
    folder = jp_root_dir / "proj"
    (folder / "extra" / "deep").mkdir(parents=True)
    (folder / "analysis.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    (folder / "extra" / "deep" / "table.csv").write_text("a,b\n1,2\n")
    (folder / "extra" / ".secret").write_text("hidden")
    (folder / "plot.png").write_bytes(bytes(range(256)) * 50)
    return "proj/analysis.ipynb"


async def test_env_files_are_written_beside_the_notebook(api, notebook, jp_root_dir):
    reply = await api(
        "POST",
        "env-files",
        body={
            "notebookPath": notebook,
            "requirements": "numpy==2.1.0\npandas==2.2.3",
            "runtime": "python-3.11",
        },
    )
    assert reply.code == 200, reply.text
    assert reply.body["written"] == ["proj/requirements.txt", "proj/runtime.txt"]
    assert (
        jp_root_dir / "proj" / "requirements.txt"
    ).read_text() == "numpy==2.1.0\npandas==2.2.3\n"
    assert (jp_root_dir / "proj" / "runtime.txt").read_text() == "python-3.11\n"


async def test_env_files_refuse_other_names_and_multiline_runtime(api, notebook, jp_root_dir):
    assert (
        await api("POST", "env-files", body={"notebookPath": notebook, "runtime": "a\nb"})
    ).code == 400
    assert (
        await api(
            "POST",
            "env-files",
            body={
                "notebookPath": notebook,
                "requirements": "x",
                "requirements_filename": "../evil",
            },
        )
    ).code == 400
    assert (
        await api(
            "POST", "env-files", body={"notebookPath": "proj/notes.txt", "runtime": "python-3.11"}
        )
    ).code == 400
    assert not (jp_root_dir / "proj" / "runtime.txt").exists()


async def save(api, login, body) -> dict:
    assert (await login()).code == 200
    reply = await api("POST", f"{BASE}/datasets", body=body)
    assert reply.code == 202, reply.text
    return reply.body


async def test_save_notebook_with_env_files_extras_parents_and_typed_properties(
    api, login, wait_job, notebook, sandbox
):
    await api(
        "POST",
        "env-files",
        body={"notebookPath": notebook, "requirements": "numpy==2.1.0", "runtime": "python-3.11"},
    )
    job = await save(
        api,
        login,
        {
            "notebookPath": notebook,
            "experiment": "/LAB/PROJ1/EXP1",
            "parents": [PARENT],
            "properties": {"$NAME": "my analysis", "KERNEL": "python3", "NOTES": "typed\nvalues"},
            "files": ["proj/extra", "proj/plot.png"],
        },
    )
    done = await wait_job(job["id"])
    assert done["state"] == "succeeded", done
    result = done["result"]
    assert done["bytesDone"] == done["bytesTotal"] > 12800
    assert result["url"].startswith("https://") and result["permId"] in result["url"]
    assert sorted(result["files"]) == sorted(
        f"original/default/{name}"
        for name in (
            "analysis.ipynb",
            "requirements.txt",
            "runtime.txt",
            "extra/deep/table.csv",
            "plot.png",
        )
    )  # the hidden file in extra/ is not uploaded

    ds = pybis_client(sandbox).get_dataset(result["permId"])
    assert ds.type.code == "ANALYSIS_NOTEBOOK" and ds.experiment.identifier == "/LAB/PROJ1/EXP1"
    assert ds.props["$name"] == "my analysis" and ds.props["kernel"] == "PYTHON3"
    assert PARENT in ds.parents
    assert sorted(ds.file_list) == sorted(result["files"])


async def test_save_under_a_sample(api, login, wait_job, notebook, sandbox):
    job = await save(
        api,
        login,
        {
            "notebookPath": notebook,
            "sample": "/LAB/PROJ1/SAMPLE1",
            "properties": {"$NAME": "on a sample"},
            "includeEnvironment": False,
        },
    )
    done = await wait_job(job["id"])
    assert done["state"] == "succeeded", done
    assert done["result"]["files"] == ["original/analysis.ipynb"]
    ds = pybis_client(sandbox).get_dataset(done["result"]["permId"])
    assert ds.sample.identifier == "/LAB/PROJ1/SAMPLE1"


def count_datasets(sandbox) -> int:
    return pybis_client(sandbox).get_datasets(count=1).totalCount


async def test_property_errors_are_reported_per_field_before_any_upload(
    api, login, notebook, sandbox
):
    before = count_datasets(sandbox)
    assert (await login()).code == 200
    reply = await api(
        "POST",
        f"{BASE}/datasets",
        body={
            "notebookPath": notebook,
            "experiment": "/LAB/PROJ1/EXP1",
            "type": "ANALYZED_DATA",
            "properties": {
                "REPLICATES": "three",
                "TEMPERATURE": "hot",
                "CALIBRATED": "maybe",
                "UNKNOWN_PROP": "x",
            },
        },
    )
    assert reply.code == 400 and reply.body["reason"] == "invalid_input"
    assert set(reply.body["fields"]) == {
        "properties.REPLICATES",
        "properties.TEMPERATURE",
        "properties.CALIBRATED",
        "properties.UNKNOWN_PROP",
    }
    missing = await api(
        "POST", f"{BASE}/datasets", body={"notebookPath": notebook, "experiment": "/LAB/PROJ1/EXP1"}
    )
    assert missing.code == 400 and missing.body["fields"] == {"properties.$NAME": "required"}
    coerced = await api(
        "POST",
        f"{BASE}/datasets",
        body={
            "notebookPath": notebook,
            "experiment": "/LAB/PROJ1/EXP1",
            "type": "ANALYZED_DATA",
            "properties": {"REPLICATES": "3", "TEMPERATURE": 21.5, "CALIBRATED": "TRUE"},
            "includeEnvironment": False,
        },
    )
    assert coerced.code == 202
    assert (
        count_datasets(sandbox) >= before
    )  # the failed calls registered nothing; the last one is a job


async def test_unknown_owner_parent_or_type_registers_nothing(api, login, notebook, sandbox):
    before = count_datasets(sandbox)
    assert (await login()).code == 200
    cases = [
        ({"experiment": "/LAB/PROJ1/NOPE"}, 404, "experiment"),
        ({"sample": "20990101000000000-9"}, 404, "sample"),
        ({"experiment": "/LAB/PROJ1/EXP1", "parents": ["20990101000000000-1"]}, 404, "parents"),
        ({"experiment": "/LAB/PROJ1/EXP1", "type": "NO_SUCH_TYPE"}, 404, "type"),
        ({"experiment": "/LAB/PROJ1/EXP1", "sample": "/LAB/PROJ1/SAMPLE1"}, 400, "owner"),
    ]
    for extra, status, field in cases:
        body = {"notebookPath": notebook, "properties": {"$NAME": "x"}, **extra}
        reply = await api("POST", f"{BASE}/datasets", body=body)
        assert reply.code == status and field in reply.body["fields"], (extra, reply.text)
    assert count_datasets(sandbox) == before


async def test_registration_failure_leaves_nothing_registered(
    api, login, wait_job, notebook, sandbox, sandbox_admin
):
    before = count_datasets(sandbox)
    await sandbox_admin.set_faults("error:method=createUploadedDataSet,nth=1,message=disk full")
    job = await save(
        api,
        login,
        {
            "notebookPath": notebook,
            "experiment": "/LAB/PROJ1/EXP1",
            "properties": {"$NAME": "will fail"},
        },
    )
    done = await wait_job(job["id"])
    assert done["state"] == "failed" and done["error"]["reason"] == "upstream_error"
    assert "disk full" in done["error"]["message"]
    assert count_datasets(sandbox) == before


async def test_session_expiring_mid_upload_fails_cleanly_and_a_retry_renews_it(
    api, login, wait_job, notebook, sandbox_admin
):
    assert (await login()).code == 200
    plan_ok = await api("GET", f"{BASE}/dataset-types")  # warms the masterdata cache
    assert plan_ok.code == 200
    await sandbox_admin.set_faults("latency:ms=60000,on=upload")
    job = await api(
        "POST",
        f"{BASE}/datasets",
        body={
            "notebookPath": notebook,
            "experiment": "/LAB/PROJ1/EXP1",
            "properties": {"$NAME": "renewed"},
            "includeEnvironment": False,
        },
    )
    assert job.code == 202
    await sandbox_admin.wait_delayed(1)
    await sandbox_admin.set_faults("expire-sessions")  # releases the held slice into a dead session
    done = await wait_job(job.body["id"])
    # The slice already sent belonged to the old session: the job fails cleanly, and a retry works.
    assert done["state"] == "failed" and done["error"]["reason"] == "session_expired"
    again = await api(
        "POST",
        f"{BASE}/datasets",
        body={
            "notebookPath": notebook,
            "experiment": "/LAB/PROJ1/EXP1",
            "properties": {"$NAME": "renewed"},
            "includeEnvironment": False,
        },
    )
    assert (await wait_job(again.body["id"]))["state"] == "succeeded"
