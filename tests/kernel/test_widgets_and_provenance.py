"""Widgets and kernel downloads drive real server jobs; downloads land in the notebook metadata."""

from __future__ import annotations

import json
import zlib

import websocket

from jupyterlab_openbis_bridge.server.kernel_session import PENDING_EVENT_SCHEMA_ID
from openbis_sandbox.testing import pybis_client

from .support import CSV, NESTED

WIDGETS = "from jupyterlab_openbis_bridge.widgets import DataSetPicker, DownloadWidget, SaveNotebookWidget\n"


def notebook_metadata(server, path: str) -> dict:
    return json.loads(server.root.joinpath(*path.split("/")).read_text())["metadata"]


def test_picker_pages_and_selects(kernel):
    out = kernel.run(
        WIDGETS + "picker = DataSetPicker(page_size=2)\n"
        "assert picker.search('2025')\n"
        "first = [r['permId'] for r in picker.rows]\n"
        "assert picker.total > 2 and len(first) == 2, (picker.total, first)\n"
        "assert picker.next_page() and picker.offset == 2\n"
        "second = [r['permId'] for r in picker.rows]\n"
        "assert not set(first) & set(second)\n"
        "picker._boxes[second[0]].value = True  # what a click on the check box does\n"
        "assert picker.previous_page()\n"
        "picker._boxes[first[1]].value = True\n"
        "print(picker.value == (second[0], first[1]), picker.page_label.value)\n"
        "assert not picker.search('no-such-thing-anywhere') or picker.total == 0\n"
        "print(picker.status.value)"
    )
    lines = out.splitlines()
    assert lines[0].startswith("True 1–2 of "), out
    assert "No data sets found" in lines[1]


def test_download_widget_runs_a_job_and_records_it(kernel, jupyter_server):
    out = kernel.run(
        WIDGETS + f"picker = DataSetPicker({CSV!r})\n"
        f"picker._boxes[{CSV!r}].value = True\n"
        "dl = DownloadWidget(picker)\n"
        "dl.download_button.click()\n"
        "result = dl.wait(120)\n"
        "print(dl.job['state'], dl.progress.value, dl.progress.bar_style, result.provenance['delivery'])\n"
        "print(*[p.relative_to(p.parents[3]) for p in result.paths()])"
    )
    first, second = out.splitlines()
    assert first == "succeeded 1.0 success written"
    assert second == f"work/data/{CSV}/data.csv"
    local = jupyter_server.root / "work" / "data" / CSV / "data.csv"
    files = pybis_client(jupyter_server.sandbox).get_dataset(CSV).get_files()
    row = files[files["pathInDataSet"] == "original/data.csv"].iloc[0]
    assert zlib.crc32(local.read_bytes()) == int(row["crc32Checksum"], 16)

    metadata = notebook_metadata(jupyter_server, kernel.notebook)
    (record,) = metadata["openbis"]["downloads"]
    assert record["permId"] == CSV and record["connection"] == "sandbox"
    assert record["instance"] == jupyter_server.sandbox.url and record["type"] == "RAW_DATA"
    # Relative to the notebook (work/…ipynb), not to the Jupyter root.
    assert (record["path"], record["pathBase"]) == (f"data/{CSV}", "notebook")
    assert record["time"].endswith("Z")
    assert record["files"] == [
        {
            "path": f"data/{CSV}/data.csv",
            "size": local.stat().st_size,
            "crc32": zlib.crc32(local.read_bytes()),
        }
    ]
    assert "datasets" not in metadata  # one record per download
    assert metadata["openbis"]["uploads"] == []


def test_download_widget_shows_refusals(kernel):
    out = kernel.run(
        WIDGETS + "dl = DownloadWidget([])\n"
        "print(dl.start(), 'Select at least one' in dl.status.value)\n"
        "dl = DownloadWidget(['20990101000000000-1'])\n"
        "started = dl.start()\n"
        "try:\n"
        "    dl.wait(60)\n"
        "except Exception as exc:\n"
        "    print(started, exc.reason, '20990101000000000-1' in dl.status.value)"
    )
    # The server answers 202 at once; an unknown data set ends the job (not the POST).
    assert out.split() == ["False", "True", "True", "not_found", "True"]


