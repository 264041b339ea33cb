"""Compare a code cell's saved outputs with its re-run outputs, after normalisation.

The rules (also in ``docs/rerun.md``), applied to both sides before comparing:

1. Execution counts and output metadata are ignored.
2. Consecutive stream outputs of one stream (stdout, stderr) are joined: how a run
   chunks its prints is not a result.
3. In text, volatile values are replaced by placeholders: ISO dates and timestamps
   (``2026-01-31``, ``2026-01-31T12:00:00.123+01:00``) → ``<timestamp>``, clock times
   (``12:34:56``) → ``<time>``, memory addresses (``0x7f3a5c2e1d90``) → ``0x<address>``,
   and IPython's ``%time`` lines (``Wall time: …``, ``CPU times: …``) → ``<duration>``.
4. Images and other binary data (base64 in the notebook) are compared by the SHA-256 of
   their bytes; a widget's view (``application/vnd.jupyter.widget-view+json``) is skipped,
   its model id is new in every run.
5. An error is compared by its name and (normalised) message; the traceback is not.
6. A cell tagged ``openbis:volatile`` is not compared.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

VOLATILE_TAG = "openbis:volatile"
SKIPPED_MIME_TYPES = frozenset({"application/vnd.jupyter.widget-view+json"})
MAX_DIFF_LINES = 40

IDENTICAL = "identical"
DIFFERENT = "different"
ERROR = "error"  # the re-run raised where the saved run did not
SKIPPED = "skipped"

_TEXT_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(Wall time|CPU times): .*$", re.MULTILINE), "<duration>"),
    (
        re.compile(
            r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
            r"(?:Z|[+-]\d{2}:?\d{2})?)?\b"
        ),
        "<timestamp>",
    ),
    (re.compile(r"\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b"), "<time>"),
    (re.compile(r"\b0x[0-9a-fA-F]{6,}\b"), "0x<address>"),
)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class CellVerdict:
    index: int  # position among all cells of the notebook (0-based)
    cell_id: str | None
    verdict: str  # identical | different | error | skipped
    first_line: str  # of the cell's source, to name it in the report
    diff: list[str] = field(default_factory=list)  # readable lines explaining a difference

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "cellId": self.cell_id,
            "verdict": self.verdict,
            "firstLine": self.first_line,
            "diff": list(self.diff),
        }


def normalise_text(text: str) -> str:
    text = _ANSI.sub("", text)
    for pattern, placeholder in _TEXT_RULES:
        text = pattern.sub(placeholder, text)
    return text


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _is_text_mime(mime: str) -> bool:
    return (
        mime.startswith("text/")
        or mime.endswith("+json")
        or mime.endswith("+xml")
        or mime in ("application/json", "application/javascript")
    )


def _is_binary_key(key: str) -> bool:
    kind, _, mime = key.partition(":")
    return kind in ("execute_result", "display_data") and not _is_text_mime(mime)


def _binary_digest(value: Any) -> str:
    raw = _joined(value)
    try:
        data = base64.b64decode(raw.replace("\n", ""), validate=False)
    except (binascii.Error, ValueError):
        data = raw.encode("utf-8")
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


def normalise_outputs(outputs: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """``(kind, value)`` pairs, comparable across runs (rules 1-5 above)."""
    result: list[tuple[str, str]] = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            key, text = f"stream:{output.get('name', 'stdout')}", _joined(output.get("text"))
            if result and result[-1][0] == key:
                result[-1] = (key, result[-1][1] + text)
            else:
                result.append((key, text))
        elif kind == "error":
            evalue = normalise_text(str(output.get("evalue", "")))
            result.append(("error", f"{output.get('ename', '')}: {evalue}"))
        elif kind in ("execute_result", "display_data"):
            data = output.get("data") or {}
            for mime in sorted(data):
                if mime in SKIPPED_MIME_TYPES:
                    continue
                value = data[mime]
                if _is_text_mime(mime):
                    text = value if isinstance(value, (str, list)) else repr(value)
                    result.append((f"{kind}:{mime}", normalise_text(_joined(text))))
                else:
                    result.append((f"{kind}:{mime}", _binary_digest(value)))
    # Streams are normalised once joined: a timestamp may straddle two chunks.
    return [(k, normalise_text(v) if k.startswith("stream:") else v) for k, v in result]


def _has_error(outputs: Sequence[Mapping[str, Any]]) -> bool:
    return any(o.get("output_type") == "error" for o in outputs)


def explain(saved: list[tuple[str, str]], rerun: list[tuple[str, str]]) -> list[str]:
    """Readable lines: a unified diff for text, the two hashes for binary data."""
    lines: list[str] = []
    for position in range(max(len(saved), len(rerun))):
        old = saved[position] if position < len(saved) else None
        new = rerun[position] if position < len(rerun) else None
        if old == new:
            continue
        if old is None or new is None or old[0] != new[0]:
            lines.append(f"output {position + 1}: {_label(old)} → {_label(new)}")
        elif _is_binary_key(old[0]):
            lines.append(f"output {position + 1} ({old[0]}): {old[1][:19]}… ≠ {new[1][:19]}…")
        else:
            lines.extend(
                difflib.unified_diff(
                    old[1].splitlines(),
                    new[1].splitlines(),
                    f"saved output {position + 1} ({old[0]})",
                    "re-run",
                    lineterm="",
                    n=1,
                )
            )
    if len(lines) > MAX_DIFF_LINES:
        lines = [*lines[:MAX_DIFF_LINES], f"… {len(lines) - MAX_DIFF_LINES} more lines"]
    return lines


def _label(item: tuple[str, str] | None) -> str:
    return "nothing" if item is None else item[0]


def compare_cell(
    index: int, saved_cell: Mapping[str, Any], rerun_cell: Mapping[str, Any]
) -> CellVerdict:
    source = _joined(saved_cell.get("source")).strip().splitlines()
    first_line = source[0][:80] if source else ""
    tags = (saved_cell.get("metadata") or {}).get("tags") or []
    cell_id = saved_cell.get("id")
    if VOLATILE_TAG in tags:
        return CellVerdict(index, cell_id, SKIPPED, first_line)
    saved_outputs = saved_cell.get("outputs") or []
    rerun_outputs = rerun_cell.get("outputs") or []
    saved, rerun = normalise_outputs(saved_outputs), normalise_outputs(rerun_outputs)
    if saved == rerun:
        return CellVerdict(index, cell_id, IDENTICAL, first_line)
    verdict = ERROR if _has_error(rerun_outputs) and not _has_error(saved_outputs) else DIFFERENT
    return CellVerdict(index, cell_id, verdict, first_line, explain(saved, rerun))


def compare_notebooks(saved: Mapping[str, Any], rerun: Mapping[str, Any]) -> list[CellVerdict]:
    """One verdict per code cell of the saved notebook (cells are matched by position)."""
    saved_cells = saved.get("cells") or []
    rerun_cells = rerun.get("cells") or []
    verdicts = []
    for index, cell in enumerate(saved_cells):
        if cell.get("cell_type") != "code":
            continue
        other = rerun_cells[index] if index < len(rerun_cells) else {"outputs": []}
        verdicts.append(compare_cell(index, cell, other))
    return verdicts
