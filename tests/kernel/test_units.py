"""Pure parts of the kernel session: proofs, caller checks, discovery and metadata records."""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

import pytest

from jupyterlab_openbis_bridge import kernel_proof
from jupyterlab_openbis_bridge.errors import Forbidden, InvalidInput
from jupyterlab_openbis_bridge.kernel.client import BridgeUnavailable, find_server
from jupyterlab_openbis_bridge.provenance_paths import (
    from_notebook,
    read_downloads,
    relative_to_notebook,
)
from jupyterlab_openbis_bridge.server.kernel_session import (
    check_transport,
    runtime_dir_problem,
    verify_claim,
)
from jupyterlab_openbis_bridge.server.provenance import (
    PendingRecords,
    download_records,
    merge_downloads,
    merge_uploads,
    upload_record,
)

KERNEL = str(uuid.uuid4())
KEY = b"a-connection-file-key"


def body(purpose: str = "session", key: bytes = KEY, stamp: int | None = None, **extra):
    stamp = int(time.time()) if stamp is None else stamp
    nonce = kernel_proof.new_nonce()
    proof = kernel_proof.sign(key, purpose, KERNEL, stamp, nonce)
    return {"kernelId": KERNEL, "timestamp": stamp, "nonce": nonce, "proof": proof, **extra}


def verify(claim, purpose="session", ledger=None, now=None):
    ledger = kernel_proof.ProofLedger() if ledger is None else ledger
    return verify_claim(claim, purpose, keys, {"connection"}, now, ledger=ledger)


def keys(kernel_id: str) -> bytes | None:
    return KEY if kernel_id == KERNEL else None


def test_a_valid_claim_passes_and_keeps_its_extra_fields():
    claim = verify(body(connection="lab"))
    assert (claim.kernel_id, claim.extra) == (KERNEL, {"connection": "lab"})


@pytest.mark.parametrize(
    "claim, error",
    [
        (body(key=b"another key"), Forbidden),
        (body(stamp=int(time.time()) - 600), Forbidden),
        (body(stamp=int(time.time()) + 600), Forbidden),
        (body("provenance"), Forbidden),
        ({**body(), "kernelId": str(uuid.uuid4())}, Forbidden),
        ({**body(), "timestamp": True}, InvalidInput),
        ({**body(), "kernelId": "../kernel"}, InvalidInput),
        ({**body(), "surprise": 1}, InvalidInput),
        ({**body(), "nonce": "short"}, InvalidInput),
        ({k: v for k, v in body().items() if k != "nonce"}, InvalidInput),
        ({**body(), "nonce": kernel_proof.new_nonce()}, Forbidden),  # the nonce is signed
        ({"kernelId": KERNEL, "timestamp": int(time.time())}, InvalidInput),
    ],
)
def test_bad_claims_are_refused(claim, error):
    with pytest.raises(error):
        verify(claim)


def test_an_empty_kernel_key_never_verifies():
    stamp = int(time.time())
    nonce = kernel_proof.new_nonce()
    proof = kernel_proof.sign(b"", "session", KERNEL, stamp, nonce)
    assert not kernel_proof.is_valid(b"", "session", KERNEL, stamp, nonce, proof, time.time())


def test_a_proof_is_good_once():
    ledger = kernel_proof.ProofLedger()
    claim = body()
    verify(claim, ledger=ledger)
    with pytest.raises(Forbidden, match="already used"):
        verify(claim, ledger=ledger)
    verify(body(), ledger=ledger)  # a new proof of the same kernel passes


@pytest.mark.parametrize("offset", [-119, -31, 31, 119])
def test_a_proof_is_good_only_within_thirty_seconds(offset):
    now = time.time()
    with pytest.raises(Forbidden):
        verify(body(stamp=int(now) + offset), now=now)


def test_a_remembered_nonce_is_forgotten_once_its_proof_has_expired():
    ledger = kernel_proof.ProofLedger()
    now = time.time()
    verify(body(stamp=int(now)), ledger=ledger, now=now)
    assert len(ledger) == 1
    verify(body(stamp=int(now) + 60), ledger=ledger, now=now + 60)
    assert len(ledger) == 1


