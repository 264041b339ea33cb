"""Follow a server job from a background thread, so widget callbacks return at once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..client import BridgeClient


def progress_fraction(job: dict[str, Any]) -> float:
    total = job.get("bytesTotal") or 0
    if job.get("state") == "succeeded":
        return 1.0
    return min(1.0, (job.get("bytesDone") or 0) / total) if total else 0.0


def progress_bar() -> widgets.FloatProgress:
    return widgets.FloatProgress(
        value=0.0, min=0.0, max=1.0, description="", layout=widgets.Layout(width="100%")
    )


class JobFollower:
    """Long-polls one job; ``on_progress(job)`` while it runs, ``on_end(job | None, error)`` once."""

    def __init__(
        self,
        client: BridgeClient,
        job_id: str,
        on_progress: Callable[[dict[str, Any]], None],
        on_end: Callable[[dict[str, Any] | None, BaseException | None], None],
    ) -> None:
        self.done = threading.Event()
        self._client, self._job_id = client, job_id
        self._on_progress, self._on_end = on_progress, on_end
        self._thread = threading.Thread(
            target=self._run, name=f"openbis-job-{job_id[:8]}", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        job: dict[str, Any] | None = None
        error: BaseException | None = None
        try:
            job = self._client.wait_job(self._job_id, on_progress=self._on_progress)
        except Exception as exc:  # shown in the widget; a thread has no caller to raise to
            error = exc
        try:
            self._on_end(job, error)
        finally:
            self.done.set()
