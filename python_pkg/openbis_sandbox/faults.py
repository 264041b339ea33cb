"""Fault and latency injection for the sandbox's AS and DSS endpoints.

Faults are set at start (``--fault SPEC``, repeatable, handed to
``Faults.apply_spec``) or at run time through the admin endpoint
(``FaultsAdminHandler``, at the end of this module). Setting faults resets all counters and releases any
request currently held by an injected latency.

Spec syntax: ``KIND[:key=value[,key=value…]]``; several specs may be joined
with ``;``. Every kind takes ``times=N``, how often the fault fires
(``times=forever``: no limit; the default for latency, 1 for the others).

``latency:ms=N[,on=OP][,times=N]``
    Each matching request waits N ms before it is handled (with ``times``:
    only the first N matching requests). ``OP`` restricts it to one JSON-RPC
    method (e.g. ``searchFiles``) or servlet (``upload``, ``file-transfer``,
    ``file-get``).
``drop:after=N[,on=download|get]``
    The connection is cut after N bytes of a served download response: a
    fast-download ``download`` chunk or a plain file GET (default: either).
``stall:after=N[,on=download|get][,ms=BOUND]``
    A served download response (as for ``drop``) stops after N bytes but the
    connection stays open, as with a hung server or proxy: the client sees
    no more bytes until its read timeout. The connection is held until the
    client goes away, faults are set again (or cleared) or BOUND ms pass
    (default 60000), and is then closed, so no handler is stuck for ever.
    Only responses longer than N bytes are stalled (and count for
    ``times``); one a ``drop`` rule cuts is not.
``error:method=NAME,nth=N[,status=rpc|500][,message=TEXT]``
    The Nth call of JSON-RPC method NAME (counted since faults were set), and
    the following ones while ``times`` lasts, answers with a code-0 JSON-RPC
    error (default) or an HTTP 500 page. TEXT cannot contain ``,`` or ``;``.
``corrupt:offset=N[,path=SUBSTRING][,stage=disk|wire]``
    The served byte at file offset N (of files whose data-set path contains
    SUBSTRING) is flipped; the stored file is untouched. ``disk`` (default)
    damages it before the fast-download CRC is computed, like bit rot, so
    only a comparison with ``searchFiles``' checksum reveals it; ``wire``
    damages it after, so pybis's frame check catches it and re-queues.
``expire-sessions``
    Immediately invalidates every session token (not stored as a rule).

Counters (reset whenever faults are set): ``requests`` and ``requests.<op>``
(every AS/DSS request, by JSON-RPC method or servlet), ``delayed_requests``,
``calls.<method>`` (JSON-RPC calls, the base of ``nth``) and ``fired.<kind>``.

The admin endpoint ``/sandbox/admin/faults`` inspects and changes fault injection at
run time. Authorised by the session token of the admin user in the ``X-Openbis-Token``
header; anything else gets 403. Not subject to the faults it controls.

* ``GET``    → ``{"faults": [{"spec", "remaining"}], "counters": {…}, "delayedInFlight": n,
  "stalledInFlight": n}``. ``?waitDelayed=N&timeoutS=S`` first waits until N requests are
  held by a latency rule, ``?waitStalled=N&timeoutS=S`` until exactly N connections are held
  by a stall (``0``: all released), so tests can order events without sleeping.
* ``POST``   body ``{"faults": ["latency:ms=100", …]}`` replaces all rules
  (syntax above), resets counters; 400 on a bad spec.
* ``DELETE`` removes all rules and resets counters.
"""

from __future__ import annotations

import asyncio
import json
import select
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import tornado.web

from .context import SandboxContext
from .dss.http import send_container_error
from .errors import OpenbisError
from .jsonrpc import openbis_error_body

KINDS = ("latency", "drop", "stall", "error", "corrupt")
DEFAULT_STALL_MS = 60000
STALL_POLL_S = 0.05  # how often a stalled connection looks whether its client went away
SERVLET_OPERATIONS = ("upload", "file-transfer", "file-get")


class FaultSpecError(ValueError):
    """A fault spec that does not follow the documented syntax."""


