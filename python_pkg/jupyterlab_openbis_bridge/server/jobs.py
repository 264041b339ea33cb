"""Background jobs (downloads, uploads): progress, cancellation, completion events.

Work runs in the transfer pool; progress counters are written by the worker
thread and read by handlers, guarded by a small lock. Every change is pushed to
frontends through jupyter_server's event bus (schema ``job_event_schema.json``,
at most one event per job every ``EVENT_INTERVAL`` seconds plus one per state
change); completion is also signalled to the event loop so HTTP clients can
long-poll (``?wait=``), the fallback after an event socket reconnects.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..errors import BridgeError, Cancelled, Conflict, NotFound
from .executor import BlockingRunner

log = logging.getLogger(__name__)

QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED = (
    "queued",
    "running",
    "succeeded",
    "failed",
    "cancelled",
)
TERMINAL = frozenset({SUCCEEDED, FAILED, CANCELLED})

JOB_EVENT_SCHEMA_FILE = Path(__file__).with_name("job_event_schema.json")
JOB_EVENT_SCHEMA_ID = "https://events.jupyter.org/jupyterlab_openbis_bridge/job"
# Seconds between two progress events of one job: a transfer view needs no more,
# and a fast download must not flood every open page's event socket.
EVENT_INTERVAL = 0.25

Publisher = Callable[["Job"], None]


def resubmittable(body: Mapping[str, Any]) -> dict[str, Any]:
    """A validated request body as kept in the job list, so Retry works after a page reload.

    The download and save routes carry no secrets (logins go through their own
    routes); a JSON round trip keeps only plain data.
    """
    return json.loads(json.dumps(dict(body)))


class Job:
    def __init__(
        self,
        kind: str,
        connection: str,
        loop: asyncio.AbstractEventLoop,
        description: dict[str, Any],
    ) -> None:
        self.id = uuid.uuid4().hex
        self.kind = kind
        self.connection = connection
        self.description = description
        self.state = QUEUED
        self.bytes_done = 0
        self.bytes_total: int | None = None
        self.files_done = 0
        self.files_skipped = 0
        self.files_total: int | None = None
        self.current_file: str | None = None
        self.result: dict[str, Any] | None = None
        self.error: dict[str, Any] | None = None
        self.created = time.time()
        self.finished: float | None = None
        self.cancel_requested = threading.Event()
        self._lock = threading.Lock()
        self._loop = loop
        self._done = asyncio.Event()
        self._publish: Publisher | None = None
        self._event_pending = False
        self._last_event = 0.0

    # --- called from the worker thread ------------------------------------------------------

    def set_totals(self, *, files: int, size: int) -> None:
        with self._lock:
            self.files_total, self.bytes_total = files, size
        self._changed()

    def add_bytes(self, count: int) -> None:
        with self._lock:
            self.bytes_done += count
        self._changed()

    def file_done(self, *, skipped: bool = False) -> None:
        with self._lock:
            self.files_done += 1
            self.files_skipped += int(skipped)
        self._changed()

    def set_current(self, name: str | None) -> None:
        with self._lock:
            self.current_file = name
        self._changed()

    def set_running(self) -> None:
        with self._lock:
            self.state = RUNNING
        self._changed()

    def check_cancelled(self) -> None:
        """Raise ``Cancelled`` at a safe point if someone asked to cancel."""
        if self.cancel_requested.is_set():
            raise Cancelled("the job was cancelled")

    def _finish(
        self,
        state: str,
        *,
        result: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
    ) -> None:
        with self._lock:
            self.state, self.result, self.error = state, result, error
            self.finished = time.time()
            self.current_file = None
        self._loop.call_soon_threadsafe(self._done.set)
        self._changed()

    def _changed(self) -> None:
        """Schedule one event on the loop; later changes ride along with it.

        The event is built when it is sent, so the last change before a quiet spell
        (and the final state) always goes out, at most ``EVENT_INTERVAL`` late.
        """
        if self._publish is None:
            return
        with self._lock:
            if self._event_pending:
                return
            self._event_pending = True
            delay = max(0.0, self._last_event + EVENT_INTERVAL - time.monotonic())
        if self.state in TERMINAL:
            delay = 0.0
        try:
            self._loop.call_soon_threadsafe(self._loop.call_later, delay, self._send_event)
        except RuntimeError:  # the loop has closed: the server is shutting down
            pass

    # --- event-loop side --------------------------------------------------------------------

    async def wait(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self._done.wait(), timeout)
        except asyncio.TimeoutError:
            pass

    def _send_event(self) -> None:
        publish = self._publish
        with self._lock:
            self._event_pending = False
            self._last_event = time.monotonic()
        if publish is not None:
            try:
                publish(self)
            except Exception:  # a broken listener must never stop a transfer
                log.exception("openBIS bridge: could not publish the progress of job %s", self.id)

    def event_json(self) -> dict[str, Any]:
        """The job's progress as its event carries it: no request body, no result."""
        data = self.to_json()
        del data["request"], data["result"]
        return data

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {
                "id": self.id,
                "kind": self.kind,
                "connection": self.connection,
                "state": self.state,
                "bytesDone": self.bytes_done,
                "bytesTotal": self.bytes_total,
                "filesDone": self.files_done,
                "filesSkipped": self.files_skipped,
                "filesTotal": self.files_total,
                "currentFile": self.current_file,
                "request": self.description,
                "result": self.result,
                "error": self.error,
                "created": self.created,
                "finished": self.finished,
            }


