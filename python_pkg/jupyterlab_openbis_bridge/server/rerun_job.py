"""The server's re-run job: ``jupyter openbis rerun`` as a job with progress and cancel.

The engine is the shared ``rerun`` package (docs/rerun.md). The job runs in a folder of the
Jupyter root, ``openbis/<permId>/rerun-<UTC time>/`` (made without following links), with its
own pybis client on the connection's session, so a re-run that takes minutes never holds the
connection's lane. Progress shows as the job's current step (``phase: message``) and its file
counter (cells); cancel stops the installer or the kernel at the next step. The result is the
report (``RerunReport.as_json()`` with paths relative to the Jupyter root).
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import Cancelled, InvalidInput, RerunError, SessionExpired
from ..openbis_client import BridgeOpenbis
from ..rerun import RerunCancelled, RerunFailed, RerunOptions, rerun
from .browse import PERM_ID_RE
from .connections import ConnectionRegistry
from .jobs import Job
from .paths import api_path, open_dir

RERUN_FOLDER = "openbis"
INSTALLERS = ("auto", "uv", "pip")


@dataclass(frozen=True)
class RerunRequest:
    perm_id: str
    reuse_site_packages: bool
    installer: str
    save: bool


def parse_rerun_request(body: Mapping[str, Any]) -> RerunRequest:
    unknown = set(body) - {"permId", "reuseSitePackages", "installer", "save"}
    if unknown:
        raise InvalidInput("unknown fields", fields={k: "unknown field" for k in sorted(unknown)})
    perm = body.get("permId")
    if not isinstance(perm, str) or not PERM_ID_RE.fullmatch(perm):
        raise InvalidInput("permId must be a data-set permId", fields={"permId": "not a permId"})
    flags = {}
    for key in ("reuseSitePackages", "save"):
        value = body.get(key, False)
        if not isinstance(value, bool):
            raise InvalidInput(f"{key} must be true or false", fields={key: "must be a boolean"})
        flags[key] = value
    installer = body.get("installer", "auto")
    if installer not in INSTALLERS:
        raise InvalidInput(
            f"installer must be one of {', '.join(INSTALLERS)}", fields={"installer": "invalid"}
        )
    return RerunRequest(perm, flags["reuseSitePackages"], installer, flags["save"])


def make_workdir(root: Path, perm_id: str) -> Path:
    """A new ``openbis/<permId>/rerun-<time>`` folder under the root, no link followed."""
    parent = PurePosixPath(RERUN_FOLDER, perm_id)
    name = time.strftime("rerun-%Y%m%dT%H%M%SZ", time.gmtime())
    with open_dir(root, parent, "permId", create=True) as folder:
        for suffix in ("", *(f"-{n}" for n in range(2, 100))):
            try:
                os.mkdir(name + suffix, 0o755, dir_fd=folder)
                name += suffix
                break
            except FileExistsError:
                continue
    return Path(os.path.realpath(root)).joinpath(*parent.parts, name)


class RerunRunner:
    def __init__(self, registry: ConnectionRegistry, *, root: Path, timeout: float) -> None:
        self._registry = registry
        self._root = root
        self._timeout = timeout

    def run(self, job: Job, request: RerunRequest) -> dict[str, Any]:
        def live_session(client: BridgeOpenbis) -> tuple[str, str, bool | str]:
            if not client.is_session_active():
                raise SessionExpired("the openBIS session has expired")
            return client.token, client.url, client.verify

        token, url, verify = self._registry.call(job.connection, live_session)
        client = BridgeOpenbis(url, verify=verify, timeout=self._timeout)
        client.login_with_token(token)
        workdir = make_workdir(self._root, request.perm_id)
        os.rmdir(workdir)  # the engine wants a new or empty folder; the name is ours now
        options = RerunOptions(
            perm_id=request.perm_id,
            workdir=workdir,
            reuse_site_packages=request.reuse_site_packages,
            installer=request.installer,
            save=request.save,
            cancelled=job.cancel_requested.is_set,
        )

        def progress(phase: str, done: int, total: int | None, message: str) -> None:
            job.set_current(f"{phase}: {message}"[:200])

        try:
            report = rerun(client, options, progress)
        except RerunCancelled:
            raise Cancelled("the re-run was cancelled") from None
        except RerunFailed as failure:
            detail = f"\n{failure.detail}" if failure.detail else ""
            raise RerunError(
                f"could not re-run ({failure.phase}): {failure.message}{detail}",
                fields={"phase": failure.phase},
            ) from None
        answer = report.as_json()
        answer["notebook"] = api_path(self._root, report.notebook)
        answer["folder"] = api_path(self._root, workdir)
        return answer
