"""DTO builders for spaces, projects, experiments, samples, data sets and data stores."""

from __future__ import annotations

import hashlib
from typing import Any

from ..store.records import NO_FLAGS, DataSet, Experiment, PhysicalFlags, Project, Sample, Space
from .common import (
    _HISTORY_DS,
    _HISTORY_EXP,
    _HISTORY_PROJECT,
    _HISTORY_SAMPLE,
    FO,
    Builder,
    echo_fetch_options,
    perm_id_bean,
    wants,
)
from .masterdata import entity_type
from .tags import entity_tags

_FO = "as.dto.{}.fetchoptions.{}FetchOptions"


def _list_or_none(fo: FO, name: str, build) -> list | None:
    sub = wants(fo, name)
    return None if sub is None else build(sub)


def _histories(fo: FO, names: list[str]) -> dict[str, Any]:
    return {name: ([] if wants(fo, name) is not None else None) for name in names}


def _assigned_properties(b: Builder, kind: str, type_code: str, values: dict[str, str]) -> dict:
    """Only properties assigned to the type, in assignment order (SPEC risk 12)."""
    entity_type = b.graph.entity_type(kind, type_code)
    order = [a.property_code for a in entity_type.assignments] if entity_type else []
    return {code: values[code] for code in order if code in values}


def _property_maps(b: Builder, fo: FO, kind: str, type_code: str, values: dict) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["properties"] = (
        _assigned_properties(b, kind, type_code, values)
        if wants(fo, "properties") is not None
        else None
    )
    if not b.v37:
        out["materialProperties"] = {} if wants(fo, "materialProperties") is not None else None
    out["sampleProperties"] = {} if wants(fo, "sampleProperties") is not None else None
    return out


def _tags(b: Builder, kind: str, perm_id: str, fo: FO) -> list | None:
    return entity_tags(
        b, kind, perm_id, fo, {"EXPERIMENT": experiment, "SAMPLE": sample, "DATA_SET": dataset}
    )


def space(b: Builder, s: Space | None, fo: FO) -> dict[str, Any] | None:
    if fo is None or s is None:
        return None
    return {
        "@type": "as.dto.space.Space",
        "fetchOptions": echo_fetch_options(fo, _FO.format("space", "Space")),
        "id": {"@type": "as.dto.space.id.SpaceTechId", "techId": s.tech_id, "id": str(s.tech_id)},
        "permId": perm_id_bean("as.dto.space.id.SpacePermId", s.code),
        "code": s.code,
        "description": s.description,
        "frozen": False,
        "frozenForProjects": False,
        "frozenForSamples": False,
        "registrationDate": s.registration_ms,
        "modificationDate": s.modification_ms,
        "registrator": b.person(s.registrator, wants(fo, "registrator")),
        "samples": _list_or_none(
            fo,
            "samples",
            lambda sub: [sample(b, x, sub) for x in b.graph.samples.values() if x.space == s.code],
        ),
        "projects": _list_or_none(
            fo,
            "projects",
            lambda sub: [
                project(b, x, sub) for x in b.graph.projects.values() if x.space == s.code
            ],
        ),
    }


def project(b: Builder, p: Project | None, fo: FO) -> dict[str, Any] | None:
    if fo is None or p is None:
        return None
    g = b.graph
    return {
        "@type": "as.dto.project.Project",
        "fetchOptions": echo_fetch_options(fo, _FO.format("project", "Project")),
        "permId": perm_id_bean("as.dto.project.id.ProjectPermId", p.perm_id),
        "identifier": {"@type": "as.dto.project.id.ProjectIdentifier", "identifier": p.identifier},
        "code": p.code,
        "description": p.description,
        "frozen": False,
        "frozenForExperiments": False,
        "frozenForSamples": False,
        "registrationDate": p.registration_ms,
        "modificationDate": p.modification_ms,
        "experiments": _list_or_none(
            fo,
            "experiments",
            lambda sub: [
                experiment(b, e, sub)
                for e in g.experiments.values()
                if e.project_perm_id == p.perm_id
            ],
        ),
        "samples": _list_or_none(
            fo,
            "samples",
            lambda sub: [
                sample(b, s, sub) for s in g.samples.values() if s.project_perm_id == p.perm_id
            ],
        ),
        **_histories(fo, _HISTORY_PROJECT),
        "space": space(b, g.spaces.get(p.space), wants(fo, "space")),
        "registrator": b.person(p.registrator, wants(fo, "registrator")),
        "modifier": b.person(p.modifier, wants(fo, "modifier")),
        "leader": None,
        "attachments": [] if wants(fo, "attachments") is not None else None,
    }


