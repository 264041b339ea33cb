"""Environment files are written without following links, even links swapped in after the
check. The race is ordered with the writer's test hook (``envfiles.hold_before_write``),
which runs once the target is checked and before it is written: the swap happens there,
deterministically, with no sleeps."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from jupyterlab_openbis_bridge.server import envfiles

from .support import OUTSIDE_SECRET, listing

NOTEBOOK = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture
def notebook_folder(jp_root_dir: Path) -> Path:
    folder = jp_root_dir / "x"
    folder.mkdir()
    (folder / "nb.ipynb").write_text(NOTEBOOK)
    return folder


def leftovers(root: Path) -> list[str]:
    return [p.name for p in root.rglob(".openbis-*")]


async def test_folder_swapped_for_a_link_while_written_is_not_written_through(
    api, jp_root_dir, notebook_folder, outside, monkeypatch
):
    calls: list[str] = []

    def swap(path: str) -> None:
        calls.append(path)
        os.rename(notebook_folder, jp_root_dir / "moved")
        os.symlink(outside, notebook_folder)

    monkeypatch.setattr(envfiles, "hold_before_write", swap)
    before = listing(outside)
    reply = await api(
        "POST", "env-files", body={"notebookPath": "x/nb.ipynb", "requirements": "numpy\n"}
    )
    assert calls == ["x/requirements.txt"]  # the hold point was reached
    assert listing(outside) == before  # nothing appeared (or changed) outside the root
    assert (outside / "secret.txt").read_text() == OUTSIDE_SECRET
    assert reply.code == 409, reply.text
    assert reply.body["reason"] == "conflict" and "notebookPath" in reply.body["fields"]
    assert not (jp_root_dir / "moved" / "requirements.txt").exists()
    assert leftovers(jp_root_dir) == [] and leftovers(outside) == []


async def test_file_swapped_for_a_link_while_written_is_replaced_not_followed(
    api, jp_root_dir, notebook_folder, outside, monkeypatch
):
    def swap(path: str) -> None:
        os.symlink(outside / "secret.txt", jp_root_dir / path)

    monkeypatch.setattr(envfiles, "hold_before_write", swap)
    reply = await api(
        "POST", "env-files", body={"notebookPath": "x/nb.ipynb", "runtime": "python-3.12"}
    )
    assert reply.code == 200, reply.text
    assert reply.body == {"written": ["x/runtime.txt"]}
    assert (outside / "secret.txt").read_text() == OUTSIDE_SECRET
    assert listing(outside) == ["secret.txt"]
    target = notebook_folder / "runtime.txt"
    assert not target.is_symlink() and target.read_text() == "python-3.12\n"
    assert leftovers(jp_root_dir) == []


async def test_written_files_keep_content_names_and_permissions(api, jp_root_dir, notebook_folder):
    existing = notebook_folder / "requirements.txt"
    existing.write_text("old\n")
    existing.chmod(0o640)
    text = "numpy==2.1 # π\r\npandas\n"
    reply = await api(
        "POST",
        "env-files",
        body={"notebookPath": "x/nb.ipynb", "requirements": text, "runtime": "python-3.11"},
    )
    assert reply.code == 200, reply.text
    assert reply.body == {"written": ["x/requirements.txt", "x/runtime.txt"]}
    assert existing.read_bytes() == text.encode("utf-8")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640
    assert (notebook_folder / "runtime.txt").read_bytes() == b"python-3.11\n"
    assert leftovers(jp_root_dir) == []
    # A notebook at the root writes beside it, at the root.
    (jp_root_dir / "top.ipynb").write_text(NOTEBOOK)
    top = await api("POST", "env-files", body={"notebookPath": "top.ipynb", "runtime": "r"})
    assert top.body == {"written": ["runtime.txt"]}
    assert (jp_root_dir / "runtime.txt").read_text() == "r\n"


async def test_an_in_root_folder_link_is_written_to_its_target(api, jp_root_dir):
    real = jp_root_dir / "real"
    real.mkdir()
    (real / "nb.ipynb").write_text(NOTEBOOK)
    os.symlink(real, jp_root_dir / "alias")
    reply = await api(
        "POST", "env-files", body={"notebookPath": "alias/nb.ipynb", "requirements": "a"}
    )
    assert reply.code == 200 and reply.body == {"written": ["alias/requirements.txt"]}
    assert (real / "requirements.txt").read_text() == "a\n"


def test_only_the_local_file_manager_is_bypassed(tmp_path):
    from jupyter_server.services.contents.filemanager import AsyncFileContentsManager
    from jupyter_server.services.contents.manager import ContentsManager

    assert envfiles.is_file_based(AsyncFileContentsManager(root_dir=str(tmp_path)), tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    assert not envfiles.is_file_based(AsyncFileContentsManager(root_dir=str(other)), tmp_path)
    assert not envfiles.is_file_based(ContentsManager(), tmp_path)
