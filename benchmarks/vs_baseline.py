"""This extension vs the released jupyter-openbis-server 0.5.0, side by side (on demand, not in CI).

    python benchmarks/vs_baseline.py            # full run: 500 MB, 1 GiB, 2,000 files
    python benchmarks/vs_baseline.py --quick    # smoke run with small sizes

One sandbox (seeded with ``types:TxP``) and two Jupyter servers started from this
venv, so both use the same pybis: one with our extension, one with the baseline.
The baseline wheel is downloaded with ``pip download`` (or given with
``--baseline-wheel``) and only unpacked: its package folder is literally named
``jupyter-openbis-server``, which ``importlib`` can still import from
``PYTHONPATH``, so the server loads it by its declared extension point.

Measured, for each server:

1. ``/api/status`` latency while one data set is being downloaded: an open-loop
   prober sends a request every ``--probe-ms`` (at most 120 in flight, below
   tornado's listen backlog) and records each answer time.
2. Time to load the data-set types with their properties for the upload form,
   with ``latency:ms=N`` injected on every openBIS request (baseline:
   ``GET /openbis/datasetTypes/<conn>``, cold; ours: ``dataset-types?refresh=true``).
3. Download of a large one-file data set and of a many-file data set: MB/s and the
   Jupyter server's peak RSS (VmHWM, reset before each run through
   ``/proc/<pid>/clear_refs``), next to ``curl`` of the same files over the
   sandbox's plain file GET. Stored files are evicted from the page cache first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from measure import evict_from_page_cache, peak_rss_mb, reset_peak_rss, write_random_file

from openbis_sandbox.testing import RunningSandbox, pybis_client, start_sandbox

MIB = 1024 * 1024
EXPERIMENT = "/LAB/PROJ2/EXP3"
BASELINE = "jupyter-openbis-server==0.5.0"
BASELINE_MODULE = "jupyter-openbis-server.server"
OURS_MODULE = "jupyterlab_openbis_bridge"
CONN = "s"
MAX_IN_FLIGHT = 120
STARTUP_S = 60.0


# --- fixtures ----------------------------------------------------------------------------


def create_dataset(o: Any, files: list[Path]) -> str:
    ds = o.new_dataset(type="RAW_DATA", experiment=EXPERIMENT, files=[str(f) for f in files])
    ds.save()
    return ds.permId


def many_files(folder: Path, count: int, size: int) -> Path:
    """``count`` files in folders of 100, so listings stay realistic."""
    block = os.urandom(size)
    for i in range(count):
        sub = folder / f"part{i // 100:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"f{i:05d}.bin").write_bytes(block[i % 7 :] + block[: i % 7])
    return folder


# --- Jupyter servers ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class JupyterServer:
    label: str
    root: Path
    process: subprocess.Popen
    port: int
    token: str
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return requests.get(self.url(path), headers=self.headers, timeout=3600, **kwargs)

    def post(self, path: str, body: dict[str, Any]) -> requests.Response:
        return requests.post(self.url(path), headers=self.headers, json=body, timeout=3600)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_jupyter(
    label: str,
    work: Path,
    extensions: dict[str, bool],
    config: dict[str, Any],
    *,
    env: dict[str, str] | None = None,
    files: dict[str, str] | None = None,
) -> JupyterServer:
    """A ``jupyter_server`` child with only the given extensions switched on or off."""
    config_dir = work / f"{label}-config"
    root = work / f"{label}-root"
    config_dir.mkdir()
    root.mkdir()
    for name, text in (files or {}).items():
        (config_dir / name).write_text(text)
    port, token = free_port(), secrets.token_hex(16)
    settings = {
        "ServerApp": {
            "jpserver_extensions": extensions,
            "root_dir": str(root),
            "port": port,
            "ip": "127.0.0.1",
            "open_browser": False,
            "port_retries": 0,
            "allow_root": True,  # containers often run as root
        },
        "IdentityProvider": {"token": token},
        **config,
    }
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(settings))
    log = work / f"{label}-server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server"],
            env={**os.environ, **(env or {}), "JUPYTER_CONFIG_DIR": str(config_dir)},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    server = JupyterServer(label, root, process, port, token, log)
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:  # readiness poll of a child process
        if process.poll() is not None:
            raise RuntimeError(f"{label} server exited:\n{log.read_text()[-3000:]}")
        try:
            if server.get("/api/status").ok:
                return server
        except requests.ConnectionError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{label} server did not start:\n{log.read_text()[-3000:]}")


def fetch_baseline(work: Path, wheel: str | None) -> Path:
    """Unpack the baseline wheel; returns the folder to put on PYTHONPATH."""
    if wheel is None:
        wheels = work / "wheels"
        done = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", BASELINE, "-d", wheels],
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"pip download {BASELINE} failed: {done.stderr.strip()}")
        wheel = str(next(wheels.glob("*.whl")))
    target = work / "baseline-pkg"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def start_ours(work: Path, sandbox: RunningSandbox) -> JupyterServer:
    bridge = {
        "connections": [{"name": CONN, "url": sandbox.url, "caBundle": str(sandbox.ca_cert)}],
        "connections_file": str(work / "ours-profiles.json"),
        "read_legacy_connections": False,
        "read_environment": False,
    }
    server = start_jupyter(
        "ours", work, {OURS_MODULE: True, BASELINE_MODULE: False}, {"OpenBISBridge": bridge}
    )
    login = server.post(
        f"/openbis-bridge/connections/{CONN}/login",
        {"username": sandbox.admin_user, "password": sandbox.admin_password},
    )
    login.raise_for_status()
    return server


def start_baseline(work: Path, sandbox: RunningSandbox, package: Path) -> JupyterServer:
    # The baseline reads openbis-connections.yaml from the config dir and logs in at start.
    # It cannot take a CA bundle, so certificate verification is off (its own default).
    connections = (
        "connections:\n"
        f"  - name: {CONN}\n    url: {sandbox.url}\n    verify_certificates: false\n"
        f"    username: {sandbox.admin_user}\n    password: {sandbox.admin_password}\n"
    )
    path = os.pathsep.join(filter(None, [str(package), os.environ.get("PYTHONPATH")]))
    server = start_jupyter(
        "baseline",
        work,
        {BASELINE_MODULE: True, OURS_MODULE: False},
        {},
        env={"PYTHONPATH": path, "PYTHONUNBUFFERED": "1"},
        files={"openbis-connections.yaml": connections},
    )
    if "Successfully connected" not in server.log.read_text():
        text = server.log.read_text()[-3000:]
        server.stop()
        raise RuntimeError(f"the baseline did not log in to the sandbox:\n{text}")
    return server


# --- downloads through each server -------------------------------------------------------


def download_ours(server: JupyterServer, perm_id: str, folder: str) -> None:
    started = server.post(
        f"/openbis-bridge/connections/{CONN}/downloads",
        {"permIds": [perm_id], "destination": folder},
    )
    started.raise_for_status()
    job_id = started.json()["id"]
    while True:  # long poll: the answer comes when the job ends
        job = server.get(f"/openbis-bridge/jobs/{job_id}?wait=30").json()
        if job["state"] not in ("queued", "running"):
            break
    if job["state"] != "succeeded":
        raise RuntimeError(f"our download failed: {job['error']}")


def download_baseline(server: JupyterServer, perm_id: str, folder: str) -> None:
    target = urllib.parse.quote(str(server.root / folder), safe="")
    answer = server.get(f"/openbis/dataset/{CONN}/{perm_id}/{target}")
    if not answer.ok:
        raise RuntimeError(f"baseline download failed: HTTP {answer.status_code} {answer.text}")


DOWNLOADERS: dict[str, Callable[[JupyterServer, str, str], None]] = {
    "ours": download_ours,
    "baseline": download_baseline,
}


def downloaded_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# --- 1. /api/status while downloading ----------------------------------------------------


@dataclass
class Probe:
    latencies: list[float] = field(default_factory=list)
    not_sent: int = 0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def _status_once(port: int, token: str, probe: Probe) -> None:
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET /api/status HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: token {token}\r\n\r\n".encode()
    )
    await writer.drain()
    head = await reader.readline()
    await reader.read()
    writer.close()
    if b" 200 " not in head:
        raise RuntimeError(f"/api/status answered {head!r}")
    probe.latencies.append(time.perf_counter() - start)


async def _probe_until(server: JupyterServer, done: threading.Event, every_s: float) -> Probe:
    """Open loop: a request every ``every_s`` whatever the previous ones are doing."""
    probe = Probe()
    tasks: set[asyncio.Task] = set()
    while not done.is_set():
        if len(tasks) < MAX_IN_FLIGHT:
            task = asyncio.create_task(_status_once(server.port, server.token, probe))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        else:
            probe.not_sent += 1
        await asyncio.sleep(every_s)
    await asyncio.gather(*tasks)
    return probe


def status_during_download(
    server: JupyterServer, perm_id: str, size: int, every_s: float
) -> tuple[Probe, float]:
    done = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            DOWNLOADERS[server.label](server, perm_id, "status-dl")
        except BaseException as exc:  # reported by the caller
            failure.append(exc)
        finally:
            done.set()

    start = time.perf_counter()
    worker = threading.Thread(target=run)
    worker.start()
    probe = asyncio.run(_probe_until(server, done, every_s))
    worker.join()
    elapsed = time.perf_counter() - start
    if failure:
        raise failure[0]
    _check_and_remove(server.root / "status-dl", size)
    return probe, size / 1e6 / elapsed


def _check_and_remove(folder: Path, size: int) -> None:
    got = downloaded_bytes(folder)
    shutil.rmtree(folder)
    if got != size:
        raise RuntimeError(f"{folder}: downloaded {got} bytes, expected {size}")


# --- 2. data-set types for the upload form ----------------------------------------------


def set_faults(sandbox: RunningSandbox, token: str, specs: list[str]) -> None:
    answer = requests.post(
        f"{sandbox.url}/sandbox/admin/faults",
        json={"faults": specs},
        headers={"X-Openbis-Token": token},
        verify=str(sandbox.ca_cert),
        timeout=30,
    )
    answer.raise_for_status()


def types_time(server: JupyterServer) -> tuple[float, int, int]:
    """Seconds for one cold load; also the number of types and property assignments seen."""
    path = (
        f"/openbis-bridge/connections/{CONN}/dataset-types?refresh=true"
        if server.label == "ours"
        else f"/openbis/datasetTypes/{CONN}"  # cached for the server's life: one cold call only
    )
    start = time.perf_counter()
    answer = server.get(path)
    elapsed = time.perf_counter() - start
    answer.raise_for_status()
    types = answer.json()["dataSetTypes"]
    key = "properties" if server.label == "ours" else "propertyAssignments"
    return elapsed, len(types), sum(len(t.get(key) or []) for t in types)


# --- 3. big and many-file downloads ------------------------------------------------------


@dataclass(frozen=True)
class Transfer:
    mb_per_s: float
    peak_rss_mb: float | None


def timed_download(
    server: JupyterServer, sandbox: RunningSandbox, perm_id: str, size: int
) -> Transfer:
    evict_from_page_cache(sandbox.data_dir / "store" / perm_id)
    exact = reset_peak_rss(server.process.pid)
    start = time.perf_counter()
    DOWNLOADERS[server.label](server, perm_id, "dl")
    elapsed = time.perf_counter() - start
    rss = peak_rss_mb(server.process.pid)
    _check_and_remove(server.root / "dl", size)
    return Transfer(size / 1e6 / elapsed, rss if exact else None)


def curl_download(sandbox: RunningSandbox, token: str, perm_id: str, work: Path) -> float:
    store = sandbox.data_dir / "store" / perm_id
    files = sorted(p.relative_to(store).as_posix() for p in store.rglob("*") if p.is_file())
    size = sum((store / f).stat().st_size for f in files)
    config = work / "curl.cfg"
    with config.open("w") as out:  # one curl process, one connection, like a real client
        for name in files:
            quoted = urllib.parse.quote(name)
            out.write(
                f'url = "{sandbox.url}/datastore_server/{perm_id}/{quoted}?sessionID={token}"\n'
            )
            out.write('output = "/dev/null"\n')
    evict_from_page_cache(store)
    start = time.perf_counter()
    subprocess.run(
        [
            "curl",
            "--silent",
            "--show-error",
            "--fail",
            "--cacert",
            str(sandbox.ca_cert),
            "-K",
            str(config),
        ],
        check=True,
    )
    return size / 1e6 / (time.perf_counter() - start)


# --- report ------------------------------------------------------------------------------


def ratio(numerator: float | None, denominator: float | None) -> str:
    if not numerator or not denominator:
        return "-"
    return f"{numerator / denominator:.1f}x"


def cell(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--status-mib", type=int, help="data set downloaded while probing (500)")
    parser.add_argument("--big-mib", type=int, help="one-file data set (1024)")
    parser.add_argument("--files", type=int, help="files in the many-file data set (2000)")
    parser.add_argument("--file-kib", type=int, default=64, help="size of each of those files")
    parser.add_argument("--types", default="20x10", help="data-set types x properties (20x10)")
    parser.add_argument("--latency-ms", type=int, default=20, help="openBIS latency for types")
    parser.add_argument("--probe-ms", type=float, default=20.0, help="/api/status probe interval")
    parser.add_argument("--baseline-wheel", help=f"{BASELINE} wheel (default: pip download)")
    args = parser.parse_args(argv)
    status_mib = args.status_mib or (32 if args.quick else 500)
    big_mib = args.big_mib or (64 if args.quick else 1024)
    n_files = args.files or (200 if args.quick else 2000)
    if shutil.which("curl") is None:
        parser.error("curl is required")

    rows: dict[str, dict[str, Any]] = {"ours": {}, "baseline": {}}
    baseline_error: str | None = None
    with tempfile.TemporaryDirectory(prefix="bridge-vs-baseline-") as tmp:
        work = Path(tmp)
        os.environ["HOME"] = str(work)  # pybis (ours and theirs) must not touch ~/.pybis
        try:
            package = fetch_baseline(work, args.baseline_wheel)
        except (RuntimeError, OSError, zipfile.BadZipFile, StopIteration) as exc:
            package, baseline_error = None, str(exc)
        with start_sandbox(work / "sandbox", seed=f"types:{args.types}") as sandbox:
            o = pybis_client(sandbox)
            print("creating fixtures through pybis ...", flush=True)
            sources = work / "sources"
            sources.mkdir()
            write_random_file(sources / "status.bin", status_mib * MIB)
            write_random_file(sources / "big.bin", big_mib * MIB)
            status_id = create_dataset(o, [sources / "status.bin"])
            big_id = create_dataset(o, [sources / "big.bin"])
            many_id = create_dataset(
                o, [many_files(sources / "many", n_files, args.file_kib * 1024)]
            )
            shutil.rmtree(sources)  # the sandbox has its own copies
            sizes = {
                key: downloaded_bytes(sandbox.data_dir / "store" / perm)
                for key, perm in (("status", status_id), ("big", big_id), ("many", many_id))
            }
            servers: dict[str, JupyterServer] = {}
            try:
                servers["ours"] = start_ours(work, sandbox)
                if package is not None:
                    try:
                        servers["baseline"] = start_baseline(work, sandbox, package)
                    except RuntimeError as exc:
                        baseline_error = str(exc)
                for label, server in servers.items():
                    print(f"measuring {label} ...", flush=True)
                    row = rows[label]
                    probe, rate = status_during_download(
                        server, status_id, sizes["status"], args.probe_ms / 1000
                    )
                    row["probe"], row["status_rate"] = probe, rate
                    set_faults(sandbox, o.token, [f"latency:ms={args.latency_ms}"])
                    try:
                        row["types"] = types_time(server)
                    finally:
                        set_faults(sandbox, o.token, [])
                    row["big"] = timed_download(server, sandbox, big_id, sizes["big"])
                    row["many"] = timed_download(server, sandbox, many_id, sizes["many"])
                curl_big = curl_download(sandbox, o.token, big_id, work)
                curl_many = curl_download(sandbox, o.token, many_id, work)
            finally:
                for server in servers.values():
                    server.stop()

    print_report(rows, args, status_mib, big_mib, n_files, curl_big, curl_many, baseline_error)
    return 0


def print_report(
    rows: dict[str, dict[str, Any]],
    args: argparse.Namespace,
    status_mib: int,
    big_mib: int,
    n_files: int,
    curl_big: float,
    curl_many: float,
    baseline_error: str | None,
) -> None:
    ours, base = rows["ours"], rows["baseline"]
    table: list[tuple[str, str, str, str, str]] = []

    def add(
        name: str,
        mine: float | None,
        theirs: float | None,
        fmt: str,
        lower_is_better: bool | None,  # None: a count, not a score
        extra: str = "",
    ) -> None:
        if lower_is_better is None:
            better = "-"
        else:
            better = ratio(theirs, mine) if lower_is_better else ratio(mine, theirs)
        table.append((name, cell(mine, fmt), cell(theirs, fmt), better, extra))

    def get(row: dict[str, Any], key: str, pick: Callable[[Any], float | None]) -> float | None:
        return pick(row[key]) if key in row else None

    add(
        f"/api/status p50 ms ({status_mib} MiB dl)",
        get(ours, "probe", lambda p: p.percentile(0.5) * 1000),
        get(base, "probe", lambda p: p.percentile(0.5) * 1000),
        ".1f",
        True,
    )
    add(
        "/api/status p99 ms",
        get(ours, "probe", lambda p: p.percentile(0.99) * 1000),
        get(base, "probe", lambda p: p.percentile(0.99) * 1000),
        ".1f",
        True,
        "target < 50 ms",
    )
    add(
        "/api/status max ms",
        get(ours, "probe", lambda p: max(p.latencies) * 1000),
        get(base, "probe", lambda p: max(p.latencies) * 1000),
        ".1f",
        True,
    )
    add(
        "  probes answered",
        get(ours, "probe", lambda p: len(p.latencies)),
        get(base, "probe", lambda p: len(p.latencies)),
        ".0f",
        None,
        f"not sent (>{MAX_IN_FLIGHT} in flight): ours {get(ours, 'probe', lambda p: p.not_sent)}, baseline {get(base, 'probe', lambda p: p.not_sent)}",
    )
    add("  that download MB/s", ours.get("status_rate"), base.get("status_rate"), ".1f", False)
    add(
        f"data-set types {args.types}, +{args.latency_ms} ms/req (ms)",
        get(ours, "types", lambda t: t[0] * 1000),
        get(base, "types", lambda t: t[0] * 1000),
        ".0f",
        True,
        "target >= 10x",
    )
    add(
        "  types / assignments seen",
        get(ours, "types", lambda t: t[1]),
        get(base, "types", lambda t: t[1]),
        ".0f",
        None,
        f"assignments: ours {get(ours, 'types', lambda t: t[2])}, baseline {get(base, 'types', lambda t: t[2])}",
    )
    add(
        f"{big_mib} MiB one file, MB/s",
        get(ours, "big", lambda t: t.mb_per_s),
        get(base, "big", lambda t: t.mb_per_s),
        ".1f",
        False,
        f"curl {curl_big:.1f} MB/s",
    )
    add(
        "  Jupyter peak RSS MB",
        get(ours, "big", lambda t: t.peak_rss_mb),
        get(base, "big", lambda t: t.peak_rss_mb),
        ".0f",
        True,
    )
    add(
        f"{n_files} files x {args.file_kib} KiB, MB/s",
        get(ours, "many", lambda t: t.mb_per_s),
        get(base, "many", lambda t: t.mb_per_s),
        ".1f",
        False,
        f"curl {curl_many:.1f} MB/s",
    )
    add(
        "  Jupyter peak RSS MB",
        get(ours, "many", lambda t: t.peak_rss_mb),
        get(base, "many", lambda t: t.peak_rss_mb),
        ".0f",
        True,
    )

    header = ("metric", "ours", BASELINE.split("==")[0] + " 0.5.0", "ours better by", "note")
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(4)]
    print()
    for r in [header, *table]:
        print("  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4])
    if "big" in ours:
        print(
            f"\nours vs curl: one file {ours['big'].mb_per_s / curl_big:.2f}, many files {ours['many'].mb_per_s / curl_many:.2f}"
        )
    if baseline_error:
        print(f"\nthe baseline could not run: {baseline_error}")


if __name__ == "__main__":
    sys.exit(main())
