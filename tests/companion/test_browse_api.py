"""Browse, search, data-set detail and masterdata against the demo sandbox."""

from __future__ import annotations

from jupyterlab_openbis_bridge.profiles import Profile
from jupyterlab_openbis_bridge.server import masterdata
from jupyterlab_openbis_bridge.server.connections import ConnectionRegistry

from .support import CONNECTION

BASE = f"connections/{CONNECTION}"


async def logged_in(login) -> None:
    reply = await login()
    assert reply.code == 200, reply.text


async def test_hierarchy_walk_with_server_side_paging(api, login):
    await logged_in(login)
    spaces = await api("GET", f"{BASE}/spaces", params={"limit": "1"})
    assert spaces.code == 200
    assert len(spaces.body["items"]) == 1 and spaces.body["totalCount"] >= 2
    second = await api("GET", f"{BASE}/spaces", params={"limit": "1", "offset": "1"})
    assert second.body["items"][0]["code"] != spaces.body["items"][0]["code"]

    projects = await api("GET", f"{BASE}/projects", params={"space": "LAB"})
    assert {p["identifier"] for p in projects.body["items"]} >= {"/LAB/PROJ1"}
    assert all(p["space"] == "LAB" for p in projects.body["items"])

    experiments = await api("GET", f"{BASE}/experiments", params={"project": "/LAB/PROJ1"})
    assert experiments.body["totalCount"] >= 1
    exp = next(e for e in experiments.body["items"] if e["identifier"] == "/LAB/PROJ1/EXP1")
    assert exp["type"] and exp["registrationDate"].endswith("Z") and exp["name"]

    samples = await api(
        "GET", f"{BASE}/samples", params={"experiment": exp["identifier"], "limit": "2"}
    )
    assert samples.code == 200 and len(samples.body["items"]) <= 2
    assert all(s["experiment"] == exp["identifier"] for s in samples.body["items"])

    datasets = await api("GET", f"{BASE}/datasets", params={"experiment": exp["identifier"]})
    assert datasets.body["totalCount"] == len(datasets.body["items"]) >= 1
    first = datasets.body["items"][0]
    assert first["status"] == "AVAILABLE" and isinstance(first["size"], int)

    by_sample = await api("GET", f"{BASE}/datasets", params={"sample": first["sample"]})
    assert first["permId"] in {d["permId"] for d in by_sample.body["items"]}


async def test_paging_beyond_the_end_is_empty_with_total(api, login):
    await logged_in(login)
    reply = await api("GET", f"{BASE}/spaces", params={"offset": "1000"})
    assert reply.code == 200 and reply.body["items"] == [] and reply.body["totalCount"] >= 2


async def test_search_by_text_permid_and_identifier(api, login):
    await logged_in(login)
    text = await api("GET", f"{BASE}/search", params={"q": "absorbance"})
    assert text.code == 200
    names = [e["name"] for e in text.body["results"]["experiment"]["items"]]
    assert "Absorbance runs" in names  # $NAME contains, case-insensitive

    datasets = await api("GET", f"{BASE}/datasets", params={"experiment": "/LAB/PROJ1/EXP1"})
    perm = datasets.body["items"][0]["permId"]
    by_perm = await api("GET", f"{BASE}/search", params={"q": perm, "kinds": "dataSet"})
    assert [d["permId"] for d in by_perm.body["results"]["dataSet"]["items"]] == [perm]
    assert set(by_perm.body["results"]) == {"dataSet"}

    by_ident = await api(
        "GET", f"{BASE}/search", params={"q": "/lab/proj1/exp1", "kinds": "experiment"}
    )
    assert [e["identifier"] for e in by_ident.body["results"]["experiment"]["items"]] == [
        "/LAB/PROJ1/EXP1"
    ]


async def test_dataset_detail_has_files_with_checksums(api, login):
    await logged_in(login)
    datasets = await api("GET", f"{BASE}/datasets", params={"experiment": "/LAB/PROJ1/EXP1"})
    with_children = None
    for item in datasets.body["items"]:
        detail = await api("GET", f"{BASE}/datasets/{item['permId']}")
        assert detail.code == 200
        assert detail.body["owner"]["identifier"] and detail.body["type"] == item["type"]
        assert detail.body["files"], "demo data sets have files"
        for entry in detail.body["files"]:
            assert isinstance(entry["size"], int) and isinstance(entry["crc32"], int)
        if detail.body["children"]:
            with_children = detail.body
    assert with_children is not None
    child = await api("GET", f"{BASE}/datasets/{with_children['children'][0]['permId']}")
    assert with_children["permId"] in [p["permId"] for p in child.body["parents"]]


async def test_unknown_dataset_is_404(api, login):
    await logged_in(login)
    reply = await api("GET", f"{BASE}/datasets/20990101000000000-1")
    assert reply.code == 404 and reply.body["reason"] == "not_found"


async def test_dataset_types_for_forms(api, login):
    await logged_in(login)
    reply = await api("GET", f"{BASE}/dataset-types")
    assert reply.code == 200
    types = {t["code"]: t for t in reply.body["dataSetTypes"]}
    assert {"RAW_DATA", "ANALYZED_DATA", "ANALYSIS_NOTEBOOK"} <= set(types)
    notebook = {p["code"]: p for p in types["ANALYSIS_NOTEBOOK"]["properties"]}
    assert notebook["$NAME"]["mandatory"] is True and notebook["$NAME"]["label"] == "Name"
    kernel = notebook["KERNEL"]
    assert kernel["dataType"] == "CONTROLLEDVOCABULARY" and {
        t["code"] for t in kernel["terms"]
    } >= {"PYTHON3"}
    data_types = {p["dataType"] for t in types.values() for p in t["properties"]}
    assert {"INTEGER", "REAL", "BOOLEAN", "DATE", "CONTROLLEDVOCABULARY"} <= data_types
    ordinals = [p["ordinal"] for p in types["ANALYSIS_NOTEBOOK"]["properties"]]
    assert ordinals == sorted(ordinals)


def test_masterdata_costs_a_constant_number_of_round_trips(sandbox):
    registry = ConnectionRegistry(request_timeout=10, lock_timeout=10, profile_path=None)
    registry.add(Profile(name="s", url=sandbox.url, ca_bundle=str(sandbox.ca_cert)))
    registry.login("s", username="admin", password="changeit")
    client = registry.get("s").client
    calls: list[str] = []
    original = client.http_post

    def counting(url, **kwargs):
        calls.append(kwargs.get("data", "")[:60])
        return original(url, **kwargs)

    client.http_post = counting
    types = registry.call("s", masterdata.fetch_dataset_types)
    assert len(calls) == 1, calls  # whatever the number of types, properties and vocabularies
    assert sum(len(t.properties) for t in types) > len(types) >= 3

    cache = masterdata.MasterdataCache(ttl_seconds=3600)
    cache.get("s", lambda: registry.call("s", masterdata.fetch_dataset_types))
    cache.get("s", lambda: registry.call("s", masterdata.fetch_dataset_types))
    assert len(calls) == 2  # cached
    cache.get("s", lambda: registry.call("s", masterdata.fetch_dataset_types), refresh=True)
    assert len(calls) == 3
