"""Minimal read-only ELN pages at the URLs the extension links to ("Open in openBIS"):

    /openbis/webapp/eln-lims/?menuUniqueId=null&viewName=showViewDataSetPageFromPermId&viewData=<permId>

and the sample and experiment views of the same shape (``showViewSamplePageFromPermId``,
``showViewExperimentPageFromPermId``, ``showViewExperimentPageFromIdentifier``). A page
shows the entity's identifier, type, properties, parents/children and, for a data set,
its file list; every value is HTML-escaped. Without a ``viewName`` the page is a short
landing page. The real ELN is a JavaScript application behind a login; this stand-in is
only where the demo's links land, it does not edit anything.
"""

from __future__ import annotations

from html import escape
from typing import Any

import tornado.web

from ..context import SandboxContext
from ..store.records import Graph
from .files import walk_preorder

ELN_PATH = r"/openbis/webapp/eln-lims/?"
MAX_FILES = 1000


def _table(rows: list[tuple[str, str]]) -> str:
    if not rows:
        return "<p><em>none</em></p>"
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _list(items: list[str]) -> str:
    if not items:
        return "<p><em>none</em></p>"
    return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"


def _page(title: str, sections: list[tuple[str, str]]) -> str:
    parts = "".join(f"<h2>{escape(name)}</h2>{html}" for name, html in sections)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{escape(title)} - openbis-sandbox ELN</title>"
        "<style>body{font-family:sans-serif;margin:2em}th{text-align:left;padding-right:1em}"
        "</style></head><body>"
        f"<p>openbis-sandbox: read-only ELN view</p><h1>{escape(title)}</h1>{parts}</body></html>"
    )


def _dataset_page(ctx: SandboxContext, graph: Graph, perm_id: str) -> str | None:
    ds = graph.datasets.get(perm_id)
    if ds is None:
        return None
    sample = graph.samples.get(ds.sample_perm_id or "")
    experiment = graph.dataset_experiment(ds)
    files = []
    for node in walk_preorder(ctx.store.dataset_dir(perm_id)):
        if len(files) >= MAX_FILES:
            files.append("…")
            break
        files.append(node.path + ("/" if node.directory else f" ({node.length} bytes)"))
    attributes = [
        ("permId", ds.perm_id),
        ("type", ds.type_code),
        ("kind", ds.kind),
        ("sample", graph.sample_identifier(sample) if sample else ""),
        ("experiment", graph.experiment_identifier(experiment) if experiment else ""),
        ("registrator", ds.registrator),
    ]
    return _page(
        f"Data set {ds.perm_id}",
        [
            ("Identification", _table(attributes)),
            ("Properties", _table(list(ds.properties.items()))),
            ("Parents", _list(graph.dataset_parents.get(perm_id, []))),
            ("Children", _list(graph.dataset_children.get(perm_id, []))),
            ("Files", _list(files)),
        ],
    )


def _sample_page(graph: Graph, perm_id: str) -> str | None:
    s = graph.samples.get(perm_id)
    if s is None:
        return None

    def ident(p: str) -> str:
        return graph.sample_identifier(graph.samples[p])

    experiment = graph.experiments.get(s.experiment_perm_id or "")
    datasets = [d.perm_id for d in graph.datasets.values() if d.sample_perm_id == perm_id]
    attributes = [
        ("identifier", graph.sample_identifier(s)),
        ("permId", s.perm_id),
        ("type", s.type_code),
        ("experiment", graph.experiment_identifier(experiment) if experiment else ""),
        ("registrator", s.registrator),
    ]
    return _page(
        f"Object {graph.sample_identifier(s)}",
        [
            ("Identification", _table(attributes)),
            ("Properties", _table(list(s.properties.items()))),
            ("Parents", _list([ident(p) for p in graph.sample_parents.get(perm_id, [])])),
            ("Children", _list([ident(c) for c in graph.sample_children.get(perm_id, [])])),
            ("Data sets", _list(datasets)),
        ],
    )


def _experiment_page(graph: Graph, key: str, by_identifier: bool) -> str | None:
    if by_identifier:
        found = [e for e in graph.experiments.values() if graph.experiment_identifier(e) == key]
        e = found[0] if found else None
    else:
        e = graph.experiments.get(key)
    if e is None:
        return None
    samples = [
        graph.sample_identifier(s)
        for s in graph.samples.values()
        if s.experiment_perm_id == e.perm_id
    ]
    attributes = [
        ("identifier", graph.experiment_identifier(e)),
        ("permId", e.perm_id),
        ("type", e.type_code),
        ("registrator", e.registrator),
    ]
    return _page(
        f"Collection {graph.experiment_identifier(e)}",
        [
            ("Identification", _table(attributes)),
            ("Properties", _table(list(e.properties.items()))),
            ("Objects", _list(samples)),
        ],
    )


def render(ctx: SandboxContext, view: str | None, data: str) -> str | None:
    """The page's HTML, or None for an unknown view or entity."""
    graph = ctx.store.graph()
    if not view:
        return _page("openBIS ELN (sandbox)", [("About", "<p>Open an entity from JupyterLab.</p>")])
    if view == "showViewDataSetPageFromPermId":
        return _dataset_page(ctx, graph, data)
    if view == "showViewSamplePageFromPermId":
        return _sample_page(graph, data)
    if view in ("showViewExperimentPageFromPermId", "showViewExperimentPageFromIdentifier"):
        return _experiment_page(graph, data, view.endswith("Identifier"))
    return None


class ElnPageHandler(tornado.web.RequestHandler):
    """GET only; an unknown view or entity is a 404 page naming what was asked for."""

    def initialize(self, ctx: SandboxContext) -> None:
        self.ctx = ctx

    def get(self) -> None:
        view = self.get_query_argument("viewName", None)
        data = self.get_query_argument("viewData", "") or ""
        html = render(self.ctx, view, data)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
        if html is None:
            self.set_status(404)
            html = _page("Not found", [("Request", _table([("view", view or ""), ("data", data)]))])
        self.finish(html)

    def data_received(self, chunk: bytes) -> Any:  # pragma: no cover - GET only
        return None
