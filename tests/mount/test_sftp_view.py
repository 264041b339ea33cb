"""The sandbox's SFTP view of the data store, driven by a real SSH client (asyncssh).

Layout as openBIS's default resolvers build it, the three logins ``FtpUserManager`` accepts,
read-only, confinement to the data set's folder, and the end of access with the session.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from pathlib import Path

import asyncssh
import pytest

from openbis_sandbox.testing import RunningSandbox, call_as, pybis_client

from .conftest import AWKWARD_PASSWORD, AWKWARD_USER, CSV_DATA_SET, CSV_EXPERIMENT, stored_file

CSV_PATH = f"{CSV_EXPERIMENT}/{CSV_DATA_SET}/original/data.csv"


async def _session(sandbox: RunningSandbox, user: str, password: str, work):
    async with asyncssh.connect(
        "127.0.0.1",
        sandbox.sftp_port,
        username=user,
        password=password,
        known_hosts=None,  # the sandbox's self-made host key
        client_keys=None,
        agent_path=None,
        preferred_auth="password",
    ) as conn:
        async with conn.start_sftp_client() as sftp:
            return await work(sftp)


def sftp(sandbox: RunningSandbox, work, user: str = "admin", password: str = "changeit"):
    return asyncio.run(_session(sandbox, user, password, work))


def test_layout_is_space_project_experiment_data_set(sandbox):
    async def walk(client):
        return {
            "/": sorted(await client.listdir("/")),
            "/LAB": sorted(await client.listdir("/LAB")),
            "/LAB/PROJ1": sorted(await client.listdir("/LAB/PROJ1")),
            CSV_EXPERIMENT: sorted(await client.listdir(CSV_EXPERIMENT)),
            "data set": sorted(await client.listdir(f"{CSV_EXPERIMENT}/{CSV_DATA_SET}")),
        }

    seen = sftp(sandbox, walk)
    spaces = sorted(s.code for s in pybis_client(sandbox).get_spaces())
    assert seen["/"] == [".", "..", *spaces]
    assert "PROJ1" in seen["/LAB"]
    assert "EXP1" in seen["/LAB/PROJ1"]
    data_sets = pybis_client(sandbox).get_experiment(CSV_EXPERIMENT).get_datasets()
    assert seen[CSV_EXPERIMENT] == [".", "..", *sorted(d.permId for d in data_sets)]
    assert seen["data set"] == [".", "..", "original"]


def test_a_file_reads_as_stored_with_its_size(sandbox):
    async def read(client):
        attrs = await client.stat(CSV_PATH)
        async with client.open(CSV_PATH, "rb") as stream:
            return attrs.size, await stream.read()

    size, data = sftp(sandbox, read)
    expected = stored_file(sandbox, CSV_DATA_SET, "original/data.csv")
    assert (size, data) == (len(expected), expected)


def test_login_with_an_awkward_password(sandbox):
    async def listing(client):
        return await client.listdir("/LAB")

    assert "PROJ1" in sftp(sandbox, listing, AWKWARD_USER, AWKWARD_PASSWORD)


@pytest.mark.parametrize("kind", ["session token", "personal access token"])
def test_login_as_question_mark_with_a_token(sandbox, kind):
    client = pybis_client(sandbox)
    token = (
        client.token
        if kind == "session token"
        else client.get_or_create_personal_access_token("mount").permId
    )

    async def listing(sftp_client):
        return await sftp_client.listdir("/LAB")

    assert "PROJ1" in sftp(sandbox, listing, "?", token)


@pytest.mark.parametrize(
    ("user", "password"),
    [("admin", "wrong"), ("nobody", "changeit"), ("?", "admin-1234xNOTATOKEN"), ("?", "")],
)
def test_bad_credentials_are_refused(sandbox, user, password):
    with pytest.raises(asyncssh.PermissionDenied):
        sftp(sandbox, lambda client: client.listdir("/"), user, password)


def test_every_write_is_refused(sandbox, tmp_path):
    local = tmp_path / "upload.txt"
    local.write_text("no")
    base = f"{CSV_EXPERIMENT}/{CSV_DATA_SET}/original"

    async def writes(client):
        outcomes = []
        for attempt in (
            lambda: client.put(str(local), f"{base}/upload.txt"),
            lambda: client.open(f"{base}/data.csv", "r+b"),
            lambda: client.mkdir(f"{base}/new"),
            lambda: client.remove(f"{base}/data.csv"),
            lambda: client.rename(f"{base}/data.csv", f"{base}/moved.csv"),
            lambda: client.chmod(f"{base}/data.csv", 0o777),
        ):
            try:
                await attempt()
                outcomes.append("allowed")
            except asyncssh.SFTPPermissionDenied:
                outcomes.append("denied")
        return outcomes

    assert sftp(sandbox, writes) == ["denied"] * 6
    assert stored_file(sandbox, CSV_DATA_SET, "original/data.csv")  # still there


def test_a_link_out_of_the_data_set_is_absent(sandbox):
    original = Path(sandbox.data_dir) / "store" / CSV_DATA_SET / "original"
    escape = original / "escape"
    os.symlink("/etc/hostname", escape)
    try:

        async def probe(client):
            names = await client.listdir(f"{CSV_EXPERIMENT}/{CSV_DATA_SET}/original")
            try:
                await client.stat(f"{CSV_EXPERIMENT}/{CSV_DATA_SET}/original/escape")
                found = True
            except asyncssh.SFTPNoSuchFile:
                found = False
            return names, found

        names, found = sftp(sandbox, probe)
    finally:
        escape.unlink()
    assert "escape" not in names
    assert found is False


def test_unknown_paths_are_absent(sandbox):
    async def probe(client):
        missing = []
        for path in ("/NOPE", "/LAB/NOPE", f"{CSV_EXPERIMENT}/29990101000000000-1", "/LAB/../.."):
            try:
                await client.listdir(path)
            except asyncssh.SFTPNoSuchFile:
                missing.append(path)
        return missing, sorted(await client.listdir("/LAB/../.."))

    missing, top = sftp(sandbox, probe)
    assert missing == ["/NOPE", "/LAB/NOPE", f"{CSV_EXPERIMENT}/29990101000000000-1"]
    assert "LAB" in top  # ``..`` never climbs above the root


def test_access_ends_with_the_openbis_session(sandbox):
    token = pybis_client(sandbox).token

    async def read_then_logout(client):
        before = await client.listdir("/LAB")
        call_as(sandbox, "logout", token)
        try:
            await client.listdir("/LAB")
            return before, "still allowed"
        except asyncssh.SFTPPermissionDenied as exc:
            return before, exc.reason

    before, after = sftp(sandbox, read_then_logout, "?", token)
    assert "PROJ1" in before
    assert "session expired" in after


def test_a_password_login_session_ends_with_the_connection(sandbox):
    sftp(sandbox, lambda client: client.listdir("/"), AWKWARD_USER, AWKWARD_PASSWORD)

    def open_sessions() -> int:
        with sqlite3.connect(Path(sandbox.data_dir) / "openbis.sqlite") as db:
            query = "SELECT COUNT(*) FROM sessions WHERE user_id = ?"
            return db.execute(query, (AWKWARD_USER,)).fetchone()[0]

    # FtpUserManager.close: the session an SFTP login opened is logged out with the connection
    # (the server sees the close a moment after the client: poll with a deadline)
    deadline = time.monotonic() + 10
    while open_sessions() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert open_sessions() == 0
