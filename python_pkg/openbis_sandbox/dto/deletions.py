"""``as.dto.deletion.Deletion`` as openBIS's ``DeletionTranslator`` writes it."""

from __future__ import annotations

from typing import Any

from ..store.trash import Deletion, TrashedObject
from .common import FO, Builder, echo_fetch_options, perm_id_bean, wants

_ID_TYPES = {
    "EXPERIMENT": "as.dto.experiment.id.ExperimentPermId",
    "SAMPLE": "as.dto.sample.id.SamplePermId",
    "DATA_SET": "as.dto.dataset.id.DataSetPermId",
}


def deletion_tech_id(tech_id: int) -> dict[str, Any]:
    """``DeletionTechId``: ``techId`` plus ``id``, its string (``ObjectTechId``)."""
    return {"@type": "as.dto.deletion.id.DeletionTechId", "techId": tech_id, "id": str(tech_id)}


def deleted_object(o: TrashedObject) -> dict[str, Any]:
    return {
        "@type": "as.dto.deletion.DeletedObject",
        "id": perm_id_bean(_ID_TYPES[o.kind], o.perm_id),
        "identifier": o.identifier,
        "entityTypeCode": o.type_code,
        "entityKind": o.kind,
    }


def deletion(_b: Builder, d: Deletion, fo: FO) -> dict[str, Any] | None:
    if fo is None:
        return None
    objects = wants(fo, "deletedObjects")
    return {
        "@type": "as.dto.deletion.Deletion",
        "fetchOptions": echo_fetch_options(fo, "as.dto.deletion.fetchoptions.DeletionFetchOptions"),
        "id": deletion_tech_id(d.tech_id),
        "reason": d.reason,
        "deletedObjects": None
        if objects is None
        else [deleted_object(o) for o in d.deleted_objects],
        "deletionDate": d.registration_ms,
        "totalSamplesCount": d.totals["SAMPLE"],
        "totalDataSetsCount": d.totals["DATA_SET"],
        "totalExperimentsCount": d.totals["EXPERIMENT"],
    }
