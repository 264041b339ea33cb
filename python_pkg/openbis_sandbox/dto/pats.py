"""DTO builder for personal access tokens."""

from __future__ import annotations

from typing import Any

from ..store.records import PersonalAccessToken
from .common import Builder, echo_fetch_options, perm_id_bean, wants


def personal_access_token(
    b: Builder, pat: PersonalAccessToken, fo: dict[str, Any]
) -> dict[str, Any]:
    return {
        "@type": "as.dto.pat.PersonalAccessToken",
        "fetchOptions": echo_fetch_options(
            fo, "as.dto.pat.fetchoptions.PersonalAccessTokenFetchOptions"
        ),
        "permId": perm_id_bean("as.dto.pat.id.PersonalAccessTokenPermId", pat.hash),
        "hash": pat.hash,
        "sessionName": pat.session_name,
        "owner": b.person(pat.owner, wants(fo, "owner")),
        "registrator": b.person(pat.registrator, wants(fo, "registrator")),
        "modifier": b.person(pat.modifier, wants(fo, "modifier")),
        "validFromDate": pat.valid_from_ms,
        "validToDate": pat.valid_to_ms,
        "registrationDate": pat.registration_ms,
        "modificationDate": pat.modification_ms,
        "accessDate": pat.access_ms,
    }
