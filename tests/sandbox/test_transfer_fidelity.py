"""The DSS as openBIS serves transfers: checksums recorded at registration, the fast-download
server's ``numberOfChunks`` and stream budget, and the seeds transfer tests and benchmarks use."""

from __future__ import annotations

import json
import sqlite3
import struct
import zlib
from pathlib import Path

import pytest
import requests

from openbis_sandbox.seed.many_files import many_files_name
from openbis_sandbox.seed.seeding import parse_seed, seed_store
from openbis_sandbox.store.db import Store
from openbis_sandbox.testing import RunningSandbox, pybis_client, start_sandbox

TRANSFER = "/datastore_server/file-transfer"
FILES, KIB = 12, 2
_FIXED = struct.Struct(">IhBhqi")


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> RunningSandbox:
    running = start_sandbox(tmp_path_factory.mktemp("many"), seed=f"files:{FILES}x{KIB}")
    yield running
    running.stop()


def many_perm_id(sandbox: RunningSandbox) -> str:
    o = pybis_client(sandbox)
    found = o.get_datasets(experiment="/LAB/PROJ2/EXP3", props=["$NAME"]).df
    return found[found["$NAME"] == many_files_name(FILES, KIB)]["permId"].iloc[0]


def transfer(sandbox: RunningSandbox, **parameters: str) -> requests.Response:
    body = json.dumps({k: [v] for k, v in parameters.items()})
    return requests.post(sandbox.url + TRANSFER, data=body, verify=str(sandbox.ca_cert), timeout=30)


def frames(body: bytes) -> list[tuple[int, str, bytes]]:
    """``(sequence, file path, payload)`` of every frame in a ``download`` answer."""
    found, at = [], 0
    while at < len(body):
        sequence, item_length, _, path_length, _, length = _FIXED.unpack_from(body, at)
        at += _FIXED.size
        path = body[at + item_length : at + item_length + path_length].decode()
        at += item_length + path_length + 8
        found.append((sequence, path, body[at : at + length]))
        at += length + 8
    return found


def start_session(sandbox: RunningSandbox, token: str, items: list[str], wished: int) -> dict:
    return transfer(
        sandbox,
        method="startDownloadSession",
        userSessionId=token,
        downloadItemIds=", ".join(items),
        wishedNumberOfStreams=str(wished),
    ).json()


def test_search_files_answers_with_the_checksums_recorded_at_registration(many):
    perm = many_perm_id(many)
    stored = many.data_dir / "store" / perm / "original" / "many" / "part000" / "f00000.bin"
    original = stored.read_bytes()
    # Bit rot after registration: openBIS still reports the registered CRC32, because
    # searchFiles reads its path-info database, never the file (nor does the sandbox).
    stored.write_bytes(bytes(b ^ 0xFF for b in original))
    try:
        files = pybis_client(many).get_dataset(perm).get_files()
        row = files[files["pathInDataSet"] == "original/many/part000/f00000.bin"].iloc[0]
        assert int(row["crc32Checksum"], 16) == zlib.crc32(original)
        assert int(row["fileSize"]) == KIB * 1024
    finally:
        stored.write_bytes(original)


def test_download_sends_up_to_number_of_chunks_frames_per_call(many):
    o = pybis_client(many)
    perm = many_perm_id(many)
    items = [f"{perm}/original/many/part000/f{i:05d}.bin" for i in range(3)]
    session = start_session(many, o.token, items, 1)
    [stream] = session["streamIds"]
    sid = session["downloadSessionId"]
    assert transfer(many, method="queue", downloadSessionId=sid, ranges="0:2").ok

    two = frames(
        transfer(
            many,
            method="download",
            downloadSessionId=sid,
            downloadStreamId=stream,
            numberOfChunks="2",
        ).content
    )
    assert [f[0] for f in two] == [0, 1]
    rest = frames(
        transfer(many, method="download", downloadSessionId=sid, downloadStreamId=stream).content
    )  # no numberOfChunks: everything still queued
    assert [f[0] for f in rest] == [2]
    assert rest[0][2] == (many.data_dir / "store" / perm / items[2].split("/", 1)[1]).read_bytes()
    empty = transfer(many, method="download", downloadSessionId=sid, downloadStreamId=stream)
    assert empty.ok and empty.content == b""
    assert transfer(many, method="finishDownloadSession", downloadSessionId=sid).ok


