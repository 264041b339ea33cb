"""AS methods of plugins (``PluginCreation``, ``PluginUpdate``, ``PluginSearchCriteria``,
openBIS's ``Plugin`` DTO). The sandbox stores a plugin's script and returns it; it never
runs it: dynamic properties are not computed, entity validations never reject."""

from __future__ import annotations

from typing import Any

from ..context import SandboxContext
from ..dto.plugins import plugin as plugin_dto
from ..store import masterdata_write as write
from ..store.records import Graph
from .common import get_by_ids, search_result
from .masterdata_write import creator, deleter, updater


def get_plugins(ctx: SandboxContext, token: Any, ids: Any, fo: Any) -> dict[str, Any]:
    plugins = ctx.store.graph().directory.plugins

    def resolve(graph: Graph, id_obj: dict[str, Any]):
        return plugins.get(id_obj.get("permId"))

    return get_by_ids(ctx, token, ids, fo, resolve, plugin_dto)


def search_plugins(ctx: SandboxContext, token: Any, criteria: Any, fo: Any) -> dict[str, Any]:
    return search_result(
        ctx,
        token,
        criteria,
        fo,
        ("as.dto.plugin.search.PluginSearchCriteria",),
        "PLUGIN",
        lambda g: g.directory.plugins.values(),
        plugin_dto,
    )


METHODS: dict[str, Any] = {
    "createPlugins": creator(
        write.create_plugin,
        "Plugin",
        lambda name: {"@type": write.PLUGIN_PERM_ID, "permId": name},
    ),
    "getPlugins": get_plugins,
    "searchPlugins": search_plugins,
    "updatePlugins": updater(write.update_plugin, "Plugin"),
    "deletePlugins": deleter(write.delete_plugins),
}
