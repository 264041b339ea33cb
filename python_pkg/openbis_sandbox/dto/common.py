"""Shared pieces of the AS DTO builders: fetch-option echo, id beans, persons.

Conventions (SPEC §1.5): every field of a DTO is present, in the Java class's order;
a relation is filled only when its fetch option was requested (to-many: a list, ``[]``
when empty; to-one: an object or null) and is null otherwise. Builders emit plain dicts
with ``@type``; ``jsonrpc.assign_ids`` numbers them once per response.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..context import SandboxContext
from ..store.records import Graph

FO = dict[str, Any] | None

# Sub-fetch-option fields per fetch-options class, in class order; the echo carries all.
_HISTORY_DS = [
    "history",
    "propertiesHistory",
    "experimentHistory",
    "sampleHistory",
    "parentsHistory",
    "childrenHistory",
    "containersHistory",
    "componentsHistory",
    "contentCopiesHistory",
    "unknownHistory",
]
_HISTORY_SAMPLE = [
    "history",
    "propertiesHistory",
    "spaceHistory",
    "projectHistory",
    "experimentHistory",
    "parentsHistory",
    "childrenHistory",
    "containerHistory",
    "componentsHistory",
]
_HISTORY_EXP = [
    "history",
    "propertiesHistory",
    "projectHistory",
    "samplesHistory",
    "dataSetsHistory",
    "unknownHistory",
]
_HISTORY_PROJECT = [
    "history",
    "spaceHistory",
    "experimentsHistory",
    "samplesHistory",
    "unknownHistory",
]

FETCH_FIELDS: dict[str, list[str]] = {
    "as.dto.dataset.fetchoptions.DataSetFetchOptions": [
        "type",
        "dataStore",
        "physicalData",
        "linkedData",
        "experiment",
        "sample",
        "properties",
        "materialProperties",
        "sampleProperties",
        "parents",
        "children",
        "containers",
        "components",
        "tags",
        *_HISTORY_DS,
        "modifier",
        "registrator",
    ],
    "as.dto.sample.fetchoptions.SampleFetchOptions": [
        "type",
        "project",
        "space",
        "experiment",
        "properties",
        "materialProperties",
        "sampleProperties",
        "parents",
        "children",
        "container",
        "components",
        "dataSets",
        *_HISTORY_SAMPLE,
        "tags",
        "registrator",
        "modifier",
        "attachments",
    ],
    "as.dto.experiment.fetchoptions.ExperimentFetchOptions": [
        "type",
        "project",
        "dataSets",
        "samples",
        *_HISTORY_EXP,
        "properties",
        "materialProperties",
        "sampleProperties",
        "tags",
        "registrator",
        "modifier",
        "attachments",
    ],
    "as.dto.project.fetchoptions.ProjectFetchOptions": [
        "experiments",
        "samples",
        *_HISTORY_PROJECT,
        "space",
        "registrator",
        "modifier",
        "leader",
        "attachments",
    ],
    "as.dto.space.fetchoptions.SpaceFetchOptions": ["registrator", "samples", "projects"],
    "as.dto.person.fetchoptions.PersonFetchOptions": [
        "space",
        "registrator",
        "roleAssignments",
        "webAppSettings",
    ],
    "as.dto.dataset.fetchoptions.PhysicalDataFetchOptions": [
        "storageFormat",
        "fileFormatType",
        "locatorType",
    ],
    "as.dto.dataset.fetchoptions.LinkedDataFetchOptions": ["externalDms"],
    "as.dto.datastore.fetchoptions.DataStoreFetchOptions": [],
    "as.dto.dataset.fetchoptions.DataSetTypeFetchOptions": [
        "propertyAssignments",
        "validationPlugin",
    ],
    "as.dto.sample.fetchoptions.SampleTypeFetchOptions": [
        "propertyAssignments",
        "semanticAnnotations",
        "validationPlugin",
    ],
    "as.dto.experiment.fetchoptions.ExperimentTypeFetchOptions": [
        "propertyAssignments",
        "validationPlugin",
    ],
    "as.dto.property.fetchoptions.PropertyAssignmentFetchOptions": [
        "entityType",
        "propertyType",
        "semanticAnnotations",
        "registrator",
        "plugin",
    ],
    "as.dto.property.fetchoptions.PropertyTypeFetchOptions": [
        "vocabulary",
        "materialType",
        "sampleType",
        "semanticAnnotations",
        "registrator",
    ],
    "as.dto.vocabulary.fetchoptions.VocabularyFetchOptions": ["registrator", "terms"],
    "as.dto.vocabulary.fetchoptions.VocabularyTermFetchOptions": ["vocabulary", "registrator"],
    "as.dto.pat.fetchoptions.PersonalAccessTokenFetchOptions": ["owner", "registrator", "modifier"],
    "as.dto.tag.fetchoptions.TagFetchOptions": [
        "owner",
        "experiments",
        "samples",
        "dataSets",
        "materials",
    ],
    "as.dto.property.fetchoptions.PropertyFetchOptions": [],
    "as.dto.attachment.fetchoptions.AttachmentFetchOptions": [
        "registrator",
        "previousVersion",
        "content",
    ],
}


def echo_fetch_options(fo: dict[str, Any], fo_type: str, *, top: bool = True) -> dict[str, Any]:
    """The per-object ``fetchOptions`` echo of SPEC §1.5.8.

    The top-level object is new per entity (count/from null); nested ones mirror the
    request, every field of the class present.
    """
    fields = FETCH_FIELDS.get(fo_type)
    if fields is None:
        fields = [
            k
            for k in fo
            if k not in ("@type", "@id", "from", "count", "cacheMode", "sort", "sortBy")
        ]
    out: dict[str, Any] = {
        "@type": fo_type,
        "count": None if top else fo.get("count"),
        "from": None if top else fo.get("from"),
        "cacheMode": "NO_CACHE",
    }
    for name in fields:
        sub = fo.get(name)
        out[name] = (
            echo_fetch_options(sub, sub.get("@type", ""), top=False)
            if isinstance(sub, dict) and sub.get("@type")
            else None
        )
    out["sort"] = None
    return out


def wants(fo: FO, name: str) -> FO:
    """The sub-fetch-options for relation ``name`` if requested, else None."""
    if not isinstance(fo, dict):
        return None
    sub = fo.get(name)
    return sub if isinstance(sub, dict) else None


def perm_id_bean(type_name: str, perm_id: str) -> dict[str, Any]:
    return {"@type": type_name, "permId": perm_id}


def entity_type_id(code: str, kind: str) -> dict[str, Any]:
    return {"@type": "as.dto.entitytype.id.EntityTypePermId", "permId": code, "entityKind": kind}


@dataclass(frozen=True)
class Builder:
    """Everything a DTO builder reads: the snapshot and the server profile."""

    graph: Graph
    ctx: SandboxContext

    @property
    def v37(self) -> bool:
        return self.ctx.is_v37

    def person(self, user_id: str | None, fo: FO) -> dict[str, Any] | None:
        if fo is None or user_id is None:
            return None
        p = self.graph.persons.get(user_id)
        if p is None:
            return None
        return {
            "@type": "as.dto.person.Person",
            "fetchOptions": echo_fetch_options(fo, "as.dto.person.fetchoptions.PersonFetchOptions"),
            "permId": perm_id_bean("as.dto.person.id.PersonPermId", p.user_id),
            "userId": p.user_id,
            "firstName": p.first_name,
            "lastName": p.last_name,
            "email": p.email,
            "registrationDate": p.registration_ms,
            "active": p.active,
            "space": None,
            "registrator": None,
            "roleAssignments": [] if wants(fo, "roleAssignments") is not None else None,
            "webAppSettings": {} if wants(fo, "webAppSettings") is not None else None,
        }
