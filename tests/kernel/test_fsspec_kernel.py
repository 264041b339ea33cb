"""``openbis://`` URLs in a real kernel, on the session JupyterLab logged in with."""

from __future__ import annotations

from .support import CSV, set_faults


def root_files(server) -> set[str]:
    return {str(p.relative_to(server.root)) for p in server.root.rglob("*") if p.is_file()}


def test_read_csv_streams_over_the_shared_session(kernel, jupyter_server):
    before = root_files(jupyter_server)
    out = kernel.run(
        "import pandas as pd\n"
        f"df = pd.read_csv('openbis://{CSV}/original/data.csv')\n"
        "print(len(df) > 0, list(df.columns)[:1])\n"
        "import fsspec\n"
        f"print(fsspec.filesystem('openbis').ls('{CSV}', detail=False))\n"
        f"with fsspec.open('openbis://{CSV}/original/data.csv') as f:\n"
        "    print(f.read(6))\n"
    )
    assert out.splitlines() == [
        "True ['time_s']",
        f"['{CSV}/original']",
        "b'time_s'",
    ]
    # streamed: nothing was downloaded into the Jupyter root (the notebook aside)
    assert {f for f in root_files(jupyter_server) - before if not f.endswith(".ipynb")} == set()


def test_an_expired_session_is_renewed_by_the_server(kernel, jupyter_server):
    kernel.run(
        "import fsspec\n"
        "fs = fsspec.filesystem('openbis')\n"
        f"assert fs.info('{CSV}/original/data.csv')['size'] > 0"
    )
    set_faults(jupyter_server.sandbox, "expire-sessions")
    out = kernel.run(f"print(fs.cat_file('{CSV}/original/data.csv')[:6])")
    assert out.strip() == "b'time_s'"
