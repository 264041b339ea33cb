"""DSS servlets and createUploadedDataSet checks, driven with plain HTTP as pybis would send it."""

from __future__ import annotations

import json
import uuid

import pytest
import requests

DSS = "/datastore_server/rmi-data-store-server-v3.json"
AS = "/openbis/openbis/rmi-application-server-v3.json"
UPLOAD = "/datastore_server/session_workspace_file_upload"
SAMPLE_PERM_ID_OF = "/LAB/PROJ1/SAMPLE1"


@pytest.fixture
def server(sandbox):
    return sandbox


class Client:
    def __init__(self, sandbox) -> None:
        self.sandbox = sandbox
        self.http = requests.Session()
        self.http.verify = str(sandbox.ca_cert)
        self.http.trust_env = False  # else REQUESTS_CA_BUNDLE overrides session.verify
        self.token = self.rpc(AS, "login", [sandbox.admin_user, sandbox.admin_password])

    def post_json(self, path: str, body: dict) -> requests.Response:
        return self.http.post(self.sandbox.url + path, data=json.dumps(body))

    def rpc_raw(self, path: str, method: str, params: list) -> dict:
        response = self.post_json(
            path, {"method": method, "params": params, "id": "2", "jsonrpc": "2.0"}
        )
        assert response.status_code == 200
        return response.json()

    def rpc(self, path: str, method: str, params: list):
        body = self.rpc_raw(path, method, params)
        assert "error" not in body, body
        return body["result"]

    def rpc_error(self, path: str, method: str, params: list) -> str:
        body = self.rpc_raw(path, method, params)
        assert body["error"]["code"] == 0
        return body["error"]["message"]

    def upload(
        self,
        filename: str,
        body: bytes = b"",
        *,
        start: int = 0,
        empty_folder: bool = False,
        token: str | None = None,
    ) -> requests.Response:
        query = (
            f"?filename={filename}&id=1&startByte={start}&endByte={start + len(body)}"
            f"&emptyFolder={empty_folder}&sessionID={token or self.token}"
        )
        return self.http.post(self.sandbox.url + UPLOAD + query, data=body)

    def sample_perm_id(self) -> str:
        ident = {"@type": "as.dto.sample.id.SampleIdentifier", "identifier": SAMPLE_PERM_ID_OF}
        result = self.rpc(
            AS,
            "getSamples",
            [self.token, [ident], {"@type": "as.dto.sample.fetchoptions.SampleFetchOptions"}],
        )
        return result[SAMPLE_PERM_ID_OF]["permId"]["permId"]

    def creation(self, upload_id: str, **overrides) -> dict:
        creation = {
            "@type": "dss.dto.dataset.create.UploadedDataSetCreation",
            "@id": "1",
            "typeId": {
                "@type": "as.dto.entitytype.id.EntityTypePermId",
                "@id": "2",
                "permId": "RAW_DATA",
                "entityKind": "DATA_SET",
            },
            "properties": {"$name": "from a test"},
            "parentIds": [],
            "uploadId": upload_id,
            "sampleId": {
                "@type": "as.dto.sample.id.SamplePermId",
                "@id": "4",
                "permId": self.sample_perm_id(),
            },
        }
        creation.update(overrides)
        return {k: v for k, v in creation.items() if v is not None}

    def register(self, upload_id: str, **overrides) -> str:
        return self.rpc(
            DSS, "createUploadedDataSet", [self.token, self.creation(upload_id, **overrides)]
        )["permId"]

    def register_error(self, upload_id: str, **overrides) -> str:
        return self.rpc_error(
            DSS, "createUploadedDataSet", [self.token, self.creation(upload_id, **overrides)]
        )

    def file_url(self, perm_id: str, path: str, token: str | None = None) -> str:
        return (
            f"{self.sandbox.url}/datastore_server/{perm_id}/{path}?sessionID={token or self.token}"
        )


@pytest.fixture
def client(server) -> Client:
    return Client(server)


def data_set_count(client: Client) -> int:
    criteria = {
        "@type": "as.dto.dataset.search.DataSetSearchCriteria",
        "operator": "AND",
        "criteria": [],
    }
    fo = {"@type": "as.dto.dataset.fetchoptions.DataSetFetchOptions"}
    return client.rpc(AS, "searchDataSets", [client.token, criteria, fo])["totalCount"]


# --- session workspace upload -------------------------------------------------------------


def test_upload_answers_with_the_bytes_written_by_this_request(client):
    response = client.upload("u1/file.txt", b"0123456789")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/json")
    assert response.json() == {
        "id": 1,
        "startByte": 0,
        "endByte": 10,
        "filename": "u1/file.txt",
        "emptyFolder": False,
        "size": 10,
        "status": "ok",
    }
    folder = client.upload("u1b/empty/", empty_folder=True)
    assert folder.json()["size"] == -1 and folder.json()["emptyFolder"] is True


