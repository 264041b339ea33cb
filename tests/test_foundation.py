"""The extension loads, answers its status route and refuses anonymous callers."""

from __future__ import annotations

import importlib.metadata
import inspect
import json
import re

import pytest
import tornado.web
from jupyter_server.auth.decorator import authorized
from tornado.httpclient import HTTPClientError

import jupyterlab_openbis_bridge
from jupyterlab_openbis_bridge.server import handlers
from jupyterlab_openbis_bridge.server.app import OpenBISBridge

HTTP_VERBS = ("get", "head", "post", "put", "patch", "delete")
MUTATING_VERBS = ("post", "put", "patch", "delete")

# tornado.web.authenticated wraps every method with the same inner function, so
# its code object identifies the decorator even behind functools.wraps.
_AUTHENTICATED_CODE = tornado.web.authenticated(lambda self: None).__code__
# The same holds for jupyter_server's @authorized, with or without arguments.
_AUTHORIZED_CODE = authorized(lambda self: None).__code__


@pytest.fixture
def bridge(jp_serverapp) -> OpenBISBridge:
    apps = jp_serverapp.extension_manager.extension_apps.get("jupyterlab_openbis_bridge", set())
    found = [app for app in apps if isinstance(app, OpenBISBridge)]
    assert found, "the OpenBISBridge extension app was not loaded"
    return found[0]


def _example_path(pattern: str) -> str:
    """Turn a route regex into a concrete path by filling each group with a name."""
    path = re.sub(r"\(\?P<\w+>[^)]*\)|\([^)]*\)", "example", pattern)
    return path.replace("\\", "").rstrip("$").lstrip("^")


def _implemented_verbs(handler: type) -> list[str]:
    return [verb for verb in HTTP_VERBS if _own_method(handler, verb) is not None]


def _own_method(handler: type, verb: str):
    """The verb's implementation if our package defines it (not tornado/jupyter_server)."""
    for klass in handler.__mro__:
        if verb in vars(klass):
            if klass.__module__.startswith("jupyterlab_openbis_bridge"):
                return vars(klass)[verb]
            return None
    return None


def _has_layer(method, code) -> bool:
    layer = method
    while layer is not None:
        if getattr(layer, "__code__", None) is code:
            return True
        layer = getattr(layer, "__wrapped__", None)
    return False


def _is_authenticated(method) -> bool:
    return _has_layer(method, _AUTHENTICATED_CODE)


def _is_authorized(method) -> bool:
    return _has_layer(method, _AUTHORIZED_CODE)


async def test_status_reports_versions(jp_fetch):
    response = await jp_fetch("openbis-bridge", "status")
    assert response.code == 200
    body = json.loads(response.body)
    assert body["version"] == jupyterlab_openbis_bridge.__version__
    assert body["pybis_version"] == importlib.metadata.version("pybis")
    assert isinstance(body["connections"], list)


async def test_every_route_refuses_anonymous_requests(jp_fetch, bridge):
    routes = handlers.build_routes(bridge)
    assert routes, "the extension declares no routes"
    checked = 0
    for pattern, handler, *_ in routes:
        assert pattern.startswith(f"/{handlers.ROUTE_PREFIX}/"), pattern
        path = _example_path(pattern)
        for verb in _implemented_verbs(handler):
            body = None if verb in ("get", "head", "delete") else b"{}"
            with pytest.raises(HTTPClientError) as failure:
                await jp_fetch(
                    path.lstrip("/"),
                    method=verb.upper(),
                    body=body,
                    headers={"Authorization": ""},
                    allow_nonstandard_methods=True,
                )
            assert failure.value.code == 403, f"{verb.upper()} {path} answered {failure.value.code}"
            checked += 1
    assert checked >= len(routes)


def _handler_classes() -> list[type]:
    return [
        obj
        for _, obj in inspect.getmembers(handlers, inspect.isclass)
        if issubclass(obj, tornado.web.RequestHandler) and obj.__module__ == handlers.__name__
    ]


def test_every_handler_verb_is_authenticated():
    classes = _handler_classes()
    assert classes, "no handler classes found in jupyterlab_openbis_bridge.server.handlers"
    missing = [
        f"{klass.__name__}.{verb}"
        for klass in classes
        for verb in HTTP_VERBS
        if verb in vars(klass) and not _is_authenticated(vars(klass)[verb])
    ]
    assert not missing, f"verbs without @tornado.web.authenticated: {missing}"


def test_every_mutating_verb_is_authorized():
    """A read-only Jupyter role (JupyterHub scopes) must not change anything through us."""
    classes = _handler_classes()
    missing = [
        f"{klass.__name__}.{verb}"
        for klass in classes
        for verb in MUTATING_VERBS
        if verb in vars(klass) and not _is_authorized(vars(klass)[verb])
    ]
    assert not missing, f"mutating verbs without @authorized: {missing}"
    assert handlers.BridgeHandler.auth_resource == handlers.AUTH_RESOURCE == "openbis_bridge"


def test_authorization_check_recognises_a_missing_decorator():
    class Unprotected(handlers.BridgeHandler):
        @tornado.web.authenticated
        def post(self) -> None:  # deliberately not @authorized
            pass

    class Protected(handlers.BridgeHandler):
        @tornado.web.authenticated
        @authorized
        def post(self) -> None:
            pass

    class WithArguments(handlers.BridgeHandler):
        @tornado.web.authenticated
        @authorized("read", resource="contents")
        def post(self) -> None:
            pass

    assert not _is_authorized(vars(Unprotected)["post"])
    assert _is_authorized(vars(Protected)["post"])
    assert _is_authorized(vars(WithArguments)["post"])


def test_authentication_check_recognises_a_missing_decorator():
    """Guards the guard: an undecorated verb must be reported."""

    class Unprotected(handlers.BridgeHandler):
        def get(self) -> None:  # deliberately undecorated
            pass

    class Protected(handlers.BridgeHandler):
        @tornado.web.authenticated
        def get(self) -> None:
            pass

    assert not _is_authenticated(vars(Unprotected)["get"])
    assert _is_authenticated(vars(Protected)["get"])
