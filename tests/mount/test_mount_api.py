"""Mount data store and Link instead of copy, through the REST API with real sshfs and FUSE.

The connection logs in as a user whose password holds quotes, ``$``, backticks, spaces and
non-ASCII: it must reach sshfs on stdin untouched and never show up in a process list.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from openbis_sandbox.testing import pybis_client

from ..companion.support import CONNECTION
from .conftest import AWKWARD_PASSWORD, AWKWARD_USER, CSV_DATA_SET, CSV_EXPERIMENT, stored_file

MOUNT_PATH = f"openbis-mounts/{CONNECTION}"
CSV_IN_DATA_SET = "original/data.csv"


def bridge_of(jp_serverapp):
    return next(iter(jp_serverapp.extension_manager.extension_apps["jupyterlab_openbis_bridge"]))


@pytest.fixture
def unmount_after(jp_serverapp):
    yield
    bridge_of(jp_serverapp).service.mounts.unmount_all()  # never leave a mount behind


@pytest.fixture
def logged_in(unmount_after):
    """Log in as the user with the awkward password: ``await logged_in(api)``."""

    async def login(api) -> None:
        reply = await api(
            "POST",
            f"connections/{CONNECTION}/login",
            body={"username": AWKWARD_USER, "password": AWKWARD_PASSWORD},
        )
        assert reply.code == 200, reply.text

    return login


async def mount(api, sandbox):
    return await api("POST", f"connections/{CONNECTION}/mount", body={"port": sandbox.sftp_port})


def processes_mentioning(secret: str, sandbox) -> list[str]:
    """Processes whose command line or environment holds ``secret`` (but the sandbox, which
    was given its users with ``--user NAME:PASSWORD``)."""
    needle = secret.encode("utf-8")
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if int(pid) == sandbox.process.pid:
            continue
        for part in ("cmdline", "environ"):
            try:
                data = Path(f"/proc/{pid}/{part}").read_bytes()
            except OSError:
                continue
            if needle in data:
                found.append(f"{pid}/{part}")
    return found


async def test_mount_read_link_and_unmount_on_logout(api, logged_in, sandbox, jp_root_dir):
    await logged_in(api)
    reply = await mount(api, sandbox)
    assert reply.code == 200, reply.text
    assert reply.body["mounted"] is True and reply.body["mountPath"] == MOUNT_PATH
    assert AWKWARD_PASSWORD not in reply.text
    status = await api("GET", f"connections/{CONNECTION}", params={"live": "0"})
    assert status.body["mounted"] is True and status.body["mountPath"] == MOUNT_PATH
    for live in ("0", "1"):  # the list the frontend reloads after a mount says so too
        listed = await api("GET", "connections", params={"live": live})
        entry = next(c for c in listed.body["connections"] if c["name"] == CONNECTION)
        assert entry["mounted"] is True and entry["mountPath"] == MOUNT_PATH, live

    mounted = jp_root_dir / MOUNT_PATH / CSV_EXPERIMENT.strip("/") / CSV_DATA_SET
    expected = stored_file(sandbox, CSV_DATA_SET, CSV_IN_DATA_SET)
    assert await asyncio.to_thread((mounted / CSV_IN_DATA_SET).read_bytes) == expected
    assert await asyncio.to_thread(processes_mentioning, AWKWARD_PASSWORD, sandbox) == []

    link = await api(
        "POST",
        f"connections/{CONNECTION}/links",
        body={"permId": CSV_DATA_SET, "destination": "work/data", "notebookPath": "work/a.ipynb"},
    )
    assert link.code == 201, link.text
    linked = jp_root_dir / "work" / "data" / CSV_DATA_SET
    assert linked.is_symlink() and not os.path.isabs(os.readlink(linked))
    assert await asyncio.to_thread((linked / CSV_IN_DATA_SET).read_bytes) == expected
    record = link.body["record"]
    assert record["linked"] is True and record["permId"] == CSV_DATA_SET
    assert link.body["target"] == f"{MOUNT_PATH}{CSV_EXPERIMENT}/{CSV_DATA_SET}"
    pending = await api("GET", "provenance", params={"path": "work/a.ipynb"})
    assert [e["record"]["permId"] for e in pending.body["downloads"]] == [CSV_DATA_SET]
    assert pending.body["downloads"][0]["record"]["linked"] is True

    again = await api(
        "POST",
        f"connections/{CONNECTION}/links",
        body={"permId": CSV_DATA_SET, "destination": "work/data"},
    )
    assert again.code == 201  # the same link again is fine

    out = await api("POST", f"connections/{CONNECTION}/logout")
    assert out.code == 200 and out.body["mounted"] is False and out.body["mountPath"] is None
    assert not os.path.ismount(jp_root_dir / MOUNT_PATH)
    assert not (jp_root_dir / MOUNT_PATH).exists()


async def test_a_token_login_mounts_as_question_mark(api, sandbox, jp_root_dir, unmount_after):
    pat = pybis_client(sandbox).get_or_create_personal_access_token("mount-api").permId
    reply = await api("POST", f"connections/{CONNECTION}/login", body={"token": pat})
    assert reply.code == 200, reply.text
    try:
        mounted = await mount(api, sandbox)
        assert mounted.code == 200, mounted.text
        listing = await asyncio.to_thread(os.listdir, jp_root_dir / MOUNT_PATH / "LAB")
        assert "PROJ1" in listing
        assert await asyncio.to_thread(processes_mentioning, pat, sandbox) == []
    finally:
        gone = await api("DELETE", f"connections/{CONNECTION}/mount")
    assert gone.code == 200 and gone.body["mounted"] is False
    assert not os.path.ismount(jp_root_dir / MOUNT_PATH)


async def test_server_shutdown_unmounts(api, logged_in, sandbox, jp_root_dir, jp_serverapp):
    await logged_in(api)
    assert (await mount(api, sandbox)).code == 200
    await asyncio.to_thread(bridge_of(jp_serverapp).service.mounts.unmount_all)
    assert not os.path.ismount(jp_root_dir / MOUNT_PATH)


async def test_a_linked_mounts_folder_is_refused(api, logged_in, sandbox, jp_root_dir, tmp_path):
    """openbis-mounts/ as a link to a folder outside the root: nothing is mounted there."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (jp_root_dir / "openbis-mounts").symlink_to(outside, target_is_directory=True)
    try:
        await logged_in(api)
        reply = await mount(api, sandbox)
        assert reply.code == 403, reply.text
        assert reply.body["fields"] == {"mountPath": "symbolic link or changed"}
        assert os.listdir(outside) == []
        assert not os.path.ismount(outside / CONNECTION)
    finally:
        (jp_root_dir / "openbis-mounts").unlink()


