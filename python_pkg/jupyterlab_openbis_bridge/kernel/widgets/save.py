""" "Save this notebook to openBIS": the Save dialog's form as ipywidgets.

Validation is the server's (``properties.py`` through the save route): every
problem comes back at once as ``fields`` and is shown beside its input.
Parents default to the data sets recorded as downloaded in the notebook.
The environment (``requirements.txt``/``runtime.txt``) is captured here, in the kernel, by
the same code the Save dialog sends to the kernel (``environment_capture``).
"""

from __future__ import annotations

import json
import threading
from html import escape
from typing import Any

import ipywidgets as widgets
import traitlets

from ... import environment_capture
from ..client import BridgeAPIError, BridgeClient, BridgeUnavailable, get_client
from ..data import job_error
from ._job import JobFollower, progress_bar, progress_fraction

DEFAULT_TYPE = "ANALYSIS_NOTEBOOK"
ERROR_STYLE = "color: var(--jp-error-color1, #d32f2f)"
CAPTURE_MODES = [
    ("imported: what this kernel imported, and what that needs", "imported"),
    ("full: every package installed in this kernel", "full"),
]


def captured_environment(mode: str) -> dict[str, str]:
    """This kernel's ``requirements.txt`` and ``runtime.txt`` texts, as a save request carries them."""
    payload = environment_capture.capture(mode)
    return {
        "requirements": environment_capture.requirements_text(payload),
        "runtime": environment_capture.runtime_line(payload),
    }


def property_input(prop: dict[str, Any]) -> widgets.ValueWidget:
    """A plain input per data type; values go to the server as typed (it coerces and checks)."""
    label = f"{prop.get('label') or prop['code']}{' *' if prop.get('mandatory') else ''}"
    common = {
        "description": label,
        "description_tooltip": prop.get("description") or prop["code"],
        "style": {"description_width": "12em"},
        "layout": widgets.Layout(width="100%"),
    }
    kind = prop.get("dataType")
    if kind == "CONTROLLEDVOCABULARY" and not prop.get("multiValue"):
        options = [("", "")] + [
            (t.get("label") or t["code"], t["code"]) for t in prop.get("terms") or []
        ]
        return widgets.Dropdown(options=options, value="", **common)
    if kind == "BOOLEAN":
        return widgets.Dropdown(options=[("", ""), ("yes", "true"), ("no", "false")], **common)
    if kind in ("MULTILINE_VARCHAR", "XML", "JSON"):
        return widgets.Textarea(**common)
    hints = {"DATE": "YYYY-MM-DD", "TIMESTAMP": "2025-01-23T08:00:00Z", "HYPERLINK": "https://…"}
    return widgets.Text(placeholder=hints.get(str(kind), ""), **common)


