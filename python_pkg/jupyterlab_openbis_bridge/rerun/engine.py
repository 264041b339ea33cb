"""The re-run, phase by phase: fetch, environment, execute, compare (and save on request).

``rerun(client, options, progress)`` takes a logged-in pybis client (the command line's or
the server's) and returns a ``RerunReport``; anything that prevents a comparison raises
``RerunFailed`` (exit code 2). No tornado, no Jupyter server: both programs use it.

The work folder holds the laid-out notebook and inputs, the executed notebook
``<name>.rerun.ipynb`` beside the original, and ``.openbis-rerun/`` (venv, kernelspec,
downloads). Without ``keep`` the private ``.openbis-rerun/`` is removed at the end.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .compare import compare_notebooks
from .environment import build_environment
from .execute import execute_notebook
from .fetch import SavedNotebook, download, fetch_saved_notebook, get_dataset
from .layout import place_files, plan_layout
from .model import (
    Progress,
    RerunCancelled,
    RerunFailed,
    RerunOptions,
    RerunReport,
    no_progress,
)

PRIVATE = ".openbis-rerun"
T = TypeVar("T")


def rerun(
    client: Any,
    options: RerunOptions,
    progress: Progress = no_progress,
    kernel_env: dict[str, str] | None = None,
) -> RerunReport:
    workdir = options.workdir
    if workdir.exists() and any(workdir.iterdir()):
        raise RerunFailed("fetch", f"the work folder {workdir} is not empty")
    private = workdir / PRIVATE
    private.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}

    def timed(phase: str, work: Callable[[], T]) -> T:
        if options.cancelled():
            raise RerunCancelled(phase)
        start = time.monotonic()
        try:
            return work()
        finally:
            timings[phase] = round(time.monotonic() - start, 3)

    try:
        saved, notebook_path, inputs, notes = timed(
            "fetch", lambda: _fetch(client, options, private, progress)
        )
        python, env_info = timed(
            "environment",
            lambda: build_environment(
                private / "venv", saved.requirements, saved.runtime, options, progress
            ),
        )
        executed = timed(
            "execute",
            lambda: execute_notebook(
                saved.content,
                notebook_path.parent,
                python,
                private / "kernels",
                options,
                progress,
                kernel_env,
            ),
        )
        rerun_path = notebook_path.with_name(f"{notebook_path.stem}.rerun.ipynb")
        rerun_path.write_text(json.dumps(executed, indent=1) + "\n", encoding="utf-8")
        cells = timed("compare", lambda: compare_notebooks(saved.content, executed))
        report = RerunReport(
            options.perm_id, rerun_path, cells, env_info, timings, inputs, notes=notes
        )
        if options.save:
            report.saved_as = timed("save", lambda: save_rerun(client, saved, report, progress))
        return report
    finally:
        if not options.keep:
            shutil.rmtree(private, ignore_errors=True)


def _fetch(
    client: Any, options: RerunOptions, private: Path, progress: Progress
) -> tuple[SavedNotebook, Path, list[str], list[str]]:
    progress("fetch", 0, None, f"notebook data set {options.perm_id}")
    saved = fetch_saved_notebook(client, options.perm_id, private / "downloads")
    inputs = _inputs(saved)
    layout = plan_layout(options.workdir, saved.content, inputs)
    layout.notebook_folder.mkdir(parents=True, exist_ok=True)
    notebook_path = layout.notebook_folder / saved.name
    notebook_path.write_text(json.dumps(saved.content, indent=1) + "\n", encoding="utf-8")
    for done, perm in enumerate(inputs, start=1):
        progress("fetch", done - 1, len(inputs), f"input data set {perm}")
        folder = download(get_dataset(client, perm), None, private / "downloads" / "inputs")
        place_files(folder, layout, perm, options.workdir)
        progress("fetch", done, len(inputs), f"input data set {perm}")
    return saved, notebook_path, inputs, layout.notes


def _inputs(saved: SavedNotebook) -> list[str]:
    """The notebook data set's parents: what it read (previous notebook versions excluded)."""
    return [p for p in saved.parents if p != saved.perm_id]


def save_rerun(client: Any, saved: SavedNotebook, report: RerunReport, progress: Progress) -> str:
    """Register the re-run notebook; its parents are the original and the original's inputs."""
    progress("save", 0, 1, "registering the re-run notebook")
    if saved.owner is None:
        raise RerunFailed("save", f"{saved.perm_id} has no experiment or sample to save beside")
    kind, identifier = saved.owner
    name = saved.properties.get("$NAME") or saved.name
    properties = {"$name": f"{name} (re-run)"}
    notes = f"Re-run of {saved.perm_id}: {report.summary()}"
    if "NOTES" in _property_codes(client):
        properties["notes"] = notes
    try:
        dataset = client.new_dataset(
            type=saved.dataset.type.code,
            files=[str(report.notebook)],
            parents=[saved.perm_id, *report.parents],
            props=properties,
            **{kind: identifier},
        )
        dataset.save()
    except (ValueError, OSError) as exc:
        raise RerunFailed(
            "save", "openBIS did not register the re-run notebook", str(exc)
        ) from None
    progress("save", 1, 1, f"saved as {dataset.permId}")
    return str(dataset.permId)


def _property_codes(client: Any) -> set[str]:
    try:
        assigned = client.get_dataset_type("ANALYSIS_NOTEBOOK").get_property_assignments()
        return {str(code).upper() for code in assigned.df["code"]}
    except (ValueError, KeyError, AttributeError):
        return set()
