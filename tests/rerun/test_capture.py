"""The environment capture that the Save flow runs in the notebook's kernel
(``environment_capture.py``, sent by the frontend as source), run here in a real IPython
kernel: *full* pins every installed distribution, *imported* only what the kernel imported
plus its requirements closure."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

from jupyterlab_openbis_bridge import environment_capture

SOURCE = Path(environment_capture.__file__).read_text("utf-8")
MARKER = "__OPENBIS_BRIDGE_ENV__"


def python_snippet(nonce: str, mode: str) -> str:
    """The source run in a namespace of its own, as the frontend runs it."""
    return (
        f'scope = {{"__name__": "openbis_bridge_environment_capture"}}\n'
        f'exec(compile({SOURCE!r}, "<capture>", "exec"), scope)\n'
        f'scope["print_environment"]({(MARKER + nonce)!r}, {mode!r})\n'
    )


@pytest.fixture(scope="module")
def kernel():
    manager, client = start_new_kernel(kernel_name="python3", startup_timeout=180)
    try:
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def capture(client, mode: str) -> dict:
    lines: list[str] = []

    def hook(msg):
        if msg["header"]["msg_type"] == "stream":
            lines.extend(msg["content"]["text"].splitlines())

    reply = client.execute_interactive(python_snippet(mode, mode), timeout=120, output_hook=hook)
    assert reply["content"]["status"] == "ok", reply["content"]
    (answer,) = [line for line in lines if line.startswith(f"{MARKER}{mode} ")]
    return json.loads(answer.split(" ", 1)[1])


def names(payload: dict) -> set[str]:
    return {re.sub(r"[-_.]+", "-", n).lower() for n in payload["packages"]}


def test_imported_pins_what_the_kernel_uses_and_its_closure(kernel):
    kernel.execute_interactive("import pandas", timeout=120)
    full, imported = capture(kernel, "full"), capture(kernel, "imported")
    assert full["mode"] == "full" and imported["mode"] == "imported"
    # pandas, its requirements and the kernel itself
    assert {"pandas", "numpy", "python-dateutil", "ipykernel"} <= names(imported)
    # tzdata comes through the requirements closure: pandas needs it, nothing imported it
    lines: list[str] = []
    kernel.execute_interactive(
        "import sys; print('tzdata' in sys.modules)",
        timeout=60,
        output_hook=lambda m: lines.append(m["content"].get("text", "")),
    )
    assert "False" in "".join(lines) and "tzdata" in names(imported)
    # installed (dev tools of this environment) but never imported by the kernel
    for unused in ("ruff", "pytest", "hatchling"):
        assert unused in names(full) and unused not in names(imported)
    assert names(imported) < names(full)
    assert imported["version"] == full["version"]
