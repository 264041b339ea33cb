"""The file-transfer chunk framing and protocol (SPEC §7).

The decoder below is written from the table in SPEC §7, not from the encoder,
so a byte-order, field-width or checksum-width slip shows up here.
"""

from __future__ import annotations

import json
import uuid
import zlib

import pytest
import requests

from openbis_sandbox.dss.download_sessions import DownloadError, parse_ranges, plan_chunks
from openbis_sandbox.dss.files import FileNode
from openbis_sandbox.dss.framing import CHUNK_SIZE, encode_chunk

AS = "/openbis/openbis/rmi-application-server-v3.json"
DSS = "/datastore_server/rmi-data-store-server-v3.json"
FILE_TRANSFER = "/datastore_server/file-transfer"


def decode_frame(frame: bytes) -> dict:
    position = 0

    def take(size: int) -> bytes:
        nonlocal position
        piece = frame[position : position + size]
        assert len(piece) == size, "frame truncated"
        position += size
        return piece

    def number(size: int, signed: bool = False) -> int:
        return int.from_bytes(take(size), "big", signed=signed)

    sequence = number(4)
    item_length = number(2, signed=True)
    is_directory = number(1)
    path_length = number(2, signed=True)
    offset = number(8, signed=True)
    payload_length = number(4, signed=True)
    item_id = take(item_length).decode("utf-8")
    path = take(path_length).decode("utf-8")
    header_end = position
    header_crc = number(8)
    payload = take(payload_length)
    payload_crc = number(8)
    assert position == len(frame), "trailing bytes after the payload checksum"
    return {
        "sequence": sequence,
        "is_directory": is_directory,
        "offset": offset,
        "item_id": item_id,
        "path": path,
        "payload": payload,
        "header_crc_ok": header_crc == zlib.crc32(frame[:header_end]),
        "payload_crc_ok": payload_crc == zlib.crc32(payload),
    }


def test_frame_fields_round_trip_through_an_independent_decoder() -> None:
    payload = bytes(range(256)) * 3
    frame = encode_chunk(7, "2024-1/original/dä.csv", "original/dä.csv", 5 * CHUNK_SIZE, payload)
    decoded = decode_frame(frame)
    assert decoded == {
        "sequence": 7,
        "is_directory": 0,
        "offset": 5 * CHUNK_SIZE,
        "item_id": "2024-1/original/dä.csv",
        "path": "original/dä.csv",
        "payload": payload,
        "header_crc_ok": True,
        "payload_crc_ok": True,
    }


def test_checksums_are_eight_byte_fields_holding_the_crc32() -> None:
    frame = encode_chunk(0, "a", "b", 0, b"xyz")
    # header is 21 fixed bytes + 1 + 1 name bytes; its CRC follows as a uint64
    header = frame[:23]
    assert frame[23:31] == zlib.crc32(header).to_bytes(8, "big")
    assert frame[31:34] == b"xyz"
    assert frame[34:] == zlib.crc32(b"xyz").to_bytes(8, "big")


def test_empty_payload_is_a_valid_frame() -> None:
    decoded = decode_frame(encode_chunk(3, "p/original/empty", "original/empty", 0, b""))
    assert decoded["payload"] == b"" and decoded["payload_crc_ok"] and decoded["header_crc_ok"]


def test_pybis_decoder_accepts_the_frame() -> None:
    from pybis.fast_download import deserialize_chunk

    frame = encode_chunk(9, "p/original/x", "original/x", CHUNK_SIZE, b"hello")
    decoded = deserialize_chunk(frame)
    assert decoded["invalid"] is False
    assert (decoded["sequence_number"], decoded["file_offset"], decoded["payload"]) == (
        9,
        CHUNK_SIZE,
        b"hello",
    )


def _node(path: str, length: int) -> FileNode:
    from pathlib import Path

    return FileNode(path, Path("/nonexistent") / path, False, length)


@pytest.mark.parametrize(
    ("length", "expected_offsets"),
    [
        (0, [(0, 0)]),
        (CHUNK_SIZE, [(0, CHUNK_SIZE)]),
        (CHUNK_SIZE + 1, [(0, CHUNK_SIZE), (CHUNK_SIZE, 1)]),
        (25 * CHUNK_SIZE, [(i * CHUNK_SIZE, CHUNK_SIZE) for i in range(25)]),
    ],
)
def test_files_are_cut_into_one_mib_chunks(length: int, expected_offsets: list) -> None:
    chunks, ranges = plan_chunks([("p/original/f", "p", [_node("original/f", length)])])
    assert [(c.offset, c.length) for c in chunks] == expected_offsets
    assert ranges == {"p/original/f": f"0:{len(expected_offsets) - 1}"}


def test_sequence_numbers_are_global_across_items() -> None:
    chunks, ranges = plan_chunks(
        [
            ("p/original/a", "p", [_node("original/a", 3)]),
            (
                "p/original/d",
                "p",
                [_node("original/d/x", CHUNK_SIZE + 2), _node("original/d/y", 0)],
            ),
        ]
    )
    assert [c.sequence_number for c in chunks] == [0, 1, 2, 3]
    assert ranges == {"p/original/a": "0:0", "p/original/d": "1:3"}
    assert [c.download_item_id for c in chunks] == ["p/original/a"] + ["p/original/d"] * 3


def test_ranges_parse_as_pybis_sends_them() -> None:
    assert parse_ranges("0:0, 1:3") == [0, 1, 2, 3]
    assert parse_ranges("5") == [5]
    with pytest.raises(DownloadError):
        parse_ranges("3:1")


# --- the protocol over HTTP, as pybis speaks it at each API version ------------------------