def experiment(b: Builder, e: Experiment | None, fo: FO) -> dict[str, Any] | None:
    if fo is None or e is None:
        return None
    g = b.graph
    return {
        "@type": "as.dto.experiment.Experiment",
        "fetchOptions": echo_fetch_options(fo, _FO.format("experiment", "Experiment")),
        "permId": perm_id_bean("as.dto.experiment.id.ExperimentPermId", e.perm_id),
        "identifier": {
            "@type": "as.dto.experiment.id.ExperimentIdentifier",
            "identifier": g.experiment_identifier(e),
        },
        "code": e.code,
        "frozen": False,
        "frozenForDataSets": False,
        "frozenForSamples": False,
        "registrationDate": e.registration_ms,
        "modificationDate": e.modification_ms,
        "type": entity_type(b, g.entity_type("EXPERIMENT", e.type_code), wants(fo, "type")),
        "project": project(b, g.projects.get(e.project_perm_id), wants(fo, "project")),
        "dataSets": _list_or_none(
            fo,
            "dataSets",
            lambda sub: [
                dataset(b, d, sub) for d in g.datasets.values() if d.experiment_perm_id == e.perm_id
            ],
        ),
        "samples": _list_or_none(
            fo,
            "samples",
            lambda sub: [
                sample(b, s, sub) for s in g.samples.values() if s.experiment_perm_id == e.perm_id
            ],
        ),
        **_histories(fo, _HISTORY_EXP),
        **_property_maps(b, fo, "EXPERIMENT", e.type_code, e.properties),
        "tags": _tags(b, "EXPERIMENT", e.perm_id, wants(fo, "tags")),
        "registrator": b.person(e.registrator, wants(fo, "registrator")),
        "modifier": b.person(e.modifier, wants(fo, "modifier")),
        "attachments": [] if wants(fo, "attachments") is not None else None,
        "metaData": {},
    }


def sample(b: Builder, s: Sample | None, fo: FO) -> dict[str, Any] | None:
    if fo is None or s is None:
        return None
    g = b.graph
    return {
        "@type": "as.dto.sample.Sample",
        "fetchOptions": echo_fetch_options(fo, _FO.format("sample", "Sample")),
        "permId": perm_id_bean("as.dto.sample.id.SamplePermId", s.perm_id),
        "identifier": {
            "@type": "as.dto.sample.id.SampleIdentifier",
            "identifier": g.sample_identifier(s),
        },
        "code": s.code,
        "frozen": False,
        "frozenForComponents": False,
        "frozenForChildren": False,
        "frozenForParents": False,
        "frozenForDataSets": False,
        "registrationDate": s.registration_ms,
        "modificationDate": s.modification_ms,
        "type": entity_type(b, g.entity_type("SAMPLE", s.type_code), wants(fo, "type")),
        "project": project(b, g.projects.get(s.project_perm_id or ""), wants(fo, "project")),
        "space": space(b, g.spaces.get(s.space or ""), wants(fo, "space")),
        "experiment": experiment(
            b, g.experiments.get(s.experiment_perm_id or ""), wants(fo, "experiment")
        ),
        **_property_maps(b, fo, "SAMPLE", s.type_code, s.properties),
        "parents": _list_or_none(
            fo,
            "parents",
            lambda sub: [sample(b, g.samples[p], sub) for p in g.sample_parents.get(s.perm_id, [])],
        ),
        "parentsRelationships": None,
        "children": _list_or_none(
            fo,
            "children",
            lambda sub: [
                sample(b, g.samples[c], sub) for c in g.sample_children.get(s.perm_id, [])
            ],
        ),
        "childrenRelationships": None,
        "container": None,  # no containers in the sandbox: null whether fetched or not
        "components": [] if wants(fo, "components") is not None else None,
        "dataSets": _list_or_none(
            fo,
            "dataSets",
            lambda sub: [
                dataset(b, d, sub) for d in g.datasets.values() if d.sample_perm_id == s.perm_id
            ],
        ),
        **_histories(fo, _HISTORY_SAMPLE),
        "tags": _tags(b, "SAMPLE", s.perm_id, wants(fo, "tags")),
        "registrator": b.person(s.registrator, wants(fo, "registrator")),
        "modifier": b.person(s.modifier, wants(fo, "modifier")),
        "attachments": [] if wants(fo, "attachments") is not None else None,
        "metaData": {},
    }


