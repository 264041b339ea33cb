"""Browse the openBIS hierarchy and search it, with paging done by openBIS.

Calls go through pybis's session (``BridgeOpenbis.as_call``) but build the V3
criteria themselves: pybis's search helpers return DataFrames (lossy: dates
become local-time strings) and fetch each data set's type separately. (On
nested paths pybis sends ``criteria`` as a single object, which openBIS reads
as a one-element list, SPEC §6.3.) Criteria shapes here are the ones pybis uses.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from ..errors import InvalidInput, NotFound
from ..openbis_client import BridgeOpenbis
from .jackson import IdIndex, code_of, field, index_ids, objects, perm_id, ref

PERM_ID_RE = re.compile(r"^\d{1,30}-\d{1,10}$")
# Codes are letters, digits, '_', '-', '.', and in identifiers separated by '/'.
IDENTIFIER_RE = re.compile(r"^(/[A-Za-z0-9_.\-+]{1,100}){1,4}$")
CODE_RE = re.compile(r"^[A-Za-z0-9_.\-+]{1,100}$")
MAX_QUERY_LENGTH = 200

_FO = "as.dto.{0}.fetchoptions.{1}FetchOptions"


def _fo(package: str, cls: str, **nested: Any) -> dict[str, Any]:
    return {"@type": _FO.format(package, cls), **nested}


def _registrator() -> dict[str, Any]:
    return _fo("person", "Person")


SPACE_FO = _fo("space", "Space", registrator=_registrator())
PROJECT_FO = _fo("project", "Project", space=_fo("space", "Space"), registrator=_registrator())
EXPERIMENT_FO = _fo(
    "experiment",
    "Experiment",
    type=_fo("experiment", "ExperimentType"),
    project=_fo("project", "Project", space=_fo("space", "Space")),
    properties=_fo("property", "Property"),
    registrator=_registrator(),
)
SAMPLE_FO = _fo(
    "sample",
    "Sample",
    type=_fo("sample", "SampleType"),
    space=_fo("space", "Space"),
    project=_fo("project", "Project"),
    experiment=_fo("experiment", "Experiment"),
    properties=_fo("property", "Property"),
    registrator=_registrator(),
)
DATASET_FO = _fo(
    "dataset",
    "DataSet",
    type=_fo("dataset", "DataSetType"),
    experiment=_fo("experiment", "Experiment"),
    sample=_fo("sample", "Sample"),
    properties=_fo("property", "Property"),
    physicalData=_fo("dataset", "PhysicalData"),
    registrator=_registrator(),
)
DATASET_DETAIL_FO = {
    **DATASET_FO,
    "parents": _fo("dataset", "DataSet", type=_fo("dataset", "DataSetType")),
    "children": _fo("dataset", "DataSet", type=_fo("dataset", "DataSetType")),
    "linkedData": _fo("dataset", "LinkedData"),
    "dataStore": _fo("datastore", "DataStore"),
    "modifier": _registrator(),
}


# --- criteria --------------------------------------------------------------------------------


def _criteria(
    package: str, entity: str, leaves: list[dict[str, Any]], operator: str = "AND"
) -> dict[str, Any]:
    return {
        "@type": f"as.dto.{package}.search.{entity}SearchCriteria",
        "operator": operator,
        "criteria": leaves,
    }


def _leaf(
    kind: str, field_name: str, value: str, match: str = "StringEqualToValue"
) -> dict[str, Any]:
    return {
        "@type": f"as.dto.common.search.{kind}SearchCriteria",
        "fieldName": field_name,
        "fieldType": "ATTRIBUTE",
        "fieldValue": {"@type": f"as.dto.common.search.{match}", "value": value},
    }


def _ref_leaf(value: str) -> dict[str, Any]:
    """Match an entity by permId, identifier or code, as pybis's ``_subcriteria_for`` does."""
    if PERM_ID_RE.fullmatch(value):
        return _leaf("PermId", "perm_id", value)
    if value.startswith("/"):
        return _leaf("Identifier", "identifier", value.upper())
    return _leaf("Code", "code", value.upper())