def test_a_runtime_dir_others_can_read_is_reported(tmp_path):
    private = tmp_path / "runtime"
    private.mkdir(mode=0o700)
    os.chmod(private, 0o700)
    assert runtime_dir_problem(private) is None
    os.chmod(private, 0o750)
    assert "accessible to other users" in str(runtime_dir_problem(private))
    assert "cannot be checked" in str(runtime_dir_problem(tmp_path / "missing"))


@pytest.mark.parametrize(
    "headers, token_authenticated",
    [
        ({"Authorization": "token t", "Origin": "http://evil.example"}, True),
        ({"Authorization": "token t", "Sec-Fetch-Site": "same-origin"}, True),
        ({"Cookie": "username-x=1", "Authorization": "token wrong"}, False),
        ({"Cookie": "username-x=1"}, False),
    ],
)
def test_browser_and_cookie_callers_are_refused(headers, token_authenticated):
    with pytest.raises(Forbidden):
        check_transport(headers, token_authenticated=token_authenticated)


def test_a_token_caller_passes():
    check_transport({"Authorization": "token t"}, token_authenticated=True)
    check_transport({"Authorization": "token t", "Cookie": "c=1"}, token_authenticated=True)


def test_connection_file_names_give_the_kernel_id():
    assert kernel_proof.kernel_id_from_connection_file(f"/run/kernel-{KERNEL}.json") == KERNEL
    assert kernel_proof.kernel_id_from_connection_file("/run/kernel-abc.json") is None


def write_info(folder: Path, pid: int, mode: int = 0o600, **extra) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"jpserver-{pid}.json"
    path.write_text(json.dumps({"url": "http://127.0.0.1:1/", "token": "t", "pid": pid, **extra}))
    os.chmod(path, mode)
    return path


def test_discovery_prefers_the_connection_files_folder(tmp_path):
    write_info(tmp_path / "server-runtime", 4242, root_dir="/srv/a")
    write_info(tmp_path / "default-runtime", 4242, root_dir="/srv/b")
    env = {"JPY_PARENT_PID": "4242", "JUPYTER_RUNTIME_DIR": str(tmp_path / "default-runtime")}
    connection_file = str(tmp_path / "server-runtime" / f"kernel-{KERNEL}.json")
    assert find_server(env, connection_file).root_dir == Path("/srv/a")
    assert find_server(env).root_dir == Path("/srv/b")


def test_discovery_refuses_without_parent_or_with_loose_files(tmp_path):
    with pytest.raises(BridgeUnavailable, match="JPY_PARENT_PID"):
        find_server({})
    write_info(tmp_path, 77, mode=0o660)
    with pytest.raises(BridgeUnavailable, match="other users"):
        find_server({"JPY_PARENT_PID": "77", "JUPYTER_RUNTIME_DIR": str(tmp_path)})
    with pytest.raises(BridgeUnavailable, match="no jpserver-78"):
        find_server({"JPY_PARENT_PID": "78", "JUPYTER_RUNTIME_DIR": str(tmp_path)})


def test_an_empty_server_token_falls_back_to_the_hub_token(tmp_path, monkeypatch):
    write_info(tmp_path, 90, token="")
    env = {"JPY_PARENT_PID": "90", "JUPYTER_RUNTIME_DIR": str(tmp_path)}
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    assert find_server(env).token == ""  # a server without authentication
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "hub-token")
    assert find_server(env).token == "hub-token"


LISTING = [
    {
        "permId": "P-1",
        "type": "RAW_DATA",
        "path": "work/data/P-1",
        "files": ["work/data/P-1/data.csv", "work/data/P-1/original/keep.txt"],
        "size": 12,
    }
]
DETAILS = {
    "P-1": {
        "files": [
            {"path": "original/data.csv", "size": 10, "crc32": 1},
            {"path": "original/keep.txt", "size": 2, "crc32": 2},
        ]
    }
}


def test_download_records_mirror_the_frontend_shape():
    (record,) = download_records("lab", "https://o.example", LISTING, DETAILS, now="T")
    assert record == {
        "instance": "https://o.example",
        "connection": "lab",
        "permId": "P-1",
        "type": "RAW_DATA",
        "path": "work/data/P-1",
        "files": [
            {"path": "work/data/P-1/data.csv", "size": 10, "crc32": 1},
            {"path": "work/data/P-1/original/keep.txt", "size": 2, "crc32": 2},
        ],
        "size": 12,
        "time": "T",
    }


