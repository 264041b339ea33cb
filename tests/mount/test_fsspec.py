"""``openbis://PERMID/path`` through fsspec and pandas, on a real session against the sandbox.

The kernel's shared session is covered in tests/kernel/test_fsspec_kernel.py; here a logged-in
``BridgeOpenbis`` is passed as the ``client`` storage option.
"""

from __future__ import annotations

import io

import fsspec
import pandas as pd
import pytest

from jupyterlab_openbis_bridge.errors import SessionExpired
from jupyterlab_openbis_bridge.kernel.fsspec_openbis import OpenBISFileSystem
from jupyterlab_openbis_bridge.openbis_client import BridgeOpenbis
from openbis_sandbox.testing import call_as

from .conftest import CSV_DATA_SET, stored_file

CSV = f"{CSV_DATA_SET}/original/data.csv"


@pytest.fixture
def client(sandbox) -> BridgeOpenbis:
    client = BridgeOpenbis(sandbox.url, verify=str(sandbox.ca_cert), timeout=30)
    client.login_with_password("admin", "changeit")
    return client


@pytest.fixture
def fs(client) -> OpenBISFileSystem:
    return fsspec.filesystem("openbis", client=client)


def test_the_entry_point_registers_the_protocol():
    assert fsspec.get_filesystem_class("openbis") is OpenBISFileSystem


def test_read_csv_streams_the_file(sandbox, client):
    frame = pd.read_csv(f"openbis://{CSV}", storage_options={"client": client})
    expected = pd.read_csv(io.BytesIO(stored_file(sandbox, CSV_DATA_SET, "original/data.csv")))
    pd.testing.assert_frame_equal(frame, expected)


def test_open_read_n_and_seek(sandbox, fs):
    stored = stored_file(sandbox, CSV_DATA_SET, "original/data.csv")
    with fs.open(f"openbis://{CSV}") as stream:
        assert stream.read(7) == stored[:7]
        stream.seek(20)
        assert stream.read(5) == stored[20:25]
        stream.seek(2)  # backwards: the servlet has no ranges, so the stream starts again
        assert stream.read() == stored[2:]
        assert stream.read(3) == b""
    assert fs.cat_file(CSV, start=3, end=9) == stored[3:9]


def test_ls_and_info(sandbox, fs):
    assert fs.ls(CSV_DATA_SET, detail=False) == [f"{CSV_DATA_SET}/original"]
    [entry] = [e for e in fs.ls(f"openbis://{CSV_DATA_SET}/original") if e["name"] == CSV]
    size = len(stored_file(sandbox, CSV_DATA_SET, "original/data.csv"))
    assert entry["type"] == "file" and entry["size"] == size
    info = fs.info(CSV)
    assert info["size"] == size and isinstance(info["crc32"], int)
    assert fs.info(f"{CSV_DATA_SET}/original")["type"] == "directory"
    assert fs.isdir(CSV_DATA_SET) and fs.isfile(CSV) and fs.exists(CSV)


@pytest.mark.parametrize(
    "path", [f"{CSV_DATA_SET}/original/nope.csv", "29990101000000000-1/original/x.csv", ""]
)
def test_missing_files_raise_file_not_found(fs, path):
    with pytest.raises(FileNotFoundError):
        fs.info(path)
    with pytest.raises(FileNotFoundError):
        fs.open(f"openbis://{path}").read()
    assert not fs.exists(path)


def test_writes_are_refused(fs):
    with pytest.raises(PermissionError):
        fs.open(f"openbis://{CSV_DATA_SET}/original/new.csv", "wb")
    with pytest.raises(PermissionError):
        fs.rm(CSV)


def test_an_expired_session_is_a_clear_error(sandbox, client):
    fs = OpenBISFileSystem(client=client)
    fs.info(CSV)  # listed while the session lives
    call_as(sandbox, "logout", client.token)
    with pytest.raises(SessionExpired, match="expired"):
        fs.open(CSV).read()  # the servlet's "session expired" page is not taken for the file
    with pytest.raises(SessionExpired):
        OpenBISFileSystem(client=client).ls(CSV_DATA_SET)
