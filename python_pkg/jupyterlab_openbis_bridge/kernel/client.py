"""Kernel side: find the Jupyter server that started this kernel and call the bridge's API.

Discovery (see docs/kernel-session.md): jupyter_client puts the server's pid in
``JPY_PARENT_PID``; the server writes ``jpserver-<pid>.json`` (URL, token, root;
mode 0600) into its runtime dir, which also holds this kernel's connection file.
The file is only trusted if this user owns it and nobody else can read or write it.
Requests carry the Jupyter token and, on kernel routes, an HMAC proof made with
this kernel's signing key (single-use: a fresh nonce each time). Imports stay light: no jupyter_server, no pybis.
"""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from .. import kernel_proof

ROUTE_PREFIX = "openbis-bridge"
DEFAULT_TIMEOUT_S = 60.0
TERMINAL_STATES = ("succeeded", "failed", "cancelled")


class BridgeUnavailable(RuntimeError):
    """This process cannot reach the JupyterLab openBIS bridge (not a kernel of a Jupyter server)."""


class BridgeAPIError(RuntimeError):
    """The bridge answered with an error (``reason`` and ``fields`` as in docs/server-api.md)."""

    def __init__(
        self, status: int, reason: str, message: str, fields: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message
        self.fields = dict(fields or {})


@dataclass(frozen=True)
class ServerInfo:
    url: str
    token: str
    root_dir: Path
    pid: int


@dataclass(frozen=True)
class KernelIdentity:
    kernel_id: str
    key: bytes = b""

    def __repr__(self) -> str:  # the key never shows up in a notebook
        return f"KernelIdentity(kernel_id={self.kernel_id!r})"


# --- discovery -------------------------------------------------------------------------------


def read_server_info(path: Path, expected_pid: int | None = None) -> ServerInfo:
    """Read ``jpserver-<pid>.json``, refusing files another user could have written or read."""
    try:
        info = path.stat()
    except OSError:
        raise BridgeUnavailable(f"no Jupyter server file {path.name}") from None
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise BridgeUnavailable(f"{path.name} belongs to another user; not trusted")
    if stat.S_IMODE(info.st_mode) & 0o077:
        raise BridgeUnavailable(f"{path.name} is accessible to other users; not trusted")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BridgeUnavailable(f"{path.name} is not readable") from None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        raise BridgeUnavailable(f"{path.name} does not describe a Jupyter server")
    if expected_pid is not None and data.get("pid") != expected_pid:
        raise BridgeUnavailable(f"{path.name} describes another server process")
    # Empty: JupyterHub (its API token is in our environment) or a server without auth.
    token = data.get("token") or os.environ.get("JUPYTERHUB_API_TOKEN") or ""
    return ServerInfo(
        url=data["url"].rstrip("/") + "/",
        token=token,
        root_dir=Path(data.get("root_dir") or "."),
        pid=int(data.get("pid") or 0),
    )


def current_kernel() -> tuple[KernelIdentity, str]:
    """This kernel's id and signing key, and its connection file path (ipykernel only)."""
    try:
        from ipykernel.kernelapp import IPKernelApp
    except ImportError:
        raise BridgeUnavailable("not running in an IPython kernel") from None
    if not IPKernelApp.initialized():
        raise BridgeUnavailable("not running in a Jupyter kernel")
    app = IPKernelApp.instance()
    connection_file = str(app.abs_connection_file or app.connection_file or "")
    kernel_id = kernel_proof.kernel_id_from_connection_file(connection_file)
    if kernel_id is None:
        raise BridgeUnavailable("this kernel was not started by a Jupyter server")
    return KernelIdentity(kernel_id, bytes(app.session.key or b"")), connection_file


def find_server(
    env: Mapping[str, str] | None = None, connection_file: str | None = None
) -> ServerInfo:
    env = os.environ if env is None else env
    raw_pid = env.get("JPY_PARENT_PID", "")
    if not raw_pid.isdigit():
        raise BridgeUnavailable("JPY_PARENT_PID is not set: this kernel has no Jupyter server")
    pid = int(raw_pid)
    folders: list[Path] = []
    if connection_file:
        # The connection file sits in the server's runtime dir, even if it was set by option.
        folders.append(Path(connection_file).parent)
    if env.get("JUPYTER_RUNTIME_DIR"):
        folders.append(Path(env["JUPYTER_RUNTIME_DIR"]))
    try:
        from jupyter_core.paths import jupyter_runtime_dir

        folders.append(Path(jupyter_runtime_dir()))
    except ImportError:
        pass
    problems = []
    for folder in dict.fromkeys(folders):
        candidate = folder / f"jpserver-{pid}.json"
        if candidate.exists():
            try:
                return read_server_info(candidate, expected_pid=pid)
            except BridgeUnavailable as exc:
                problems.append(str(exc))
    raise BridgeUnavailable(
        "; ".join(problems) or f"no jpserver-{pid}.json in the Jupyter runtime directory"
    )


# --- REST client -----------------------------------------------------------------------------


class BridgeClient:
    """The bridge's REST API as this kernel sees it (token auth, never cookies)."""

    def __init__(
        self, server: ServerInfo, kernel: KernelIdentity, timeout: float = DEFAULT_TIMEOUT_S
    ) -> None:
        self.server = server
        self.kernel = kernel
        self.timeout = timeout
        self._http = requests.Session()
        # A cookie would make our calls look like a browser's to the kernel routes.
        self._http.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self._http.trust_env = False  # a proxy from the environment must not see the token
        if server.token:
            self._http.headers["Authorization"] = f"token {server.token}"

    def __repr__(self) -> str:
        return f"BridgeClient({self.server.url!r}, kernel={self.kernel.kernel_id!r})"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        timeout: float | None = None,
        api: str = ROUTE_PREFIX,
    ) -> Any:
        url = f"{self.server.url}{api}/{path}"
        try:
            response = self._http.request(
                method,
                url,
                params=params,
                data=json.dumps(body) if body is not None else None,
                headers={"Content-Type": "application/json"} if body is not None else None,
                timeout=timeout or self.timeout,
            )
        except requests.RequestException as exc:
            raise BridgeUnavailable(
                f"the Jupyter server did not answer ({type(exc).__name__})"
            ) from None
        try:
            payload = response.json() if response.content else None
        except ValueError:
            payload = None
        if response.status_code >= 400:
            data = payload if isinstance(payload, dict) else {}
            raise BridgeAPIError(
                response.status_code,
                str(data.get("reason") or "http_error"),
                str(data.get("message") or f"HTTP {response.status_code}"),
                data.get("fields") if isinstance(data.get("fields"), dict) else None,
            )
        return payload

    def kernel_request(self, purpose: str, route: str, **extra: Any) -> Any:
        timestamp, nonce = int(time.time()), kernel_proof.new_nonce()  # a proof is good once
        proof = kernel_proof.sign(self.kernel.key, purpose, self.kernel.kernel_id, timestamp, nonce)
        body = {
            "kernelId": self.kernel.kernel_id,
            "timestamp": timestamp,
            "nonce": nonce,
            "proof": proof,
            **{k: v for k, v in extra.items() if v is not None},
        }
        return self.request("POST", route, body=body)

    # --- routes --------------------------------------------------------------------------

    def session(self, connection: str | None = None) -> dict[str, Any]:
        """The connection's live session (token, URL, TLS settings). Keep it out of outputs."""
        return self.kernel_request("session", "kernel/session", connection=connection)

    def record_job(self, job_id: str) -> dict[str, Any]:
        """Record a finished download or save in this kernel's notebook (see docs)."""
        return self.kernel_request("provenance", "kernel/provenance", jobId=job_id)

    def connections(self) -> list[dict[str, Any]]:
        return list(self.request("GET", "status")["connections"])

    def resolve_connection(self, name: str | None) -> str:
        """The named connection, else the only logged-in one (same rule as the server)."""
        if name is not None:
            return name
        every = self.connections()
        live = [c for c in every if c.get("status") == "connected" or c.get("hasToken")]
        if len(live) == 1:
            return str(live[0]["name"])
        if not live and len(every) == 1:
            return str(every[0]["name"])
        names = ", ".join(sorted(c["name"] for c in (live or every)))
        if not every:
            raise BridgeAPIError(404, "not_found", "no openBIS connection is configured")
        if not live:
            raise BridgeAPIError(
                401, "not_logged_in", "not logged in to openBIS: log in from the openBIS panel"
            )
        raise BridgeAPIError(
            409, "conflict", f"several connections are logged in; name one of: {names}"
        )

    def notebook_path(self) -> str | None:
        """This kernel's notebook (contents path), from the server's sessions."""
        for session in self.request("GET", "sessions", api="api") or []:
            if (session.get("kernel") or {}).get("id") == self.kernel.kernel_id:
                path = session.get("path")
                return path if isinstance(path, str) and path.endswith(".ipynb") else None
        return None

    def connection_path(self, connection: str, *parts: str) -> str:
        return "/".join(["connections", quote(connection, safe=""), *parts])

    def search_datasets(self, connection: str, query: str, offset: int, limit: int) -> dict:
        result = self.request(
            "GET",
            self.connection_path(connection, "search"),
            params={"q": query, "kinds": "dataSet", "offset": offset, "limit": limit},
        )
        return dict(result["results"]["dataSet"])

    def dataset(self, connection: str, perm_id: str) -> dict[str, Any]:
        return dict(
            self.request("GET", self.connection_path(connection, "datasets", quote(perm_id)))
        )

    def dataset_types(self, connection: str) -> list[dict[str, Any]]:
        return list(
            self.request("GET", self.connection_path(connection, "dataset-types"))["dataSetTypes"]
        )

    def start_download(self, connection: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return dict(
            self.request("POST", self.connection_path(connection, "downloads"), body=dict(body))
        )

    def start_save(self, connection: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return dict(
            self.request("POST", self.connection_path(connection, "datasets"), body=dict(body))
        )

    def job(self, job_id: str, wait: float = 0) -> dict[str, Any]:
        params = {"wait": f"{wait:g}"} if wait else None
        return dict(
            self.request(
                "GET", f"jobs/{quote(job_id, safe='')}", params=params, timeout=wait + self.timeout
            )
        )

    def cancel(self, job_id: str) -> dict[str, Any]:
        return dict(self.request("DELETE", f"jobs/{quote(job_id, safe='')}"))

    def wait_job(
        self,
        job_id: str,
        *,
        timeout: float | None = None,
        on_progress: Any = None,
        poll_s: float = 1.0,
    ) -> dict[str, Any]:
        """Long-poll until the job ends (or ``timeout``); ``on_progress(job)`` after each answer."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            step = poll_s if on_progress else 30.0
            job = self.job(job_id, wait=min(step, left) if left is not None else step)
            if on_progress is not None:
                on_progress(job)
            if job["state"] in TERMINAL_STATES:
                return job
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(f"job {job_id} still {job['state']} after {timeout:g} s")

    def local_path(self, api_path: str) -> Path:
        return self.server.root_dir.joinpath(*api_path.split("/"))


_lock = threading.Lock()
_client: BridgeClient | None = None


def get_client() -> BridgeClient:
    """The bridge client of this kernel (found once, reused)."""
    global _client
    with _lock:
        if _client is None:
            kernel, connection_file = current_kernel()
            _client = BridgeClient(find_server(connection_file=connection_file), kernel)
        return _client


def reset_client() -> None:
    """Forget the discovered server (e.g. after the server restarted)."""
    global _client
    with _lock:
        _client = None


def as_list(values: str | Sequence[str]) -> list[str]:
    return [values] if isinstance(values, str) else list(values)