@dataclass
class FaultRule:
    spec: str
    kind: str
    params: dict[str, str]
    remaining: int | None
    """Firings left; None = unlimited."""

    def int_param(self, name: str, default: int | None = None) -> int:
        raw = self.params.get(name)
        if raw is None:
            if default is None:
                raise FaultSpecError(f"'{self.spec}': '{name}' is required")
            return default
        try:
            value = int(raw)
        except ValueError:
            raise FaultSpecError(f"'{self.spec}': '{name}' must be an integer") from None
        if value < 0:
            raise FaultSpecError(f"'{self.spec}': '{name}' must not be negative")
        return value

    def consume(self) -> bool:
        """Fire once if firings are left."""
        if self.remaining is None:
            return True
        if self.remaining <= 0:
            return False
        self.remaining -= 1
        return True


_ALLOWED_KEYS = {
    "latency": {"ms", "on", "times"},
    "drop": {"after", "on", "times"},
    "stall": {"after", "on", "ms", "times"},
    "error": {"method", "nth", "status", "message", "times"},
    "corrupt": {"offset", "path", "stage", "times"},
}


def parse_spec(spec: str) -> FaultRule:
    kind, _, rest = spec.strip().partition(":")
    if kind not in KINDS:
        raise FaultSpecError(
            f"'{spec}': unknown fault kind '{kind}' (one of {', '.join(KINDS)}, expire-sessions)"
        )
    params: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in rest.split(","))):
        key, sep, value = pair.partition("=")
        if not sep or key not in _ALLOWED_KEYS[kind]:
            raise FaultSpecError(f"'{spec}': unexpected '{pair}'")
        params[key] = value
    times = params.get("times", "forever" if kind == "latency" else "1")
    rule = FaultRule(spec.strip(), kind, params, None)
    if times != "forever":
        try:
            rule.remaining = int(times)
        except ValueError:
            raise FaultSpecError(f"'{spec}': 'times' must be an integer or 'forever'") from None
    _validate(rule)
    return rule


def _validate(rule: FaultRule) -> None:
    params = rule.params
    if rule.kind == "latency":
        rule.int_param("ms")
    elif rule.kind in ("drop", "stall"):
        rule.int_param("after")
        rule.int_param("ms", DEFAULT_STALL_MS)
        if params.get("on", "download") not in ("download", "get"):
            raise FaultSpecError(f"'{rule.spec}': 'on' must be download or get")
    elif rule.kind == "error":
        if not params.get("method"):
            raise FaultSpecError(f"'{rule.spec}': 'method' is required")
        if rule.int_param("nth") < 1:
            raise FaultSpecError(f"'{rule.spec}': 'nth' counts from 1")
        if params.get("status", "rpc") not in ("rpc", "500"):
            raise FaultSpecError(f"'{rule.spec}': 'status' must be rpc or 500")
    elif rule.kind == "corrupt":
        rule.int_param("offset")
        if params.get("stage", "disk") not in ("disk", "wire"):
            raise FaultSpecError(f"'{rule.spec}': 'stage' must be disk or wire")