def test_slices_written_out_of_order_assemble_the_file(client, server):
    upload_id = str(uuid.uuid4())
    parts = [b"A" * 1000, b"B" * 1000, b"C" * 7]
    for index in (2, 0, 1):  # last slice first, as pybis's threads may deliver them
        client.upload(f"{upload_id}/big.bin", parts[index], start=1000 * index).raise_for_status()
    perm_id = client.register(upload_id)
    served = client.http.get(client.file_url(perm_id, "original/big.bin"))
    assert served.content == b"".join(parts)


@pytest.mark.parametrize("filename", ["../escape.txt", "u2/../../escape.txt", "u2/..", "..\\x"])
def test_upload_refuses_paths_leaving_the_workspace(client, server, filename):
    response = client.upload(filename, b"evil")
    assert response.status_code == 500
    assert not any(server.data_dir.rglob("escape.txt"))


def test_upload_with_an_invalid_session_is_a_container_error(client):
    response = client.upload("u3/x.txt", b"x", token="admin-nosuchsession")
    assert response.status_code == 500
    assert "HTTP ERROR 500" in response.text


def test_upload_parses_booleans_case_insensitively(client):
    response = client.http.post(
        client.sandbox.url
        + UPLOAD
        + "?filename=u4/folder/&id=1&startByte=0&endByte=0&emptyFolder=TRUE"
        + f"&sessionID={client.token}"
    )
    assert response.json()["emptyFolder"] is True


# --- createUploadedDataSet ----------------------------------------------------------------


def uploaded(client: Client, *names: str) -> str:
    upload_id = str(uuid.uuid4())
    for name in names:
        client.upload(f"{upload_id}/{name}", name.encode()).raise_for_status()
    return upload_id


def test_registration_error_texts(client):
    upload_id = uploaded(client, "one.txt")
    unknown_type = {
        "@type": "as.dto.entitytype.id.EntityTypePermId",
        "permId": "RAW_DATA2",
        "entityKind": "DATA_SET",
    }
    assert client.register_error(upload_id, typeId=unknown_type) == (
        "Object with EntityTypePermId = [RAW_DATA2 (DATA_SET)] has not been found."
    )
    assert client.register_error(upload_id, sampleId=None) == (
        "A dataset needs either a sample or an experiment as an owner."
    )
    missing_sample = {"@type": "as.dto.sample.id.SamplePermId", "permId": "20990101000000000-1"}
    assert client.register_error(upload_id, sampleId=missing_sample) == (
        "Object with SamplePermId = [20990101000000000-1] has not been found."
    )
    missing_experiment = {
        "@type": "as.dto.experiment.id.ExperimentIdentifier",
        "identifier": "/LAB/PROJ1/NOPE",
    }
    assert client.register_error(upload_id, sampleId=None, experimentId=missing_experiment) == (
        "Object with ExperimentIdentifier = [/LAB/PROJ1/NOPE] has not been found."
    )
    missing_parent = {"@type": "as.dto.dataset.id.DataSetPermId", "permId": "20990101000000000-9"}
    assert client.register_error(upload_id, parentIds=[missing_parent]) == (
        "Object with DataSetPermId = [20990101000000000-9] has not been found."
    )
    assert client.register_error("") == "Upload id cannot be null or empty"
    assert client.register_error("a/b") == "Upload id must not contain '/'"
    assert client.register_error("nope") == "No uploaded files found for upload id 'nope'"


def test_registration_needs_exactly_one_entry(client):
    empty = str(uuid.uuid4())
    client.upload(f"{empty}/", empty_folder=True).raise_for_status()
    two = uploaded(client, "a.txt", "b.txt")
    expected = (
        "Unexpected state, incoming directory should contain just one file or folder but found: {}"
    )
    assert client.register_error(empty) == expected.format(0)
    assert client.register_error(two) == expected.format(2)


def test_a_failed_registration_leaves_nothing_behind(client, server):
    upload_id = uploaded(client, "keep.txt")
    before = data_set_count(client)
    message = client.register_error(upload_id, properties={"no_such_property": "x"})
    assert "NO_SUCH_PROPERTY" in message.upper()
    assert data_set_count(client) == before
    assert not [p for p in (server.data_dir / "store").rglob("keep.txt")]
    # the upload is still there: the corrected request succeeds
    perm_id = client.register(upload_id)
    assert client.http.get(client.file_url(perm_id, "original/keep.txt")).content == b"keep.txt"
    assert data_set_count(client) == before + 1


# --- plain file GET -----------------------------------------------------------------------


