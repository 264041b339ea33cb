"""Helpers the sandbox tests share: unique codes, cold pybis clients, raw JSON-RPC results."""

from __future__ import annotations

import itertools
import os

from pybis import Openbis

from openbis_sandbox.testing import call_as

_counter = itertools.count()


def unique(prefix: str) -> str:
    """A code no other test (nor a parallel worker) uses."""
    return f"{prefix}{os.getpid()}X{next(_counter)}"


def fresh(sandbox, token):
    """A new pybis instance (cold caches, SPEC risk 22) attached to ``token``."""
    return Openbis(sandbox.url, verify_certificates=str(sandbox.ca_cert), token=token)


def result_of(sandbox, method, *params):
    """The JSON-RPC result of an AS call that must succeed."""
    body = call_as(sandbox, method, *params).json()
    assert "error" not in body, body
    return body["result"]


def error_of(sandbox, method, *params) -> dict:
    """The JSON-RPC error of an AS call that must fail."""
    body = call_as(sandbox, method, *params).json()
    assert "error" in body, body
    return body["error"]


def error_message(sandbox, method, *params) -> str:
    return error_of(sandbox, method, *params)["message"]
