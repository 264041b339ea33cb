"""The service facade used by the handlers: async methods over blocking pybis work.

No tornado here. Handlers pass parsed JSON and raw query values; this layer
validates them, runs openBIS work in the worker pools and returns plain dicts
or raises ``BridgeError``s. It is all the handlers know of the server: they
never reach past it into the registry, the jobs or the kernel hand-off.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from jupyter_core.paths import jupyter_data_dir

from ..errors import BridgeError, Conflict, InvalidInput
from ..openbis_client import BridgeOpenbis
from ..profiles import ProfileError, validate_name
from ..version import __version__
from . import browse, masterdata
from .connections import ConnectionRegistry
from .downloads import Downloader, parse_download_request
from .envfiles import parse_environment, plan_env_files, write_env_files
from .executor import BlockingRunner
from .given_sessions import awaits_adoption
from .inputs import check_ca_bundle, parse_list, seconds, whole_number
from .inputs import check_depth as check_depth  # for the handlers, which know only the service
from .jobs import Job, JobManager, resubmittable
from .kernel_session import KernelKey, KernelSessions, check_transport
from .masterdata import MasterdataCache
from .mount_service import MountService
from .mounts import MountManager
from .open_service import OpenService
from .paths import parse_relative
from .properties import check_code, coerce_properties
from .rerun_job import RerunRunner, parse_rerun_request
from .save import (
    SavePlan,
    Uploader,
    check_parents,
    collect_files,
    owner_from_request,
    resolve_owner,
)
from .settings import BridgeSettings

T = TypeVar("T")
log = logging.getLogger(__name__)
audit = logging.getLogger(__name__.rsplit(".", 1)[0] + ".audit")

MAX_PAGE = 500
MAX_WAIT_SECONDS = 60.0
SEARCH_KINDS = ("experiment", "sample", "dataSet")


class BridgeService(MountService, OpenService):
    def __init__(self, settings: BridgeSettings, registry: ConnectionRegistry) -> None:
        self.settings = settings
        self.registry = registry
        self.runner = BlockingRunner(
            settings.call_workers,
            settings.transfer_workers,
            lane_workers=settings.connection_workers,
            lane_queue=settings.connection_queue,
        )
        self.jobs = JobManager(self.runner)
        self.masterdata = MasterdataCache(settings.masterdata_ttl)
        self._downloader = Downloader(
            registry,
            settings.root_dir,
            allow_hidden=settings.allow_hidden,
            timeout=settings.request_timeout,
        )
        self._uploader = Uploader(
            registry, chunk_bytes=settings.upload_chunk_bytes, timeout=settings.request_timeout
        )
        # The login shared with kernels.
        self.kernel_sessions = KernelSessions(self, runtime_dir=settings.runtime_dir)
        self.mounts = MountManager(settings.root_dir, _known_hosts_file(settings))

    # --- plumbing ------------------------------------------------------------------------

    @property
    def _deadline(self) -> float:
        # Lock wait, plus a possible re-login and the call itself, each bounded by the HTTP timeout.
        return self.settings.lock_timeout + 4 * self.settings.request_timeout

    async def _blocking(self, fn: Callable[..., T], *args: Any, lane: str | None = None) -> T:
        # ``lane``: the connection the work talks to; its calls never take another's threads.
        return await self.runner.run(fn, *args, deadline=self._deadline, lane=lane)

    async def call(self, name: str, fn: Callable[[BridgeOpenbis], T]) -> T:
        return await self._blocking(self.registry.call, name, fn, lane=name)

    def shutdown(self) -> None:
        self.jobs.cancel_all()
        self.mounts.unmount_all()
        self.registry.shutdown()
        self.runner.shutdown()

    # --- connections ---------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """Version handshake and connection overview (last known state, no openBIS calls)."""
        return {
            "version": __version__,
            "pybis_version": _pybis_version(),
            "connections": self.connection_summaries(),
            # Offered by the login prompt for the hub's own connection (origin "env").
            "hubLoginUrl": self.settings.hub_login_url,
        }

    def connection_summaries(self) -> list[dict[str, Any]]:
        """Last known state, no openBIS calls (for the cheap status handshake)."""
        return [self._with_mount(conn.describe()) for conn in self.registry.all()]

    async def list_connections(self, live: bool) -> list[dict[str, Any]]:
        if not live:
            await self._adopt_given_sessions()
            return self.connection_summaries()

        async def check(name: str) -> dict[str, Any]:
            try:
                conn = await self.runner.run(
                    self.registry.check, name, deadline=self.settings.status_timeout, lane=name
                )
                return self._with_mount(conn.describe())
            except BridgeError as exc:  # one slow or dead instance never breaks the list
                entry = self._with_mount(self.registry.get(name).describe())
                if entry["status"] == "connected" or exc.reason == "upstream_timeout":
                    entry["status"] = "unreachable"
                entry["message"] = exc.message
                return entry

        return list(await asyncio.gather(*(check(conn.name) for conn in self.registry.all())))

    async def _adopt_given_sessions(self) -> None:
        """Log in with OPENBIS_TOKEN / the hub's token before the first status answer,
        so the start-up indicator says "connected" without a dialog (off the loop)."""
        waiting = [conn.name for conn in self.registry.all() if awaits_adoption(conn)]

        async def adopt(name: str) -> None:
            try:
                await self.runner.run(
                    self.registry.check,  # logs in with the handed-over token first
                    name,
                    deadline=self.settings.status_timeout,
                    lane=name,
                )
            except BridgeError:
                pass  # slow or busy: the state stays as it is, a later call adopts it

        await asyncio.gather(*(adopt(name) for name in waiting))

    async def describe(self, name: str, live: bool) -> dict[str, Any]:
        if live:
            conn = await self._blocking(self.registry.check, name, lane=name)
            return self._with_mount(conn.describe())
        return self._with_mount(self.registry.get(name).describe())

    async def create_connection(self, body: Mapping[str, Any]) -> dict[str, Any]:
        check_ca_bundle(body.get("caBundle"))
        profile_fields = {k: v for k, v in body.items() if k not in ("password", "token")}
        conn = await self._blocking(self.registry.create, profile_fields)
        if body.get("password") or body.get("token"):
            try:
                return await self.login(
                    conn.name, {k: body[k] for k in ("username", "password", "token") if k in body}
                )
            except BridgeError:
                # Create-and-connect is one step for the UI: a failed login leaves no half-made profile.
                await self._blocking(self.registry.delete, conn.name)
                raise
        return conn.describe()

    async def update_connection(self, name: str, body: Mapping[str, Any]) -> dict[str, Any]:
        check_ca_bundle(body.get("caBundle"))
        conn = await self._blocking(self.registry.update, name, body, lane=name)
        self.masterdata.invalidate(name)
        return conn.describe()

    async def delete_connection(self, name: str) -> None:
        await self._blocking(self.registry.delete, name, lane=name)
        self.masterdata.invalidate(name)

    async def login(self, name: str, body: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(body) - {"username", "password", "token"}
        if unknown:
            raise InvalidInput(
                "unknown login fields", fields={k: "unknown field" for k in sorted(unknown)}
            )
        values = {k: body.get(k) for k in ("username", "password", "token")}
        for key, value in values.items():
            if value is not None and (not isinstance(value, str) or len(value) > 4096):
                raise InvalidInput(f"{key} must be a string", fields={key: "must be a string"})
        if values["token"] and values["password"]:
            raise InvalidInput(
                "give a password or a token, not both", fields={"token": "not with password"}
            )
        if not values["token"] and not values["password"]:
            raise InvalidInput("a password or a token is required", fields={"password": "required"})
        conn = await self._blocking(
            lambda: self.registry.login(
                name,
                username=values["username"],
                password=values["password"],
                token=values["token"],
            ),
            lane=name,
        )
        self.masterdata.invalidate(name)
        return conn.describe()

    async def logout(self, name: str) -> dict[str, Any]:
        await self._blocking(self.mounts.unmount, name)  # the mount's login ends with ours
        conn = await self._blocking(self.registry.logout, name, lane=name)
        return self._with_mount(conn.describe())

    # --- data store mounts and links: mount_service.MountService -------------------------

    # --- browse --------------------------------------------------------------------------

    async def spaces(self, name: str, offset: int, limit: int) -> dict[str, Any]:
        return await self.call(name, lambda c: browse.list_spaces(c, offset, limit))

    async def projects(
        self, name: str, space: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        space = _optional_code(space, "space")
        return await self.call(name, lambda c: browse.list_projects(c, space, offset, limit))

    async def experiments(
        self, name: str, project: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        project = browse.check_ref(project, "project") if project is not None else None
        return await self.call(name, lambda c: browse.list_experiments(c, project, offset, limit))

    async def samples(
        self, name: str, query: Mapping[str, str | None], offset: int, limit: int
    ) -> dict[str, Any]:
        experiment = (
            browse.check_ref(query["experiment"], "experiment")
            if query.get("experiment") is not None
            else None
        )
        project = (
            browse.check_ref(query["project"], "project")
            if query.get("project") is not None
            else None
        )
        space = _optional_code(query.get("space"), "space")
        return await self.call(
            name,
            lambda c: browse.list_samples(
                c, experiment=experiment, project=project, space=space, offset=offset, limit=limit
            ),
        )

    async def datasets(
        self, name: str, experiment: str | None, sample: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        experiment = browse.check_ref(experiment, "experiment") if experiment is not None else None
        sample = browse.check_ref(sample, "sample") if sample is not None else None
        if experiment is None and sample is None:
            raise InvalidInput(
                "give an experiment or a sample", fields={"experiment": "required (or sample)"}
            )
        return await self.call(
            name,
            lambda c: browse.list_datasets(
                c, experiment=experiment, sample=sample, offset=offset, limit=limit
            ),
        )

    async def search(
        self, name: str, query: str | None, kinds: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        if not isinstance(query, str) or not query.strip() or len(query) > browse.MAX_QUERY_LENGTH:
            raise InvalidInput("q must be 1-200 characters", fields={"q": "required"})
        if any(ord(ch) < 32 for ch in query):
            raise InvalidInput("q contains control characters", fields={"q": "control characters"})
        wanted = parse_list(kinds, "kinds", allowed=SEARCH_KINDS) if kinds else list(SEARCH_KINDS)
        if not wanted:
            raise InvalidInput(
                f"kinds must be among {', '.join(SEARCH_KINDS)}", fields={"kinds": "invalid"}
            )
        return await self.call(name, lambda c: browse.search(c, query, wanted, offset, limit))

    async def dataset(self, name: str, perm_id: str) -> dict[str, Any]:
        if not browse.PERM_ID_RE.fullmatch(perm_id):
            raise InvalidInput("not a data-set permId", fields={"permId": "invalid"})
        return await self.call(name, lambda c: browse.dataset_detail(c, perm_id))

    async def dataset_types(self, name: str, refresh: bool) -> dict[str, Any]:
        types = await self.call(
            name,
            lambda c: self.masterdata.get(
                name, lambda: masterdata.fetch_dataset_types(c), refresh=refresh
            ),
        )
        return {"dataSetTypes": [t.to_json() for t in types]}

    # --- jobs ----------------------------------------------------------------------------

    def list_jobs(self) -> list[dict[str, Any]]:
        return [job.to_json() for job in self.jobs.all()]

    async def job(self, job_id: str, wait: str | None = None) -> dict[str, Any]:
        """A job's state; with ``wait`` (seconds, as sent) a long poll that ends with the job."""
        job = self.jobs.get(job_id)
        if wait is not None:
            await job.wait(parse_wait(wait))
        return job.to_json()

    def cancel_job(self, job_id: str) -> dict[str, Any]:
        return self.jobs.cancel(job_id).to_json()

    async def start_download(self, name: str, body: Mapping[str, Any]) -> Job:
        self.registry.get(name)  # 404 before anything else
        request = parse_download_request(name, body, self.settings)
        # 202 at once: looking the files up is the job's first step (an unknown data set
        # or a conflict ends the job with the error a 4xx would have carried).
        return self.jobs.start(
            "download",
            name,
            {
                "permIds": list(request.perm_ids),
                "destination": request.destination.as_posix(),
                "body": resubmittable(body),  # Retry from the job list
            },
            lambda job: self._downloader.run(job, request),
        )

    async def start_rerun(self, name: str, body: Mapping[str, Any]) -> Job:
        """Re-run a saved notebook in its recorded environment (docs/rerun.md), as a job."""
        request = parse_rerun_request(body)
        self.registry.get(name)
        runner = RerunRunner(
            self.registry, root=self.settings.root_dir, timeout=self.settings.request_timeout
        )
        return self.jobs.start(
            "rerun", name, {"permId": request.perm_id}, lambda job: runner.run(job, request)
        )

    async def start_save(self, name: str, body: Mapping[str, Any]) -> Job:
        plan = await self._blocking(self._save_plan, name, dict(body), lane=name)
        return self.jobs.start(
            "upload",
            name,
            {
                "type": plan.type_code,
                "owner": plan.owner_label,
                "files": plan.upload_names(),
                "body": resubmittable(body),  # Retry from the job list
            },
            lambda job: self._audited_save(job, plan),
        )

    def _audited_save(self, job: Job, plan: SavePlan) -> dict[str, Any]:
        try:
            result = self._uploader.run(job, plan)
        except BridgeError as exc:
            audit.info(
                "openBIS save to %r (%s) failed: %s", plan.connection, plan.owner_label, exc.reason
            )
            raise
        audit.info(
            "openBIS save to %r: saved %s (%s, %d files) in %s",
            plan.connection,
            result["permId"],
            plan.type_code,
            len(plan.files),
            plan.owner_label,
        )
        return result

    def _save_plan(self, name: str, body: dict[str, Any]) -> SavePlan:
        """Everything that can be wrong is found here, before a single byte is uploaded."""
        allowed = {
            "notebookPath",
            "files",
            "type",
            "experiment",
            "sample",
            "parents",
            "properties",
            "includeEnvironment",
            "environment",
        }
        unknown = set(body) - allowed
        if unknown:
            raise InvalidInput(
                "unknown fields", fields={k: "unknown field" for k in sorted(unknown)}
            )
        self.registry.get(name)
        type_code = check_code(body.get("type", self.settings.default_dataset_type), "type")
        include_env = body.get("includeEnvironment", True)
        if not isinstance(include_env, bool):
            raise InvalidInput(
                "includeEnvironment must be true or false",
                fields={"includeEnvironment": "must be a boolean"},
            )
        owner_kind, owner_ref = owner_from_request(body)
        environment = parse_environment(body.get("environment")) if include_env else {}
        files, empty_dirs = collect_files(
            self.settings.root_dir,
            body.get("notebookPath"),
            body.get("files"),
            include_env and not environment,  # captured files replace the folder's
            allow_hidden=self.settings.allow_hidden,
            max_files=self.settings.max_upload_files,
        )

        def validate(client: BridgeOpenbis) -> tuple[Any, ...]:
            if client.api_version() < (3, 6):
                raise Conflict("saving needs openBIS API 3.6 or later")
            info = self.masterdata.get_type(
                name, type_code, lambda: masterdata.fetch_dataset_types(client)
            )
            properties = coerce_properties(info, body.get("properties"))
            owner_id, owner_label = resolve_owner(client, owner_kind, owner_ref)
            parents = check_parents(client, body.get("parents"))
            return properties, owner_id, owner_label, parents, client.url

        properties, owner_id, owner_label, parents, url = self.registry.call(name, validate)
        return SavePlan(
            connection=name,
            type_code=type_code,
            owner_kind=owner_kind,
            owner_id=owner_id,
            owner_label=owner_label,
            parents=parents,
            properties=properties,
            files=tuple(files),
            empty_dirs=tuple(empty_dirs),
            instance_url=url,
            environment=environment,
        )

    # --- env files -----------------------------------------------------------------------

    async def write_env_files(
        self, contents_manager: Any, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        files = plan_env_files(dict(body), allow_hidden=self.settings.allow_hidden)
        written = await write_env_files(self.settings.root_dir, files, contents_manager)
        return {"written": written}

    # --- kernels and their provenance records (see docs/kernel-session.md) ----------------

    def check_kernel_transport(
        self, headers: Mapping[str, str], *, token_authenticated: bool
    ) -> None:
        """Kernel routes answer programs holding the Jupyter token, never a browser page."""
        check_transport(headers, token_authenticated=token_authenticated)

    async def kernel_session(
        self, body: Mapping[str, Any], kernel_key: KernelKey
    ) -> dict[str, Any]:
        """The openBIS session a kernel of this server asks for (body: a kernel claim)."""
        return await self.kernel_sessions.claimed_session(body, kernel_key)

    async def kernel_provenance(
        self,
        body: Mapping[str, Any],
        kernel_key: KernelKey,
        *,
        session_manager: Any,
        kernel_connections: Mapping[str, int] | None,
        contents_manager: Any,
        event_logger: Any,
    ) -> dict[str, Any]:
        """Record a kernel's finished job in its notebook, or queue it for the open editor."""
        return await self.kernel_sessions.claimed_record(
            body,
            kernel_key,
            session_manager=session_manager,
            kernel_connections=kernel_connections,
            contents_manager=contents_manager,
            event_logger=event_logger,
        )

    def pending_records(self, path: str | None) -> dict[str, Any]:
        """Records queued for the open notebook at ``path`` (a raw query value)."""
        notebook = self._notebook_path(path)
        pending = self.kernel_sessions.pending
        return {
            "path": notebook,
            "downloads": pending.list(notebook, "downloads"),
            "uploads": pending.list(notebook, "uploads"),
        }

    def acknowledge_records(self, path: str | None, ids: str | None) -> dict[str, Any]:
        """Drop the queued records ``ids`` (comma-separated) that the frontend has merged."""
        notebook = self._notebook_path(path)
        wanted = parse_list(ids, "ids") or []
        if not wanted:
            raise InvalidInput("ids is required", fields={"ids": "required"})
        return {"removed": self.kernel_sessions.pending.acknowledge(notebook, wanted)}

    def _notebook_path(self, raw: str | None) -> str:
        if raw is None:
            raise InvalidInput("path is required", fields={"path": "required"})
        return parse_relative(raw, "path", allow_hidden=self.settings.allow_hidden).as_posix()


def _known_hosts_file(settings: BridgeSettings) -> Path:
    """Host keys of the data stores mounted from this server (not secrets; never in the root)."""
    base = settings.runtime_dir or Path(jupyter_data_dir())
    return Path(base) / "openbis-bridge-known_hosts"


def _pybis_version() -> str | None:
    try:
        return importlib.metadata.version("pybis")
    except importlib.metadata.PackageNotFoundError:
        return None


def _optional_code(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    if not browse.CODE_RE.fullmatch(value):
        raise InvalidInput(f"{field} is not a valid code", fields={field: "invalid"})
    return value


def parse_paging(offset: str | None, limit: str | None, default_limit: int = 50) -> tuple[int, int]:
    def number(raw: str | None, field: str, default: int, low: int, high: int) -> int:
        if raw is None:
            return default
        value = whole_number(raw, field)  # ASCII digits only
        if not low <= value <= high:
            raise InvalidInput(
                f"{field} must be between {low} and {high}", fields={field: "out of range"}
            )
        return value

    return number(offset, "offset", 0, 0, 10**8), number(limit, "limit", default_limit, 1, MAX_PAGE)


def parse_connection_name(raw: str) -> str:
    """A connection name from a route, checked as profile names are."""
    try:
        return validate_name(raw)
    except ProfileError as exc:
        raise InvalidInput("invalid connection name", fields={"name": exc.message}) from None


def parse_wait(raw: str) -> float:
    """The ``wait`` of a job long poll: 0 to ``MAX_WAIT_SECONDS`` seconds."""
    wait = seconds(raw, "wait")
    if not 0 <= wait <= MAX_WAIT_SECONDS:
        raise InvalidInput(
            f"wait must be 0-{MAX_WAIT_SECONDS:g} seconds", fields={"wait": "out of range"}
        )
    return wait
