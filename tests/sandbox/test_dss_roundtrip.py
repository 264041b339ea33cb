"""Upload and download through the real pybis, at API 3.6 and 3.7 (SPEC §4.2, §4.3, §7, §8.2)."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import pytest

from openbis_sandbox.testing import pybis_client

MIB = 1024 * 1024
SAMPLE = "/LAB/PROJ1/SAMPLE1"
SAMPLE_EXPERIMENT = "/LAB/PROJ1/EXP1"
EXPERIMENT = "/LAB/PROJ2/EXP3"


@pytest.fixture
def client(api_sandbox):
    """A logged-in pybis on the shared demo sandbox, once per API version."""
    return pybis_client(api_sandbox)


def write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def existing_data_set(o) -> str:
    return o.get_datasets(type="RAW_DATA", count=1)[0].permId


def test_single_file_for_a_sample_with_parents(client, tmp_path):
    parent = existing_data_set(client)
    source = write(tmp_path / "in" / "result.txt", b"single file\n")
    ds = client.new_dataset(
        type="RAW_DATA",
        sample=SAMPLE,
        parents=[parent],
        files=[str(source)],
        props={"$name": "one"},
    )
    ds.save()

    assert ds.file_list == ["original/result.txt"]
    fresh = pybis_client_for(client).get_dataset(ds.permId)
    assert fresh.parents == [parent]
    assert fresh.sample.identifier == SAMPLE
    assert fresh.experiment.identifier == SAMPLE_EXPERIMENT  # inherited from the sample
    assert fresh.props["$name"] == "one"


def test_several_files_for_an_experiment(client, tmp_path):
    files = [write(tmp_path / "in" / name, name.encode()) for name in ("a.csv", "b.csv")]
    ds = client.new_dataset(type="RAW_DATA", experiment=EXPERIMENT, files=[str(f) for f in files])
    ds.save()

    assert ds.file_list == ["original/default/a.csv", "original/default/b.csv"]
    assert ds.experiment.identifier == EXPERIMENT
    assert ds.sample is None


def test_a_folder_keeps_its_layout_and_empty_subfolders(client, tmp_path):
    folder = tmp_path / "in" / "d"
    write(folder / "top.txt", b"top")
    write(folder / "sub" / "deep.bin", b"\x00\x01")
    (folder / "empty").mkdir()
    ds = client.new_dataset(type="RAW_DATA", experiment=EXPERIMENT, files=[str(folder)])
    ds.save()

    assert sorted(ds.file_list) == ["original/d/sub/deep.bin", "original/d/top.txt"]
    listing = ds.get_dataset_files().df
    directories = listing[listing["directory"]]["path"].tolist()
    # pre-order from the root "" (SPEC §4.2)
    assert listing["path"].tolist()[:3] == ["", "original", "original/d"]
    assert "original/d/empty" in directories


@pytest.mark.parametrize("create_default_folders", [True, False])
def test_fast_download_destinations(client, tmp_path, create_default_folders):
    files = [write(tmp_path / "in" / name, name.encode() * 3) for name in ("x.txt", "y.txt")]
    ds = client.new_dataset(type="RAW_DATA", experiment=EXPERIMENT, files=[str(f) for f in files])
    ds.save()

    destination = tmp_path / "out"
    returned = ds.download(
        destination=str(destination), create_default_folders=create_default_folders
    )

    base = destination / ds.permId / "original" if create_default_folders else destination
    assert Path(returned) == (destination / ds.permId if create_default_folders else destination)
    # "default" is lower case, so pybis's case-sensitive "DEFAULT/" stripping keeps it
    assert (base / "default" / "x.txt").read_bytes() == b"x.txt" * 3
    assert (base / "default" / "y.txt").read_bytes() == b"y.txt" * 3


@pytest.mark.parametrize("size", [0, MIB, MIB + 1, 25 * MIB], ids=["0B", "1MiB", "1MiB+1", "25MiB"])
def test_sizes_round_trip_byte_identical(client, tmp_path, size):
    content = os.urandom(size)
    source = write(tmp_path / "in" / "payload.bin", content)
    ds = client.new_dataset(type="RAW_DATA", sample=SAMPLE, files=[str(source)])
    ds.save()

    listing = ds.get_dataset_files().df
    entry = listing[listing["path"] == "original/payload.bin"].iloc[0]
    assert entry["fileLength"] == size
    assert entry["checksumCRC32"] == f"{zlib.crc32(content):x}"  # pybis shows the signed int as hex

    fresh = pybis_client_for(client).get_dataset(ds.permId)
    fresh.download(destination=str(tmp_path / "out"), create_default_folders=False)
    assert (tmp_path / "out" / "payload.bin").read_bytes() == content


def pybis_client_for(o):
    """A cold-cache client on the same session (SPEC §10 #22)."""
    from pybis import Openbis

    return Openbis(o.url, verify_certificates=o.verify_certificates, token=o.token)