def test_load_and_download_from_code(kernel, jupyter_server):
    out = kernel.run(
        "from jupyterlab_openbis_bridge import load, download\n"
        f"df = load({CSV!r})\n"
        "print(type(df).__name__, len(df) > 0)\n"
        f"paths = load({NESTED!r})\n"
        "print(sorted(p.name for p in paths))\n"
        f"again = download({CSV!r}, destination='elsewhere')\n"
        "print(again.job['filesSkipped'], again.provenance['delivery'])"
    )
    assert out.splitlines() == ["DataFrame True", "['fit.csv', 'summary.txt']", "0 written"]
    downloads = notebook_metadata(jupyter_server, kernel.notebook)["openbis"]["downloads"]
    # The later download of the same data set replaces its record, as in the frontend.
    assert [(d["permId"], d["path"]) for d in downloads] == [
        (NESTED, f"data/{NESTED}"),
        (CSV, f"elsewhere/{CSV}"),
    ]


def test_open_notebook_gets_records_queued_for_the_frontend(kernel, jupyter_server):
    ws_url = (
        jupyter_server.url.replace("http", "ws", 1) + f"api/kernels/{kernel.kernel_id}/channels"
    )
    auth = [f"Authorization: token {jupyter_server.token}"]
    frontend = websocket.create_connection(ws_url, header=auth, timeout=30)
    events_url = jupyter_server.url.replace("http", "ws", 1) + "api/events/subscribe"
    events = websocket.create_connection(events_url, header=auth, timeout=30)
    try:
        out = kernel.run(
            "from jupyterlab_openbis_bridge import download\n"
            f"print(download({CSV!r}).provenance['delivery'])"
        )
        event = json.loads(events.recv())  # bounded by the socket timeout
        while event.get("schema_id") != PENDING_EVENT_SCHEMA_ID:
            event = json.loads(events.recv())
    finally:
        frontend.close()
        events.close()
    assert out.strip() == "queued"
    assert (event["path"], event["kind"], event["count"]) == (kernel.notebook, "downloads", 1)
    assert "openbis" not in notebook_metadata(jupyter_server, kernel.notebook)
    route = "openbis-bridge/provenance"
    pending = jupyter_server.api("GET", route, params={"path": kernel.notebook}).json()
    assert pending["uploads"] == []
    (entry,) = pending["downloads"]
    assert entry["record"]["permId"] == CSV and entry["record"]["files"][0]["crc32"] is not None
    acked = jupyter_server.api(
        "DELETE", route, params={"path": kernel.notebook, "ids": entry["id"]}
    )
    assert acked.json() == {"removed": 1}
    assert (
        jupyter_server.api("GET", route, params={"path": kernel.notebook}).json()["downloads"] == []
    )


def test_save_widget_validates_on_the_server_and_saves_with_parents(kernel, jupyter_server):
    kernel.run(f"from jupyterlab_openbis_bridge import download\ndownload({CSV!r})")
    out = kernel.run(
        WIDGETS + "w = SaveNotebookWidget(experiment='/LAB/PROJ1/EXP1')\n"
        "print(w.type.value, w.parents.value)\n"
        "print(w.save(), w.field_errors, 'required' in w._errors['properties.$NAME'].value)\n"
        "w.set_property('$NAME', 'saved from a widget')\n"
        "w.include_environment.value = False\n"
        "print(w.save())\n"
        "result = w.wait(120)\n"
        "print(result['permId'], w.progress.bar_style, w.provenance['delivery'])"
    )
    lines = out.splitlines()
    assert lines[0] == f"ANALYSIS_NOTEBOOK {CSV}"
    assert lines[1] == "False {'properties.$NAME': 'required'} True"
    assert lines[2] == "True"
    perm_id, style, delivery = lines[3].split()
    assert (style, delivery) == ("success", "written")
    saved = pybis_client(jupyter_server.sandbox).get_dataset(perm_id)
    assert saved.props["$name"] == "saved from a widget"
    assert saved.parents == [CSV]
    (upload,) = notebook_metadata(jupyter_server, kernel.notebook)["openbis"]["uploads"]
    assert upload["permId"] == perm_id and upload["parents"] == [CSV]
    assert upload["owner"] == "/LAB/PROJ1/EXP1" and upload["url"].endswith(perm_id)
