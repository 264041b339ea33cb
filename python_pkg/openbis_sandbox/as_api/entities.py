"""AS get/search methods for spaces, projects, experiments, samples, data sets and data
stores."""

from __future__ import annotations

from typing import Any

from ..context import SandboxContext
from ..dto import entities as dto
from ..dto.common import Builder
from ..store.ids import (
    resolve_dataset,
    resolve_experiment,
    resolve_project,
    resolve_sample,
    resolve_space,
)
from .common import get_by_ids, search_result


def _lookup(resolver, table_name: str):
    def resolve(graph, id_obj):
        key = resolver(graph, id_obj)
        return None if key is None else getattr(graph, table_name)[key]

    return resolve


def get_spaces(ctx: SandboxContext, token: Any, ids: Any, fo: Any) -> dict[str, Any]:
    return get_by_ids(ctx, token, ids, fo, _lookup(resolve_space, "spaces"), dto.space)


def search_spaces(ctx: SandboxContext, token: Any, criteria: Any, fo: Any) -> dict[str, Any]:
    return search_result(
        ctx,
        token,
        criteria,
        fo,
        ("as.dto.space.search.SpaceSearchCriteria",),
        "SPACE",
        lambda g: g.spaces.values(),
        dto.space,
    )


def get_projects(ctx: SandboxContext, token: Any, ids: Any, fo: Any) -> dict[str, Any]:
    return get_by_ids(ctx, token, ids, fo, _lookup(resolve_project, "projects"), dto.project)


def search_projects(ctx: SandboxContext, token: Any, criteria: Any, fo: Any) -> dict[str, Any]:
    return search_result(
        ctx,
        token,
        criteria,
        fo,
        ("as.dto.project.search.ProjectSearchCriteria",),
        "PROJECT",
        lambda g: g.projects.values(),
        dto.project,
    )


def get_experiments(ctx: SandboxContext, token: Any, ids: Any, fo: Any) -> dict[str, Any]:
    return get_by_ids(
        ctx, token, ids, fo, _lookup(resolve_experiment, "experiments"), dto.experiment
    )


def search_experiments(ctx: SandboxContext, token: Any, criteria: Any, fo: Any) -> dict[str, Any]:
    return search_result(
        ctx,
        token,
        criteria,
        fo,
        ("as.dto.experiment.search.ExperimentSearchCriteria",),
        "EXPERIMENT",
        lambda g: g.experiments.values(),
        dto.experiment,
    )


def get_samples(ctx: SandboxContext, token: Any, ids: Any, fo: Any) -> dict[str, Any]:
    return get_by_ids(ctx, token, ids, fo, _lookup(resolve_sample, "samples"), dto.sample)


def search_samples(ctx: SandboxContext, token: Any, criteria: Any, fo: Any) -> dict[str, Any]:
    return search_result(
        ctx,
        token,
        criteria,
        fo,
        ("as.dto.sample.search.SampleSearchCriteria",),
        "SAMPLE",
        lambda g: g.samples.values(),
        dto.sample,
    )


def get_datasets(ctx: SandboxContext, token: Any, ids: Any, fo: Any) -> dict[str, Any]:
    return get_by_ids(ctx, token, ids, fo, _lookup(resolve_dataset, "datasets"), dto.dataset)


def search_datasets(ctx: SandboxContext, token: Any, criteria: Any, fo: Any) -> dict[str, Any]:
    return search_result(
        ctx,
        token,
        criteria,
        fo,
        ("as.dto.dataset.search.DataSetSearchCriteria",),
        "DATA_SET",
        lambda g: g.datasets.values(),
        dto.dataset,
    )


def _datastore(builder: Builder, _record: Any, fo: dict[str, Any]) -> dict[str, Any] | None:
    return dto.datastore(builder, fo)


def search_datastores(ctx: SandboxContext, token: Any, criteria: Any, fo: Any) -> dict[str, Any]:
    """The single DSS; its code is matched by the criteria like any other code."""
    return search_result(
        ctx,
        token,
        criteria,
        fo,
        ("as.dto.datastore.search.DataStoreSearchCriteria",),
        "DATA_STORE",
        lambda g: [ctx.datastore_code],
        _datastore,
    )


METHODS = {
    "getSpaces": get_spaces,
    "searchSpaces": search_spaces,
    "getProjects": get_projects,
    "searchProjects": search_projects,
    "getExperiments": get_experiments,
    "searchExperiments": search_experiments,
    "getSamples": get_samples,
    "searchSamples": search_samples,
    "getDataSets": get_datasets,
    "searchDataSets": search_datasets,
    "searchDataStores": search_datastores,
}
