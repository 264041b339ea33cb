"""How the sandbox's fast-download server finds and sends files: every chunk in queue order
across its disk batches (read ahead, several reads at once), item ids resolved inside the
data set only, and ``searchFiles`` listing the same tree the servlets serve."""

from __future__ import annotations

import json
import os
import struct
import zlib
from pathlib import Path

import pytest
import requests

from openbis_sandbox.testing import RunningSandbox, pybis_client, start_sandbox

TRANSFER = "/datastore_server/file-transfer"
MIB = 1024 * 1024
_FIXED = struct.Struct(">IhBhqi")
SMALL = 70  # more chunks than one disk batch holds (BATCH_CHUNKS)
SIZES = {  # original/<name> -> bytes: several disk batches (BATCH_BYTES), odd sizes, empty
    "big/a.bin": 3 * MIB // 2,
    "big/b.bin": 3 * MIB // 2 + 1,
    "big/c.bin": 2 * MIB,
    "empty.bin": 0,
    **{f"small/s{i:02d}.txt": 1 + 37 * i for i in range(SMALL)},
}


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> tuple[RunningSandbox, str, str, dict[str, bytes]]:
    """A sandbox, a pybis token, and a data set with the files above plus two symlinks
    planted after registration: one to a file inside the data set, one out of it."""
    work = tmp_path_factory.mktemp("serving")
    os.environ.setdefault("HOME", str(work))
    sandbox = start_sandbox(work / "sandbox")
    source = work / "source"
    contents = {}
    for name, size in SIZES.items():
        path = source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        contents[f"original/source/{name}"] = os.urandom(size)
        path.write_bytes(contents[f"original/source/{name}"])
    o = pybis_client(sandbox)
    ds = o.new_dataset(type="RAW_DATA", experiment="/LAB/PROJ2/EXP3", files=[str(source)])
    ds.save()
    original = sandbox.data_dir / "store" / ds.permId / "original" / "source"
    (original / "inside-link.txt").symlink_to(original / "small" / "s03.txt")
    secret = sandbox.data_dir / "secret.txt"
    secret.write_text("host file")
    (original / "outside-link.txt").symlink_to(secret)
    yield sandbox, o.token, ds.permId, contents
    sandbox.stop()


def transfer(sandbox: RunningSandbox, **parameters: str) -> requests.Response:
    body = json.dumps({k: [v] for k, v in parameters.items()})
    return requests.post(sandbox.url + TRANSFER, data=body, verify=str(sandbox.ca_cert), timeout=60)


def frames(body: bytes) -> list[tuple[int, str, int, bytes]]:
    """``(sequence, file path, offset, payload)`` of every frame, each CRC checked."""
    found, at = [], 0
    while at < len(body):
        fixed = body[at : at + _FIXED.size]
        sequence, item_length, _, path_length, offset, length = _FIXED.unpack(fixed)
        names = body[at + _FIXED.size : at + _FIXED.size + item_length + path_length]
        at += _FIXED.size + item_length + path_length
        assert struct.unpack(">Q", body[at : at + 8])[0] == zlib.crc32(fixed + names)
        payload = body[at + 8 : at + 8 + length]
        at += 8 + length
        assert struct.unpack(">Q", body[at : at + 8])[0] == zlib.crc32(payload)
        at += 8
        found.append((sequence, names[item_length:].decode(), offset, payload))
    return found


def start(sandbox: RunningSandbox, token: str, items: list[str]) -> dict:
    return transfer(
        sandbox,
        method="startDownloadSession",
        userSessionId=token,
        downloadItemIds=", ".join(items),
        wishedNumberOfStreams="1",
    ).json()


def test_one_call_sends_every_chunk_in_queue_order_across_disk_batches(served):
    sandbox, token, perm, contents = served
    items = [f"{perm}/original/source/big", f"{perm}/original/source/empty.bin"]
    items += [f"{perm}/original/source/small/s{i:02d}.txt" for i in range(SMALL)]
    session = start(sandbox, token, items)
    count = sum(int(r.split(":")[1]) - int(r.split(":")[0]) + 1 for r in session["ranges"].values())
    assert count == 2 + 2 + 2 + 1 + SMALL  # 1.5 MiB and 2 MiB files are two chunks each
    # Queued backwards, so that queue order and file order differ.
    ranges = ", ".join(f"{n}:{n}" for n in reversed(range(count)))
    queued = transfer(
        sandbox, method="queue", downloadSessionId=session["downloadSessionId"], ranges=ranges
    )
    assert queued.status_code == 200 and not queued.content
    answer = transfer(
        sandbox,
        method="download",
        downloadSessionId=session["downloadSessionId"],
        downloadStreamId=session["streamIds"][0],
    )
    got = frames(answer.content)
    assert [sequence for sequence, _, _, _ in got] == list(reversed(range(count)))
    for _, path, offset, payload in got:
        assert payload == contents[path][offset : offset + MIB]
    assert {path for _, path, _, _ in got} == set(contents)


def test_items_resolve_inside_the_data_set_only(served):
    sandbox, token, perm, contents = served
    inside = start(sandbox, token, [f"{perm}/original/source/inside-link.txt"])
    session, stream = inside["downloadSessionId"], inside["streamIds"][0]
    transfer(sandbox, method="queue", downloadSessionId=session, ranges="0:0")
    answer = transfer(
        sandbox, method="download", downloadSessionId=session, downloadStreamId=stream
    )
    [(_, path, _, payload)] = frames(answer.content)
    assert path == "original/source/inside-link.txt"
    assert payload == contents["original/source/small/s03.txt"]
    for item in ("outside-link.txt", "../../../secret.txt", "small/../../source/empty.bin"):
        refused = start(sandbox, token, [f"{perm}/original/source/{item}"])
        assert refused["error"] == f"Download item '{perm}/original/source/{item}' does not exist"


def test_search_files_lists_the_tree_the_servers_serve(served):
    sandbox, token, perm, contents = served
    files = pybis_client(sandbox).get_dataset(perm).get_files()
    listed = dict(zip(files["pathInDataSet"], files["fileSize"], strict=True))
    expected = {path: len(data) for path, data in contents.items()}
    expected["original/source/inside-link.txt"] = len(contents["original/source/small/s03.txt"])
    folders = {
        "",
        "original",
        "original/source",
        "original/source/big",
        "original/source/small",
    }
    assert {p: int(s) for p, s in listed.items() if p not in folders} == expected
    assert folders <= set(listed)
    order = list(files["pathInDataSet"])
    assert order == sorted(order, key=lambda p: Path(p).parts)  # pre-order, names sorted
