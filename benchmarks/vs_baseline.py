"""This extension vs the released jupyter-openbis-server 0.5.0, side by side (on demand, not in CI).

    python benchmarks/vs_baseline.py              # 1 GiB, 2,000 x 10 KiB files, 3 repetitions
    python benchmarks/vs_baseline.py --quick      # smoke run with small sizes
    python benchmarks/vs_baseline.py --repeat 5 --port 18400

One sandbox (seeded with ``types:TxP``: distinct property types per type, a few shared,
11 shared vocabularies, as on a real instance) and two Jupyter servers started from this
venv, so both use the same pybis: one with our extension, one with the baseline ("anchor").
The baseline wheel is downloaded with ``pip download`` (or given with ``--baseline-wheel``)
and only unpacked: its package folder is literally named ``jupyter-openbis-server``, which
``importlib`` can still import from ``PYTHONPATH``, so the server loads it by its extension
point.

Each repetition downloads a many-small-files data set and a one-file data set through
the anchor and through ours (and the big file with ``curl`` over the plain file GET),
interleaved, the order rotating between repetitions, the page cache emptied before
every run (``drop_caches`` as root, else ``posix_fadvise`` on the stored files; the
report says which). During every download an open-loop prober asks ``/api/status`` every
``--probe-ms`` and records each answer time; the Jupyter server's RSS is read before and
its peak (VmHWM, reset through ``/proc/<pid>/clear_refs``) after. The report gives
min/median/max over the repetitions, in MiB and MiB/s, the ratios the project targets,
and the machine's load before and after each run (other work on the machine slows
everything; the ratios of interleaved runs are what to compare).

The data-set types for the upload form are loaded once per server, cold, with
``latency:ms=N`` on every openBIS request (the baseline caches them for its lifetime).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from contestants import (
    BASELINE,
    CONN,
    JupyterServer,
    fetch_baseline,
    start_baseline,
    start_ours,
)
from measure import (
    cpu_seconds,
    current_rss_mb,
    drop_page_cache,
    load_text,
    peak_rss_mb,
    reset_peak_rss,
    write_random_file,
)

from openbis_sandbox.testing import RunningSandbox, pybis_client, start_sandbox

MIB = 1024 * 1024
EXPERIMENT = "/LAB/PROJ2/EXP3"
MAX_IN_FLIGHT = 120


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


def _check_and_remove(folder: Path, size: int) -> None:
    got = downloaded_bytes(folder)
    shutil.rmtree(folder)
    if got != size:
        raise RuntimeError(f"{folder}: downloaded {got} bytes, expected {size}")


@dataclass(frozen=True)
class Run:
    """One timed download: seconds, /api/status answer times during it, memory."""

    seconds: float
    probe: Probe
    rss_before_mb: float
    rss_peak_mb: float | None  # None where VmHWM cannot be reset
    load: str
    cpu_s: float  # CPU time of the Jupyter server and the sandbox during the download


def measured_download(
    server: JupyterServer, sandbox: RunningSandbox, perm_id: str, size: int, every_s: float
) -> Run:
    """Empty the page cache, then download while probing ``/api/status``."""
    drop_page_cache([sandbox.data_dir / "store" / perm_id])
    load = load_text()
    exact = reset_peak_rss(server.process.pid)
    before = current_rss_mb(server.process.pid)
    pids = [server.process.pid, sandbox.process.pid]
    cpu_before = sum(cpu_seconds(pid) for pid in pids)
    done = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            DOWNLOADERS[server.label](server, perm_id, "dl")
        except BaseException as exc:  # reported below
            failure.append(exc)
        finally:
            done.set()

    start = time.perf_counter()
    worker = threading.Thread(target=run)
    worker.start()
    probe = asyncio.run(_probe_until(server, done, every_s))
    worker.join()
    elapsed = time.perf_counter() - start
    cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
    if failure:
        raise failure[0]
    peak = peak_rss_mb(server.process.pid) if exact else None
    _check_and_remove(server.root / "dl", size)
    return Run(elapsed, probe, before, peak, load, cpu)


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


def idle_probe(server: JupyterServer, seconds: float, every_s: float) -> Probe:
    """``/api/status`` answer times with no transfer running: what the machine's load alone
    costs, the floor for the figures measured during downloads."""
    done = threading.Event()
    timer = threading.Timer(seconds, done.set)
    timer.start()
    try:
        return asyncio.run(_probe_until(server, done, every_s))
    finally:
        timer.cancel()


# --- curl, the yardstick for one big file ------------------------------------------------


def curl_seconds(sandbox: RunningSandbox, token: str, perm_id: str, work: Path) -> float:
    """One curl process over one connection, every file of the data set written to disk
    beside the servers' roots (as the servers store theirs; ``/dev/null`` would flatter it)."""
    store = sandbox.data_dir / "store" / perm_id
    files = sorted(p.relative_to(store).as_posix() for p in store.rglob("*") if p.is_file())
    config = work / "curl.cfg"
    target = work / "curl-dl"
    with config.open("w") as out:
        for index, name in enumerate(files):
            quoted = urllib.parse.quote(name)
            out.write(
                f'url = "{sandbox.url}/datastore_server/{perm_id}/{quoted}?sessionID={token}"\n'
            )
            out.write(f'output = "{target / str(index)}"\n')
    target.mkdir()
    drop_page_cache([store])
    command = ["curl", "--silent", "--show-error", "--fail", "--cacert", str(sandbox.ca_cert)]
    start = time.perf_counter()
    subprocess.run([*command, "-K", str(config)], check=True)
    elapsed = time.perf_counter() - start
    shutil.rmtree(target)
    return elapsed


