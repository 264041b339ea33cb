"""The file list a download job plans from: ``searchFiles`` decoded in pieces (so one big
answer never holds the interpreter for long) must equal the plain decoding, and errors
must keep the client's own mapping."""

from __future__ import annotations

import json

import pytest

from jupyterlab_openbis_bridge.errors import SessionExpired
from jupyterlab_openbis_bridge.openbis_client import BridgeOpenbis
from jupyterlab_openbis_bridge.server.browse import search_files
from jupyterlab_openbis_bridge.server.downloads.listing import list_files, loads_in_pieces

DOCUMENTS = [
    "{}",
    "[]",
    " { } ",
    '"text"',
    "3.5",
    "null",
    '{"a": [1, 2, {"b": [3, []]}], "c": "x", "d": {}}',
    ' {\n "a" : [ ] ,\t"b" : { "c" : [ {"d": null} ] } }\r\n',
    '{"jsonrpc": "2.0", "result": {"objects": [{"@id": 1, "x": [1, 2]}, 2, "s"], "n": 3}}',
    '{"quote": "a\\"b\\u00e9,]}", "k,]}": ["]", "}", ","]}',
    '{"a": 1, "a": 2}',
]
MALFORMED = ["", "{", "[1,]", "[1 2]", '{"a" 1}', '{"a": 1,}', "{1: 2}", '{"a": 1} x', "[1]]"]


@pytest.mark.parametrize("text", DOCUMENTS)
@pytest.mark.parametrize("depth", [0, 1, 2, 3, 5])
def test_pieces_decode_like_json_loads(text: str, depth: int) -> None:
    assert loads_in_pieces(text, depth) == json.loads(text)


@pytest.mark.parametrize("text", MALFORMED)
def test_malformed_json_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        loads_in_pieces(text)


@pytest.fixture
def client(sandbox) -> BridgeOpenbis:
    client = BridgeOpenbis(sandbox.url, verify=str(sandbox.ca_cert), timeout=30)
    client.login_with_password(sandbox.admin_user, sandbox.admin_password)
    return client


def test_the_planned_list_equals_the_plain_search(client: BridgeOpenbis) -> None:
    perm_ids = list(client.get_datasets(count=50).df["permId"])
    listed = {perm: list_files(client, perm) for perm in perm_ids}
    assert any(listed.values())  # the demo has data sets with files
    for perm in perm_ids:
        assert listed[perm] == search_files(client, perm)


def test_an_expired_session_is_reported_as_such(client: BridgeOpenbis) -> None:
    perm = client.get_datasets(count=1).df["permId"].iloc[0]
    client.dss_url()  # known already, so the data store itself is what refuses the token
    client.__dict__["token"] = "admin-251129000000000xDEADBEEF"  # as openBIS forgets it
    with pytest.raises(SessionExpired):
        list_files(client, perm)
