"""AS session methods: login, logout, isSessionActive, server and session information
(SPEC §3)."""

from __future__ import annotations

import json
from typing import Any

from ..context import SandboxContext, is_text, require_session
from ..dss.workspace import delete_workspace
from ..dto.common import Builder, echo_fetch_options
from ..errors import OpenbisError
from ..jackson import mismatch
from ..store.db import PAT_PREFIX
from .pats import PAT_MAX_VALIDITY_S, PAT_WARNING_PERIOD_S

SESSION_FO = "as.dto.session.fetchoptions.SessionInformationFetchOptions"
OPENBIS_VERSION = {"3.6": "20.10.7", "3.7": "20.10.11"}


def login(ctx: SandboxContext, user: Any, password: Any) -> str | None:
    """The token, or null (HTTP 200) for an unknown user or a wrong password.

    Passwords are compared as UTF-8 bytes, so non-ASCII passwords work as in openBIS.
    """
    user, password = _string(user), _string(password)
    if not password:
        raise OpenbisError("No 'password' specified.")
    if not is_text(user):
        return None  # also a user id SQLite cannot hold: no such user
    return ctx.store.login(user, password)


def _string(value: Any) -> str | None:
    """A ``String`` parameter as Jackson reads it: scalars as their text, no arrays/objects."""
    if isinstance(value, (dict, list)):
        raise mismatch(value, "java.lang.String")
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)  # Jackson reads 5 as "5" and true as "true"


def logout(ctx: SandboxContext, token: Any) -> None:
    """Always null, also for unknown tokens (AbstractServer.logout swallows them)."""
    if is_text(token) and ctx.store.session_user(token) is not None:
        ctx.store.logout(token)
        delete_workspace(ctx, token)  # the real server drops the session workspace too
    return None


def is_session_active(ctx: SandboxContext, token: Any) -> bool:
    """True or false, never an error (SPEC risk 19)."""
    return is_text(token) and ctx.store.session_user(token) is not None


def get_server_information(ctx: SandboxContext, token: Any) -> dict[str, str | None]:
    require_session(ctx, token)
    info: dict[str, str | None] = {
        "api-version": ctx.api_version,
        # Boolean.toString(isArchivingConfigured(...)) in openBIS's ServerInformation
        # executor: the sandbox archives (as_api/archive.py), so "true"
        "archiving-configured": "true",
        "authentication-service": "file-authentication-service",
        "authentication-service.switch-aai.label": None,
        "authentication-service.switch-aai.link": None,
        "create-continuous-sample-codes": "false",
        "enabled-technologies": "eln-lims",
        "openbis-version": OPENBIS_VERSION.get(ctx.api_version, "20.10.7"),
        "openbis.support.email": None,
        "personal-access-tokens-enabled": "true",
        "personal-access-tokens-max-validity-period": str(PAT_MAX_VALIDITY_S),
        "personal-access-tokens-validity-warning-period": str(PAT_WARNING_PERIOD_S),
        "project-samples-enabled": "true",
    }
    return dict(sorted(info.items()))  # a Java TreeMap


def get_session_information(ctx: SandboxContext, token: Any) -> dict[str, Any]:
    user = require_session(ctx, token)
    builder = Builder(ctx.store.graph(), ctx)
    person_fo = {"@type": "as.dto.person.fetchoptions.PersonFetchOptions"}
    is_pat = token.startswith(PAT_PREFIX)
    pat = builder.graph.pats.get(token) if is_pat else None
    session_fo = {"@type": SESSION_FO, "person": person_fo, "creatorPerson": person_fo}
    return {
        "@type": "as.dto.session.SessionInformation",
        # openBIS's SessionInformation has a fetchOptions field (first); which sub-options
        # getSessionInformation sets is (I): person and creatorPerson, as both are filled
        "fetchOptions": echo_fetch_options(session_fo, SESSION_FO),
        "sessionToken": token,  # fields in SessionInformation's declaration order
        "userName": user,
        "homeGroupCode": None,
        "personalAccessTokenSession": is_pat,
        "personalAccessTokenSessionName": pat.session_name if pat else None,
        "person": builder.person(user, person_fo),
        "creatorPerson": builder.person(user, person_fo),
    }


METHODS = {
    "login": login,
    "logout": logout,
    "isSessionActive": is_session_active,
    "getServerInformation": get_server_information,
    "getSessionInformation": get_session_information,
}
