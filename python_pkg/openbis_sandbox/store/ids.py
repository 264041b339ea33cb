"""Resolution of V3 id objects (``{"@type": "as.dto.….id.…", …}``) against a ``Graph``.

``id_key`` reproduces Java's ``id.toString()``, which keys ``get<Entities>`` results
(SPEC §1.5.6): the string exactly as sent, never normalised.
"""

from __future__ import annotations

from typing import Any

from ..errors import OpenbisError
from .records import Graph

ID_SHORT_NAMES = {
    "as.dto.sample.id.SamplePermId": "SamplePermId",
    "as.dto.sample.id.SampleIdentifier": "SampleIdentifier",
    "as.dto.experiment.id.ExperimentPermId": "ExperimentPermId",
    "as.dto.experiment.id.ExperimentIdentifier": "ExperimentIdentifier",
    "as.dto.project.id.ProjectPermId": "ProjectPermId",
    "as.dto.project.id.ProjectIdentifier": "ProjectIdentifier",
    "as.dto.space.id.SpacePermId": "SpacePermId",
    "as.dto.dataset.id.DataSetPermId": "DataSetPermId",
    "as.dto.entitytype.id.EntityTypePermId": "EntityTypePermId",
}


def id_key(id_obj: dict[str, Any]) -> str:
    """``toString()`` of a V3 id object."""
    id_type = id_obj.get("@type", "")
    if id_type.endswith("EntityTypePermId"):
        kind = id_obj.get("entityKind")
        return f"{id_obj.get('permId')} ({kind})" if kind else str(id_obj.get("permId"))
    if id_type.endswith("VocabularyTermPermId"):
        return f"{id_obj.get('code')} ({id_obj.get('vocabularyCode')})"
    if "identifier" in id_obj:
        return str(id_obj["identifier"])
    if "techId" in id_obj:
        return str(id_obj["techId"])
    if id_type.endswith("TagCode"):  # TagCode.toString(): the code as sent
        return str(id_obj.get("code"))
    return str(id_obj.get("permId"))


def describe_id(id_obj: dict[str, Any]) -> str:
    """``SamplePermId = [2024…-1]`` as openBIS's ObjectNotFoundException prints ids."""
    short = ID_SHORT_NAMES.get(id_obj.get("@type", ""), id_obj.get("@type", "").rsplit(".", 1)[-1])
    return f"{short} = [{id_key(id_obj)}]"


def not_found(id_obj: dict[str, Any]) -> OpenbisError:
    return OpenbisError(
        f"Object with {describe_id(id_obj)} has not been found.",
        "ch.ethz.sis.openbis.generic.asapi.v3.exceptions.ObjectNotFoundException",
    )


def _identifier_index(graph: Graph, kind: str) -> dict[str, str]:
    """Upper-case identifier → permId, built once per snapshot."""
    cache = graph.__dict__.setdefault("_identifier_index", {})
    if kind not in cache:
        if kind == "SAMPLE":
            cache[kind] = {graph.sample_identifier(s).upper(): p for p, s in graph.samples.items()}
        elif kind == "EXPERIMENT":
            cache[kind] = {
                graph.experiment_identifier(e).upper(): p for p, e in graph.experiments.items()
            }
        else:
            cache[kind] = {pr.identifier.upper(): p for p, pr in graph.projects.items()}
    return cache[kind]


def _perm_or_identifier(graph: Graph, id_obj: dict[str, Any], kind: str, table: dict) -> str | None:
    if not isinstance(id_obj, dict):
        return None
    if "identifier" in id_obj:
        ident = id_obj.get("identifier")
        if not isinstance(ident, str):
            return None
        return _identifier_index(graph, kind).get(ident.upper())
    perm_id = id_obj.get("permId")
    return perm_id if perm_id in table else None


def resolve_sample(graph: Graph, id_obj: dict[str, Any]) -> str | None:
    return _perm_or_identifier(graph, id_obj, "SAMPLE", graph.samples)


def resolve_experiment(graph: Graph, id_obj: dict[str, Any]) -> str | None:
    return _perm_or_identifier(graph, id_obj, "EXPERIMENT", graph.experiments)


def resolve_project(graph: Graph, id_obj: dict[str, Any]) -> str | None:
    return _perm_or_identifier(graph, id_obj, "PROJECT", graph.projects)


def resolve_space(graph: Graph, id_obj: dict[str, Any]) -> str | None:
    if not isinstance(id_obj, dict):
        return None
    if "techId" in id_obj:
        for space in graph.spaces.values():
            if space.tech_id == id_obj["techId"]:
                return space.code
        return None
    code = id_obj.get("permId")
    return code.upper() if isinstance(code, str) and code.upper() in graph.spaces else None


def resolve_dataset(graph: Graph, id_obj: dict[str, Any]) -> str | None:
    perm_id = id_obj.get("permId") if isinstance(id_obj, dict) else None
    return perm_id if perm_id in graph.datasets else None
