"""A healthy connection's browse latency while another connection's openBIS hangs (on demand).

    python benchmarks/bulkhead.py               # 3 runs with per-connection lanes
    python benchmarks/bulkhead.py --compare     # plus 1 run with lanes off (slow: minutes)

Starts two openBIS sandboxes and drives the bridge's service facade (the layer every
REST handler calls) directly. One sandbox answers every ``searchSpaces`` after
``--latency-ms`` (2 s, as in issue #11); ``--backlog`` browse calls to it are kept in
flight the whole time. Meanwhile the healthy connection's spaces are listed
``--samples`` times, one after the other. Prints p50/p99 per run and the medians over
the runs, beside the figure measured before the bulkhead (33.5 s for one call while
20 calls hung on a 2 s openBIS). Exits non-zero when the median p99 is 100 ms or more.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

from jupyterlab_openbis_bridge.profiles import Profile
from jupyterlab_openbis_bridge.server.connections import ConnectionRegistry
from jupyterlab_openbis_bridge.server.service import BridgeService
from jupyterlab_openbis_bridge.server.settings import BridgeSettings
from openbis_sandbox.testing import RunningSandbox, pybis_client, start_sandbox

BEFORE_THE_BULKHEAD_S = 33.5
TARGET_P99_S = 0.100


def set_faults(sandbox: RunningSandbox, *specs: str) -> None:
    reply = requests.post(
        sandbox.url + "/sandbox/admin/faults",
        json={"faults": list(specs)},
        headers={"X-Openbis-Token": pybis_client(sandbox).token},
        verify=str(sandbox.ca_cert),
        timeout=60,
    )
    reply.raise_for_status()


def service_for(
    healthy: RunningSandbox, slow: RunningSandbox, lanes: int, root: Path
) -> BridgeService:
    settings = BridgeSettings(
        root_dir=root,
        allow_hidden=False,
        request_timeout=60.0,
        status_timeout=5.0,
        lock_timeout=60.0,
        call_workers=4,
        transfer_workers=3,
        masterdata_ttl=300.0,
        download_folder="data",
        keep_original_folder=False,
        upload_chunk_bytes=10 * 1024 * 1024,
        max_upload_files=100,
        default_dataset_type="ANALYSIS_NOTEBOOK",
        connection_workers=lanes,
    )
    registry = ConnectionRegistry(request_timeout=60.0, lock_timeout=60.0, profile_path=None)
    for name, sandbox in (("healthy", healthy), ("slow", slow)):
        registry.add(Profile(name=name, url=sandbox.url, ca_bundle=str(sandbox.ca_cert)))
    return BridgeService(settings, registry)


async def one_run(service: BridgeService, backlog: int, samples: int) -> list[float]:
    credentials = {"username": "admin", "password": "changeit"}
    await service.login("healthy", credentials)
    await service.login("slow", credentials)
    await service.spaces("healthy", 0, 50)  # warm: the first call fetches server information
    stop = asyncio.Event()

    async def keep_slow_busy() -> None:
        while not stop.is_set():
            try:
                await service.spaces("slow", 0, 50)
            except Exception:  # noqa: BLE001 - a refused or timed-out call is still load
                await asyncio.sleep(0.01)

    load = [asyncio.ensure_future(keep_slow_busy()) for _ in range(backlog)]
    await asyncio.sleep(0.5)  # let the backlog reach openBIS (a benchmark, not a test)
    durations = []
    for _ in range(samples):
        start = time.perf_counter()
        await service.spaces("healthy", 0, 50)
        durations.append(time.perf_counter() - start)
    stop.set()
    for task in load:
        task.cancel()
    await asyncio.gather(*load, return_exceptions=True)
    return durations


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(healthy, slow, lanes: int, runs: int, args, root: Path) -> tuple[float, float]:
    p50s, p99s = [], []
    for number in range(1, runs + 1):
        service = service_for(healthy, slow, lanes, root)
        try:
            durations = asyncio.run(one_run(service, args.backlog, args.samples))
        finally:
            service.shutdown()
        p50, p99 = percentile(durations, 0.5), percentile(durations, 0.99)
        p50s.append(p50)
        p99s.append(p99)
        label = f"lanes={lanes}" if lanes else "lanes off"
        print(f"  run {number} ({label}): p50 {p50 * 1000:8.1f} ms   p99 {p99 * 1000:8.1f} ms")
    return statistics.median(p50s), statistics.median(p99s)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--backlog", type=int, default=20)
    parser.add_argument("--latency-ms", type=int, default=2000)
    parser.add_argument("--compare", action="store_true", help="also run with lanes off")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bulkhead-") as tmp:
        root = Path(tmp)
        healthy = start_sandbox(root / "healthy", seed="empty")
        slow = start_sandbox(root / "slow", seed="empty")
        try:
            set_faults(slow, f"latency:ms={args.latency_ms},on=searchSpaces")
            print(
                f"healthy browse while {args.backlog} calls wait on an openBIS answering "
                f"in {args.latency_ms} ms ({args.samples} samples per run)"
            )
            p50, p99 = measure(healthy, slow, 2, args.runs, args, root)
            if args.compare:
                samples = args.samples
                args.samples = 3  # each takes tens of seconds without lanes
                off_p50, off_p99 = measure(healthy, slow, 0, 1, args, root)
                args.samples = samples
        finally:
            healthy.stop()
            slow.stop()
    print(f"median over {args.runs} runs:  p50 {p50 * 1000:.1f} ms   p99 {p99 * 1000:.1f} ms")
    if args.compare:
        print(f"lanes off (same machine):  p50 {off_p50:.1f} s   p99 {off_p99:.1f} s")
    print(f"before the bulkhead (issue #11): {BEFORE_THE_BULKHEAD_S} s for one call")
    ok = p99 < TARGET_P99_S
    print(f"target p99 < {TARGET_P99_S * 1000:.0f} ms: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
