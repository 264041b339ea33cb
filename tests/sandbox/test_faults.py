"""Fault and latency injection, observed through the real pybis and plain requests."""

from __future__ import annotations

import os
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from openbis_sandbox.context import SandboxContext
from openbis_sandbox.faults import Faults, FaultSpecError, parse_spec
from openbis_sandbox.store.db import Store
from openbis_sandbox.testing import pybis_client, start_sandbox

ADMIN = "/sandbox/admin/faults"
EXPERIMENT = "/LAB/PROJ2/EXP3"
VIEWER = ("viewer", "viewer-password")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Faults are server-wide state: these tests get a sandbox of their own."""
    with start_sandbox(tmp_path_factory.mktemp("obis-faults"), users=[VIEWER]) as sandbox:
        yield sandbox


class Admin:
    def __init__(self, sandbox) -> None:
        self.sandbox = sandbox
        self.http = requests.Session()
        self.http.verify = str(sandbox.ca_cert)
        self.http.trust_env = False  # else REQUESTS_CA_BUNDLE overrides session.verify
        self.login()

    def login(self) -> None:
        self.token = login(self.sandbox, self.sandbox.admin_user, self.sandbox.admin_password)

    def request(self, method: str, body: dict | None = None, **params) -> requests.Response:
        return self.http.request(
            method,
            self.sandbox.url + ADMIN,
            json=body,
            params=params,
            headers={"X-Openbis-Token": self.token},
        )

    def set(self, *specs: str) -> dict:
        response = self.request("POST", {"faults": list(specs)})
        assert response.status_code == 200, response.text
        return response.json()

    def state(self, **params) -> dict:
        response = self.request("GET", **params)
        assert response.status_code == 200, response.text
        return response.json()


def login(sandbox, user: str, password: str) -> str:
    body = {"method": "login", "params": [user, password], "id": "2", "jsonrpc": "2.0"}
    response = requests.post(
        sandbox.url + "/openbis/openbis/rmi-application-server-v3.json",
        json=body,
        verify=str(sandbox.ca_cert),
    )
    return response.json()["result"]


@pytest.fixture
def admin(server):
    admin = Admin(server)
    yield admin
    admin.login()  # a test may have expired every session
    admin.request("DELETE").raise_for_status()


@pytest.fixture
def o(server, admin):
    return pybis_client(server)


@pytest.fixture
def data_set(o, tmp_path):
    """A fresh 2.5 MiB data set (three fast-download chunks) and its content."""
    content = os.urandom(2 * 1024 * 1024 + 512 * 1024)
    source = tmp_path / "in" / "payload.bin"
    source.parent.mkdir()
    source.write_bytes(content)
    ds = o.new_dataset(type="RAW_DATA", experiment=EXPERIMENT, files=[str(source)])
    ds.save()
    return ds, content


def test_admin_endpoint_refuses_everyone_but_the_admin(server, admin):
    viewer_token = login(server, *VIEWER)
    for headers in ({}, {"X-Openbis-Token": viewer_token}, {"X-Openbis-Token": "admin-forged"}):
        for method in ("GET", "POST", "DELETE"):
            response = requests.request(
                method,
                server.url + ADMIN,
                headers=headers,
                json={"faults": ["latency:ms=1"]},
                verify=str(server.ca_cert),
            )
            assert response.status_code == 403, (method, headers)
    assert admin.state()["faults"] == []


def test_latency_holds_requests_until_released(o, admin, data_set):
    ds, _ = data_set
    admin.set("latency:ms=60000,on=searchFiles")
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(lambda: ds.file_list)
        # the server reports the request as held; no client-side sleeping involved
        assert admin.state(waitDelayed=1, timeoutS=30)["delayedInFlight"] == 1
        assert o.get_server_information().api_version == "3.7"  # other calls pass meanwhile
        assert not slow.done()
        admin.request("DELETE").raise_for_status()  # releases the held request
        assert slow.result(timeout=30) == ["original/payload.bin"]


def test_latency_applies_to_every_endpoint_and_is_counted(o, admin, data_set, tmp_path):
    ds, content = data_set
    admin.set("latency:ms=1")
    source = tmp_path / "again.txt"
    source.write_bytes(b"again")
    o.new_dataset(type="RAW_DATA", experiment=EXPERIMENT, files=[str(source)]).save()
    ds.download(destination=str(tmp_path / "dl"), create_default_folders=False)
    counters = admin.state()["counters"]
    assert counters["delayed_requests"] == counters["requests"]
    assert counters["requests.upload"] == 1
    assert counters["requests.createUploadedDataSet"] == 1
    assert counters["requests.getDataSets"] >= 1  # AS calls go through the same hook
    # start, queue, three chunks, finish
    assert counters["requests.file-transfer"] == 6


def test_a_dropped_download_fails_then_a_retry_succeeds(o, admin, data_set, tmp_path):
    ds, content = data_set
    admin.set("drop:after=100,on=download")
    with pytest.raises(requests.exceptions.ChunkedEncodingError, match="IncompleteRead"):
        ds.download(destination=str(tmp_path / "first"), create_default_folders=False)
    assert admin.state()["counters"]["fired.drop"] == 1
    ds.download(destination=str(tmp_path / "second"), create_default_folders=False)
    assert (tmp_path / "second" / "payload.bin").read_bytes() == content


def test_a_dropped_plain_get_is_short_then_a_retry_is_complete(o, admin, data_set):
    ds, content = data_set
    admin.set("drop:after=1000,on=get")
    url = (
        f"{admin.sandbox.url}/datastore_server/{ds.permId}/original/payload.bin?sessionID={o.token}"
    )
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(url, verify=str(admin.sandbox.ca_cert)).content  # noqa: B018
    assert requests.get(url, verify=str(admin.sandbox.ca_cert)).content == content


def test_a_corrupted_byte_is_served_but_not_stored(o, admin, data_set, tmp_path):
    ds, content = data_set
    admin.set("corrupt:offset=1048580")  # inside the second chunk
    ds.download(destination=str(tmp_path / "out"), create_default_folders=False)
    received = (tmp_path / "out" / "payload.bin").read_bytes()
    listing = ds.get_dataset_files().df
    expected_crc = listing[listing["path"] == "original/payload.bin"]["checksumCRC32"].iloc[0]
    assert f"{zlib.crc32(received):x}" != expected_crc  # pybis shows the CRC as hex
    assert f"{zlib.crc32(content):x}" == expected_crc
    assert [i for i, (a, b) in enumerate(zip(received, content, strict=True)) if a != b] == [
        1048580
    ]
    stored = admin.sandbox.data_dir / "store" / ds.permId / "original" / "payload.bin"
    assert stored.read_bytes() == content


def test_wire_corruption_is_caught_by_the_frame_checksum(o, admin, data_set, tmp_path):
    ds, content = data_set
    admin.set("corrupt:offset=3,stage=wire")
    ds.download(destination=str(tmp_path / "out"), create_default_folders=False)
    assert (tmp_path / "out" / "payload.bin").read_bytes() == content  # pybis re-queued the chunk
    assert admin.state()["counters"]["fired.corrupt"] == 1


@pytest.mark.parametrize(
    ("status", "expected"), [("rpc", "Injected boom"), ("500", "general error")]
)
def test_the_nth_call_of_a_method_fails(o, admin, data_set, status, expected):
    ds, _ = data_set
    admin.set(f"error:method=searchFiles,nth=2,status={status},message=Injected boom")
    assert ds.file_list == ["original/payload.bin"]
    with pytest.raises(ValueError, match=expected):
        ds.get_dataset_files()
    assert ds.file_list == ["original/payload.bin"]  # fired once only
    assert admin.state()["counters"]["calls.searchFiles"] == 3


def test_forced_expiry_invalidates_every_session(o, admin, data_set):
    ds, _ = data_set
    admin.set("expire-sessions")
    with pytest.raises(
        ValueError, match=f"Session token '{o.token}' is invalid: user is not logged in."
    ):
        ds.get_dataset_files()
    assert o.is_session_active() is False


def test_setting_faults_resets_counters(admin):
    admin.set("latency:ms=0")
    admin.state()
    assert admin.set("latency:ms=0")["counters"] == {}


def test_bad_specs_are_rejected_and_change_nothing(admin):
    admin.set("latency:ms=5")
    response = admin.request("POST", {"faults": ["drop:after=-1"]})
    assert response.status_code == 400
    assert [f["spec"] for f in admin.state()["faults"]] == ["latency:ms=5"]


@pytest.mark.parametrize(
    "spec",
    [
        "nonsense",
        "latency",
        "latency:ms=x",
        "error:nth=1",
        "error:method=a,nth=0",
        "drop:after=1,on=upload",
        "corrupt:offset=1,stage=x",
        "drop:after=1,times=sometimes",
        "latency:ms=1,unknown=2",
    ],
)
def test_spec_syntax_errors(spec):
    with pytest.raises(FaultSpecError):
        parse_spec(spec)


def test_spec_defaults():
    assert parse_spec("drop:after=10").remaining == 1
    assert parse_spec("latency:ms=10").remaining is None
    assert parse_spec("corrupt:offset=1,times=forever").remaining is None


def test_start_time_specs_accumulate_and_expiry_acts_at_once(tmp_path):
    """``--fault`` strings at start go through ``apply_spec``."""
    store = Store(tmp_path)
    store.upsert_user("someone", "pw")
    token = store.login("someone", "pw")
    faults = Faults(SandboxContext(data_dir=tmp_path, store=store, base_url="https://127.0.0.1:1"))
    faults.apply_spec("latency:ms=5")
    faults.apply_spec("drop:after=7,on=get; expire-sessions")
    assert [f["spec"] for f in faults.snapshot()["faults"]] == [
        "latency:ms=5",
        "drop:after=7,on=get",
    ]
    assert store.session_user(token) is None
    assert faults.drop_after("download") is None
    assert faults.drop_after("get") == 7
    assert faults.drop_after("get") is None  # fired its one time
    store.close()


def test_latency_times_limits_how_many_requests_wait(admin):
    admin.set("latency:ms=1,on=getServerInformation,times=2")
    for _ in range(3):
        answer = admin.http.post(
            admin.sandbox.url + "/openbis/openbis/rmi-application-server-v3.json",
            json={"method": "getServerInformation", "params": [admin.token], "id": "2"},
        )
        assert "result" in answer.json()
    state = admin.state()
    assert state["counters"]["requests.getServerInformation"] == 3
    assert state["counters"]["delayed_requests"] == 2
    assert state["faults"] == [
        {"spec": "latency:ms=1,on=getServerInformation,times=2", "remaining": 0}
    ]


def _file_url(admin: Admin, ds, token: str) -> str:
    return (
        f"{admin.sandbox.url}/datastore_server/{ds.permId}/original/payload.bin?sessionID={token}"
    )


def test_a_stalled_get_keeps_the_connection_until_the_client_goes_away(o, admin, data_set):
    ds, content = data_set
    admin.set("stall:after=1000,on=get")
    url = _file_url(admin, ds, o.token)
    response = requests.get(url, stream=True, timeout=(10, 1.0), verify=str(admin.sandbox.ca_cert))
    assert admin.state(waitStalled=1, timeoutS=30)["stalledInFlight"] == 1
    received = bytearray()
    with pytest.raises(requests.exceptions.ConnectionError, match="Read timed out"):
        for block in response.iter_content(100):  # a divisor of 1000: no partial block
            received += block
    assert bytes(received) == content[:1000]  # then nothing, and the connection stayed open
    response.close()  # the client goes away: the sandbox lets the handler go long before its bound
    state = admin.state(waitStalled=0, timeoutS=30)
    assert state["stalledInFlight"] == 0 and state["counters"]["fired.stall"] == 1
    assert requests.get(url, verify=str(admin.sandbox.ca_cert)).content == content  # times=1


def test_a_stall_ends_at_its_bound_with_a_closed_connection(o, admin, data_set):
    ds, content = data_set
    admin.set("stall:after=10,on=get,ms=300")
    url = _file_url(admin, ds, o.token)
    response = requests.get(url, stream=True, timeout=(10, 60), verify=str(admin.sandbox.ca_cert))
    received = bytearray()
    with pytest.raises(requests.exceptions.ChunkedEncodingError, match="IncompleteRead"):
        for block in response.iter_content(10):
            received += block
    assert bytes(received) == content[:10]
    assert admin.state(waitStalled=0, timeoutS=30)["stalledInFlight"] == 0


def test_setting_faults_again_lets_a_stalled_download_go(o, admin, data_set, tmp_path):
    ds, content = data_set
    admin.set("stall:after=100,on=download")
    with ThreadPoolExecutor(1) as pool:
        stalled = pool.submit(
            ds.download, destination=str(tmp_path / "first"), create_default_folders=False
        )
        assert admin.state(waitStalled=1, timeoutS=30)["stalledInFlight"] == 1
        assert not stalled.done()
        admin.request("DELETE").raise_for_status()  # releases (and closes) the held connection
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            stalled.result(timeout=60)
    ds.download(destination=str(tmp_path / "second"), create_default_folders=False)
    assert (tmp_path / "second" / "payload.bin").read_bytes() == content


def test_stall_spec_syntax():
    rule = parse_spec("stall:after=5")
    assert rule.remaining == 1 and rule.int_param("ms", 60000) == 60000
    assert parse_spec("stall:after=5,on=get,ms=10,times=forever").remaining is None
    for spec in ("stall", "stall:after=x", "stall:after=1,on=upload", "stall:after=1,ms=-1"):
        with pytest.raises(FaultSpecError):
            parse_spec(spec)


def test_a_response_not_longer_than_the_stall_point_is_not_stalled(tmp_path):
    store = Store(tmp_path)
    faults = Faults(SandboxContext(data_dir=tmp_path, store=store, base_url="https://127.0.0.1:1"))
    faults.apply_spec("stall:after=100,on=get")
    assert faults.stall_after("get", 100) is None  # sent whole; the rule keeps its firing
    assert faults.stall_after("download", 500) is None
    stall = faults.stall_after("get", 101)
    assert stall is not None and stall.after == 100 and stall.bound_s == 60.0
    assert faults.stall_after("get", 101) is None
    store.close()
