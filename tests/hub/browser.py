"""A browser, as far as JupyterHub can tell: cookies, the login form with its _xsrf, redirects."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

import requests
import websocket

from .hubenv import Hub, wait_until

CONNECTION = "127.0.0.1"  # the profile the bridge makes from OPENBIS_URL (named after the host)


class Browser:
    def __init__(self, hub: Hub, name: str) -> None:
        self.hub = hub
        self.name = name
        self.http = requests.Session()

    # --- the hub ---------------------------------------------------------------------------

    def login(self, *, password: str | None = None, session: str = "") -> requests.Response:
        """Fill in and submit the hub's login form (username + password, or a session token)."""
        form = self.http.get(f"{self.hub.url}/hub/login", timeout=30)
        assert form.status_code == 200, form.text[:500]
        assert 'name="session"' in form.text  # the openBIS form, with the token field
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form.text)
        assert xsrf, "no _xsrf in the login form"
        fields = {
            "_xsrf": xsrf.group(1),
            "username": "" if session else self.name,
            "password": "" if session else (password or self.hub.users[self.name]),
            "session": session,
        }
        return self.http.post(f"{self.hub.url}/hub/login", data=fields, timeout=60)

    def logout_of_hub(self) -> None:
        """The hub's logout (its server keeps running: ``shutdown_on_logout`` is off)."""
        assert self.http.get(f"{self.hub.url}/hub/logout", timeout=30).status_code == 200

    def spawn(self) -> float:
        """Start the user's server through the hub's spawn page; seconds until the bridge answers."""
        started = time.monotonic()
        page = self.http.get(f"{self.hub.url}/hub/spawn/{self.name}", timeout=90)
        assert page.status_code in (200, 202), page.text[:500]
        try:
            wait_until(self._bridge_answers, f"{self.name}'s server to answer through the hub")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nhub log:\n{self.hub.log_text()[-6000:]}") from None
        return time.monotonic() - started

    def _bridge_answers(self) -> bool:
        # The page logs the browser in to the server (OAuth with the hub, as a browser does);
        # until the server is up, the hub answers for it with its "pending" page instead.
        page = self.open_lab()
        if page.status_code != 200 or not page.url.startswith(self.hub.user_url(self.name)):
            return False
        reply = self.http.get(self.hub.user_url(self.name, "openbis-bridge/status"), timeout=30)
        return reply.status_code == 200 and reply.headers.get("content-type", "").startswith(
            "application/json"
        )

    def open_lab(self) -> requests.Response:
        """The JupyterLab page (it also sets the server's _xsrf cookie)."""
        return self.http.get(self.hub.user_url(self.name, "lab"), timeout=60)

    # --- the extension's REST API on a server ----------------------------------------------

    def api(
        self, method: str, path: str, *, owner: str | None = None, body: Any = None, **kw: Any
    ) -> requests.Response:
        """``/user/<owner>/<path>`` with the browser's cookies (owner: whose server, default own)."""
        owner = owner or self.name
        headers = dict(kw.pop("headers", {}))
        xsrf = self.http.cookies.get("_xsrf", path=f"/lab-hub/user/{owner}/")
        if xsrf and method != "GET":
            headers["X-XSRFToken"] = xsrf
        return self.http.request(
            method,
            self.hub.user_url(owner, path),
            json=body,
            headers=headers,
            timeout=60,
            **kw,
        )

    def connection(self, *, live: bool = True) -> dict[str, Any]:
        reply = self.api("GET", "openbis-bridge/connections", params={"live": str(live).lower()})
        assert reply.status_code == 200, reply.text[:500]
        [conn] = reply.json()["connections"]
        return conn

    def wait_job(self, job_id: str) -> dict[str, Any]:
        def finished() -> dict[str, Any] | None:
            reply = self.api("GET", f"openbis-bridge/jobs/{job_id}", params={"wait": "20"})
            assert reply.status_code == 200, reply.text[:500]
            job = reply.json()
            return job if job["state"] in ("succeeded", "failed", "cancelled") else None

        return wait_until(finished, f"job {job_id}", timeout=120)

    # --- a kernel on the user's server ------------------------------------------------------

    def run_in_kernel(self, code: str, timeout: float = 120) -> str:
        """Start a Python kernel, run ``code`` over the kernel websocket, return its stdout."""
        started = self.api("POST", "api/kernels", body={"name": "python3"})
        assert started.status_code == 201, started.text[:300]
        kernel = started.json()["id"]
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        url = self.hub.user_url(self.name, f"api/kernels/{kernel}/channels").replace(
            "http", "ws", 1
        )
        socket = websocket.create_connection(url, header=[f"Cookie: {cookies}"], timeout=timeout)
        try:
            return _execute(socket, code, time.monotonic() + timeout)
        finally:
            socket.close()
            self.api("DELETE", f"api/kernels/{kernel}")


def _execute(socket: websocket.WebSocket, code: str, deadline: float) -> str:
    msg_id = uuid.uuid4().hex
    socket.send(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "username": "",
                    "session": uuid.uuid4().hex,
                    "version": "5.3",
                },
                "parent_header": {},
                "metadata": {},
                "content": {"code": code, "silent": False, "stop_on_error": True},
                "channel": "shell",
            }
        )
    )
    out: list[str] = []
    while time.monotonic() < deadline:
        message = json.loads(socket.recv())
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = message["msg_type"]
        if kind == "stream":
            out.append(message["content"]["text"])
        elif kind == "error":
            out.append("\n".join(message["content"]["traceback"]))
        elif kind == "execute_reply":
            return "".join(out)
    raise AssertionError(f"no execute_reply before the deadline; output so far: {out}")