# --- the interleaved repetitions ---------------------------------------------------------


@dataclass
class Fixture:
    sandbox: RunningSandbox
    token: str
    perm_ids: dict[str, str]  # case -> permId
    sizes: dict[str, int]  # case -> bytes


def repetitions(
    servers: dict[str, JupyterServer], fixture: Fixture, args: argparse.Namespace, work: Path
) -> dict[tuple[str, str], list[Any]]:
    """``(case, contestant) -> [Run, ...]`` (curl: seconds), contestants interleaved.

    The order rotates every repetition, curl included, so that none of the three is
    always first or last (the machine's state drifts over a run)."""
    results: dict[tuple[str, str], list[Any]] = {}
    every_s = args.probe_ms / 1000
    contestants = [*servers, "curl"]
    for rep in range(args.repeat):
        shift = rep % len(contestants)
        order = contestants[shift:] + contestants[:shift]
        results.setdefault(("idle", "ours"), []).append(idle_probe(servers["ours"], 2.0, every_s))
        for case in ("many", "big"):
            for label in order:
                print(f"  repetition {rep + 1}: {case} via {label} ...", flush=True)
                if label == "curl":
                    run: Any = curl_seconds(
                        fixture.sandbox, fixture.token, fixture.perm_ids[case], work
                    )
                else:
                    run = measured_download(
                        servers[label],
                        fixture.sandbox,
                        fixture.perm_ids[case],
                        fixture.sizes[case],
                        every_s,
                    )
                results.setdefault((case, label), []).append(run)
    return results