class Faults:
    """The fault rules in force and the counters observing them."""

    def __init__(self, ctx: SandboxContext) -> None:
        self._ctx = ctx
        self._rules: list[FaultRule] = []
        self.counters: Counter[str] = Counter()
        self._release = asyncio.Event()
        self._delayed_in_flight = 0
        self._stalled_in_flight = 0
        self._in_flight_changed = asyncio.Event()

    # --- configuration ---------------------------------------------------------------

    def apply_spec(self, spec: str) -> None:
        """Add the rule(s) of ``spec`` (``;``-separated) and reset the counters."""
        rules, expire = _parse_specs([spec])
        if expire:
            self._ctx.store.expire_sessions()
        self._rules.extend(rules)
        self._reset()

    def set_specs(self, specs: list[str]) -> None:
        """Replace all rules; a bad spec raises ``FaultSpecError`` and changes nothing."""
        rules, expire = _parse_specs(specs)
        if expire:
            self._ctx.store.expire_sessions()
        self._rules = rules
        self._reset()

    def clear(self) -> None:
        self._rules = []
        self._reset()

    def _reset(self) -> None:
        self.counters.clear()
        self._release.set()  # requests held by the old latency rules go on now
        self._release = asyncio.Event()

    def snapshot(self) -> dict[str, Any]:
        return {
            "faults": [{"spec": rule.spec, "remaining": rule.remaining} for rule in self._rules],
            "counters": dict(self.counters),
            "delayedInFlight": self._delayed_in_flight,
            "stalledInFlight": self._stalled_in_flight,
        }

    def _rules_of(self, kind: str) -> list[FaultRule]:
        return [rule for rule in self._rules if rule.kind == kind]

    # --- latency ---------------------------------------------------------------------

    async def delay(self, operation: str | None = None) -> None:
        """Hold the current request for the configured latency."""
        self.counters["requests"] += 1
        self.counters[f"requests.{operation}"] += 1
        delays = [
            rule.int_param("ms")
            for rule in self._rules_of("latency")
            if rule.params.get("on") in (None, operation) and rule.consume()
        ]
        if not delays:
            return
        self.counters["delayed_requests"] += 1
        release = self._release
        self._set_in_flight(+1)
        try:
            await asyncio.wait_for(release.wait(), timeout=max(delays) / 1000)
        except asyncio.TimeoutError:
            pass
        finally:
            self._set_in_flight(-1)

    def _set_in_flight(self, change: int, *, stalled: bool = False) -> None:
        if stalled:
            self._stalled_in_flight += change
        else:
            self._delayed_in_flight += change
        self._in_flight_changed.set()
        self._in_flight_changed = asyncio.Event()

    async def wait_for_delayed(self, count: int, timeout_s: float) -> bool:
        """Until ``count`` requests are being held by a latency rule (or timeout)."""
        return await self._wait_until(lambda: self._delayed_in_flight >= count, timeout_s)

    async def wait_for_stalled(self, count: int, timeout_s: float) -> bool:
        """Until exactly ``count`` connections are held by a stall rule (or timeout)."""
        return await self._wait_until(lambda: self._stalled_in_flight == count, timeout_s)

    async def _wait_until(self, reached: Callable[[], bool], timeout_s: float) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while not reached():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._in_flight_changed.wait(), remaining)
            except asyncio.TimeoutError:
                return False
        return True

    # --- JSON-RPC errors -------------------------------------------------------------

    async def before_rpc(
        self, handler: tornado.web.RequestHandler, endpoint: str, method: Any
    ) -> bool:
        """Called by ``JsonRpcHandler`` first; True when a fault already answered.

        Calls are counted per method name (AS and DSS method names are disjoint).
        """
        name = method if isinstance(method, str) else ""
        await self.delay(name)
        self.counters[f"calls.{name}"] += 1
        call_number = self.counters[f"calls.{name}"]
        for rule in self._rules_of("error"):
            if rule.params["method"] != name or call_number < rule.int_param("nth"):
                continue
            if not rule.consume():
                continue
            self.counters["fired.error"] += 1
            message = rule.params.get("message", f"Injected fault on call {call_number} of {name}")
            if rule.params.get("status", "rpc") == "500":
                send_container_error(handler, 500, message)
            else:
                _send_rpc_error(handler, message)
            return True
        return False

    # --- downloads -------------------------------------------------------------------

    def drop_after(self, channel: str) -> int | None:
        """Bytes to send before cutting this response, if a drop fault fires now."""
        for rule in self._rules_of("drop"):
            if rule.params.get("on", channel) == channel and rule.consume():
                self.counters["fired.drop"] += 1
                return rule.int_param("after")
        return None

    def stall_after(self, channel: str, size: int) -> Stall | None:
        """Where to stop sending this response of ``size`` bytes, if a stall fault fires now."""
        for rule in self._rules_of("stall"):
            if (
                rule.params.get("on", channel) == channel
                and size > rule.int_param("after")
                and rule.consume()
            ):
                self.counters["fired.stall"] += 1
                return Stall(
                    self, rule.int_param("after"), rule.int_param("ms", DEFAULT_STALL_MS) / 1000
                )
        return None

    async def hold_stalled(self, handler: tornado.web.RequestHandler, bound_s: float) -> None:
        """Keep ``handler``'s connection open, sending nothing, until its client goes away,
        faults are set again or ``bound_s`` passes; the caller then closes it."""
        release = self._release
        loop = asyncio.get_running_loop()
        deadline = loop.time() + bound_s
        self._set_in_flight(+1, stalled=True)
        try:
            while not _client_gone(handler):
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return
                try:
                    await asyncio.wait_for(release.wait(), min(STALL_POLL_S, remaining))
                    return
                except asyncio.TimeoutError:
                    pass
        finally:
            self._set_in_flight(-1, stalled=True)

    def corrupt(self, file_path: str, file_offset: int, payload: bytes, stage: str | None) -> bytes:
        """``payload`` (file bytes from ``file_offset``) with injected corruption.

        ``stage`` None (plain GET, no checksums) matches rules of any stage.
        """
        for rule in self._rules_of("corrupt"):
            if stage is not None and rule.params.get("stage", "disk") != stage:
                continue
            if rule.params.get("path", "") not in file_path:
                continue
            position = rule.int_param("offset") - file_offset
            if not 0 <= position < len(payload) or not rule.consume():
                continue
            self.counters["fired.corrupt"] += 1
            damaged = bytearray(payload)
            damaged[position] ^= 0xFF
            return bytes(damaged)
        return payload


