"""AS creation methods (spaces, projects, experiments, samples) and personal access
tokens. Each create* takes a list of creations and returns the new id beans in order.
A list is registered one creation at a time; openBIS would roll the whole call back on a
failure, which callers sending one creation per call (pybis) cannot observe."""

from __future__ import annotations

import logging
from typing import Any

from . import dto_types
from .as_common import get_by_ids, search_result
from .context import SandboxContext
from .dto_common import perm_id_bean
from .jsonrpc import OpenbisError, require_session
from .store import now_ms

log = logging.getLogger(__name__)


def _creations(creations: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(creations, list) or not all(isinstance(c, dict) for c in creations):
        raise OpenbisError(f"{what} creations cannot be null.")  # (I)
    for creation in creations:
        if creation.get("tagIds") or creation.get("attachments"):
            raise OpenbisError("Tags and attachments are not supported by openbis-sandbox.")
    return creations


def create_spaces(ctx: SandboxContext, token: Any, creations: Any) -> list[dict[str, Any]]:
    user = require_session(ctx, token)
    return [
        perm_id_bean(
            "as.dto.space.id.SpacePermId",
            ctx.store.create_space(user=user, code=c.get("code"), description=c.get("description")),
        )
        for c in _creations(creations, "Space")
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
        for c in _creations(creations, "Project")
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
        for c in _creations(creations, "Experiment")
    ]


def create_samples(ctx: SandboxContext, token: Any, creations: Any) -> list[dict[str, Any]]:
    user = require_session(ctx, token)
    created = []
    for c in _creations(creations, "Sample"):
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
                    parent_ids=c.get("parentIds") or [],
                    child_ids=c.get("childIds") or [],
                    properties=c.get("properties"),
                ),
            )
        )
    return created


# --- personal access tokens -----------------------------------------------------------------


def create_personal_access_tokens(
    ctx: SandboxContext, token: Any, creations: Any
) -> list[dict[str, Any]]:
    user = require_session(ctx, token)
    if token.startswith("$pat-"):
        raise OpenbisError(
            "Personal access tokens cannot be created with a personal access token."
        )  # (I)
    from .as_session import PAT_MAX_VALIDITY_S

    if isinstance(creations, dict):
        # pybis sends ONE creation object, not a list; PATs evidently work with pybis on
        # real openBIS, so its mapper must accept this here. (This is evidence that openBIS
        # may also accept single values for other collections, cf. the criteria quirk of
        # SPEC §6.3, which we still reject by default as the SPEC recommends.)
        creations = [creations]
    created = []
    for c in _creations(creations, "Personal access token"):
        valid_from = c.get("validFromDate") or now_ms()
        valid_to = c.get("validToDate") or valid_from + PAT_MAX_VALIDITY_S * 1000
        # openBIS caps the validity at the configured maximum instead of failing
        valid_to = min(valid_to, valid_from + PAT_MAX_VALIDITY_S * 1000)
        pat = ctx.store.create_pat(
            user=user,
            session_name=c.get("sessionName") or "",
            valid_from_ms=int(valid_from),
            valid_to_ms=int(valid_to),
        )
        created.append(perm_id_bean("as.dto.pat.id.PersonalAccessTokenPermId", pat))
    return created


def _pat_lookup(user: str):
    def resolve(graph, id_obj):
        pat = graph.pats.get(id_obj.get("permId"))
        return pat if pat is not None and pat.owner == user else None

    return resolve


def get_personal_access_tokens(
    ctx: SandboxContext, token: Any, ids: Any, fo: Any
) -> dict[str, Any]:
    user = require_session(ctx, token)
    return get_by_ids(ctx, token, ids, fo, _pat_lookup(user), dto_types.personal_access_token)


def search_personal_access_tokens(
    ctx: SandboxContext, token: Any, criteria: Any, fo: Any
) -> dict[str, Any]:
    """Users see their own tokens (no instance-admin role model in the sandbox)."""
    user = require_session(ctx, token)
    return search_result(
        ctx,
        token,
        criteria,
        fo,
        ("as.dto.pat.search.PersonalAccessTokenSearchCriteria",),
        "PAT",
        lambda g: [p for p in g.pats.values() if p.owner == user],
        dto_types.personal_access_token,
    )


METHODS = {
    "createSpaces": create_spaces,
    "createProjects": create_projects,
    "createExperiments": create_experiments,
    "createSamples": create_samples,
    "createPersonalAccessTokens": create_personal_access_tokens,
    "getPersonalAccessTokens": get_personal_access_tokens,
    "searchPersonalAccessTokens": search_personal_access_tokens,
}
