"""``as.dto.tag.Tag`` as openBIS's ``TagTranslator`` writes it (fields in ``Tag``'s order;
``private`` is always true: ``CreateTagExecutor`` makes every tag private)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..store.records import Tag
from ..store.tags import tagged
from .common import FO, Builder, echo_fetch_options, perm_id_bean, wants

# builders of the tagged entities, by kind: (builder, record, fetch options) -> DTO
Related = Mapping[str, Callable[[Builder, Any, FO], Any]]

_RELATIONS = (
    ("experiments", "EXPERIMENT", "experiments"),
    ("samples", "SAMPLE", "samples"),
    ("dataSets", "DATA_SET", "datasets"),
)


def tag(b: Builder, t: Tag | None, fo: FO, related: Related) -> dict[str, Any] | None:
    if fo is None or t is None:
        return None
    out: dict[str, Any] = {
        "@type": "as.dto.tag.Tag",
        "fetchOptions": echo_fetch_options(fo, "as.dto.tag.fetchoptions.TagFetchOptions"),
        "permId": perm_id_bean("as.dto.tag.id.TagPermId", t.perm_id),
        "code": t.code,
        "description": t.description,
        "private": True,
    }
    for name, kind, table in _RELATIONS:
        sub = wants(fo, name)
        records = getattr(b.graph, table)
        out[name] = (
            None
            if sub is None
            else [related[kind](b, records[p], sub) for p in tagged(b.graph, t.perm_id, kind)]
        )
    out["materials"] = [] if wants(fo, "materials") is not None else None
    out["registrationDate"] = t.registration_ms
    out["owner"] = b.person(t.owner, wants(fo, "owner"))
    return out


def entity_tags(b: Builder, kind: str, perm_id: str, fo: FO, related: Related) -> list | None:
    """The ``tags`` list of an experiment, sample or data set (null unless fetched)."""
    if fo is None:
        return None
    return [
        tag(b, b.graph.tags.get(t), fo, related)
        for t in b.graph.entity_tags.get((kind, perm_id), [])
        if t in b.graph.tags
    ]