@dataclass(frozen=True)
class Stall:
    """A fired stall rule: send ``after`` bytes, then ``await hold(handler)``."""

    faults: Faults
    after: int
    bound_s: float

    async def hold(self, handler: tornado.web.RequestHandler) -> None:
        await self.faults.hold_stalled(handler, self.bound_s)


def _client_gone(handler: tornado.web.RequestHandler) -> bool:
    """Whether the client closed its end: the idle socket turned readable (EOF or TLS
    close_notify; a client awaiting a response sends nothing else) or the stream closed."""
    stream = handler.request.connection.stream  # type: ignore[union-attr]
    if stream.closed():
        return True
    try:
        readable, _, _ = select.select([stream.socket], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _parse_specs(specs: list[str]) -> tuple[list[FaultRule], bool]:
    """The rules in ``specs`` and whether ``expire-sessions`` was asked for."""
    rules: list[FaultRule] = []
    expire = False
    for spec in specs:
        for part in filter(None, (p.strip() for p in spec.split(";"))):
            if part == "expire-sessions":
                expire = True
            else:
                rules.append(parse_spec(part))
    return rules, expire


def _send_rpc_error(handler: tornado.web.RequestHandler, message: str) -> None:
    try:
        request_id = json.loads(handler.request.body or b"{}").get("id")
    except (ValueError, AttributeError):
        request_id = None
    handler.set_status(200)
    handler.set_header("Content-Type", "application/json-rpc")
    handler.finish(json.dumps(openbis_error_body(request_id, OpenbisError(message))) + "\n")


# --- admin endpoint ------------------------------------------------------------------

ADMIN_PATH = "/sandbox/admin/faults"
TOKEN_HEADER = "X-Openbis-Token"
DEFAULT_ADMIN_USER = "admin"


def is_admin(ctx: SandboxContext, user: str) -> bool:
    # The store has no role model yet; use it as soon as it offers one.
    check = getattr(ctx.store, "is_instance_admin", None)
    if check is not None:
        return bool(check(user))
    return user == DEFAULT_ADMIN_USER


class FaultsAdminHandler(tornado.web.RequestHandler):
    def initialize(self, ctx: SandboxContext) -> None:
        self.ctx = ctx

    def check_xsrf_cookie(self) -> None:
        pass

    @property
    def faults(self) -> Faults:
        return self.ctx.faults

    def prepare(self) -> None:
        token = self.request.headers.get(TOKEN_HEADER)
        user = self.ctx.store.session_user(token) if token else None
        if user is None or not is_admin(self.ctx, user):
            self._reply({"error": "Admin session required"}, status=403)

    def _reply(self, body: dict[str, Any], status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    async def get(self) -> None:
        timeout_s = float(self.get_query_argument("timeoutS", "30"))
        for name, wait, what in (
            ("waitDelayed", self.faults.wait_for_delayed, "delayed requests"),
            ("waitStalled", self.faults.wait_for_stalled, "stalled connections"),
        ):
            wanted = self.get_query_argument(name, None)
            if wanted is not None and not await wait(int(wanted), timeout_s):
                self._reply(
                    {"error": f"Timed out waiting for {what}", **self.faults.snapshot()}, 408
                )
                return
        self._reply(self.faults.snapshot())

    def post(self) -> None:
        try:
            body = json.loads(self.request.body or b"{}")
            specs = body["faults"]
            if not isinstance(specs, list) or not all(isinstance(s, str) for s in specs):
                raise FaultSpecError("'faults' must be a list of spec strings")
            self.faults.set_specs(specs)
        except (ValueError, KeyError, TypeError) as exc:
            self._reply({"error": str(exc)}, status=400)
            return
        self._reply(self.faults.snapshot())

    def delete(self) -> None:
        self.faults.clear()
        self._reply(self.faults.snapshot())