class JobManager:
    def __init__(self, runner: BlockingRunner, *, keep_finished: int = 200) -> None:
        self._runner = runner
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._keep_finished = keep_finished
        self._lock = threading.Lock()
        self._publish: Publisher | None = None

    def publish_to(self, event_logger: Any) -> None:
        """Push every job's progress through jupyter_server's event bus from now on."""
        if JOB_EVENT_SCHEMA_ID not in event_logger.schemas.schema_ids:
            event_logger.register_event_schema(JOB_EVENT_SCHEMA_FILE)

        def publish(job: Job) -> None:
            event_logger.emit(schema_id=JOB_EVENT_SCHEMA_ID, data=job.event_json())

        self._publish = publish

    def start(
        self,
        kind: str,
        connection: str,
        description: dict[str, Any],
        work: Callable[[Job], dict[str, Any]],
    ) -> Job:
        job = Job(kind, connection, asyncio.get_running_loop(), description)
        job._publish = self._publish
        job._changed()
        with self._lock:
            self._jobs[job.id] = job
            self._prune()
        self._runner.submit_transfer(lambda: self._run(job, work))
        return job

    def _run(self, job: Job, work: Callable[[Job], dict[str, Any]]) -> None:
        if job.cancel_requested.is_set():
            job._finish(CANCELLED, error=Cancelled("the job was cancelled").to_json())
            return
        job.set_running()
        try:
            result = work(job)
        except Cancelled as exc:
            job._finish(CANCELLED, error=exc.to_json())
        except BridgeError as exc:
            job._finish(FAILED, error=exc.to_json())
        except Exception:  # a bug must still end the job, never leave it "running"
            log.exception("openBIS bridge %s job %s crashed", job.kind, job.id)
            job._finish(FAILED, error={"message": "internal error", "reason": "internal_error"})
        else:
            job._finish(SUCCEEDED, result=result)

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(f"no job {job_id!r}")
        return job

    def all(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())

    def cancel(self, job_id: str) -> Job:
        job = self.get(job_id)
        if job.state in TERMINAL:
            raise Conflict(f"job {job_id} has already {job.state}")
        job.cancel_requested.set()
        return job

    def cancel_all(self) -> None:
        for job in self.all():
            job.cancel_requested.set()

    def _prune(self) -> None:
        finished = [jid for jid, job in self._jobs.items() if job.state in TERMINAL]
        for jid in finished[: max(0, len(finished) - self._keep_finished)]:
            del self._jobs[jid]
