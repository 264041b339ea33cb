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

# Sub-fetch-option fields per fetch-options class, in the declaration order of openBIS's
# classes (api-openbis-java ``…v3.dto.*.fetchoptions.*FetchOptions``, 2023 sources); the echo
# carries all. ``sort`` is appended unless listed where the class declares it.
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
    "dataSetsHistory",  # Sample and SampleFetchOptions have both at 3.6 (2023) and 3.7 (2025)
    "unknownHistory",
]
_HISTORY_EXP = [
    "history",
    "propertiesHistory",
    "projectHistory",
    "samplesHistory",
    "dataSetsHistory",
    "unknownHistory",
]
# ProjectFetchOptions' per-relation histories: in the Sept-2023 classes (API 3.6) and later,
# not in the May-2021 ones (API 3.5, not served): openBIS's 2023 ``ProjectFetchOptions``
# reads ``spaceHistory`` as HistoryEntryFetchOptions, the 2021 class ignores the field.
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
        "allWebAppSettings",
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
        "sort",
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
        "experiments",
        "samples",
        "dataSets",
        "materials",
        "owner",
    ],
    "as.dto.property.fetchoptions.PropertyFetchOptions": [],  # and no "sort" (NO_SORT)
    "as.dto.session.fetchoptions.SessionInformationFetchOptions": ["person", "creatorPerson"],
    "as.dto.plugin.fetchoptions.PluginFetchOptions": ["registrator", "sort", "script"],
    "as.dto.semanticannotation.fetchoptions.SemanticAnnotationFetchOptions": [
        "entityType",
        "propertyType",
        "propertyAssignment",
    ],
    "as.dto.material.fetchoptions.MaterialTypeFetchOptions": [
        "propertyAssignments",
        "validationPlugin",
    ],
    "as.dto.attachment.fetchoptions.AttachmentFetchOptions": [
        "registrator",
        "previousVersion",
        "content",
    ],
    "as.dto.authorizationgroup.fetchoptions.AuthorizationGroupFetchOptions": [
        "registrator",  # (I): order
        "users",
        "roleAssignments",
    ],
    # openBIS's RoleAssignmentFetchOptions declares registrator first
    "as.dto.roleassignment.fetchoptions.RoleAssignmentFetchOptions": [
        "registrator",
        "user",
        "authorizationGroup",
        "space",
        "project",
    ],
}


# fetch-options classes without a ``sort`` field (openBIS's PropertyFetchOptions has none)
NO_SORT = {"as.dto.property.fetchoptions.PropertyFetchOptions"}
# ... and without ``sortBy``: PersonFetchOptions marks its getSortBy() @JsonIgnore
NO_SORT_BY = {"as.dto.person.fetchoptions.PersonFetchOptions"}
# ``boolean`` fetch flags: written as false unless requested (PersonFetchOptions)
BOOLEAN_FIELDS = {"allWebAppSettings"}
_NOT_SUB_OPTIONS = ("@type", "@id", "from", "count", "cacheMode", "sort", "sortBy")


def echo_fetch_options(fo: dict[str, Any], fo_type: str, *, top: bool = True) -> dict[str, Any]:
    """The per-object ``fetchOptions`` echo of SPEC §1.5.8, as openBIS's mapper writes it.

    The top-level object is new per entity (count/from null); nested ones mirror the
    request, every field of the class present: ``count``, ``from``, ``cacheMode`` (the
    getters of openBIS's ``FetchOptions``), the class's fields in declaration order with
    ``sort`` (except in ``NO_SORT``), then ``sortBy``, which openBIS writes from the
    ``getSortBy()`` of ``FetchOptions`` on every class but those in ``NO_SORT_BY`` (null: no
    sorting is echoed).
    """
    fields = FETCH_FIELDS.get(fo_type)
    if fields is None:
        fields = [k for k in fo if k not in _NOT_SUB_OPTIONS]
    out: dict[str, Any] = {
        "@type": fo_type,
        "count": None if top else fo.get("count"),
        "from": None if top else fo.get("from"),
        "cacheMode": "NO_CACHE",
    }
    for name in fields:
        sub = fo.get(name)
        if name == "sort":
            out[name] = None
        elif name in BOOLEAN_FIELDS:
            out[name] = sub is True
        elif isinstance(sub, dict) and isinstance(sub.get("@type"), str):
            out[name] = echo_fetch_options(sub, sub["@type"], top=False)
        else:
            out[name] = None
    if "sort" not in out and fo_type not in NO_SORT:
        out["sort"] = None
    if fo_type not in NO_SORT_BY:
        out["sortBy"] = None
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

    def person(
        self, user_id: str | None, fo: FO, relations: dict[str, Any] | None = None
    ) -> dict[str, Any] | None:
        """The one builder of ``Person`` (field order as in openBIS's class).

        Its relations (home space, role assignments, web-app settings) need builders of
        higher modules: ``persons.person`` passes them in ``relations``. A person reached as
        a registrator, owner or modifier shows them empty where they were fetched.
        """
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
            "registrator": None,  # persons registered by the sandbox itself have none
            "roleAssignments": [] if wants(fo, "roleAssignments") is not None else None,
            "webAppSettings": {} if wants(fo, "webAppSettings") is not None else None,
            **(relations or {}),
        }