def check_ref(raw: Any, field_name: str, *, allow_code: bool = False) -> str:
    """Validate a permId, identifier (or code) coming from a client."""
    if isinstance(raw, str):
        if (
            PERM_ID_RE.fullmatch(raw)
            or IDENTIFIER_RE.fullmatch(raw)
            or (allow_code and CODE_RE.fullmatch(raw))
        ):
            return raw
    raise InvalidInput(
        f"{field_name} is not a valid openBIS permId or identifier", fields={field_name: "invalid"}
    )


# --- serialisation ---------------------------------------------------------------------------


def iso(ms: Any) -> str | None:
    if isinstance(ms, (int, float)) and not isinstance(ms, bool):
        return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat().replace("+00:00", "Z")
    return None


def _user(obj: Any, key: str, index: IdIndex) -> str | None:
    person = ref(obj, key, index)
    user_id = field(person, "userId", index)
    return user_id if isinstance(user_id, str) else None


def _identifier_of(obj: Any, index: IdIndex) -> str | None:
    """``obj.identifier``, which openBIS sends as an id bean ``{"identifier": "/S/P/C"}``."""
    value = ref(obj, "identifier", index) or field(obj, "identifier", index)
    if isinstance(value, dict):
        value = value.get("identifier")
    return value if isinstance(value, str) else None


def _ident(obj: Any, key: str, index: IdIndex) -> str | None:
    return _identifier_of(ref(obj, key, index), index)


def _properties(obj: Any, index: IdIndex) -> dict[str, Any]:
    props = ref(obj, "properties", index)
    return dict(props) if isinstance(props, dict) else {}


def _entity_common(obj: dict[str, Any], index: IdIndex) -> dict[str, Any]:
    props = _properties(obj, index)
    return {
        "permId": perm_id(obj, index),
        "code": code_of(obj, index),
        "identifier": _identifier_of(obj, index),
        "type": code_of(ref(obj, "type", index), index),
        "name": props.get("$NAME"),
        "properties": props,
        "registrationDate": iso(field(obj, "registrationDate", index)),
        "modificationDate": iso(field(obj, "modificationDate", index)),
        "registrator": _user(obj, "registrator", index),
    }


def space_json(obj: dict[str, Any], index: IdIndex) -> dict[str, Any]:
    return {
        "code": code_of(obj, index),
        "permId": perm_id(obj, index),
        "description": field(obj, "description", index),
        "registrationDate": iso(field(obj, "registrationDate", index)),
        "registrator": _user(obj, "registrator", index),
    }


def project_json(obj: dict[str, Any], index: IdIndex) -> dict[str, Any]:
    return {
        "code": code_of(obj, index),
        "permId": perm_id(obj, index),
        "identifier": _identifier_of(obj, index),
        "description": field(obj, "description", index),
        "space": code_of(ref(obj, "space", index), index),
        "registrationDate": iso(field(obj, "registrationDate", index)),
        "registrator": _user(obj, "registrator", index),
    }


def experiment_json(obj: dict[str, Any], index: IdIndex) -> dict[str, Any]:
    return {
        **_entity_common(obj, index),
        "kind": "experiment",
        "project": _ident(obj, "project", index),
    }


def sample_json(obj: dict[str, Any], index: IdIndex) -> dict[str, Any]:
    return {
        **_entity_common(obj, index),
        "kind": "sample",
        "space": code_of(ref(obj, "space", index), index),
        "project": _ident(obj, "project", index),
        "experiment": _ident(obj, "experiment", index),
    }


def dataset_json(obj: dict[str, Any], index: IdIndex) -> dict[str, Any]:
    physical = ref(obj, "physicalData", index)
    return {
        **_entity_common(obj, index),
        "identifier": None,
        "code": code_of(obj, index),
        "kind": "dataSet",
        "dataSetKind": field(obj, "kind", index),
        "experiment": _ident(obj, "experiment", index),
        "sample": _ident(obj, "sample", index),
        "size": field(physical, "size", index),
        "status": field(physical, "status", index),
        "presentInArchive": field(physical, "presentInArchive", index),
    }


