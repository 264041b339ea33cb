"""Ten users log in, spawn and download at once on one JupyterHub (on demand, as root).

    python benchmarks/hub_load.py              # 10 users
    python benchmarks/hub_load.py --users 4

The same hub as ``tests/hub`` (openBIS's authenticator as shipped, LocalProcessSpawner, one OS
user each, created and removed here; ports 18120-18122). Every user, in its own thread and at
the same moment: the hub's login form with the openBIS password, spawn, wait until the
extension's connection listing (``live=false``, the toolbar's first question) says connected,
download one data set through the extension. Prints time-to-connected and the download time per
user, the hub's, the proxy's and each server's resident memory, and exits non-zero if any user
failed.
"""

from __future__ import annotations

import argparse
import pwd
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.hub.browser import CONNECTION, Browser  # noqa: E402
from tests.hub.hubenv import Hub, HubPorts, pids_of, running_hub  # noqa: E402

CSV = "20250123080000000-19"  # the demo seed's RAW_DATA with original/data.csv


@dataclass
class Outcome:
    name: str
    connected_s: float = 0.0
    download_s: float = 0.0
    error: str | None = None


def one_user(hub: Hub, name: str, start: threading.Barrier) -> Outcome:
    outcome = Outcome(name)
    browser = Browser(hub, name)
    start.wait()
    began = time.monotonic()
    try:
        assert browser.login().status_code == 200, "hub login failed"
        browser.spawn()
        conn = browser.connection(live=False)
        assert conn["status"] == "connected", conn
        outcome.connected_s = time.monotonic() - began
        began = time.monotonic()
        assert browser.api("PUT", "api/contents/work", body={"type": "directory"}).ok
        reply = browser.api(
            "POST",
            f"openbis-bridge/connections/{CONNECTION}/downloads",
            body={"permIds": [CSV], "destination": "work/data"},
        )
        assert reply.status_code == 202, reply.text[:300]
        job = browser.wait_job(reply.json()["id"])
        assert job["state"] == "succeeded", job
        outcome.download_s = time.monotonic() - began
    except AssertionError as exc:
        outcome.error = str(exc)[:300]
    return outcome


def rss_mib(pids: list[int]) -> float:
    total_kib = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total_kib / 1024


def proxy_pids() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"configurable-http-proxy" in cmdline and b"18121" in cmdline:
                found.append(int(entry.name))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--users", type=int, default=10)
    args = parser.parse_args()
    users = {f"obload-{i:02d}": f"pw-{i:02d}-load" for i in range(args.users)}
    ports = HubPorts(public=18120, proxy_api=18121, hub=18122)
    with running_hub(users, ports) as hub:
        start = threading.Barrier(len(users))
        with ThreadPoolExecutor(len(users)) as pool:
            outcomes = list(pool.map(lambda name: one_user(hub, name, start), users))
        print(f"{'user':<12} {'connected s':>12} {'download s':>11} {'server RSS MiB':>15}")
        for outcome in outcomes:
            server = rss_mib(pids_of(pwd.getpwnam(outcome.name).pw_uid))
            status = f"FAILED: {outcome.error}" if outcome.error else ""
            print(
                f"{outcome.name:<12} {outcome.connected_s:>12.1f} {outcome.download_s:>11.2f} "
                f"{server:>15.0f} {status}"
            )
        ok = [o for o in outcomes if o.error is None]
        assert hub.process is not None
        print(
            f"hub RSS: {rss_mib([hub.process.pid]):.0f} MiB, proxy RSS: {rss_mib(proxy_pids()):.0f} MiB"
        )
        if ok:
            times = [o.connected_s for o in ok]
            print(
                f"time to connected: median {statistics.median(times):.1f} s, "
                f"max {max(times):.1f} s; {len(ok)}/{len(outcomes)} users succeeded"
            )
    return 0 if len(ok) == len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