def test_records_for_a_notebook_hold_paths_relative_to_it():
    (record,) = download_records(
        "lab", "https://o.example", LISTING, DETAILS, now="T", notebook_path="work/nb.ipynb"
    )
    assert (record["path"], record["pathBase"]) == ("data/P-1", "notebook")
    assert [f["path"] for f in record["files"]] == [
        "data/P-1/data.csv",
        "data/P-1/original/keep.txt",
    ]
    (elsewhere,) = download_records(
        "lab", "https://o.example", LISTING, DETAILS, notebook_path="other/deep/nb.ipynb"
    )
    assert elsewhere["path"] == "../../work/data/P-1"
    (at_root,) = download_records(
        "lab", "https://o.example", LISTING, DETAILS, notebook_path="nb.ipynb"
    )
    assert at_root["path"] == "work/data/P-1"


def test_merging_replaces_a_data_set_downloaded_again_and_keeps_the_rest():
    metadata = {
        "openbis": {"downloads": [{"permId": "P-1", "path": "old"}, {"permId": "P-2"}], "x": 1},
        "datasets": {"P-0": {"status": "downloaded"}, "P-1": {"status": "downloaded"}},
    }
    (record,) = download_records("lab", "https://o.example", LISTING, DETAILS, now="T")
    merge_downloads(metadata, [record])
    assert [d["permId"] for d in metadata["openbis"]["downloads"]] == ["P-2", "P-1"]
    assert metadata["openbis"]["x"] == 1 and metadata["openbis"]["uploads"] == []
    # One record per download: the legacy view keeps only data sets not recorded above.
    assert metadata["datasets"] == {"P-0": {"status": "downloaded"}}
    saved = {"permId": "N-1", "url": "u", "type": "T", "owner": {"identifier": "/S/P/E"}}
    merge_uploads(metadata, [upload_record("lab", "https://o.example", saved, now="T")])
    assert metadata["openbis"]["uploads"][0]["owner"] == "/S/P/E"
    assert len(metadata["openbis"]["downloads"]) == 2


def test_old_root_relative_records_are_migrated_when_merged_and_read():
    metadata = {
        "openbis": {
            "downloads": [
                {"permId": "P-2", "path": "work/data/P-2", "files": [{"path": "work/data/P-2/a"}]}
            ]
        },
        "datasets": {"P-2": {"path": "work/data/P-2"}, "L-1": {"path": "shared/L-1", "files": []}},
    }
    view = read_downloads(metadata, "work/nb.ipynb")
    assert [(d["permId"], d["path"], d.get("legacy", False)) for d in view] == [
        ("P-2", "data/P-2", False),
        ("L-1", "../shared/L-1", True),
    ]
    assert view[0]["files"] == [{"path": "data/P-2/a"}]
    (record,) = download_records(
        "lab", "https://o.example", LISTING, DETAILS, notebook_path="work/nb.ipynb"
    )
    merge_downloads(metadata, [record], "work/nb.ipynb")
    downloads = metadata["openbis"]["downloads"]
    assert [(d["permId"], d["path"], d["pathBase"]) for d in downloads] == [
        ("P-2", "data/P-2", "notebook"),
        ("P-1", "data/P-1", "notebook"),
    ]
    merge_downloads(metadata, [], "work/nb.ipynb")  # migrating twice changes nothing
    assert metadata["openbis"]["downloads"] == downloads
    assert metadata["datasets"] == {"L-1": {"path": "shared/L-1", "files": []}}
    assert relative_to_notebook("work/data/x", "work/nb.ipynb") == "data/x"
    assert from_notebook("../shared/L-1", "work/nb.ipynb") == "shared/L-1"


def test_pending_records_are_bounded_and_acknowledged_by_id():
    pending = PendingRecords()
    ids = pending.add("nb.ipynb", "downloads", [{"permId": str(i)} for i in range(600)])
    assert len(pending.list("nb.ipynb", "downloads")) == 500
    assert pending.list("nb.ipynb", "uploads") == []
    assert pending.acknowledge("nb.ipynb", ids[-2:] + ["unknown"]) == 2
    assert len(pending.list("nb.ipynb", "downloads")) == 498