def test_plain_get_streams_the_file_with_headers(client):
    upload_id = uploaded(client, "table.csv")
    perm_id = client.register(upload_id)
    response = client.http.get(client.file_url(perm_id, "original/table.csv"))
    assert response.status_code == 200
    assert response.content == b"table.csv"
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "table.csv" in response.headers["Content-Disposition"]


def test_plain_get_with_an_invalid_session_answers_200_html(client):
    perm_id = client.register(uploaded(client, "x.txt"))
    response = client.http.get(client.file_url(perm_id, "original/x.txt", token="admin-expired"))
    assert response.status_code == 200
    assert response.text == "<html><body>Download session expired.</body></html>"


def test_plain_get_never_leaves_the_data_set(client, server):
    perm_id = client.register(uploaded(client, "inside.txt"))
    secret = server.data_dir / "secret.txt"
    secret.write_text("host file")
    original = server.data_dir / "store" / perm_id / "original"
    (original / "link.txt").symlink_to(secret)

    assert client.http.get(client.file_url(perm_id, "original/link.txt")).status_code == 404
    assert (
        client.http.get(
            client.file_url(perm_id, "original/%2E%2E/%2E%2E/%2E%2E/secret.txt")
        ).status_code
        == 404
    )
    assert client.http.get(client.file_url(perm_id, "original/missing.txt")).status_code == 404
    # and searchFiles does not list the escaping link either
    criteria = {
        "@type": "dss.dto.datasetfile.search.DataSetFileSearchCriteria",
        "operator": "AND",
        "criteria": [
            {
                "@type": "as.dto.dataset.search.DataSetSearchCriteria",
                "operator": "OR",
                "criteria": [
                    {
                        "@type": "as.dto.common.search.CodeSearchCriteria",
                        "fieldValue": {
                            "@type": "as.dto.common.search.StringEqualToValue",
                            "value": perm_id,
                        },
                    }
                ],
            }
        ],
    }
    files = client.rpc(
        DSS,
        "searchFiles",
        [
            client.token,
            criteria,
            {"@type": "dss.dto.datasetfile.fetchoptions.DataSetFileFetchOptions"},
        ],
    )
    assert [f["path"] for f in files["objects"]] == ["", "original", "original/inside.txt"]
    assert files["objects"][2]["dataStore"]["downloadUrl"] == server.url


def test_fast_download_session_drops_unknown_data_sets(client):
    perm_id = client.register(uploaded(client, "f.txt"))

    def file_id(p: str) -> dict:
        return {
            "@type": "dss.dto.datasetfile.id.DataSetFilePermId",
            "filePath": f"{p}/original/f.txt",
            "dataSetId": {"@type": "as.dto.dataset.id.DataSetPermId", "permId": p},
        }

    options = {
        "@type": "dss.dto.datasetfile.fastdownload.FastDownloadSessionOptions",
        "wishedNumberOfStreams": 4,
    }
    session = client.rpc(
        DSS,
        "createFastDownloadSession",
        [client.token, [file_id(perm_id), file_id("20990101000000000-7")], options],
    )
    assert session["downloadUrl"] == client.sandbox.url + "/datastore_server/file-transfer"
    assert session["fileTransferUserSessionId"] == client.token
    assert [f["filePath"] for f in session["files"]] == [f"{perm_id}/original/f.txt"]


def test_file_transfer_errors_have_the_servlet_shape(client):
    response = client.post_json(
        "/datastore_server/file-transfer",
        {"method": ["queue"], "downloadSessionId": ["nope"], "ranges": ["0:0"]},
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"error", "exception-class", "retriable"}
    empty = client.post_json(
        "/datastore_server/file-transfer",
        {
            "method": ["startDownloadSession"],
            "userSessionId": ["admin-invalid"],
            "downloadItemIds": ["[]"],
            "version": ["2"],
        },
    )
    assert "invalid" in empty.json()["error"]


# --- workspace helpers (the AS logout calls delete_workspace) -----------------------------


def test_delete_workspace_removes_only_that_sessions_folder(tmp_path):
    from types import SimpleNamespace

    from openbis_sandbox.dss.workspace import delete_workspace, resolve_workspace_path

    ctx = SimpleNamespace(data_dir=tmp_path)
    mine = resolve_workspace_path(ctx, "alice-1", "upload/file.txt")
    mine.parent.mkdir(parents=True)
    mine.write_text("x")
    other = resolve_workspace_path(ctx, "bob-2", "upload/file.txt")
    other.parent.mkdir(parents=True)
    other.write_text("y")

    delete_workspace(ctx, "alice-1")
    delete_workspace(ctx, "../escape")  # refused silently, deletes nothing
    assert not (tmp_path / "workspace" / "alice-1").exists()
    assert other.read_text() == "y"