# --- listings --------------------------------------------------------------------------------


def search_page(
    client: BridgeOpenbis,
    method: str,
    criteria: dict[str, Any],
    fetch: dict[str, Any],
    offset: int,
    limit: int,
    to_json: Any,
) -> dict[str, Any]:
    """One page of an AS search: ``items`` (each through ``to_json``), ``totalCount``,
    ``offset`` and ``limit``."""
    result = client.as_call(method, criteria, {**fetch, "from": offset, "count": limit})
    index = index_ids(result)
    items = [to_json(obj, index) for obj in objects(field(result, "objects", index), index)]
    total = field(result, "totalCount", index)
    return {
        "items": items,
        "totalCount": total if isinstance(total, int) else len(items),
        "offset": offset,
        "limit": limit,
    }


def list_spaces(client: BridgeOpenbis, offset: int, limit: int) -> dict[str, Any]:
    return search_page(
        client, "searchSpaces", _criteria("space", "Space", []), SPACE_FO, offset, limit, space_json
    )


def list_projects(
    client: BridgeOpenbis, space: str | None, offset: int, limit: int
) -> dict[str, Any]:
    leaves = [_criteria("space", "Space", [_leaf("Code", "code", space.upper())])] if space else []
    return search_page(
        client,
        "searchProjects",
        _criteria("project", "Project", leaves),
        PROJECT_FO,
        offset,
        limit,
        project_json,
    )


def list_experiments(
    client: BridgeOpenbis, project: str | None, offset: int, limit: int
) -> dict[str, Any]:
    leaves = [_criteria("project", "Project", [_ref_leaf(project)])] if project else []
    return search_page(
        client,
        "searchExperiments",
        _criteria("experiment", "Experiment", leaves),
        EXPERIMENT_FO,
        offset,
        limit,
        experiment_json,
    )


def list_samples(
    client: BridgeOpenbis,
    *,
    experiment: str | None,
    project: str | None,
    space: str | None,
    offset: int,
    limit: int,
) -> dict[str, Any]:
    leaves = []
    if experiment:
        leaves.append(_criteria("experiment", "Experiment", [_ref_leaf(experiment)]))
    if project:
        leaves.append(_criteria("project", "Project", [_ref_leaf(project)]))
    if space:
        leaves.append(_criteria("space", "Space", [_leaf("Code", "code", space.upper())]))
    criteria = {**_criteria("sample", "Sample", leaves), "relation": "SAMPLE"}
    return search_page(client, "searchSamples", criteria, SAMPLE_FO, offset, limit, sample_json)


def list_datasets(
    client: BridgeOpenbis, *, experiment: str | None, sample: str | None, offset: int, limit: int
) -> dict[str, Any]:
    leaves = []
    if experiment:
        leaves.append(_criteria("experiment", "Experiment", [_ref_leaf(experiment)]))
    if sample:
        leaves.append(_criteria("sample", "Sample", [_ref_leaf(sample)]))
    return search_page(
        client,
        "searchDataSets",
        _criteria("dataset", "DataSet", leaves),
        DATASET_FO,
        offset,
        limit,
        dataset_json,
    )


SEARCHABLE = {
    "experiment": ("searchExperiments", "experiment", "Experiment", EXPERIMENT_FO, experiment_json),
    "sample": ("searchSamples", "sample", "Sample", SAMPLE_FO, sample_json),
    "dataSet": ("searchDataSets", "dataset", "DataSet", DATASET_FO, dataset_json),
}


