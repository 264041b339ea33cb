"""pybis 1.37.5's own ``Openbis.mount()`` against the sandbox's SFTP view (sshfs over FUSE).

pybis pipes the password through ``echo`` in a shell, so these use plain passwords; the
awkward ones go through the extension's mount (test_mount_api.py), which has no shell.
"""

from __future__ import annotations

import os

import pytest

from openbis_sandbox.testing import pybis_client

from .conftest import CSV_DATA_SET, CSV_EXPERIMENT, stored_file

CSV_IN_MOUNT = f"{CSV_EXPERIMENT.strip('/')}/{CSV_DATA_SET}/original/data.csv"


@pytest.mark.parametrize("login", ["password", "personal access token"])
def test_pybis_mount_reads_the_data_store(sandbox, tmp_path, login):
    client = pybis_client(sandbox)
    mountpoint = tmp_path / "mnt"
    if login == "password":
        mounted = client.mount(
            username="admin",
            password="changeit",
            mountpoint=str(mountpoint),
            port=sandbox.sftp_port,
        )
    else:  # pybis sends a PAT as user "?" with the token as the password
        pat = client.get_or_create_personal_access_token("pybis-mount").permId
        client = pybis_client(sandbox, token=pat)
        mounted = client.mount(mountpoint=str(mountpoint), port=sandbox.sftp_port)
    try:
        assert mounted == str(mountpoint) and client.is_mounted()
        data = (mountpoint / CSV_IN_MOUNT).read_bytes()
        assert data == stored_file(sandbox, CSV_DATA_SET, "original/data.csv")
    finally:
        client.unmount()
    assert not os.path.ismount(mountpoint)
