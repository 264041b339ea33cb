"""AS updates: ``updateSpaces``, ``updateProjects``, ``updateExperiments``,
``updateSamples``, ``updateDataSets`` (all return null, as in openBIS's
``IApplicationServerApi``). The rules and wire shapes are in ``store.updates``."""

from __future__ import annotations

from typing import Any

from ..context import SandboxContext, require_session
from ..errors import OpenbisError
from ..store import updates as up
from ..store.db import now_ms
from .wire import beans, check_typed_update


def _updates_of(updates: Any, what: str) -> list[dict[str, Any]]:
    updates = beans(updates, f"{what} updates cannot be null.")  # (I)
    for update in updates:
        check_typed_update(update.get("tagIds"), "as.dto.tag.id.ITagId")
        if update.get("freeze") or any(update.get(k) for k in update if k.startswith("freezeFor")):
            raise OpenbisError("Freezing is not supported by openbis-sandbox.")
        attachments = update.get("attachments")
        if isinstance(attachments, dict) and attachments.get("actions"):
            raise OpenbisError("Attachments are not supported by openbis-sandbox.")
    return updates


def _apply(ctx: SandboxContext, user: str, plans: list[up.Plan], graph) -> None:
    at_ms = now_ms()
    with ctx.store.transaction() as conn:
        up.check_sample_codes(conn, graph, plans)
        for plan in plans:
            up.write_plan(conn, graph, plan, user=user, at_ms=at_ms)


def update_samples(ctx: SandboxContext, token: Any, updates: Any) -> None:
    user = require_session(ctx, token)
    graph = ctx.store.graph()
    parents = {k: list(v) for k, v in graph.sample_parents.items()}
    plans = [up.plan_sample(graph, u, parents) for u in _updates_of(updates, "Sample")]
    _apply(ctx, user, plans, graph)


def update_experiments(ctx: SandboxContext, token: Any, updates: Any) -> None:
    user = require_session(ctx, token)
    graph = ctx.store.graph()
    plans = [up.plan_experiment(graph, u) for u in _updates_of(updates, "Experiment")]
    _apply(ctx, user, plans, graph)


def update_datasets(ctx: SandboxContext, token: Any, updates: Any) -> None:
    user = require_session(ctx, token)
    graph = ctx.store.graph()
    parents = {k: list(v) for k, v in graph.dataset_parents.items()}
    plans = [up.plan_dataset(graph, u, parents) for u in _updates_of(updates, "Data set")]
    _apply(ctx, user, plans, graph)


def update_projects(ctx: SandboxContext, token: Any, updates: Any) -> None:
    user = require_session(ctx, token)
    graph = ctx.store.graph()
    at_ms = now_ms()
    with ctx.store.transaction() as conn:
        for update in _updates_of(updates, "Project"):
            up.update_project(conn, graph, update, user=user, at_ms=at_ms)


def update_spaces(ctx: SandboxContext, token: Any, updates: Any) -> None:
    require_session(ctx, token)
    graph = ctx.store.graph()
    at_ms = now_ms()
    with ctx.store.transaction() as conn:
        for update in _updates_of(updates, "Space"):
            up.update_space(conn, graph, update, at_ms=at_ms)


METHODS = {
    "updateSpaces": update_spaces,
    "updateProjects": update_projects,
    "updateExperiments": update_experiments,
    "updateSamples": update_samples,
    "updateDataSets": update_datasets,
}