def search(
    client: BridgeOpenbis, query: str, kinds: list[str], offset: int, limit: int
) -> dict[str, Any]:
    """permId → exact permId; ``/…`` → identifier; otherwise code or $NAME containing the text."""
    text = query.strip()
    results: dict[str, Any] = {}
    for kind in kinds:
        method, package, entity, fetch, to_json = SEARCHABLE[kind]
        if PERM_ID_RE.fullmatch(text):
            leaves, operator = [_leaf("PermId", "perm_id", text)], "AND"
        elif text.startswith("/") and kind != "dataSet":
            leaves, operator = [_leaf("Identifier", "identifier", text.upper())], "AND"
        else:
            leaves = [
                _leaf("Code", "code", text, "StringContainsValue"),
                {
                    "@type": "as.dto.common.search.StringPropertySearchCriteria",
                    "fieldName": "$NAME",
                    "fieldType": "PROPERTY",
                    "fieldValue": {
                        "@type": "as.dto.common.search.StringContainsValue",
                        "value": text,
                    },
                },
            ]
            operator = "OR"
        criteria = _criteria(package, entity, leaves, operator)
        if kind == "sample":
            criteria["relation"] = "SAMPLE"
        results[kind] = search_page(client, method, criteria, fetch, offset, limit, to_json)
    return {"query": text, "results": results}


# --- data-set detail ------------------------------------------------------------------------


def _get_datasets(
    client: BridgeOpenbis, perm_ids: list[str], fetch: dict[str, Any]
) -> tuple[dict[str, Any], IdIndex]:
    ids = [{"@type": "as.dto.dataset.id.DataSetPermId", "permId": p} for p in perm_ids]
    result = client.as_call("getDataSets", ids, fetch)
    return (result if isinstance(result, dict) else {}), index_ids(result)


def search_files(client: BridgeOpenbis, perm_id_value: str) -> list[dict[str, Any]]:
    """Every file of a data set (no directories) with size and CRC32, as ``searchFiles`` reports them."""
    criteria = {
        "@type": "dss.dto.datasetfile.search.DataSetFileSearchCriteria",
        "operator": "AND",
        "criteria": [_criteria("dataset", "DataSet", [_leaf("Code", "code", perm_id_value)], "OR")],
    }
    result = client.dss_call(
        "searchFiles",
        criteria,
        {"@type": "dss.dto.datasetfile.fetchoptions.DataSetFileFetchOptions"},
    )
    index = index_ids(result)
    files = []
    for entry in objects(field(result, "objects", index), index):
        if field(entry, "directory", index) is True:
            continue
        path = field(entry, "path", index)
        if not isinstance(path, str) or not path:
            continue
        crc = field(entry, "checksumCRC32", index)
        files.append(
            {
                "path": path,
                "size": field(entry, "fileLength", index),
                "crc32": (crc & 0xFFFFFFFF)
                if isinstance(crc, int)
                else None,  # openBIS sends it signed
                "checksum": field(entry, "checksum", index),
                "checksumType": field(entry, "checksumType", index),
            }
        )
    return files


def dataset_detail(client: BridgeOpenbis, perm_id_value: str) -> dict[str, Any]:
    found, index = _get_datasets(client, [perm_id_value], DATASET_DETAIL_FO)
    obj = ref(found, perm_id_value, index)
    if not isinstance(obj, dict):
        raise NotFound(f"no data set {perm_id_value!r}")
    detail = dataset_json(obj, index)
    physical = ref(obj, "physicalData", index)

    def relatives(key: str) -> list[dict[str, Any]]:
        return [
            {"permId": perm_id(rel, index), "type": code_of(ref(rel, "type", index), index)}
            for rel in objects(field(obj, key, index), index)
        ]

    owner_key = "sample" if detail["sample"] else "experiment"
    detail.update(
        {
            "owner": {"kind": owner_key, "identifier": detail[owner_key]},
            "parents": relatives("parents"),
            "children": relatives("children"),
            "archivingRequested": field(physical, "archivingRequested", index),
            "modifier": _user(obj, "modifier", index),
            "files": search_files(client, perm_id_value) if detail["dataSetKind"] != "LINK" else [],
        }
    )
    return detail


def fetch_datasets_brief(client: BridgeOpenbis, perm_ids: list[str]) -> dict[str, dict[str, Any]]:
    """permId → summary for the given data sets; unknown ones are simply absent."""
    found, index = _get_datasets(client, perm_ids, DATASET_FO)
    return {
        key: dataset_json(obj, index)
        for key, obj in ((k, ref(found, k, index)) for k in perm_ids)
        if isinstance(obj, dict)
    }