def recorded_parents(client: BridgeClient, notebook_path: str | None) -> list[str]:
    """permIds this notebook recorded as downloaded (its saved file; both metadata keys)."""
    if not notebook_path:
        return []
    try:
        metadata = json.loads(client.local_path(notebook_path).read_text("utf-8"))["metadata"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    ours = [d.get("permId") for d in (metadata.get("openbis") or {}).get("downloads") or []]
    legacy = list((metadata.get("datasets") or {}).keys())
    return [p for p in dict.fromkeys([*legacy, *ours]) if isinstance(p, str)]


def environment_inputs(mode: str) -> tuple[widgets.Checkbox, widgets.Dropdown]:
    """Whether to include the environment, and which packages it pins."""
    include = widgets.Checkbox(value=True, description="Include requirements.txt / runtime.txt")
    packages = widgets.Dropdown(
        options=CAPTURE_MODES,
        value=mode,
        description="Packages",
        style={"description_width": "12em"},
    )
    return include, packages


class SaveNotebookWidget(widgets.VBox):
    """Save the notebook (as last saved to disk) as a new openBIS data set."""

    result = traitlets.Dict(allow_none=True, default_value=None).tag(sync=False)
    field_errors = traitlets.Dict().tag(sync=False)

    def __init__(
        self,
        *,
        notebook_path: str | None = None,
        connection: str | None = None,
        experiment: str = "",
        sample: str = "",
        capture_mode: str = "imported",
        client: BridgeClient | None = None,
        **kwargs: Any,
    ) -> None:
        self.client = client or get_client()
        self.connection = self.client.resolve_connection(connection)
        self.notebook_path = notebook_path or self.client.notebook_path()
        self.error: BaseException | None = None
        self.provenance: dict[str, Any] | None = None
        self._finished = threading.Event()
        self._types = {t["code"]: t for t in self.client.dataset_types(self.connection)}
        self._inputs: dict[str, widgets.ValueWidget] = {}
        self._errors: dict[str, widgets.HTML] = {}
        style = {"description_width": "12em"}
        wide = widgets.Layout(width="100%")
        codes = sorted(self._types)
        self.type = widgets.Dropdown(
            options=codes,
            value=DEFAULT_TYPE if DEFAULT_TYPE in codes else (codes[0] if codes else None),
            description="Data-set type",
            style=style,
        )
        self.experiment = widgets.Text(
            value=experiment, description="Experiment", style=style, layout=wide
        )
        self.sample = widgets.Text(
            value=sample, description="or object (sample)", style=style, layout=wide
        )
        self.parents = widgets.Text(
            value=", ".join(recorded_parents(self.client, self.notebook_path)),
            description="Parents",
            style=style,
            layout=wide,
        )
        self.files = widgets.Text(
            description="Also upload",
            placeholder="paths, comma-separated",
            style=style,
            layout=wide,
        )
        self.include_environment, self.capture_mode = environment_inputs(capture_mode)
        self.properties = widgets.VBox()
        self.save_button = widgets.Button(description="Save", icon="upload", button_style="primary")
        self.progress = progress_bar()
        self.status = widgets.HTML()
        self.save_button.on_click(lambda _: self.save())
        self.type.observe(lambda _: self._build_properties(), names="value")
        general = [self.experiment, self.sample, self.parents, self.files]
        for name, widget in zip(("experiment", "sample", "parents", "files"), general, strict=True):
            self._errors[name] = widgets.HTML()
            self._inputs[name] = widget
        target = escape(self.notebook_path or "(no notebook)")
        super().__init__(
            children=[
                widgets.HTML(f"Saving <code>{target}</code> to <b>{escape(self.connection)}</b>"),
                self.type,
                *[
                    w
                    for name in ("experiment", "sample", "parents", "files")
                    for w in (self._inputs[name], self._errors[name])
                ],
                self.include_environment,
                self.capture_mode,
                self.properties,
                self.save_button,
                self.progress,
                self.status,
            ],
            **kwargs,
        )
        self._build_properties()

    def set_property(self, code: str, value: str) -> None:
        self._inputs[f"properties.{code}"].value = value

    # --- actions -------------------------------------------------------------------------

    def body(self) -> dict[str, Any]:
        values = {
            key.removeprefix("properties."): widget.value
            for key, widget in self._inputs.items()
            if key.startswith("properties.") and widget.value not in ("", None)
        }
        body: dict[str, Any] = {
            "notebookPath": self.notebook_path,
            "type": self.type.value,
            "properties": values,
            "includeEnvironment": self.include_environment.value,
        }
        if self.include_environment.value:
            body["environment"] = captured_environment(self.capture_mode.value)
        for key, widget in (("experiment", self.experiment), ("sample", self.sample)):
            if widget.value.strip():
                body[key] = widget.value.strip()
        for key, widget in (("parents", self.parents), ("files", self.files)):
            items = [p.strip() for p in widget.value.split(",") if p.strip()]
            if items:
                body[key] = items
        return body

    def save(self) -> bool:
        """Validate on the server and start the upload; False with messages per field if refused."""
        self.error, self.result = None, None
        self._finished.clear()
        self._show_errors({})
        try:
            job = self.client.start_save(self.connection, self.body())
        except (BridgeAPIError, BridgeUnavailable) as exc:
            self.error = exc
            self._show_errors(getattr(exc, "fields", {}) or {})
            self._message(str(exc), error=True)
            self._finished.set()
            return False
        self.save_button.disabled = True
        self.progress.value, self.progress.bar_style = 0.0, ""
        self._message("Uploading…")
        JobFollower(self.client, job["id"], self._on_progress, self._on_end)
        return True

    def wait(self, timeout: float | None = None) -> dict[str, Any]:
        """Block until the save ended; the new data set (permId, url, …) or the error."""
        if not self._finished.wait(timeout):
            raise TimeoutError("the upload is still running")
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result

    # --- job events (background thread) ----------------------------------------------------

    def _on_progress(self, job: dict[str, Any]) -> None:
        self.progress.value = progress_fraction(job)

    def _on_end(self, job: dict[str, Any] | None, error: BaseException | None) -> None:
        if error is None and job is not None and job["state"] != "succeeded":
            error = job_error(job)
        if error is None and job is not None:
            self.result = dict(job["result"])
            self.progress.value, self.progress.bar_style = 1.0, "success"
            url = escape(str(self.result.get("url", "")))
            note = ""
            try:  # like the dialog: the notebook remembers what it was saved as
                self.provenance = self.client.record_job(job["id"])
            except (BridgeAPIError, BridgeUnavailable) as exc:
                note = f" (not recorded in the notebook: {escape(str(exc))})"
            self.status.value = (
                f'Saved as <a href="{url}" target="_blank" rel="noopener">'
                f"{escape(str(self.result.get('permId')))}</a>{note}"
            )
        else:
            self.error = error
            self.progress.bar_style = "danger"
            self._message(str(error), error=True)
        self.save_button.disabled = False
        self._finished.set()

    # --- rendering -----------------------------------------------------------------------

    def _build_properties(self) -> None:
        for key in [k for k in self._inputs if k.startswith("properties.")]:
            del self._inputs[key]
            self._errors.pop(key, None)
        rows: list[widgets.Widget] = []
        for prop in (self._types.get(self.type.value) or {}).get("properties", []):
            key = f"properties.{prop['code']}"
            self._inputs[key] = property_input(prop)
            self._errors[key] = widgets.HTML()
            rows.extend([self._inputs[key], self._errors[key]])
        self.properties.children = rows

    def _show_errors(self, fields: dict[str, str]) -> None:
        self.field_errors = dict(fields)
        for key, label in self._errors.items():
            problem = fields.get(key) or next(
                (v for k, v in fields.items() if k.startswith(f"{key}[")), ""
            )
            label.value = f'<span style="{ERROR_STYLE}">{escape(problem)}</span>' if problem else ""

    def _message(self, text: str, *, error: bool = False) -> None:
        style = ERROR_STYLE if error else ""
        self.status.value = f'<span style="{style}">{escape(text)}</span>'
