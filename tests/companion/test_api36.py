"""The same flows against an openBIS reporting API 3.6 (older DTO shapes, fast-download v1)."""

from __future__ import annotations

import json

import pytest

from openbis_sandbox.testing import pybis_client


@pytest.fixture
def bridge_on_36(sandbox_36, bridge_config):
    bridge_config["connections"] = [
        {"name": "old", "url": sandbox_36.url, "caBundle": str(sandbox_36.ca_cert)}
    ]
    return sandbox_36


async def test_browse_download_and_save_at_api_36(bridge_on_36, api, wait_job, jp_root_dir):
    assert (
        await api(
            "POST", "connections/old/login", body={"username": "admin", "password": "changeit"}
        )
    ).code == 200
    types = await api("GET", "connections/old/dataset-types")
    assert "ANALYSIS_NOTEBOOK" in {t["code"] for t in types.body["dataSetTypes"]}
    datasets = await api(
        "GET", "connections/old/datasets", params={"experiment": "/LAB/PROJ1/EXP1"}
    )
    perm = datasets.body["items"][0]["permId"]
    job = await api(
        "POST", "connections/old/downloads", body={"permIds": [perm], "destination": "in"}
    )
    assert (await wait_job(job.body["id"]))["state"] == "succeeded"
    assert any((jp_root_dir / "in" / perm).rglob("*"))

    (jp_root_dir / "nb.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    saved = await api(
        "POST",
        "connections/old/datasets",
        body={
            "notebookPath": "nb.ipynb",
            "sample": "/LAB/PROJ1/SAMPLE1",
            "parents": [perm],
            "properties": {"$NAME": "3.6"},
        },
    )
    assert saved.code == 202, saved.text
    done = await wait_job(saved.body["id"])
    assert done["state"] == "succeeded", done
    ds = pybis_client(bridge_on_36).get_dataset(done["result"]["permId"])
    assert (
        ds.file_list == ["original/nb.ipynb"] == done["result"]["files"]
    )  # one file: pybis's layout
