"""Time per phase of ``jupyter openbis rerun`` for the demo notebook (on demand).

    python benchmarks/rerun.py               # 3 rounds: cold cache, warm cache, reused packages
    python benchmarks/rerun.py --runs 5 --installer uv

Starts an openBIS sandbox, registers an input data set (a small CSV) and an ANALYSIS_NOTEBOOK
data set whose notebook reads it with pandas (outputs from a local nbclient run, provenance in
the notebook's metadata as the extension writes it, ``requirements.txt`` pinning pandas). Then
re-runs it through the engine the command uses, interleaving per round:

* **cold**: a fresh, empty package cache (``PIP_CACHE_DIR``/``UV_CACHE_DIR``): everything is
  downloaded and installed, as in the manual try-out of issue #14 (56 s cold install);
* **warm**: the cache the cold run of the same round filled;
* **reuse**: ``--reuse-site-packages``, what the tests and CI use (nothing to install).

Prints each phase's median over the rounds (seconds), the environment phase's ratio to the
manual 56 s, and exits non-zero if a re-run did not give identical outputs. Cold and warm need
the package index (or ``PIP_FIND_LINKS``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

from jupyterlab_openbis_bridge.rerun import RerunOptions, rerun
from openbis_sandbox.testing import pybis_client, start_sandbox

MANUAL_COLD_INSTALL_S = 56.0
PHASES = ("fetch", "environment", "execute", "compare")
MODES = ("cold", "warm", "reuse")
CELLS = [
    "import pandas as pd\ndf = pd.read_csv('inputs/{perm}/values.csv')\nprint('sum of y:', df.y.sum())",
    "df.describe()",
]


def demo_notebook(client, folder: Path) -> str:
    """Register the input and the saved notebook; returns the notebook data set's permId."""
    import nbformat
    from nbclient import NotebookClient

    (folder / "values.csv").write_text("x,y\n1,2.5\n2,3.5\n")
    parent = client.new_dataset(
        type="RAW_DATA", experiment="/LAB/PROJ1/EXP1", files=[str(folder / "values.csv")]
    )
    parent.save()
    perm = str(parent.permId)
    work = folder / "nb"
    (work / "inputs" / perm).mkdir(parents=True)
    (work / "inputs" / perm / "values.csv").write_text((folder / "values.csv").read_text())
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(c.format(perm=perm)) for c in CELLS]
    NotebookClient(notebook, resources={"metadata": {"path": str(work)}}).execute()
    notebook.metadata["openbis"] = {
        "downloads": [
            {
                "permId": perm,
                "path": f"inputs/{perm}",
                "pathBase": "notebook",
                "files": [{"path": f"inputs/{perm}/values.csv", "size": None, "crc32": None}],
            }
        ],
        "uploads": [],
    }
    nbformat.write(notebook, work / "demo.ipynb")
    (work / "requirements.txt").write_text(f"pandas=={version('pandas')}\n")
    (work / "runtime.txt").write_text(f"python-{sys.version_info[0]}.{sys.version_info[1]}\n")
    saved = client.new_dataset(
        type="ANALYSIS_NOTEBOOK",
        experiment="/LAB/PROJ1/EXP1",
        files=[str(work / n) for n in ("demo.ipynb", "requirements.txt", "runtime.txt")],
        parents=[perm],
        props={"$name": "re-run benchmark"},
    )
    saved.save()
    return str(saved.permId)


@contextmanager
def package_cache(folder: Path | None):
    names = ("PIP_CACHE_DIR", "UV_CACHE_DIR")
    before = {n: os.environ.get(n) for n in names}
    if folder is not None:
        for name in names:
            os.environ[name] = str(folder)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def one_run(client, perm: str, base: Path, mode: str, cache: Path, installer: str) -> dict:
    options = RerunOptions(
        perm_id=perm,
        workdir=Path(tempfile.mkdtemp(dir=base, prefix=f"{mode}-")),
        reuse_site_packages=mode == "reuse",
        installer=installer,
    )
    with package_cache(cache if mode != "reuse" else None):
        report = rerun(client, options)
    if report.exit_code != 0:
        raise SystemExit(f"{mode}: the re-run differs:\n{json.dumps(report.as_json(), indent=1)}")
    return report.timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--installer", choices=("auto", "uv", "pip"), default="auto")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        sandbox = start_sandbox(base / "sandbox", seed="demo")
        try:
            client = pybis_client(sandbox)
            perm = demo_notebook(client, base)
            timings: dict[str, list[dict]] = {mode: [] for mode in MODES}
            for round_ in range(args.runs):
                cache = Path(tempfile.mkdtemp(dir=base, prefix="cache-"))  # cold: empty
                for mode in MODES:  # interleaved, so load changes hit every mode alike
                    timings[mode].append(one_run(client, perm, base, mode, cache, args.installer))
                    print(f"round {round_ + 1} {mode}: {timings[mode][-1]}", file=sys.stderr)
        finally:
            sandbox.stop()
    print(
        f"medians over {args.runs} rounds (seconds); manual cold install: {MANUAL_COLD_INSTALL_S:g} s"
    )
    print(f"{'mode':<6}" + "".join(f"{p:>13}" for p in PHASES) + f"{'total':>9}{'env/56s':>10}")
    for mode in MODES:
        medians = {p: statistics.median(t[p] for t in timings[mode]) for p in PHASES}
        total = statistics.median(sum(t[p] for p in PHASES) for t in timings[mode])
        ratio = medians["environment"] / MANUAL_COLD_INSTALL_S
        print(
            f"{mode:<6}"
            + "".join(f"{medians[p]:>13.1f}" for p in PHASES)
            + f"{total:>9.1f}{ratio:>10.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
