"""``/sandbox/admin/faults``: inspect and change fault injection at run time.

Authorised by the session token of the admin user in the ``X-Openbis-Token``
header; anything else gets 403. Not subject to the faults it controls.

* ``GET``    → ``{"faults": [{"spec", "remaining"}], "counters": {…}, "delayedInFlight": n}``.
  ``?waitDelayed=N&timeoutS=S`` first waits until N requests are held by a
  latency rule, so tests can order events without sleeping.
* ``POST``   body ``{"faults": ["latency:ms=100", …]}`` replaces all rules
  (syntax in ``faults.py``), resets counters; 400 on a bad spec.
* ``DELETE`` removes all rules and resets counters.
"""

from __future__ import annotations

import json
from typing import Any

import tornado.web

from .context import SandboxContext
from .faults import Faults, FaultSpecError

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
        wait_for = self.get_query_argument("waitDelayed", None)
        if wait_for is not None:
            timeout_s = float(self.get_query_argument("timeoutS", "30"))
            if not await self.faults.wait_for_delayed(int(wait_for), timeout_s):
                self._reply(
                    {"error": "Timed out waiting for delayed requests", **self.faults.snapshot()},
                    408,
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
