"""AS creation methods (spaces, projects, experiments, samples). Each create* takes a
list of creations and returns the new id beans in order.
A list is registered one creation at a time; openBIS would roll the whole call back on a
failure, which callers sending one creation per call (pybis) cannot observe."""

from __future__ import annotations

import logging
from typing import Any

from ..context import SandboxContext, require_session
from ..dto.common import perm_id_bean
from ..errors import OpenbisError
from ..jackson import collection
from .common import creations_of

log = logging.getLogger(__name__)


def create_spaces(ctx: SandboxContext, token: Any, creations: Any) -> list[dict[str, Any]]:
    user = require_session(ctx, token)
    return [
        perm_id_bean(
            "as.dto.space.id.SpacePermId",
            ctx.store.create_space(user=user, code=c.get("code"), description=c.get("description")),
        )
        for c in creations_of(creations, "Space")
    ]


def create_projects(ctx: SandboxContext, token: Any, creations: Any) -> list[dict[str, Any]]:
    user = require_session(ctx, token)
    return [
        perm_id_bean(
            "as.dto.project.id.ProjectPermId",
            ctx.store.create_project(
                user=user,
                space_id=c.get("spaceId"),
                code=c.get("code"),
                description=c.get("description"),
            ),
        )
        for c in creations_of(creations, "Project")
    ]


def create_experiments(ctx: SandboxContext, token: Any, creations: Any) -> list[dict[str, Any]]:
    user = require_session(ctx, token)
    return [
        perm_id_bean(
            "as.dto.experiment.id.ExperimentPermId",
            ctx.store.create_experiment(
                user=user,
                type_id=c.get("typeId"),
                project_id=c.get("projectId"),
                code=c.get("code"),
                properties=c.get("properties"),
            ),
        )
        for c in creations_of(creations, "Experiment")
    ]


def create_samples(ctx: SandboxContext, token: Any, creations: Any) -> list[dict[str, Any]]:
    user = require_session(ctx, token)
    created = []
    for c in creations_of(creations, "Sample"):
        if c.get("containerId") or c.get("componentIds"):
            raise OpenbisError("Sample containers are not supported by openbis-sandbox.")
        created.append(
            perm_id_bean(
                "as.dto.sample.id.SamplePermId",
                ctx.store.create_sample(
                    user=user,
                    type_id=c.get("typeId"),
                    code=c.get("code"),
                    space_id=c.get("spaceId"),
                    project_id=c.get("projectId"),
                    experiment_id=c.get("experimentId"),
                    parent_ids=collection(c.get("parentIds")) or [],
                    child_ids=collection(c.get("childIds")) or [],
                    properties=c.get("properties"),
                ),
            )
        )
    return created


METHODS = {
    "createSpaces": create_spaces,
    "createProjects": create_projects,
    "createExperiments": create_experiments,
    "createSamples": create_samples,
}
