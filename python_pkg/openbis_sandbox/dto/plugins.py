"""DTO builder of ``as.dto.plugin.Plugin`` (field order of openBIS's ``Plugin`` class).
The sandbox stores a plugin's script and returns it; it never runs it."""

from __future__ import annotations

from typing import Any

from ..store.directory import Plugin
from .common import FO, Builder, echo_fetch_options, perm_id_bean, wants

PLUGIN_FO = "as.dto.plugin.fetchoptions.PluginFetchOptions"


def plugin(b: Builder, p: Plugin | None, fo: FO) -> dict[str, Any] | None:
    if fo is None or p is None:
        return None
    # PluginTranslator: entityKinds is the plugin's one kind, or null when it applies to
    # every kind (I); pluginKind is always JYTHON for scripts registered over V3 (I)
    return {
        "@type": "as.dto.plugin.Plugin",
        "fetchOptions": echo_fetch_options(fo, PLUGIN_FO),
        "name": p.name,
        "permId": perm_id_bean("as.dto.plugin.id.PluginPermId", p.name),
        "description": p.description,
        "registrator": b.person(p.registrator, wants(fo, "registrator")),
        "registrationDate": p.registration_ms,
        "pluginKind": "JYTHON",
        "entityKinds": [p.entity_kind] if p.entity_kind else None,
        "pluginType": p.plugin_type,
        "script": p.script if wants(fo, "script") is not None else None,
        "available": p.available,
    }
