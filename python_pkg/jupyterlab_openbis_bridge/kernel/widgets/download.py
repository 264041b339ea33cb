"""Download widget: server download job with a progress bar, recorded in the notebook."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from html import escape
from typing import Any

import ipywidgets as widgets
import traitlets

from ..client import BridgeAPIError, BridgeClient, BridgeUnavailable, get_client
from ..data import DownloadResult, finish_download, job_error, start_download
from ._job import JobFollower, progress_bar, progress_fraction
from .picker import DataSetPicker


class DownloadWidget(widgets.VBox):
    """Download the chosen data sets (``perm_ids`` or a picker's selection).

    ``start()`` (the button) starts a server job; ``wait(timeout)`` blocks until it
    ends and returns a ``DownloadResult``. The download is recorded in the
    notebook's metadata, like one made from the Download dialog.
    """

    perm_ids = traitlets.Tuple().tag(sync=False)
    job = traitlets.Dict(allow_none=True, default_value=None).tag(sync=False)

    def __init__(
        self,
        perm_ids: Sequence[str] | DataSetPicker = (),
        *,
        destination: str | None = None,
        connection: str | None = None,
        record: bool = True,
        client: BridgeClient | None = None,
        **kwargs: Any,
    ) -> None:
        self._client = client
        self._connection = connection
        self._record = record
        self.result: DownloadResult | None = None
        self.error: BaseException | None = None
        self._follower: JobFollower | None = None
        self._finished = threading.Event()
        self.summary = widgets.HTML()
        self.destination = widgets.Text(
            value=destination or "",
            description="Folder",
            placeholder="data/ beside the notebook",
            layout=widgets.Layout(width="100%"),
        )
        self.overwrite = widgets.Checkbox(value=False, description="Replace changed files")
        self.download_button = widgets.Button(
            description="Download", icon="download", button_style="primary"
        )
        self.cancel_button = widgets.Button(description="Cancel", icon="stop", disabled=True)
        self.progress = progress_bar()
        self.status = widgets.HTML()
        self.download_button.on_click(lambda _: self.start())
        self.cancel_button.on_click(lambda _: self.cancel())
        super().__init__(
            children=[
                self.summary,
                self.destination,
                self.overwrite,
                widgets.HBox([self.download_button, self.cancel_button]),
                self.progress,
                self.status,
            ],
            **kwargs,
        )
        self.observe(self._show_selection, names="perm_ids")
        if isinstance(perm_ids, DataSetPicker):
            self._link = traitlets.dlink((perm_ids, "value"), (self, "perm_ids"))
        else:
            self.perm_ids = tuple(perm_ids)
        self._show_selection()

    @property
    def client(self) -> BridgeClient:
        if self._client is None:
            self._client = get_client()
        return self._client

    # --- actions -------------------------------------------------------------------------

    def start(self) -> bool:
        """Start the download; False (and a message) if the server refused it."""
        if self._follower is not None and not self._follower.done.is_set():
            return False
        if not self.perm_ids:
            self._message("Select at least one data set.", error=True)
            return False
        self.result, self.error = None, None
        self._finished.clear()
        try:
            _, job = start_download(
                list(self.perm_ids),
                connection=self._connection,
                destination=self.destination.value.strip() or None,
                overwrite=self.overwrite.value,
                client=self.client,
            )
        except (BridgeAPIError, BridgeUnavailable, ValueError) as exc:
            self.error = exc
            self._message(str(exc), error=True)
            self._finished.set()
            return False
        self.job = job
        self.progress.bar_style = ""
        self.progress.value = 0.0
        self.download_button.disabled = True
        self.cancel_button.disabled = False
        self._message("Downloading…")
        self._follower = JobFollower(self.client, job["id"], self._on_progress, self._on_end)
        return True

    def cancel(self) -> None:
        if self.job and self._follower and not self._follower.done.is_set():
            try:
                self.client.cancel(self.job["id"])
            except BridgeAPIError:
                pass  # it ended meanwhile; the follower reports how

    def wait(self, timeout: float | None = None) -> DownloadResult:
        """Block until the download ended; its result, or the error it failed with."""
        if not self._finished.wait(timeout):
            raise TimeoutError("the download is still running")
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result

    # --- job events (background thread) ----------------------------------------------------

    def _on_progress(self, job: dict[str, Any]) -> None:
        self.job = job
        self.progress.value = progress_fraction(job)
        if job.get("filesTotal"):
            self._message(f"Downloading… {job.get('filesDone', 0)} of {job['filesTotal']} files")

    def _on_end(self, job: dict[str, Any] | None, error: BaseException | None) -> None:
        try:
            if job is not None:
                self.job = job
            if error is None and job is not None and job["state"] != "succeeded":
                error = job_error(job)
            if error is None and job is not None:
                self.result = finish_download(job, record=self._record, client=self.client)
                self.progress.value, self.progress.bar_style = 1.0, "success"
                where = self.result.data_sets[0]["path"] if self.result.data_sets else ""
                delivery = (self.result.provenance or {}).get("delivery")
                note = {
                    "written": " and recorded them in the notebook",
                    "queued": " and recorded them for the open notebook",
                }.get(str(delivery), "")
                self._message(
                    f"Downloaded {len(self.result.data_sets)} data set(s) to {where}{note}."
                )
        except (BridgeAPIError, BridgeUnavailable) as exc:
            error = exc
        finally:
            if error is not None:
                self.error = error
                self.progress.bar_style = "danger"
                self._message(str(error), error=True)
            self.download_button.disabled = False
            self.cancel_button.disabled = True
            self._finished.set()

    # --- rendering -----------------------------------------------------------------------

    def _show_selection(self, *_: Any) -> None:
        count = len(self.perm_ids)
        self.summary.value = (
            f"<b>{count}</b> data set(s) selected" if count else "No data set selected"
        )

    def _message(self, text: str, *, error: bool = False) -> None:
        style = "color: var(--jp-error-color1, #d32f2f)" if error else ""
        self.status.value = f'<span style="{style}">{escape(text)}</span>'