def datastore(b: Builder, fo: FO) -> dict[str, Any] | None:
    if fo is None:
        return None
    ms = b.graph.datastore_registration_ms
    return {
        "@type": "as.dto.datastore.DataStore",
        "fetchOptions": echo_fetch_options(fo, _FO.format("datastore", "DataStore")),
        "code": b.ctx.datastore_code,
        "downloadUrl": b.ctx.base_url,
        "remoteUrl": b.ctx.base_url,
        "registrationDate": ms,
        "modificationDate": ms,
    }


def physical_location(perm_id: str) -> str:
    """``<dss-uuid>/<shard>/<shard>/<shard>/<permId>``: pybis takes the last segment."""
    digest = hashlib.md5(perm_id.encode()).hexdigest()
    return (
        f"1FD3FF61-1576-4908-AE3D-296E60B4CE06/{digest[:2]}/{digest[2:4]}/{digest[4:6]}/{perm_id}"
    )


def physical_data(d: DataSet, fo: FO, flags: PhysicalFlags = NO_FLAGS) -> dict[str, Any] | None:
    if fo is None or d.kind != "PHYSICAL":
        return None
    return {
        "@type": "as.dto.dataset.PhysicalData",
        "fetchOptions": echo_fetch_options(fo, _FO.format("dataset", "PhysicalData")),
        "shareId": "1",
        "location": physical_location(d.perm_id),
        "size": d.size,
        "storageFormat": None,
        "fileFormatType": None,
        "locatorType": None,
        "complete": "YES",
        "status": d.status,
        "presentInArchive": flags.present_in_archive,
        "storageConfirmation": True,
        "speedHint": -50,
        "archivingRequested": flags.archiving_requested,
    }


def dataset(b: Builder, d: DataSet | None, fo: FO) -> dict[str, Any] | None:
    if fo is None or d is None:
        return None
    g = b.graph
    return {
        "@type": "as.dto.dataset.DataSet",
        "fetchOptions": echo_fetch_options(fo, _FO.format("dataset", "DataSet")),
        "permId": perm_id_bean("as.dto.dataset.id.DataSetPermId", d.perm_id),
        "code": d.code,
        "frozen": False,
        "frozenForChildren": False,
        "frozenForParents": False,
        "frozenForComponents": False,
        "frozenForContainers": False,
        "type": entity_type(b, g.entity_type("DATA_SET", d.type_code), wants(fo, "type")),
        "kind": d.kind,
        "dataStore": datastore(b, wants(fo, "dataStore")),
        "measured": d.type_code != "ANALYZED_DATA",
        "postRegistered": False,
        "physicalData": physical_data(
            d, wants(fo, "physicalData"), g.physical_flags.get(d.perm_id, NO_FLAGS)
        ),
        "linkedData": None,
        "experiment": experiment(
            b, g.experiments.get(d.experiment_perm_id or ""), wants(fo, "experiment")
        ),
        "sample": sample(b, g.samples.get(d.sample_perm_id or ""), wants(fo, "sample")),
        **_property_maps(b, fo, "DATA_SET", d.type_code, d.properties),
        "parents": _list_or_none(
            fo,
            "parents",
            lambda sub: [
                dataset(b, g.datasets[p], sub) for p in g.dataset_parents.get(d.perm_id, [])
            ],
        ),
        "children": _list_or_none(
            fo,
            "children",
            lambda sub: [
                dataset(b, g.datasets[c], sub) for c in g.dataset_children.get(d.perm_id, [])
            ],
        ),
        "containers": _list_or_none(
            fo,
            "containers",
            lambda sub: [
                dataset(b, g.datasets[c], sub) for c in g.dataset_containers.get(d.perm_id, [])
            ],
        ),
        "components": _list_or_none(
            fo,
            "components",
            lambda sub: [
                dataset(b, g.datasets[c], sub) for c in g.dataset_components.get(d.perm_id, [])
            ],
        ),
        "tags": _tags(b, "DATA_SET", d.perm_id, wants(fo, "tags")),
        **_histories(fo, _HISTORY_DS),
        "modificationDate": d.modification_ms,
        "modifier": b.person(d.modifier, wants(fo, "modifier")),
        "registrationDate": d.registration_ms,
        "registrator": b.person(d.registrator, wants(fo, "registrator")),
        "dataProducer": None,
        "dataProductionDate": None,
        "accessDate": d.access_ms,
        "metaData": {},
    }
