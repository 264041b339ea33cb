"""The re-run report as text for a terminal (the server sends ``RerunReport.as_json()``)."""

from __future__ import annotations

from .compare import DIFFERENT, ERROR, IDENTICAL, SKIPPED
from .model import RerunFailed, RerunReport

MARKS = {IDENTICAL: "=", DIFFERENT: "≠", ERROR: "!", SKIPPED: "-"}


def render_report(report: RerunReport) -> str:
    env = report.environment
    lines = [f"Re-run of {report.perm_id}"]
    lines.append(
        f"  environment: Python {env.used_python} ({env.installer}, "
        f"{env.requirements} requirements)"
        + (f"; recorded Python {env.recorded_python} DIFFERS" if env.python_differs else "")
    )
    lines.extend(f"  note: {note}" for note in [*env.notes, *report.notes])
    if report.parents:
        lines.append(f"  inputs: {', '.join(report.parents)}")
    lines.append("")
    for cell in report.cells:
        label = f"cell {cell.index + 1}" + (f" [{cell.cell_id}]" if cell.cell_id else "")
        lines.append(f"{MARKS[cell.verdict]} {label} {cell.verdict}: {cell.first_line}")
        lines.extend(f"    {line}" for line in cell.diff)
    lines.append("")
    lines.append(report.summary())
    lines.append(f"re-executed notebook: {report.notebook}")
    if report.saved_as:
        lines.append(f"saved as {report.saved_as}")
    timing = ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in report.timings.items())
    lines.append(f"time: {timing}")
    return "\n".join(lines)


def render_failure(failure: RerunFailed) -> str:
    text = f"could not re-run ({failure.phase}): {failure.message}"
    if failure.detail:
        text += "\n" + "\n".join(f"  {line}" for line in failure.detail.splitlines())
    return text
