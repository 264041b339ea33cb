"""Execute phase: run the notebook with nbclient in a kernel of the re-run's venv.

The kernel is described by a kernelspec written into the work folder (so nothing is
installed for the user) and starts in the notebook's folder, where the inputs were laid
out. Errors in cells do not stop the run: they are outputs to compare like any other.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .model import Progress, RerunCancelled, RerunFailed, RerunOptions

PHASE = "execute"
KERNEL_NAME = "openbis-rerun"


def _kernelspec(folder: Path, python: Path) -> Path:
    spec = folder / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "openBIS re-run",
                "language": "python",
            }
        )
    )
    return folder


def cleared(notebook: Mapping[str, Any]) -> dict[str, Any]:
    """The notebook with no outputs and no execution counts, ready to run again."""
    fresh = copy.deepcopy(dict(notebook))
    for cell in fresh.get("cells") or []:
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return fresh


def execute_notebook(
    notebook: Mapping[str, Any],
    folder: Path,
    python: Path,
    kernels: Path,
    options: RerunOptions,
    progress: Progress,
    kernel_env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Run every code cell in ``folder``; returns the executed notebook (nbformat JSON)."""
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    # reads() (not from_dict) joins multi-line sources the way nbclient expects them.
    node = nbformat.reads(json.dumps(cleared(notebook)), as_version=4)
    total = sum(1 for c in node.cells if c.cell_type == "code")
    specs = KernelSpecManager(kernel_dirs=[str(_kernelspec(kernels, python))])
    manager = KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)
    done = 0

    def started(cell: Any, cell_index: int) -> None:
        if options.cancelled():
            raise RerunCancelled(PHASE)
        first = "".join(cell.source).strip().splitlines()
        progress(PHASE, done, total, f"cell {cell_index + 1}: {first[0][:60] if first else ''}")

    def executed(cell: Any, cell_index: int, execute_reply: Any) -> None:
        nonlocal done
        done += 1
        progress(PHASE, done, total, f"cell {cell_index + 1} done")

    client = NotebookClient(
        node,
        km=manager,
        timeout=options.cell_timeout,
        allow_errors=True,
        resources={"metadata": {"path": str(folder)}},
        on_cell_start=started,
        on_cell_executed=executed,
    )
    env = {**os.environ, **(kernel_env or {})}
    try:
        client.execute(cwd=str(folder), env=env)
    except RerunCancelled:
        raise
    except CellTimeoutError as exc:
        raise RerunFailed(PHASE, "a cell ran longer than the cell timeout", str(exc)) from None
    except DeadKernelError as exc:
        raise RerunFailed(PHASE, "the kernel died", str(exc)) from None
    except RuntimeError as exc:  # the kernel did not start
        raise RerunFailed(PHASE, "the kernel could not be started", str(exc)) from None
    return json.loads(nbformat.writes(node))