class FileTransfer:
    """Raw file-transfer requests with pybis's body encoding for one API version."""

    def __init__(self, sandbox) -> None:
        self.sandbox = sandbox
        self.http = requests.Session()
        self.http.trust_env = False  # else REQUESTS_CA_BUNDLE overrides session.verify
        self.http.verify = str(sandbox.ca_cert)
        self.v2 = sandbox.api_version == "3.7"
        login = {
            "method": "login",
            "params": [sandbox.admin_user, sandbox.admin_password],
            "id": "2",
            "jsonrpc": "2.0",
        }
        self.token = self.http.post(sandbox.url + AS, data=json.dumps(login)).json()["result"]

    def post(self, **params: str) -> requests.Response:
        body = {"version": ["2"]} if self.v2 else {}
        body.update({name: [value] for name, value in params.items()})
        return self.http.post(self.sandbox.url + FILE_TRANSFER, data=json.dumps(body))

    def item_ids(self, ids: list[str]) -> str:
        return json.dumps(ids) if self.v2 else ", ".join(ids)

    def upload_data_set(self, files: dict[str, bytes]) -> str:
        upload_id = str(uuid.uuid4())
        for name, content in files.items():
            url = (
                f"{self.sandbox.url}/datastore_server/session_workspace_file_upload?filename={upload_id}/"
                f"default/{name}&id=1&startByte=0&endByte={len(content)}&emptyFolder=False&sessionID={self.token}"
            )
            self.http.post(url, data=content).raise_for_status()
        creation = {
            "@type": "dss.dto.dataset.create.UploadedDataSetCreation",
            "typeId": {
                "@type": "as.dto.entitytype.id.EntityTypePermId",
                "permId": "RAW_DATA",
                "entityKind": "DATA_SET",
            },
            "properties": {},
            "parentIds": [],
            "uploadId": upload_id,
            "experimentId": {
                "@type": "as.dto.experiment.id.ExperimentIdentifier",
                "identifier": "/LAB/PROJ2/EXP3",
            },
        }
        request = {
            "method": "createUploadedDataSet",
            "params": [self.token, creation],
            "id": "2",
            "jsonrpc": "2.0",
        }
        return self.http.post(self.sandbox.url + DSS, data=json.dumps(request)).json()["result"][
            "permId"
        ]


def test_protocol_serves_each_queued_chunk_once_then_an_empty_body(api_sandbox):
    transfer = FileTransfer(api_sandbox)
    big = bytes(range(256)) * (CHUNK_SIZE // 256) + b"tail"
    perm_id = transfer.upload_data_set({"a.txt": b"alpha", "big.bin": big, "empty": b""})
    items = [f"{perm_id}/original/default/a.txt", f"{perm_id}/original/default"]

    started = transfer.post(
        method="startDownloadSession",
        userSessionId=transfer.token,
        downloadItemIds=transfer.item_ids(items),
        wishedNumberOfStreams="4",
    )
    assert started.headers["Content-Type"].startswith("application/json")
    session = started.json()
    # the folder item expands to its three files: a.txt, big.bin (2 chunks), empty (1 chunk)
    assert session["ranges"] == {items[0]: "0:0", items[1]: "1:4"}
    assert len(session["streamIds"]) == 4

    session_id, stream = session["downloadSessionId"], session["streamIds"][0]
    assert (
        transfer.post(method="queue", downloadSessionId=session_id, ranges="0:0, 1:4").content
        == b""
    )
    frames = [
        decode_frame(
            transfer.post(
                method="download",
                downloadSessionId=session_id,
                downloadStreamId=stream,
                numberOfChunks="1",
            ).content
        )
        for _ in range(5)
    ]
    assert [f["sequence"] for f in frames] == [0, 1, 2, 3, 4]
    assert all(f["header_crc_ok"] and f["payload_crc_ok"] for f in frames)
    assert [(f["item_id"], f["path"], f["offset"], len(f["payload"])) for f in frames] == [
        (items[0], "original/default/a.txt", 0, 5),
        (items[1], "original/default/a.txt", 0, 5),
        (items[1], "original/default/big.bin", 0, CHUNK_SIZE),
        (items[1], "original/default/big.bin", CHUNK_SIZE, 4),
        (items[1], "original/default/empty", 0, 0),
    ]
    assert frames[2]["payload"] + frames[3]["payload"] == big

    drained = transfer.post(
        method="download", downloadSessionId=session_id, downloadStreamId=stream, numberOfChunks="1"
    )
    assert drained.status_code == 200 and drained.content == b""
    assert (
        transfer.post(method="finishDownloadSession", downloadSessionId=session_id).content == b""
    )
    after = transfer.post(method="queue", downloadSessionId=session_id, ranges="0:0").json()
    assert after["exception-class"] == "ch.ethz.sis.filetransfer.DownloadException"


def test_item_id_encoding_follows_the_api_version(api_sandbox):
    """A 3.6 server predates protocol v2: the JSON-array form names no real item there."""
    transfer = FileTransfer(api_sandbox)
    perm_id = transfer.upload_data_set({"x.txt": b"x"})
    as_json_array = json.dumps([f"{perm_id}/original/default/x.txt"])
    response = transfer.post(
        method="startDownloadSession",
        userSessionId=transfer.token,
        downloadItemIds=as_json_array,
        wishedNumberOfStreams="4",
    ).json()
    if transfer.v2:
        assert response["ranges"] == {f"{perm_id}/original/default/x.txt": "0:0"}
    else:  # the bracketed, quoted id names no data set: nothing is served
        assert not response.get("ranges")