def make_fixture(sandbox: RunningSandbox, args: argparse.Namespace, work: Path) -> Fixture:
    o = pybis_client(sandbox)
    print("creating the data sets through pybis ...", flush=True)
    sources = work / "sources"
    sources.mkdir()
    write_random_file(sources / "big.bin", args.big_mib * MIB)
    big_id = create_dataset(o, [sources / "big.bin"])
    many_id = create_dataset(o, [many_files(sources / "many", args.files, args.file_kib * 1024)])
    shutil.rmtree(sources)  # the sandbox has its own copies
    perm_ids = {"big": big_id, "many": many_id}
    sizes = {k: downloaded_bytes(sandbox.data_dir / "store" / p) for k, p in perm_ids.items()}
    return Fixture(sandbox, o.token, perm_ids, sizes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--big-mib", type=int, help="the one-file data set, MiB (1024)")
    parser.add_argument("--files", type=int, help="files in the many-file data set (2000)")
    parser.add_argument("--file-kib", type=int, default=10, help="size of each of those (10)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (at least 3)")
    parser.add_argument("--types", default="20x10", help="data-set types x properties (20x10)")
    parser.add_argument("--latency-ms", type=int, default=20, help="openBIS latency for types")
    parser.add_argument(
        "--probe-ms", type=float, default=100.0, help="/api/status probe interval (100)"
    )
    parser.add_argument("--port", type=int, default=0, help="sandbox port; Jupyter: +1, +2")
    parser.add_argument("--baseline-wheel", help=f"{BASELINE} wheel (default: pip download)")
    args = parser.parse_args(argv)
    args.big_mib = args.big_mib or (64 if args.quick else 1024)
    args.files = args.files or (200 if args.quick else 2000)
    args.repeat = max(3, args.repeat)
    if shutil.which("curl") is None:
        parser.error("curl is required")

    def port(offset: int) -> int:
        return args.port + offset if args.port else 0

    with tempfile.TemporaryDirectory(prefix="bridge-vs-baseline-") as tmp:
        work = Path(tmp)
        os.environ["HOME"] = str(work)  # pybis (ours and theirs) must not touch ~/.pybis
        package = fetch_baseline(work, args.baseline_wheel)
        with start_sandbox(work / "sandbox", seed=f"types:{args.types}", port=port(0)) as sandbox:
            fixture = make_fixture(sandbox, args, work)
            servers: dict[str, JupyterServer] = {}
            try:
                servers["anchor"] = start_baseline(work, sandbox, package, port(2))
                servers["ours"] = start_ours(work, sandbox, port(1))
                types = {}
                for label, server in servers.items():
                    set_faults(sandbox, fixture.token, [f"latency:ms={args.latency_ms}"])
                    try:
                        types[label] = types_time(server)
                    finally:
                        set_faults(sandbox, fixture.token, [])
                results = repetitions(servers, fixture, args, work)
                cache = drop_page_cache([])
            finally:
                for server in servers.values():
                    server.stop()
    print_report(results, types, fixture.sizes, args, cache)
    return 0


def spread(values: list[float], fmt: str) -> str:
    """``median (min-max)``."""
    return (
        f"{format(statistics.median(values), fmt)} "
        f"({format(min(values), fmt)}-{format(max(values), fmt)})"
    )


def print_report(
    results: dict[tuple[str, str], list[Any]],
    types: dict[str, tuple[float, int, int]],
    sizes: dict[str, int],
    args: argparse.Namespace,
    cache: str,
) -> None:
    mib = {case: size / MIB for case, size in sizes.items()}
    print(f"\n{args.repeat} interleaved repetitions; page cache emptied by {cache}")
    print(f"now: {load_text()}")
    labels = {"many": f"{args.files} x {args.file_kib} KiB", "big": f"{args.big_mib} MiB file"}
    print(
        f"\n{'case':<22}{'who':<8}{'seconds median (min-max)':<28}{'MiB/s median':>13}"
        f"{'status p99 ms (max)':>22}{'RSS MiB +peak':>16}{'CPU s':>9}  load at start"
    )
    for case in ("many", "big"):
        for who in ("anchor", "ours", "curl"):
            runs = results.get((case, who), [])
            if not runs:
                continue
            seconds = [r if isinstance(r, float) else r.seconds for r in runs]
            line = f"{labels[case]:<22}{who:<8}{spread(seconds, '.2f'):<28}"
            line += f"{mib[case] / statistics.median(seconds):>13.1f}"
            if who != "curl":
                p99 = [r.probe.percentile(0.99) * 1000 for r in runs]
                worst = max(max(r.probe.latencies) * 1000 for r in runs)
                peaks = [r.rss_peak_mb - r.rss_before_mb for r in runs if r.rss_peak_mb]
                line += f"{statistics.median(p99):>14.1f} ({worst:.0f})"
                line += (
                    f"{runs[0].rss_before_mb:>10.0f} +{max(peaks) if peaks else float('nan'):.0f}"
                )
                line += f"{statistics.median(r.cpu_s for r in runs):>9.1f}"
                line += f"  {runs[0].load}"
            print(line)
    med = {
        k: statistics.median([r if isinstance(r, float) else r.seconds for r in v])
        for k, v in results.items()
        if k[0] != "idle"
    }
    idle = statistics.median(p.percentile(0.99) * 1000 for p in results[("idle", "ours")])
    print(f"\n/api/status p99 with no transfer (ours, the load's own cost): {idle:.1f} ms")
    print("\ntargets (medians):")
    small = med[("many", "ours")] / med[("many", "anchor")]
    print(f"  small files ours/anchor time   {small:.2f}   (target <= 0.33)")
    cpu = {
        who: statistics.median(r.cpu_s for r in results[("many", who)])
        for who in ("ours", "anchor")
    }
    print(
        f"  small files ours/anchor CPU     {cpu['ours'] / cpu['anchor']:.2f}   "
        "(Jupyter server + sandbox CPU seconds: what the load does not inflate)"
    )
    big = med[("big", "curl")] / med[("big", "ours")]
    print(f"  {args.big_mib} MiB ours/curl speed    {big:.2f}   (target >= 0.95)")
    for case in ("many", "big"):
        p99 = statistics.median([r.probe.percentile(0.99) * 1000 for r in results[(case, "ours")]])
        print(f"  status p99 during {case:<5} (ours)  {p99:.1f} ms (target < 20 ms)")
        growth = [r.rss_peak_mb - r.rss_before_mb for r in results[(case, "ours")] if r.rss_peak_mb]
        if growth:
            print(
                f"  peak RSS growth {case:<5} (ours)    +{max(growth):.0f} MiB (target <= +30 MiB)"
            )
    for label, (seconds, count, assignments) in types.items():
        print(
            f"  data-set types {args.types}, +{args.latency_ms} ms/request, {label}: "
            f"{seconds * 1000:.0f} ms cold ({count} types, {assignments} assignments)"
        )


if __name__ == "__main__":
    sys.exit(main())
