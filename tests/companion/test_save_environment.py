"""Saving with a captured environment: the files are staged per save, never in the user's folder."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from openbis_sandbox.testing import pybis_client

from .support import CONNECTION

BASE = f"connections/{CONNECTION}"
EMPTY_NOTEBOOK = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the server makes its per-save folders (the server runs in this process)."""
    folder = tmp_path / "server-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def shared_folder(jp_root_dir: Path) -> Path:
    folder = jp_root_dir / "shared"
    folder.mkdir()
    for name in ("first.ipynb", "second.ipynb"):
        (folder / name).write_text(EMPTY_NOTEBOOK)
    (folder / "requirements.txt").write_text("the-users-own==1.0\n")
    return folder


async def save_with(api, wait_job, notebook: str, environment: dict) -> dict:
    reply = await api(
        "POST",
        f"{BASE}/datasets",
        body={
            "notebookPath": notebook,
            "experiment": "/LAB/PROJ1/EXP1",
            "properties": {"$NAME": notebook},
            "environment": environment,
        },
    )
    assert reply.code == 202, reply.text
    done = await wait_job(reply.body["id"])
    assert done["state"] == "succeeded", done
    return done["result"]


def uploaded_text(sandbox, perm_id: str, name: str, tmp_path: Path) -> str:
    ds = pybis_client(sandbox).get_dataset(perm_id)
    target = tmp_path / perm_id
    ds.download(
        files=[f"original/default/{name}"], destination=str(target), wait_until_finished=True
    )
    (found,) = list(target.rglob(name))
    return found.read_text()


async def test_two_notebooks_in_one_folder_keep_their_own_environment(
    api, login, wait_job, shared_folder, private_tmp, sandbox, tmp_path
):
    await login()
    before = sorted(p.name for p in shared_folder.iterdir())
    first = await save_with(
        api,
        wait_job,
        "shared/first.ipynb",
        {"requirements": "numpy==2.1.0", "runtime": "python-3.11"},
    )
    second = await save_with(
        api, wait_job, "shared/second.ipynb", {"requirements": "pandas==2.2.0\n"}
    )
    assert sorted(first["files"]) == [
        "original/default/first.ipynb",
        "original/default/requirements.txt",
        "original/default/runtime.txt",
    ]
    # The captured requirements replace the user's file in the upload; the folder is untouched.
    assert sorted(second["files"]) == [
        "original/default/requirements.txt",
        "original/default/second.ipynb",
    ]
    assert uploaded_text(sandbox, first["permId"], "requirements.txt", tmp_path) == "numpy==2.1.0\n"
    assert (
        uploaded_text(sandbox, second["permId"], "requirements.txt", tmp_path) == "pandas==2.2.0\n"
    )
    assert sorted(p.name for p in shared_folder.iterdir()) == before
    assert (shared_folder / "requirements.txt").read_text() == "the-users-own==1.0\n"
    assert list(private_tmp.iterdir()) == []  # each save's staging folder is gone


async def test_a_bad_environment_is_refused_before_anything_is_uploaded(
    api, login, shared_folder, private_tmp
):
    await login()
    for environment, field in (
        ("numpy", "environment"),
        ({"runtime": "python-3.11\npython-3.12"}, "environment.runtime"),
        ({"requirements": "x\x00"}, "environment.requirements"),
        ({"setup.py": "x"}, "environment.setup.py"),
    ):
        reply = await api(
            "POST",
            f"{BASE}/datasets",
            body={
                "notebookPath": "shared/first.ipynb",
                "experiment": "/LAB/PROJ1/EXP1",
                "environment": environment,
            },
        )
        assert reply.code == 400 and field in reply.body["fields"], (environment, reply.body)
    assert list(private_tmp.iterdir()) == []