def test_streams_are_granted_from_a_budget_of_ten_as_openbis_does(many):
    o = pybis_client(many)
    item = [f"{many_perm_id(many)}/original/many/part000/f00000.bin"]
    first = start_session(many, o.token, item, 10)
    assert len(first["streamIds"]) == 5  # half of the free ten
    for stream in first["streamIds"]:  # a stream counts once a download call opened it
        transfer(
            many,
            method="download",
            downloadSessionId=first["downloadSessionId"],
            downloadStreamId=stream,
        )
    second = start_session(many, o.token, item, 10)
    assert len(second["streamIds"]) == 2  # (10 - 5) / 2
    for stream in second["streamIds"]:
        transfer(
            many,
            method="download",
            downloadSessionId=second["downloadSessionId"],
            downloadStreamId=stream,
        )
    third = start_session(many, o.token, item, 10)
    assert len(third["streamIds"]) == 1
    transfer(
        many,
        method="download",
        downloadSessionId=third["downloadSessionId"],
        downloadStreamId=third["streamIds"][0],
    )
    refused = start_session(many, o.token, item, 10)  # (10 - 8) / 2 = 1
    assert len(refused["streamIds"]) == 1
    transfer(
        many,
        method="download",
        downloadSessionId=refused["downloadSessionId"],
        downloadStreamId=refused["streamIds"][0],
    )
    none_left = start_session(many, o.token, item, 10)  # (10 - 9) / 2 = 0
    assert none_left["retriable"] is True and "cannot provide" in none_left["error"]
    for session in (first, second, third, refused):
        assert transfer(
            many, method="finishDownloadSession", downloadSessionId=session["downloadSessionId"]
        ).ok
    assert (
        transfer(many, method="finishDownloadSession", downloadSessionId="unknown").content == b""
    )
    assert len(start_session(many, o.token, item, 4)["streamIds"]) == 4


def test_a_version_2_data_dir_gets_the_checksums_of_its_files(tmp_path: Path):
    store = Store(tmp_path)
    seed_store(store, parse_seed("demo"))
    perm, recorded = next(
        (p, store.recorded_files(p)) for p in store.graph().datasets if store.recorded_files(p)
    )
    store.close()
    conn = sqlite3.connect(tmp_path / "openbis.sqlite")
    conn.execute("DROP TABLE dataset_files")  # as version 2 left it
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    reopened = Store(tmp_path)
    try:
        assert reopened.recorded_files(perm) == recorded
        for path, (length, crc) in recorded.items():
            data = (reopened.dataset_dir(perm) / path).read_bytes()
            assert (len(data), zlib.crc32(data)) == (length, crc)
    finally:
        reopened.close()


def test_types_seed_has_distinct_property_types_and_shared_vocabularies(tmp_path: Path):
    store = Store(tmp_path)
    try:
        seed_store(store, parse_seed("types:20x10"))
        g = store.graph()
        bench = [t for t in g.types_of_kind("DATA_SET") if t.code.startswith("BENCH_TYPE_")]
        codes = {a.property_code for t in bench for a in t.assignments}
        assert len(bench) == 20 and all(len(t.assignments) == 10 for t in bench)
        assert len(codes) == 143  # 3 shared by all, 7 of its own per type
        vocabularies = {
            g.property_types[c].vocabulary for c in codes if g.property_types[c].vocabulary
        }
        assert len(vocabularies) == 11
    finally:
        store.close()


def test_files_seed_registers_its_files_with_checksums(tmp_path: Path):
    store = Store(tmp_path)
    try:
        seed_store(store, parse_seed("files:250x1"))
        [perm] = [p for p in store.graph().datasets if len(store.recorded_files(p)) == 250]
        recorded = store.recorded_files(perm)
        assert {length for length, _ in recorded.values()} == {1024}
        assert "original/many/part002/f00249.bin" in recorded
    finally:
        store.close()
