"""conftest.py for pybis's upstream tests, pointed at an openBIS sandbox.

``run.py`` copies this file, as ``conftest.py``, next to the test files extracted from the
pybis sdist (which ships none). It is named ``conftest_template.py`` here so that the
project's own pytest run never loads it.

The fixtures mirror upstream's conftest (openBIS repository,
``api-openbis-python3-pybis/src/python/tests/conftest.py``): same names, scopes, client
options and teardown; only the URL and the credentials come from the environment the runner
sets (``PYBIS_UPSTREAM_URL``, ``PYBIS_UPSTREAM_USER``, ``PYBIS_UPSTREAM_PASSWORD``).

Two additions, neither of which changes what a test does:

* ``_new_wall_clock_second`` (autouse): upstream names many objects after
  ``time.strftime("%a_%y%m%d_%H%M%S")`` with no other suffix (``my_sample_<ts>``,
  ``my_project_<ts>`` in the shared ``space`` ...), assuming that a test against a real
  openBIS takes more than a second. The sandbox is faster than that, so each test that
  uses the server starts in a wall-clock second no earlier test started in.
* a request trace (when ``PYBIS_UPSTREAM_TRACE`` names a file): every HTTP request pybis
  sends, with the test that sent it, the JSON-RPC method and the error the server returned,
  one JSON object a line. ``run.py`` also learns from ``PYBIS_UPSTREAM_COLLECTION`` which
  tests were collected and which of them were deselected.
"""

from __future__ import annotations

import json
import os
import time
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests
from pybis import Openbis

openbis_url = os.environ.get("PYBIS_UPSTREAM_URL", "https://localhost:8443")
admin_username = os.environ.get("PYBIS_UPSTREAM_USER", "admin")
admin_password = os.environ.get("PYBIS_UPSTREAM_PASSWORD", "changeit")


# --- the fixtures upstream's tests expect --------------------------------------------------


@pytest.fixture(scope="module")
def openbis_instance():
    instance = Openbis(url=openbis_url, verify_certificates=False)
    instance.login(admin_username, admin_password)
    yield instance
    instance.logout()


@pytest.fixture(scope="module")
def other_openbis_instance():
    instance = Openbis(url=openbis_url, verify_certificates=False)
    instance.login(admin_username, admin_password)
    yield instance
    instance.logout()


@pytest.fixture(scope="session")
def space():
    o = Openbis(url=openbis_url, verify_certificates=False)
    o.login(admin_username, admin_password)
    timestamp = time.strftime("%a_%y%m%d_%H%M%S").upper()
    space = o.new_space(code="test_space_" + timestamp)
    space.save()
    yield space
    o.logout()


# --- timing: one test per wall-clock second -------------------------------------------------

_SERVER_FIXTURES = {"openbis_instance", "other_openbis_instance", "space"}
_last_start_second = [0]


@pytest.fixture(autouse=True)
def _new_wall_clock_second(request):
    if _SERVER_FIXTURES.isdisjoint(request.fixturenames):
        return  # a client-only test (spreadsheet, imports ...) names nothing on the server
    now = time.time()
    if int(now) <= _last_start_second[0]:
        time.sleep(_last_start_second[0] + 1 - now + 0.01)
    _last_start_second[0] = int(time.time())


# --- bookkeeping for run.py: collection and request trace ----------------------------------

_collection: dict[str, list[str]] = {"selected": [], "deselected": []}
_current_test = ["(no test)"]


def pytest_deselected(items):
    _collection["deselected"].extend(item.nodeid for item in items)


def pytest_collection_finish(session):
    _collection["selected"] = [item.nodeid for item in session.items]
    path = os.environ.get("PYBIS_UPSTREAM_COLLECTION")
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(_collection, fh, indent=1)


def pytest_runtest_logstart(nodeid, location):
    _current_test[0] = nodeid


def _redacted_url(url: str) -> str:
    parts = urlsplit(url)
    query = [(k, "..." if k.lower() == "sessionid" else v) for k, v in parse_qsl(parts.query)]
    return parts.path + ("?" + urlencode(query, safe="/") if query else "")


def _rpc_summary(body) -> tuple[str | None, object]:
    if isinstance(body, bytes | bytearray):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            return None, None
    if not isinstance(body, str):
        return None, None
    try:
        request = json.loads(body)
    except ValueError:
        return None, None
    if not isinstance(request, dict):
        return None, None
    method = request.get("method")
    params = request.get("params")
    if isinstance(params, list) and params:
        params = ["<token>", *params[1:]] if method not in ("login", "loginAs") else ["..."]
    return (method if isinstance(method, str) else repr(method)), params


def _response_error(response) -> str | None:
    if response.status_code >= 400:
        return f"HTTP {response.status_code}: {response.text[:300]}"
    content_type = response.headers.get("Content-Type", "")
    if "json" not in content_type:
        return None
    try:
        payload = response.json()
    except ValueError:
        return None
    if isinstance(payload, dict) and isinstance(payload.get("error"), dict):
        return str(payload["error"].get("message"))[:500]
    return None


def _install_trace(path: str) -> None:
    original = requests.sessions.Session.request

    def traced(self, method, url, *args, **kwargs):
        rpc, params = _rpc_summary(kwargs.get("data"))
        record = {"test": _current_test[0], "http": method, "url": _redacted_url(url)}
        if rpc is not None:
            record["rpc"] = rpc
            record["params"] = params
        try:
            response = original(self, method, url, *args, **kwargs)
        except Exception as exc:
            record["exception"] = f"{type(exc).__name__}: {exc}"[:500]
            _write(record)
            raise
        record["status"] = response.status_code
        if not kwargs.get("stream"):
            error = _response_error(response)
            if error:
                record["error"] = error
        _write(record)
        return response

    def _write(record) -> None:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, default=repr) + "\n")

    requests.sessions.Session.request = traced


if os.environ.get("PYBIS_UPSTREAM_TRACE"):
    _install_trace(os.environ["PYBIS_UPSTREAM_TRACE"])
