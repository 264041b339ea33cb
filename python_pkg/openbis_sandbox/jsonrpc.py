"""JSON-RPC 2.0 transport as openBIS serves it (jsonrpc4j 1.5.3 + openBIS error resolver).

SPEC §1.3/§1.4: bodies are parsed whatever the Content-Type; application errors are
HTTP 200 with ``code: 0``; protocol errors use jsonrpc4j's codes and HTTP statuses
(-32700/400, -32601/404, -32602/500). Responses are ``application/json-rpc`` followed
by a newline, with ``@id`` numbers assigned once per response (SPEC §1.5.1).

Parameters are read as jsonrpc4j reads them (``JsonRpcBasicServer.convertJsonToParameters``
with ACCEPT_SINGLE_VALUE_AS_ARRAY): the methods' readers go through ``jackson.collection``
wherever a collection is expected, so a single value is a one-element collection for every
method. No request may crash the server: whatever a method raises becomes a code-0 error.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Callable
from typing import Any

import tornado.web

from .context import SandboxContext
from .errors import OpenbisError
from .jackson import mismatch

log = logging.getLogger(__name__)

Method = Callable[..., Any]


def assign_ids(value: Any) -> Any:
    """Return ``value`` with ``"@id"`` numbers on every dict that has an ``"@type"``.

    Numbers are sequential from 1 in depth-first document order, and each typed dict is
    rebuilt with the key order ``@type``, ``@id``, then its other keys, as openBIS's
    object mapper writes beans. Plain maps and lists get no id. Everything is inlined:
    no back-references are produced (always safe for pybis, SPEC §1.5.2).
    """
    counter = 0

    def walk(node: Any) -> Any:
        nonlocal counter
        if isinstance(node, dict):
            if "@type" in node:
                counter += 1
                out: dict[str, Any] = {"@type": node["@type"], "@id": counter}
                for key, item in node.items():
                    if key not in ("@type", "@id"):
                        out[key] = walk(item)
                return out
            return {key: walk(item) for key, item in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(value)


def _error_body(request_id: Any, code: int, message: str, data: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if data is not None:
        error["data"] = data
    return {"jsonrpc": "2.0", "id": request_id, "error": error}


def openbis_error_body(request_id: Any, exc: OpenbisError) -> dict[str, Any]:
    """The code-0 application error envelope of SPEC §1.4 for ``exc``."""
    data = assign_ids(
        {
            "@type": "ErrorData",  # stripped below: only used to get "@id": 1 first
            "exceptionTypeName": exc.exception_type,
            "message": exc.message,
            "stackTrace": f"{exc.exception_type}: {exc.message}\n\tat openbis_sandbox",
        }
    )
    del data["@type"]
    return _error_body(request_id, 0, exc.message, data)


class JsonRpcHandler(tornado.web.RequestHandler):
    """A JSON-RPC endpoint dispatching to a table of ``name -> fn(ctx, *params)``.

    Methods may be sync or async. Their return value is serialised after ``assign_ids``;
    raising ``OpenbisError`` produces the application error envelope. Before dispatch the
    fault-injection layer gets a chance to answer instead (``ctx.faults.before_rpc``).
    """

    def initialize(
        self, ctx: SandboxContext, methods: dict[str, Method], endpoint: str = "as"
    ) -> None:
        self.ctx = ctx
        self.methods = methods
        self.endpoint = endpoint

    def check_xsrf_cookie(self) -> None:  # JSON-RPC clients never send one
        pass

    def _send(self, status: int, body: dict[str, Any]) -> None:
        self._send_text(status, _encode(body))

    def _send_text(self, status: int, text: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json-rpc")
        self.finish(text.encode("utf-8", "backslashreplace"))  # lone surrogates: \\uXXXX

    async def post(self) -> None:
        try:
            request = json.loads(self.request.body or b"")
        except (ValueError, UnicodeDecodeError, RecursionError):
            self._send(400, _error_body(None, -32700, "JSON parse error"))
            return
        if not isinstance(request, dict):
            self._send(400, _error_body(None, -32600, "Invalid Request"))
            return
        request_id = request.get("id")
        name = request.get("method")
        params = request.get("params", [])
        if params is None:
            params = []

        if await self.ctx.faults.before_rpc(self, self.endpoint, name):
            return  # the fault layer answered instead

        method = self.methods.get(name) if isinstance(name, str) else None
        if method is None:
            self._send(404, _error_body(request_id, -32601, "method not found"))
            return
        if not isinstance(params, list) or not _accepts(method, len(params)):
            self._send(500, _error_body(request_id, -32602, "method parameters invalid"))
            return
        try:
            if params and isinstance(params[0], (dict, list)):
                # every V3 method's first parameter is a String (the session token, or the
                # user of login): Jackson refuses an object or an array there
                raise mismatch(params[0], "java.lang.String")
            result = method(self.ctx, *params)
            if inspect.isawaitable(result):
                result = await result
            body = _encode({"jsonrpc": "2.0", "id": request_id, "result": assign_ids(result)})
        except OpenbisError as exc:
            self._send(200, openbis_error_body(request_id, exc))
            return
        except Exception as exc:  # an openBIS server bug also reaches clients as code 0
            log.exception("%s failed", name)
            wrapped = OpenbisError(f"{type(exc).__name__}: {exc}", "java.lang.RuntimeException")
            self._send(200, openbis_error_body(request_id, wrapped))
            return
        self._send_text(200, body)


def _encode(body: dict[str, Any]) -> str:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False) + "\n"


def _accepts(method: Method, n_params: int) -> bool:
    """Whether ``method(ctx, *params)`` matches a signature (jsonrpc4j's -32602 check)."""
    try:
        inspect.signature(method).bind(None, *([None] * n_params))
    except TypeError:
        return False
    return True
