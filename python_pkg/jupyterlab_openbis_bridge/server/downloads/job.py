"""A download job from start to end: plan, fetch by shape, verify, and clean up on cancel.

Planning runs inside the job (``POST .../downloads`` answers 202 at once). The files are
then fetched by the shape of the job: when it has at least ``FAST_MIN_FILES`` files of
at most one chunk, those go through the fast-download protocol (``fast``), a few
requests for thousands of files; the rest, and every file of a job with only a few,
go through the plain file servlet, ``FILE_STREAMS`` files at a time (``plain``), where
one stream per large file keeps up with curl.

Cancelling cuts the job's sockets (``wire.Wire.abort``) within ``CANCEL_POLL_S``, so a
transfer blocked on a stalled openBIS ends at once, and then removes what the job
created: its temporary files always, its verified files and the folders it made unless
the request asked to keep partial downloads (a retry then skips those files). A job
that fails for another reason keeps its verified files, so a retry resumes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed, wait
from pathlib import Path
from typing import Any, TypeVar

from ...errors import Cancelled, SessionExpired
from ...openbis_client import BridgeOpenbis
from ..connections import ConnectionRegistry
from ..jobs import Job
from .fast import FastDownload, FastDownloadUnavailable, suits_fast_download
from .local import LocalTarget
from .plain import fetch_plain
from .plan import DownloadPlan, PlannedFile, Planner
from .request import DownloadRequest
from .session import SessionInfo, SharedSession, Stopped, with_renewal
from .wire import Wire

T = TypeVar("T")
FILE_STREAMS = 4  # plain GETs of one job at the same time
FAST_MIN_FILES = 8  # below this, per-file GETs cost less than a fast-download session
CANCEL_POLL_S = 0.1


class Downloader:
    def __init__(
        self, registry: ConnectionRegistry, root: Path, *, allow_hidden: bool, timeout: float
    ) -> None:
        self._registry = registry
        self._root = root
        self._timeout = timeout
        self._planner = Planner(registry, root, allow_hidden=allow_hidden)

    def run(self, job: Job, request: DownloadRequest) -> dict[str, Any]:
        plan = self._planner.plan(request)
        total = plan.files + plan.present
        job.set_totals(files=len(total), size=sum(item.size for item in total))
        for item in plan.present:
            job.add_bytes(item.size)
            job.file_done(skipped=True)
        sessions = SharedSession(lambda renew: self._session(request.connection, renew))
        info = sessions.get()  # fail fast, before any thread starts, when the connection is down
        wire = Wire(info.verify, self._timeout)
        target = LocalTarget(self._root, job.id)
        finished = threading.Event()
        watcher = threading.Thread(
            target=_cut_on_cancel, args=(job, wire, finished), name="openbis-cancel", daemon=True
        )
        watcher.start()
        try:
            self._fetch(job, request, plan, sessions, wire, target)
        except Cancelled:
            if not request.keep_partial:
                target.remove_created()
            raise
        finally:
            finished.set()
            watcher.join()
            target.close()
        return {"dataSets": plan.listing}

    def _fetch(
        self,
        job: Job,
        request: DownloadRequest,
        plan: DownloadPlan,
        sessions: SharedSession,
        wire: Wire,
        target: LocalTarget,
    ) -> None:
        small = [item for item in plan.files if suits_fast_download(item)]
        rest = list(plan.files)
        if len(small) >= FAST_MIN_FILES:
            stop = threading.Event()

            def call(fn: Callable[[BridgeOpenbis], T]) -> T:
                return self._registry.call(request.connection, fn)

            try:
                # After a renewal only what is not written yet is fetched again.
                with_renewal(
                    sessions,
                    lambda _: FastDownload(
                        _missing(small, target), target, job, wire, stop, call
                    ).run(),
                )
                chosen = {id(item) for item in small}  # by identity: one pass, not n x n compares
                rest = [item for item in plan.files if id(item) not in chosen]
            except FastDownloadUnavailable:
                rest = _missing(plan.files, target)  # what it did not write goes the plain way
        job.check_cancelled()
        self._fetch_plain(job, rest, sessions, wire, target)

    def _fetch_plain(
        self,
        job: Job,
        items: list[PlannedFile],
        sessions: SharedSession,
        wire: Wire,
        target: LocalTarget,
    ) -> None:
        failed = threading.Event()
        local = threading.local()
        info = sessions.get()
        opened: list[Any] = []

        def fetch_one(item: PlannedFile) -> None:
            if failed.is_set():
                return
            job.check_cancelled()
            job.set_current(item.api_path)
            if not hasattr(local, "conn"):  # one kept-alive connection per thread
                local.conn = wire.connect(info.dss_url)
                opened.append(local.conn)
            try:
                with_renewal(
                    sessions,
                    lambda session: fetch_plain(local.conn, session, item, target, job, failed),
                )
            except Stopped:
                return
            job.file_done()

        # Several files at once: per-file round trips dominate for many small files; a
        # failure stops the others at their next block.
        with ThreadPoolExecutor(FILE_STREAMS, thread_name_prefix="openbis-file") as pool:
            futures = [pool.submit(fetch_one, item) for item in items]
            try:
                for future in as_completed(futures):
                    future.result()
            except BaseException:
                failed.set()
                for future in futures:
                    future.cancel()
                raise
            finally:
                wait(futures)
                for conn in opened:
                    wire.release(conn)

    def _session(self, connection: str, renew: bool = False) -> SessionInfo:
        def current(client: BridgeOpenbis) -> SessionInfo:
            if renew and not client.is_session_active():
                raise SessionExpired("the openBIS session has expired")  # the registry renews it
            return SessionInfo(client.token, client.dss_url(), client.verify)

        return self._registry.call(connection, current)


def _missing(
    items: list[PlannedFile] | tuple[PlannedFile, ...], target: LocalTarget
) -> list[PlannedFile]:
    written = target.written()
    return [item for item in items if (item.folder, item.name) not in written]


def _cut_on_cancel(job: Job, wire: Wire, finished: threading.Event) -> None:
    """Watch for a cancel while the job runs; cut its sockets within ``CANCEL_POLL_S`` of one.
    Waiting on ``finished`` (not on the cancel) lets the job's end wake it at once."""
    while not finished.wait(CANCEL_POLL_S):
        if job.cancel_requested.is_set():
            wire.abort()
            return