async def test_mount_needs_a_login(api, sandbox):
    reply = await mount(api, sandbox)
    assert reply.code == 409 and "log in" in reply.body["message"]


@pytest.mark.parametrize("port", [0, 70000, "22", True])
async def test_a_bad_port_is_refused(api, logged_in, port):
    await logged_in(api)
    reply = await api("POST", f"connections/{CONNECTION}/mount", body={"port": port})
    assert reply.code == 400 and reply.body["fields"] == {"port": "invalid"}


async def test_unknown_fields_are_refused(api, logged_in):
    await logged_in(api)
    reply = await api("POST", f"connections/{CONNECTION}/mount", body={"host": "evil"})
    assert reply.code == 400 and reply.body["fields"] == {"host": "unknown field"}


async def test_a_link_needs_a_mount(api, logged_in):
    await logged_in(api)
    reply = await api("POST", f"connections/{CONNECTION}/links", body={"permId": CSV_DATA_SET})
    assert reply.code == 409 and "not mounted" in reply.body["message"]


@pytest.mark.parametrize("perm_id", ["../etc", "", None, "20250123080000000-19/x"])
async def test_a_link_needs_a_perm_id(api, logged_in, perm_id):
    await logged_in(api)
    reply = await api("POST", f"connections/{CONNECTION}/links", body={"permId": perm_id})
    assert reply.code == 400 and reply.body["fields"] == {"permId": "not a permId"}


async def test_a_link_never_leaves_the_root(api, logged_in, sandbox):
    await logged_in(api)
    assert (await mount(api, sandbox)).code == 200
    reply = await api(
        "POST",
        f"connections/{CONNECTION}/links",
        body={"permId": CSV_DATA_SET, "destination": "../outside"},
    )
    assert reply.code == 400 and reply.body["fields"] == {"destination": "parent reference"}


async def test_without_sshfs_the_reason_is_given(api, logged_in, sandbox, monkeypatch, tmp_path):
    await logged_in(api)
    monkeypatch.setenv("PATH", str(tmp_path))  # no sshfs, no fusermount
    reply = await mount(api, sandbox)
    assert reply.code == 409 and "sshfs is not installed" in reply.body["message"]


async def test_a_link_is_never_made_inside_a_mount(api, logged_in, sandbox):
    await logged_in(api)
    assert (await mount(api, sandbox)).code == 200
    reply = await api(
        "POST",
        f"connections/{CONNECTION}/links",
        body={"permId": CSV_DATA_SET, "destination": f"{MOUNT_PATH}/LAB"},
    )
    assert reply.code == 400 and reply.body["fields"] == {"destination": "inside a mount"}
