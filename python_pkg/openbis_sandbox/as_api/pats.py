"""AS methods for personal access tokens (PATs): create, get and search.

A PAT is used like a session token (``$pat-…``); ``store.db.Store.session_user``
accepts both. The validity limits are also reported by ``getServerInformation``.
"""

from __future__ import annotations

from typing import Any

from ..context import SandboxContext, require_session
from ..dto import pats as dto
from ..dto.common import perm_id_bean
from ..errors import OpenbisError
from ..store.db import now_ms
from .common import creations_of, get_by_ids, search_result

PAT_MAX_VALIDITY_S = 30 * 24 * 3600
PAT_WARNING_PERIOD_S = 5 * 24 * 3600


def create_personal_access_tokens(
    ctx: SandboxContext, token: Any, creations: Any
) -> list[dict[str, Any]]:
    user = require_session(ctx, token)
    if token.startswith("$pat-"):
        raise OpenbisError(
            "Personal access tokens cannot be created with a personal access token."
        )  # (I)
    created = []
    # pybis sends ONE creation object, not a list: creations_of reads it as a list
    for c in creations_of(creations, "Personal access token"):
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
    return get_by_ids(ctx, token, ids, fo, _pat_lookup(user), dto.personal_access_token)


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
        dto.personal_access_token,
    )


METHODS = {
    "createPersonalAccessTokens": create_personal_access_tokens,
    "getPersonalAccessTokens": get_personal_access_tokens,
    "searchPersonalAccessTokens": search_personal_access_tokens,
}
